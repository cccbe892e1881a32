#!/usr/bin/env bash
# CPU per 22.4 MB (the MLP checkpoint's size) of SHA-256 and of the service's BLAKE3 (16 lanes and one compression
# at a time): io.trainyard.storage.ChecksumSpeedBench, twice. Usage: bench/experiments/checkpoint-digest/blake3.sh
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
for i in 1 2; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$cp" io.trainyard.storage.ChecksumSpeedBench 2>/dev/null
done
