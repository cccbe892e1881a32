#!/usr/bin/env bash
# What a serving batcher's changing batch sizes cost engine/DnnlConvolution (serving plans for up to 64 batch sizes):
# LeNet's second convolution, forward only, 500 calls at batch 16 against 500 at random batches of 1-32, four rounds.
# Usage: bench/experiments/dnnl-plan-churn/run.sh   (after ./mvnw -DskipTests package)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
out=target/dnnl-plan-churn && mkdir -p "$out"
javac -nowarn -d "$out" -cp "$cp" "$here/Churn.java"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
"$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$out:$cp" io.trainyard.engine.Churn 2>/dev/null
