#!/usr/bin/env bash
# The bare engine loop (BenchMain train ... engine) and PyTorch's (bench/torch_bench.py) on the benchmark's MLP and
# the same random data, taking turns ROUNDS times, each EPOCHS epochs; prints each run's median epoch over epochs 2
# and later and the epochs themselves (docs/performance.md, "Zen 3 (fourth)"). Same native settings as bench/run.
# Usage: bench/experiments/engine-vs-torch/run.sh [ROUNDS (3)] [EPOCHS (6)] [N (12288)]   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
rounds=${1:-3} epochs=${2:-6} n=${3:-12288}
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
"$TRAINYARD_JAVA" -cp "$cp" io.trainyard.bench.BenchMain data "$data" "$n" 64 32 2>/dev/null
summary='
import json, statistics, sys
for line in sys.stdin:
    d = json.loads(line); s = d["epochSeconds"][1:]
    print("%-7s median epoch %.3f s:" % (sys.argv[1], statistics.median(s)), " ".join("%.3f" % x for x in s))'
for round in $(seq 1 "$rounds"); do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$cp" io.trainyard.bench.BenchMain train bench/specs "mlp:$n" "$epochs" "$n" engine \
    2>/dev/null | grep '"kind":"train"' | python3 -c "$summary" engine
  MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456 /usr/bin/python3 bench/torch_bench.py "$data" mlp "$epochs" 2 \
    2>&1 | grep '"kind"' | python3 -c "$summary" pytorch
done
