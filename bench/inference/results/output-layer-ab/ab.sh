#!/bin/bash
# /tmp/old.jar = commit 9ca9407's build (the output layer's product through ND4J's mmuli), /tmp/new.jar = this
# session's build (LeanOutputLayer: through engine/Gemm). Batched and unbatched servers of both builds, interleaved at
# 64 connections, two rounds; each server 60 s of JIT warm-up, then two 10-s runs.
cd "$(dirname "$0")/../../../.."
out=${OUT:-/tmp/outputab}
run() { local name=$1 jar=$2 b=$3; mkdir -p $out/$name
  JAR=$jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=$out/$name MVN_FLAGS=-o bench/inference/run.sh > $out/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-new-on /tmp/new.jar true; run r$r-old-on /tmp/old.jar true; run r$r-new-off /tmp/new.jar false; run r$r-old-off /tmp/old.jar false; done
