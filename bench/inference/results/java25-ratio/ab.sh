#!/bin/bash
# /tmp/j25.jar = commit d817b3c's build (Java 25 through bin/java-env.sh, G1's default pause goal).
# Same build, Java 25 (bin/java-env.sh), batched and unbatched servers interleaved at 64 connections.
cd /work/main
run() { local name=$1 b=$2; mkdir -p /tmp/ratio/$name
  JAR=/tmp/j25.jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=/tmp/ratio/$name MVN_FLAGS=-o bench/inference/run.sh > /tmp/ratio/$name/log 2>&1
  echo "$name: $(grep -h 'Requests/sec' /tmp/ratio/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ') p99 $(grep -h ' 99%' /tmp/ratio/$name/predict-*run*.txt | awk '{print $2}' | tr '\n' ' ')"; }
for round in 1 2; do run r$round-off false; run r$round-on true; done
