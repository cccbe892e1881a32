#!/usr/bin/env bash
# Two environment settings for the bare engine loop (BenchMain train ... engine), taking turns ROUNDS times; prints
# each run's median and mean epoch over epochs 4 and later, and those epochs (docs/performance.md, "Zen 3 (fourth)").
# Usage: bench/experiments/env-ab/run.sh ROUNDS NET:N EPOCHS "ENV=... A" "ENV=... B"
#   e.g. 3 mlp:12288 10 OPENBLAS_THREAD_TIMEOUT=23 OPENBLAS_THREAD_TIMEOUT=4   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../engine-env.sh"
for round in $(seq 1 "$1"); do
  for setting in "$4" "$5"; do
    env $setting "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$cp" io.trainyard.bench.BenchMain train bench/specs "$2" "$3" "${2#*:}" engine \
      2>/dev/null | grep '"kind":"train"' | python3 -c "
import json, statistics, sys
for line in sys.stdin:
    d = json.loads(line); s = d['epochSeconds'][3:]
    print('round $round [$setting]', d['net'], 'median epoch %.3f s, mean %.3f s:' % (statistics.median(s), statistics.mean(s)),
          ' '.join('%.2f' % x for x in s))"
  done
done
