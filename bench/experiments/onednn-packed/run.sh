#!/usr/bin/env bash
# oneDNN's own API (the JavaCPP preset org.bytedeco:dnnl 2.5.2-1.5.7, which the engine's convolutions use) against
# OpenBLAS on the products the service runs (docs/performance.md, "Zen 3 (second)"):
#   PackedWeightsProbe K N: the batcher's layer product (M rows by K×N weights, bias, ReLU), one thread each, with the
#     weights reordered once into the layout oneDNN's matmul asks for;
#   GemmShapes: the MLP training step's products, OpenBLAS against dnnl_sgemm, two threads each.
# Usage: bench/experiments/onednn-packed/run.sh   (after ./mvnw -DskipTests package)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
./mvnw -q -B dependency:get -Dartifact=org.bytedeco:dnnl:2.5.2-1.5.7 >/dev/null
./mvnw -q -B dependency:get -Dartifact=org.bytedeco:dnnl:2.5.2-1.5.7:jar:linux-x86_64 >/dev/null
./mvnw -q -B dependency:get -Dartifact=org.bytedeco:opencl:3.0-1.5.7:jar:linux-x86_64 >/dev/null
m2="${HOME}/.m2/repository/org/bytedeco"
cp="$m2/dnnl/2.5.2-1.5.7/dnnl-2.5.2-1.5.7.jar:$m2/dnnl/2.5.2-1.5.7/dnnl-2.5.2-1.5.7-linux-x86_64.jar"
cp="$cp:$m2/opencl/3.0-1.5.7/opencl-3.0-1.5.7.jar:$m2/opencl/3.0-1.5.7/opencl-3.0-1.5.7-linux-x86_64.jar"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="$cp:$(cat target/bench-classpath.txt)"
out=target/onednn-packed && mkdir -p "$out"
javac -nowarn -d "$out" -cp "$cp" "$here"/*.java
unset OPENBLAS_CORETYPE
. bin/native-env.sh
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 java -cp "$out:$cp" PackedWeightsProbe 784 1024
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 java -cp "$out:$cp" PackedWeightsProbe 1024 1024
OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE java -cp "$out:$cp" GemmShapes
