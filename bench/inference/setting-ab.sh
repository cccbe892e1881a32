#!/usr/bin/env bash
# One service setting at several values: the batched server at 64 connections, one jar, two interleaved rounds of
# two 10-s runs per value after 60 s of JIT warm-up (bench/inference/run.sh with BATCHING=true CONNECTIONS=64 HEALTH=0).
# Usage: OUT=<folder> [JAR=<a build's jar>] [PREFIX=v] [UNIT=] bench/inference/setting-ab.sh PROPERTY VALUE...
#   passes --trainyard.inference.PROPERTY=VALUE$UNIT; each run's output goes to $OUT/$PREFIX$VALUE-r$ROUND/.
# The recorded A/Bs (their summary.txt beside the output):
#   OUT=$PWD/bench/inference/results/batch-size-ab PREFIX=b bench/inference/setting-ab.sh max-batch-size 64 32 16
#   OUT=$PWD/bench/inference/results/batch-size-ab/second PREFIX=b bench/inference/setting-ab.sh max-batch-size 48 32 24
#   OUT=$PWD/bench/inference/results/queue-delay-ab-zen5 PREFIX=d UNIT=us bench/inference/setting-ab.sh max-queue-delay 500 100 0
# (the recorded runs passed no option for their jar's default value: the same setting).
cd "$(dirname "$0")/../.." && mkdir -p "${OUT:=/tmp/setting-ab}"
property=$1
shift
for round in 1 2; do for value in "$@"; do
  s=${PREFIX:-v}$value-r$round
  OUT_DIR=$OUT/$s JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} \
    SERVER_OPTS="--trainyard.inference.$property=$value${UNIT:-}" BATCHING="true" CONNECTIONS="64" HEALTH=0 RUNS=2 \
    JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > "$OUT/$s.md" 2> "$OUT/$s.err"
  echo "== $s"; grep -h Requests/sec "$OUT/$s"/predict-*run*.txt; grep -h "99%" "$OUT/$s"/predict-*run*.txt
done; done
