#!/usr/bin/env bash
# What a checkpoint costs the MLP training beside it, with the filesystem store writing past the page cache and
# through it (io.trainyard.training.CheckpointWriteBench beside-training; its javadoc has the method), ROUNDS rounds,
# twice. Usage: bench/experiments/checkpoint-cost/run.sh [ROUNDS (24)]   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
for i in 1 2; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$cp" \
    io.trainyard.training.CheckpointWriteBench bench/specs beside-training "${1:-24}" target/ckpt-cost 2>/dev/null | grep -E "segment"
done
