#!/bin/bash
# /tmp/old.jar = commit 7ac819e's build (dense layers through ND4J's mmuli), /tmp/new.jar = commit 72c9a80's build
# (engine/Gemm: cblas_sgemm). Batched servers of both builds and the new build's unbatched server, interleaved at
# 64 connections, two rounds; each server 60 s of JIT warm-up, then two 10-s runs.
cd /work/main
out=${OUT:-/tmp/gemmab}
run() { local name=$1 jar=$2 b=$3; mkdir -p $out/$name
  JAR=$jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=$out/$name MVN_FLAGS=-o bench/inference/run.sh > $out/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-new-on /tmp/new.jar true; run r$r-new-off /tmp/new.jar false; run r$r-old-on /tmp/old.jar true; done
# Then the old build's unbatched server, two runs (added after the rounds above: the new build's unbatched figure
# was lower than the old one's, so the baseline of the ratio had to be checked).
for r in 1 2; do run r$r-old-off /tmp/old.jar false; done
# Then /tmp/gemv.jar (one-row products through cblas_sgemv, the fix for that) against the old build, unbatched.
for r in 3 4; do run r$r-gemv-off /tmp/gemv.jar false; run r$r-old-off /tmp/old.jar false; done
