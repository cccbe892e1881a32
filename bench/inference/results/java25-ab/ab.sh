#!/bin/bash
cd /work/main
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin
run() { # name path batching opts
  local name=$1 p=$2 b=$3 opts=$4
  mkdir -p /tmp/vt/$name
  PATH=$p:$PATH JAR=/tmp/base.jar BATCHING=$b CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60 OUT_DIR=/tmp/vt/$name MVN_FLAGS=-o SERVER_OPTS="$opts" bench/inference/run.sh > /tmp/vt/$name/log 2>&1
  echo "$name: $(grep 'predict' /tmp/vt/$name/log | tail -1)"
}
for round in 1 2; do
run r$round-j17 /usr/bin true ""
run r$round-j25vt $J25 true "--spring.threads.virtual.enabled=true"
run r$round-j25 $J25 true ""
done
run j25vt-off $J25 false "--spring.threads.virtual.enabled=true"
run j17-off /usr/bin false ""
