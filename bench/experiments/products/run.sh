#!/usr/bin/env bash
# The products table behind docs/performance.md's "Matrix products straight into OpenBLAS": three ways to multiply,
# one JVM each, two interleaved rounds, then the same inside the batcher's one-thread switch.
# Usage: bench/experiments/products/run.sh   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
run() { "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$out:$cp" Products "$@" 2>/dev/null | grep -E '^[a-z0-9-]+: '; }
for round in 1 2; do for path in mmuli cblas cblas-gemm gemm; do run $path; done; done
for path in mmuli cblas gemm; do run $path one; done
