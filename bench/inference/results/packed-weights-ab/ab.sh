#!/bin/bash
# /tmp/old.jar = commit ad337f4's build (every served product through OpenBLAS), /tmp/new.jar = commit 5f8fc8d's
# (served dense and output layers through oneDNN's matmul over weights packed once, DnnlServingProduct). Batched
# servers of both builds, interleaved at 64 connections, two rounds; each server 60 s of JIT warm-up, then two 10-s
# runs. Unbatched servers are not compared: their one-row products still go to sgemv.
cd "$(dirname "$0")/../../../.."
out=${OUT:-/tmp/packedab}
run() { local name=$1 jar=$2 b=$3; mkdir -p $out/$name
  JAR=$jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=$out/$name MVN_FLAGS=-o bench/inference/run.sh > $out/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-new-on /tmp/new.jar true; run r$r-old-on /tmp/old.jar true; done
