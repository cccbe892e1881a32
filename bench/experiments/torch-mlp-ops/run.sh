#!/usr/bin/env bash
# PyTorch's MLP step by operator (torch_mlp_ops.py beside this script), with bench/run's native settings and malloc
# thresholds. Usage: bench/experiments/torch-mlp-ops/run.sh   (needs Debian's python3-torch)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../../.."
unset OPENBLAS_CORETYPE
. bin/native-env.sh
export OMP_NUM_THREADS=2
MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456 /usr/bin/python3 "$here/torch_mlp_ops.py"
