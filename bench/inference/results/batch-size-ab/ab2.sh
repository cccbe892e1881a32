#!/usr/bin/env bash
# max-batch-size 32 (default) against 48 and 24, batched server at 64 connections, one jar, two interleaved rounds.
# Run as OUT=$PWD/bench/inference/results/batch-size-ab/second bench/inference/results/batch-size-ab/ab2.sh
cd "$(dirname "$0")/../../../.." && mkdir -p "${OUT:-/tmp/bs}"
for round in 1 2; do for s in b48 b32 b24; do
  case $s in b48) o="--trainyard.inference.max-batch-size=48";; b32) o="";; b24) o="--trainyard.inference.max-batch-size=24";; esac
  OUT_DIR=${OUT:-/tmp/bs}/$s-r$round JAR=${JAR:-target/trainyard-0.1.0-SNAPSHOT.jar} SERVER_OPTS="$o" BATCHING="true" CONNECTIONS="64" HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh > ${OUT:-/tmp/bs}/$s-r$round.md 2>${OUT:-/tmp/bs}/$s-r$round.err
  echo "== $s r$round"; grep -h Requests/sec ${OUT:-/tmp/bs}/$s-r$round/predict-*run*.txt; grep -h "99%" ${OUT:-/tmp/bs}/$s-r$round/predict-*run*.txt
done; done
