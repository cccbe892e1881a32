#!/usr/bin/env bash
# PyTorch's LeNet step per operator (torch_cnn_ops.py beside this script), in bench/run's environment for PyTorch.
# Usage: bench/experiments/torch-cnn-ops/run.sh [STEPS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=67108864 MALLOC_TRIM_THRESHOLD_=268435456
exec /usr/bin/python3 "$here/torch_cnn_ops.py" "$@"
