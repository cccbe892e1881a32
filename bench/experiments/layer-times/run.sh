#!/usr/bin/env bash
# Per-layer times of the engine's training step: a copy of src/main/java with timers added around each lean layer's
# forward and backward pass, Adam, computeGradientAndScore and fit (instrument.py beside this script), compiled into
# target/layer-times and put ahead of the project's classes. Prints each one's median over the last two thirds of
# the calls (the first third is JIT warm-up). Nothing here is part of the product.
# Usage: bench/experiments/layer-times/run.sh [NET:N ...]   (default: mlp:8192 cnn:3072; after ./mvnw -DskipTests package)
# LT_ROOT=/other/checkout times that checkout's sources and build instead (for before/after figures);
# LT_TIMEOUT=n sets OPENBLAS_THREAD_TIMEOUT; LT_JAVA_OPTS adds JVM options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="${LT_ROOT:-$root}"
cp -r "$src/src/main/java" "$work/java"
(cd "$work/java/.." && python3 "$root/bench/experiments/layer-times/instrument.py")
out=target/layer-times && rm -rf "$out" && mkdir -p "$out"
cp="$src/target/classes:$(cat target/bench-classpath.txt)"
javac -nowarn -d "$out" -cp "$cp" $(find "$work/java/io/trainyard/engine" -name '*.java') 2>&1 | grep -v '^Note:' || true
unset OPENBLAS_CORETYPE
. bin/native-env.sh; [ -n "${LT_TIMEOUT:-}" ] && export OPENBLAS_THREAD_TIMEOUT=$LT_TIMEOUT
. bin/java-env.sh
for net in "${@:-mlp:8192 cnn:3072}"; do
  for one in $net; do
    "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS ${LT_JAVA_OPTS:-} -cp "$out:$src/target/test-classes:$cp" io.trainyard.bench.BenchMain train bench/specs "$one" 8 "${one#*:}" engine 2>/dev/null \
      | grep -E "^probe|^trace|epochSeconds" | sed "s/^/$one /"
  done
done
