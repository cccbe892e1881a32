#!/usr/bin/env bash
cd "$(dirname "$0")/../../../.." && mkdir -p "${OUT:-/tmp/qd}"
for round in 1 2; do for s in d500 d100 d0; do
  case $s in d500) o="";; d100) o="--trainyard.inference.max-queue-delay=PT0.0001S";; d0) o="--trainyard.inference.max-queue-delay=PT0S";; esac
  OUT_DIR=${OUT:-/tmp/qd}/m-$s-r$round JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} SERVER_OPTS="$o" BATCHING="true" CONNECTIONS="64" HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > ${OUT:-/tmp/qd}/m-$s-r$round.md 2>${OUT:-/tmp/qd}/m-$s-r$round.err
  echo "== $s r$round"; grep -h Requests/sec ${OUT:-/tmp/qd}/m-$s-r$round/predict-*run*.txt; grep -h "99%" ${OUT:-/tmp/qd}/m-$s-r$round/predict-*run*.txt
done; done
