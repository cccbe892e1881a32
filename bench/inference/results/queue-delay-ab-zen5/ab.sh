#!/usr/bin/env bash
# max-queue-delay 500 us (default) against 100 us and 0, with max-batch-size 32 (default), batched server at
# 64 connections, one jar, two interleaved rounds. OUT=$PWD/bench/inference/results/queue-delay-ab-zen5
cd "$(dirname "$0")/../../../.." && mkdir -p "${OUT:-/tmp/qd}"
for round in 1 2; do for delay in 500 100 0; do
  s=d$delay
  OUT_DIR=${OUT:-/tmp/qd}/$s-r$round JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} \
    SERVER_OPTS="--trainyard.inference.max-queue-delay=${delay}us" BATCHING="true" CONNECTIONS="64" HEALTH=0 RUNS=2 \
    JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > ${OUT:-/tmp/qd}/$s-r$round.md 2>${OUT:-/tmp/qd}/$s-r$round.err
  echo "== $s r$round"; grep -h Requests/sec ${OUT:-/tmp/qd}/$s-r$round/predict-*run*.txt; grep -h "99%" ${OUT:-/tmp/qd}/$s-r$round/predict-*run*.txt
done; done
