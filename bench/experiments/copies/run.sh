#!/usr/bin/env bash
# The two micro-measurements behind docs/performance.md's "Background checkpoints and bulk copies":
# checkpoint serialisation CPU (CheckpointCpu) and float copies into/out of ND4J (BulkCopyAB).
# Usage: bench/experiments/copies/run.sh   (after ./mvnw -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
out=target/copies && mkdir -p "$out"
cp="target/classes:$(cat target/bench-classpath.txt)"
javac -nowarn -d "$out" -cp "$cp" bench/experiments/copies/*.java
. bin/native-env.sh
java -cp "$out:$cp" CheckpointCpu 2>/dev/null | grep snapshot
java -cp "$out:$cp" io.trainyard.engine.BulkCopyAB 2>/dev/null | grep -E "equal|create:"
