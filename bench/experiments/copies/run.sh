#!/usr/bin/env bash
# The two micro-measurements behind docs/performance.md's "Background checkpoints and bulk copies":
# checkpoint serialisation CPU (CheckpointCpu) and float copies into/out of ND4J (BulkCopyAB).
# Usage: bench/experiments/copies/run.sh   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
. bin/native-env.sh
java -cp "$out:$cp" CheckpointCpu 2>/dev/null | grep snapshot
java -cp "$out:$cp" io.trainyard.engine.BulkCopyAB 2>/dev/null | grep -E "equal|create:"
