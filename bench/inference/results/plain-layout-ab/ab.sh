#!/bin/bash
# /tmp/old.jar = commit f9ff9da's build (served layers through oneDNN's matmul at 2 to 64 rows even where oneDNN keeps
# the weights in a plain layout, as on AVX2), /tmp/new.jar = the next commit's (there only up to 16 rows; larger
# batches through OpenBLAS). Batched servers of both builds, interleaved at 64 connections, two rounds; each server
# 60 s of JIT warm-up, then two 10-s runs. In the recorded run at 64 connections /tmp/new.jar took batches of up to
# 16 rows through oneDNN; at 16 connections (CONNECTIONS=16 SUFFIX=-c16, batches of 8 to 16 rows) it was the final
# build, up to 12. Both send 32-row batches to OpenBLAS. limit24/: the same at 16 connections with /tmp/new.jar built
# with MAX_ROWS_PLAIN = 24 (OUT=$PWD/bench/inference/results/plain-layout-ab/limit24 CONNECTIONS=16 SUFFIX=-c16).
cd "$(dirname "$0")/../../../.."
out=${OUT:-$PWD/bench/inference/results/plain-layout-ab}
run() { local name=$1 jar=$2 b=$3; mkdir -p $out/$name
  JAR=$jar BATCHING=$b CONNECTIONS=${CONNECTIONS:-64} HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=$out/$name MVN_FLAGS=-o bench/inference/run.sh > $out/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-new-on$SUFFIX /tmp/new.jar true; run r$r-old-on$SUFFIX /tmp/old.jar true; done
