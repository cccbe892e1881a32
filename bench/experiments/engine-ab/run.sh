#!/usr/bin/env bash
# The bare engine loop (BenchMain train ... engine) of two commits, interleaved: each commit is checked out into a
# worktree under target/engine-ab/ and compiled there, then the two builds' JVMs take turns, ROUNDS times. Prints
# each run's median epoch time over epochs 3 and later, and the epoch times.
# Usage: bench/experiments/engine-ab/run.sh OLD NEW [NETS (mlp:8192,cnn:3072)] [EPOCHS (8)] [ROUNDS (4)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
old=$1 new=$2 nets=${3:-mlp:8192,cnn:3072} epochs=${4:-8} rounds=${5:-4}
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
for c in "$old" "$new"; do
  dir="target/engine-ab/$c"
  if [ ! -d "$dir/target/test-classes" ]; then
    rm -rf "$dir"
    git worktree add -f -q "$dir" "$c"
    (cd "$dir" && ./mvnw -B -o -q -DskipTests test-compile)
  fi
done
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
n=$(echo "$nets" | tr ',' '\n' | sed 's/.*://' | sort -n | tail -1)
for round in $(seq 1 "$rounds"); do
  for c in "$old" "$new"; do
    dir="target/engine-ab/$c"
    "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$dir/target/test-classes:$dir/target/classes:$(cat target/bench-classpath.txt)" \
      io.trainyard.bench.BenchMain train bench/specs "$nets" "$epochs" "$n" engine 2>/dev/null | grep '"kind":"train"' \
      | python3 -c "
import json, statistics, sys
for line in sys.stdin:
    d = json.loads(line); s = d['epochSeconds'][2:]
    print('round $round', '$c', d['net'], 'median epoch %.3f s' % statistics.median(s), ' '.join('%.2f' % x for x in s))"
  done
done
