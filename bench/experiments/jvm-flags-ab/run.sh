#!/usr/bin/env bash
# Two sets of JVM flags or environment settings for the bare engine loop (BenchMain train ... engine), taking turns
# ROUNDS times, with layer-times' probes when target/layer-times holds its build (bench/experiments/layer-times/run.sh
# first), else plain epoch times. docs/performance.md, "The MLP's step against PyTorch's", "Tried and not kept".
# Usage: bench/experiments/jvm-flags-ab/run.sh ROUNDS NET:N "ENV=... A" "ENV=... B"; EXTRA="-XX:..." adds JVM flags
# to both (e.g. 2 mlp:8192 X=1 GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
unset OPENBLAS_CORETYPE; . bin/native-env.sh; . bin/java-env.sh
cp="target/layer-times:target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
for r in $(seq 1 $1); do
  for f in "$3" "$4"; do
    echo "== round $r env [$f]"
    ( sleep 6; grep AnonHuge /proc/meminfo ) &
    env $f LT_TRACE=1 $TRAINYARD_JAVA $TRAINYARD_JAVA_FLAGS -XX:MaxGCPauseMillis=10 $EXTRA -cp "$cp" io.trainyard.bench.BenchMain train bench/specs $2 8 ${2#*:} engine 2>/dev/null | grep -E "epochSeconds|trace fitBatch|probe (fitBatch|update|.\.(fwd|bwd))" | sed 's/.*epochSeconds/epochSeconds/'
    wait
  done
done
