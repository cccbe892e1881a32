#!/usr/bin/env bash
# The MLP's five products with an element-wise pass after each, through OpenBLAS's two threads or split in two
# halves on two Java threads (a spinning helper, OpenBLAS single-threaded); one JVM per way, interleaved rounds.
# Usage: bench/experiments/split-products/run.sh [rounds=3]   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
for round in $(seq "${1:-3}"); do for how in blas split; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$out:$cp" SplitProducts "$how" 6 2>/dev/null | grep -E '^[a-z]+:'
done; done
