#!/usr/bin/env bash
# What a checkpoint costs the MLP training beside it, checked with BLAKE3 (the service's on AVX-512) and with
# SHA-256, the store writing past the page cache: io.trainyard.training.CheckpointWriteBench beside-training with
# -Dbench.kinds=PAST_PAGE_CACHE,PAST_PAGE_CACHE_SHA256, ROUNDS rounds, twice.
# Usage: bench/experiments/checkpoint-cost/blake3-ab.sh [ROUNDS (40)]   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
for i in 1 2; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -Dbench.kinds=PAST_PAGE_CACHE,PAST_PAGE_CACHE_SHA256 -cp "$cp" \
    io.trainyard.training.CheckpointWriteBench bench/specs beside-training "${1:-40}" target/ckpt-cost 2>/dev/null \
    | grep -E "segment|checksum"
done
