#!/bin/bash
# Java 17 (/usr/bin/java) against Temurin 25, and 25 with Tomcat on virtual threads: the same jar (/tmp/base.jar =
# commit 4e81c72's build), each server 60 s of JIT warm-up at 64 connections, then two 10-s runs. Run from the
# repository root; bench/inference/run.sh then started servers with `java` from the PATH (before bin/java-env.sh).
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
