#!/usr/bin/env bash
# The bare engine loop with and without the launcher's G1 pause goal (-XX:MaxGCPauseMillis=10, which bin/trainyard sets
# for the inference p99), interleaved: ROUNDS rounds, the order alternating. Prints each run's median epoch time over
# epochs 3 and later. Usage: bench/experiments/gc-pause-goal/run.sh [NETS (mlp:8192,cnn:3072)] [EPOCHS (7)] [ROUNDS (3)]
# (after ./mvnw -DskipTests test-compile)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
nets=${1:-mlp:8192,cnn:3072} epochs=${2:-7} rounds=${3:-3}
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
n=$(echo "$nets" | tr ',' '\n' | sed 's/.*://' | sort -n | tail -1)
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order=("" "-XX:MaxGCPauseMillis=10"); else order=("-XX:MaxGCPauseMillis=10" ""); fi
  for flag in "${order[@]}"; do
    echo -n "round $round [${flag:-no pause goal}] "
    "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS $flag -cp "$cp" io.trainyard.bench.BenchMain train bench/specs "$nets" "$epochs" "$n" engine 2>/dev/null \
      | grep '"kind":"train"' | python3 -c "
import json, statistics, sys
for line in sys.stdin:
    d = json.loads(line); e = d['epochSeconds'][2:]
    print(d['net'], 'median %.3f s' % statistics.median(e), end='  ')
print()"
  done
done
