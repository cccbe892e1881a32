#!/usr/bin/env bash
# CPU per 22.4 MB (the MLP checkpoint's size) of SHA-256 and of the service's BLAKE3 (16 lanes and one compression
# at a time): io.trainyard.storage.ChecksumSpeedBench, twice; then, where Debian's b3sum is installed, its user time for
# 224 MB on one thread, three times, for scale. Usage: bench/experiments/checkpoint-digest/blake3.sh
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
for i in 1 2; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$cp" io.trainyard.storage.ChecksumSpeedBench 2>/dev/null
done
if command -v b3sum >/dev/null; then
  head -c 224000000 /dev/urandom > target/b3sum-input.bin
  for i in 1 2 3; do
    /usr/bin/time -f "b3sum --num-threads 1, 224 MB: %U s user, %e s wall" b3sum --num-threads 1 --no-names \
      target/b3sum-input.bin >/dev/null
  done
  rm -f target/b3sum-input.bin
fi
