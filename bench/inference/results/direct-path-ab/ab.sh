#!/bin/bash
# /tmp/old.jar = commit 77d267f's build (every predict request through Spring MVC's dispatch), /tmp/new.jar = the
# build with DirectPredictFilter (plain JSON predict requests answered past MVC's dispatch). Batched servers of both
# builds, interleaved at 64 connections, two rounds (old first in each); each server 60 s of JIT warm-up, then two
# 10-s runs. The same comparison in one jar: SERVER_OPTS=--trainyard.inference.direct-path=false for the old path.
cd "$(dirname "$0")/../../../.."
out=${OUT:-/tmp/directab}
run() { local name=$1 jar=$2 b=$3; mkdir -p $out/$name
  JAR=$jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60s OUT_DIR=$out/$name MVN_FLAGS=-o bench/inference/run.sh > $out/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' $out/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-old-on /tmp/old.jar true; run r$r-new-on /tmp/new.jar true; done
for r in 1 2; do run r$r-old-off /tmp/old.jar false; run r$r-new-off /tmp/new.jar false; done
