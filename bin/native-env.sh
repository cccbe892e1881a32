# Native performance settings for ND4J/OpenBLAS (DESIGN.md §3). Sourced by bin/trainyard and ./mvnw.
# They must be in the environment before the JVM starts: OpenBLAS and OpenMP read them when their
# libraries load. A value the caller already set always wins.
#
# OpenBLAS 0.3.19 mis-detects recent CPUs as "Prescott" (SSE3 only); naming the core type from the
# CPU flags gives 5-7x faster sgemm. AVX-512 is never forced onto a CPU without it.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  _trainyard_flags=$(grep -m1 '^flags' /proc/cpuinfo)
  case " $_trainyard_flags " in
    *" avx512f "*) export OPENBLAS_CORETYPE=SkylakeX ;;
    *" avx2 "*) export OPENBLAS_CORETYPE=Haswell ;;
  esac
  unset _trainyard_flags
fi
# libnd4j needs no choice here: the jar ships one oneDNN build for any x86-64 (baseline code; oneDNN picks
# AVX2/AVX-512 kernels at run time), so org.bytedeco.javacpp.platform.extension stays unset, and the engine
# switches DL4J's oneDNN layer helpers on itself (io.trainyard.engine.NativeRuntime.configure()).
# Busy-waiting OpenMP threads steal the cores the other threads need; two spinning threads run
# slower than one.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# An idle OpenBLAS worker spins (sched_yield) for 2^28 cycles, about 0.1 s, before it sleeps: on 2 cores that
# steals the core the element-wise ops, the optimizer step and the HTTP threads need between matrix products.
# 2^23 cycles (a few ms) keeps it awake across a recurrent layer's back-to-back small products (2^20 made the
# LSTM 35-60 % slower) and lets it sleep during everything else (docs/performance.md, "OpenBLAS idle threads").
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-23}"
