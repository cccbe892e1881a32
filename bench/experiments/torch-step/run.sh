#!/usr/bin/env bash
# PyTorch's MLP step with glibc's malloc as it is and with its mmap/trim thresholds raised (what bench/driver.py
# gives the PyTorch column), each with PyTorch's default and its multi-tensor Adam; page faults counted by perf.
# Usage: bench/experiments/torch-step/run.sh   (needs python3-torch; linux-perf for the page-fault count)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
export OMP_NUM_THREADS=2
step() { /usr/bin/python3 bench/experiments/torch-step/torch_step.py "$1"; }
for round in 1 2; do
  for foreach in 0 1; do
    echo "glibc defaults, foreach=$foreach: $(step $foreach)"
    echo "raised thresholds, foreach=$foreach: $(MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456 step $foreach)"
  done
done
if command -v perf >/dev/null; then
  for env in "" "MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456"; do
    echo "page faults (${env:-glibc defaults}, foreach=0):"
    perf stat -e page-faults -- env $env /usr/bin/python3 bench/experiments/torch-step/torch_step.py 0 2>&1 | grep -E "step|page-faults"
  done
fi
