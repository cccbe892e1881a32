#!/bin/bash
# /tmp/final.jar = commit 5e784a3's build (Java 25, bin/trainyard's 10-ms G1 goal; JAVA_OPTS passes 200 back for
# the default-goal servers). Batched and unbatched servers interleaved at 64 connections, two rounds.
cd /work/main
run() { local name=$1 b=$2 goal=$3; mkdir -p /tmp/offab/$name
  JAR=/tmp/final.jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=/tmp/offab/$name MVN_FLAGS=-o JAVA_OPTS="-XX:MaxGCPauseMillis=$goal" bench/inference/run.sh > /tmp/offab/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' /tmp/offab/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' /tmp/offab/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for r in 1 2; do run r$r-off-200 false 200; run r$r-off-10 false 10; run r$r-on-10 true 10; done
