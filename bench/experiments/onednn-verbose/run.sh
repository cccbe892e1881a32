#!/usr/bin/env bash
# Where the CNN's step goes inside oneDNN (docs/performance.md, "Where the CNN's step goes in oneDNN"): the bare
# engine loop with oneDNN's verbose mode on, and the time of every primitive (convolutions by implementation and
# direction, reorders between DL4J's NCHW and oneDNN's layouts) summed over the last STEPS steps and divided by
# STEPS. Nothing here is part of the product.
# Usage: bench/experiments/onednn-verbose/run.sh [NET:N (cnn:1024)] [STEPS (20)]   (after ./mvnw -DskipTests package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
net=${1:-cnn:1024} steps=${2:-20}
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
DNNL_VERBOSE=1 "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.trainyard.bench.BenchMain train bench/specs "$net" 3 "${net#*:}" engine 2>/dev/null > "$log"
python3 - "$log" "$steps" <<'PY'
import collections, sys
# libnd4j's oneDNN prints "dnnl_verbose", the engine's own (2.5, DnnlConvolution) "onednn_verbose".
lines = [l.strip().split(",") for l in open(sys.argv[1]) if l.startswith(("dnnl_verbose,exec,", "onednn_verbose,exec,"))]
steps = int(sys.argv[2])
# A step's primitives end with its last convolution's backward pass: count steps by the first convolution's forward.
starts = [i for i, f in enumerate(lines) if f[3] == "convolution" and "forward" in f[5] and "ic1oc" in f[-2]]
lines = lines[starts[-steps - 1]:starts[-1]] if len(starts) > steps else lines
total = collections.defaultdict(float)
calls = collections.Counter()
for f in lines:
    layouts = " ".join(x.split(":")[-2] for x in f[6].split() if x.count(":") >= 3)
    key = f"{f[3]} {f[4]} {f[5]} {layouts} {f[-2]}"
    total[key] += float(f[-1])
    calls[key] += 1
print(f"per step, over {steps} steps: {sum(total.values()) / steps:.2f} ms in oneDNN, "
      f"{sum(v for k, v in total.items() if k.startswith('reorder')) / steps:.2f} ms of it in reorders")
for key, ms in sorted(total.items(), key=lambda kv: -kv[1]):
    print(f"{ms / steps:7.3f} ms  {calls[key] / steps:4.1f} calls  {key}")
PY
