#!/usr/bin/env bash
# The output layer's operations on the MLP benchmark's shapes, one JVM, two rounds (docs/performance.md, "The output
# layer"). Usage: bench/experiments/output-layer/run.sh   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
for round in 1 2; do
  "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "$out:$cp" OutputLayerOps 2>/dev/null | grep ' ms$'
done
