#!/usr/bin/env bash
# A/B: DL4J's LSTM layer vs a SameDiffLayer around libnd4j's fused lstmLayer op (docs/performance.md).
# Usage: bench/experiments/fused-lstm/run.sh [modes, default lstm,fused,lstm,fused] [epochs, default 4]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
out=target/fused-lstm && mkdir -p "$out"
cp="$(cat target/bench-classpath.txt)"
javac -nowarn -d "$out" -cp "$cp" bench/experiments/fused-lstm/*.java
. bin/native-env.sh
java -cp "$out:$cp" FusedLstmAB "${1:-lstm,fused,lstm,fused}" "${2:-4}" 2>/dev/null | grep epoch
