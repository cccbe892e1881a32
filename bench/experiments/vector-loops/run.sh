#!/usr/bin/env bash
# Adam's update over the MLP's 1,863,690 parameters in native memory, on two threads, four ways (docs/performance.md,
# "The element-wise loops through the Vector API"): through heap chunks of several sizes (what Java 17 allows;
# AdamBench also times the same loop over heap arrays, the memory-bound floor, and the chunk copies alone), through
# MemorySegment accessors (SegBench: not vectorised by Java 25's JIT), and through the Vector API (VecBench).
# Each prints five rounds of 50 updates; the first round includes the JIT's warm-up. Nothing here is the product.
# Usage: bench/experiments/vector-loops/run.sh   (needs a JDK 25; bin/java-env.sh finds it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../../../bin/java-env.sh"
[ "${TRAINYARD_JAVA_VERSION:-0}" -ge 25 ] || { echo "needs Java 25 (found $TRAINYARD_JAVA_VERSION)" >&2; exit 1; }
cd "$here"
for chunk in 512 1024 2048 4096 8192; do
  echo "AdamBench, chunk $chunk:"
  "$TRAINYARD_JAVA" -Dchunk=$chunk AdamBench.java
done
echo "SegBench:"
"$TRAINYARD_JAVA" --enable-native-access=ALL-UNNAMED SegBench.java
echo "VecBench:"
"$TRAINYARD_JAVA" --add-modules=jdk.incubator.vector VecBench.java 2>&1 | grep -v "^WARNING: Using incubator"
