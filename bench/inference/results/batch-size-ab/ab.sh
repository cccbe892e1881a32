#!/usr/bin/env bash
# max-batch-size A/B: the batched server at 64 connections, one jar, two interleaved rounds, each size passed
# explicitly. First A/B: SIZES="64 32 16" (the jar of 46afcb3, output here); second: SIZES="48 32 24"
# OUT=$PWD/bench/inference/results/batch-size-ab/second (the jar of 04121bb). summary.txt has both. The recorded runs
# passed no option for their jar's default size (the same setting).
cd "$(dirname "$0")/../../../.." && mkdir -p "${OUT:-/tmp/bs}"
for round in 1 2; do for size in ${SIZES:-64 32 16}; do
  s=b$size
  OUT_DIR=${OUT:-/tmp/bs}/$s-r$round JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} \
    SERVER_OPTS="--trainyard.inference.max-batch-size=$size" BATCHING="true" CONNECTIONS="64" HEALTH=0 RUNS=2 \
    JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > ${OUT:-/tmp/bs}/$s-r$round.md 2>${OUT:-/tmp/bs}/$s-r$round.err
  echo "== $s r$round"; grep -h Requests/sec ${OUT:-/tmp/bs}/$s-r$round/predict-*run*.txt; grep -h "99%" ${OUT:-/tmp/bs}/$s-r$round/predict-*run*.txt
done; done
