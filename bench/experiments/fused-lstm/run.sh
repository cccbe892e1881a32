#!/usr/bin/env bash
# A/B: DL4J's LSTM layer vs a SameDiffLayer around libnd4j's fused lstmLayer op (docs/performance.md).
# Usage: bench/experiments/fused-lstm/run.sh [modes, default lstm,fused,lstm,fused] [epochs, default 4]
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
. bin/native-env.sh
java -cp "$out:$cp" FusedLstmAB "${1:-lstm,fused,lstm,fused}" "${2:-4}" 2>/dev/null | grep epoch
