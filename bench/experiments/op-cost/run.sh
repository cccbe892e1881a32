#!/usr/bin/env bash
# The per-op cost table behind docs/performance.md's "Why the LSTM lags: per-op cost on 2 vCPUs": single ND4J
# calls on the LSTM's per-step shapes under four thread settings, one JVM each.
# Usage: bench/experiments/op-cost/run.sh   (after ./mvnw -DskipTests package)
. "$(dirname "${BASH_SOURCE[0]}")/../compile.sh"
. bin/native-env.sh
run() { echo "== $1"; shift; "$@" java -cp "$out:$cp" OpCost "${ARG:-}" 2>/dev/null | grep "^round [12]"; }
run "defaults (2 threads, OMP_WAIT_POLICY=PASSIVE)" env
ARG=1thread run "libnd4j at 1 thread (setMaxThreads(1))" env
run "everything at 1 thread (OMP_NUM_THREADS=1)" env OMP_NUM_THREADS=1
run "OpenMP threads spinning (OMP_WAIT_POLICY unset)" env -u OMP_WAIT_POLICY
