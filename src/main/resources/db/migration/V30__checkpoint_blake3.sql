-- Owned by: checkpoints (V30-V39). A checkpoint is checked with BLAKE3 where the writer hashes it faster than SHA-256
-- (storage.Checksum.Algorithm.forCheckpoints); each row holds the one checksum its writer computed.
ALTER TABLE checkpoints ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE checkpoints ADD COLUMN blake3 CHAR(64);
ALTER TABLE checkpoints ADD CONSTRAINT checkpoints_one_checksum CHECK ((sha256 IS NULL) <> (blake3 IS NULL));
