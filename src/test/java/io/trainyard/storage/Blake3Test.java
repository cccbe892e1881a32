package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BLAKE3 against known answers, with and without the vector lanes, whole and in pieces. The input is the test
 * vectors' pattern (byte i is i mod 251). Up to 102,400 bytes the answers are the BLAKE3 team's
 * (test_vectors/test_vectors.json, the first 32 bytes of "hash"); the longer ones, which take the lanes' 256-chunk
 * subtrees, are b3sum 1.2.0's (Debian's package) over the same pattern, e.g. for 262,145 bytes:
 * {@code python3 -c "import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(262145)))" | b3sum}.
 */
class Blake3Test {

    private static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    private static String hash(Supplier<Blake3> hasher, byte[] data, int piece) {
        Blake3 blake3 = hasher.get();
        for (int off = 0; off < data.length; off += piece) {
            blake3.update(data, off, Math.min(piece, data.length - off));
        }
        return HexFormat.of().formatHex(blake3.digest());
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({
            "0, af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
            "1, 2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
            "1023, 10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
            "1024, 42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
            "1025, d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
            "2049, 5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
            "3073, 7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
            "8192, aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63",
            "8193, bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
            "16384, f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4",
            "31744, 62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
            "102400, bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
            "262144, d57dc906e20d3fd326ffaa85535500486f46a0979f5a323f028dcabfd381fd4a",
            "262145, 531c319935cf78f34869faebd865e5748266b1799039103bfb851a680d9ed30c",
            "1048593, 3d54bb0bda4e08dd512d5a9b0651535ebd69de2aec4216ff1ce9dda252184296",
            "4195304, 485e9cd8961aa7047101a4d572507e416a63b0b0a5b1b8cf1498c286334d1da2",
    })
    void hashesMatchTheKnownAnswers(int length, String expected) {
        byte[] data = pattern(length);
        int whole = Math.max(1, length);

        assertThat(hash(() -> new Blake3(null), data, whole)).as("one compression at a time").isEqualTo(expected);
        assertThat(hash(() -> new Blake3(null), data, 1000)).as("in 1,000-byte pieces").isEqualTo(expected);
        if (Blake3Kernel.available()) {
            assertThat(hash(Blake3::new, data, whole)).as("with the vector lanes").isEqualTo(expected);
            assertThat(hash(Blake3::new, data, 65_536)).as("lanes, 64 KB pieces").isEqualTo(expected);
            assertThat(hash(Blake3::new, data, 4_099)).as("lanes, 4,099-byte pieces").isEqualTo(expected);
        }
    }

    @Test
    void aCheckpointSizedInputMatchesB3sum() {
        byte[] data = pattern(22_400_000);

        String expected = "949cfb42a3b14c7b79dbb37ae0022f44a74bb4acf9e41d1db59d82fee2de0c4c";
        assertThat(hash(() -> new Blake3(null), data, 1 << 20)).isEqualTo(expected);
        assertThat(hash(Blake3::new, data, 1 << 20)).isEqualTo(expected);
    }

    /** Around every boundary the lanes treat specially: 16-chunk groups, 256-chunk subtrees, the last chunk. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {16_383, 16_384, 16_385, 17_408, 32_768, 245_760, 261_120, 262_143, 262_144, 262_145,
            278_528, 524_288, 524_289, 786_433, 2_621_441})
    void theLanesAgreeWithOneCompressionAtATimeOnRandomBytes(int length) {
        assumeTrue(Blake3Kernel.available(), "no vector lanes on this JVM: " + Blake3Kernel.describe());
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);

        String scalar = hash(() -> new Blake3(null), data, Math.max(1, length));
        assertThat(hash(Blake3::new, data, Math.max(1, length))).isEqualTo(scalar);
        assertThat(hash(Blake3::new, data, 16_384)).isEqualTo(scalar);
        data[length / 2] ^= 1;
        assertThat(hash(Blake3::new, data, Math.max(1, length))).isNotEqualTo(scalar);
    }

    @Test
    void thisMachineHashesWithTheLanesWhereItHasAvx512() throws Exception {
        // The test JVMs add jdk.incubator.vector on Java 25 (pom.xml); AVX-512 then means 16 int lanes.
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Runtime.version().feature() >= 25 && Files.isReadable(cpuinfo)
                && Files.readString(cpuinfo).contains(" avx512f "), "not an AVX-512 machine on Java 25");
        assertThat(Blake3Kernel.available()).as(Blake3Kernel.describe()).isTrue();
        assertThat(Checksum.Algorithm.forCheckpoints()).isEqualTo(Checksum.Algorithm.BLAKE3);
    }

    @Test
    void theWarmUpHashesUntilStoppedAndOnlyWhereCheckpointsUseBlake3() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        int megabytes = Checksum.warmUpForCheckpoints(() -> asked.incrementAndGet() > 2);

        boolean blake3 = Checksum.Algorithm.forCheckpoints() == Checksum.Algorithm.BLAKE3;
        assertThat(megabytes).isEqualTo(blake3 ? 8 : 0);
    }
}
