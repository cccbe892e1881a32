#!/usr/bin/env bash
cd "$(dirname "$0")/../../../.." && mkdir -p "${OUT:-/tmp/qd}"
for round in 1 2; do for s in d500 d0; do
  case $s in d500) o="";; d0) o="--trainyard.inference.max-queue-delay=PT0S";; esac
  OUT_DIR=${OUT:-/tmp/qd}/n-$s-r$round JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} SERVER_OPTS="$o" BATCHING="true" CONNECTIONS="1 16 64" HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > ${OUT:-/tmp/qd}/n-$s-r$round.md 2>${OUT:-/tmp/qd}/n-$s-r$round.err
  echo "== $s r$round"; for c in 1 16 64; do echo "c$c $(grep -h 'Requests/sec' ${OUT:-/tmp/qd}/n-$s-r$round/predict-*-c$c-run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' ${OUT:-/tmp/qd}/n-$s-r$round/predict-*-c$c-run*.txt | awk '{print $2}' | tr '\n' ' ')"; done
done; done
