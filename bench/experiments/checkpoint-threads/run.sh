#!/usr/bin/env bash
# Where a checkpoint's CPU goes in the service (docs/performance.md, "Zen 4 (fifth)"): starts the packaged jar as
# bench/run does, then probe.py beside this script runs MLP jobs with a checkpoint every epoch and without, taking
# turns, and prints each thread's (and each other process's) CPU per job and per checkpoint.
# Usage: bench/experiments/checkpoint-threads/run.sh [ROUNDS (4)] [EPOCHS (8)] [NET (mlp; cnn; lstm with BENCH_N_LSTM=2048)]   (after ./mvnw -DskipTests package)
# PROBE_WARMUP=N runs N unmeasured 4-epoch jobs with a checkpoint every epoch first; PROBE_GAPS=1 prints each job's
# intervals between epoch ends; PROBE_EVERY2=N then runs N jobs of 2×EPOCHS epochs with a checkpoint every 2nd
# (bench/run's interleaved job; PROBE_OTHERS=1 puts a job of each other net before each), for jit_intervals.py (probe.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
export BENCH_ROOT="$root" BENCH_PORT="${BENCH_PORT:-18182}" BENCH_REPEATS=1 BENCH_EPOCHS=4 BENCH_INTERLEAVED_EPOCHS=10
export BENCH_N_MLP=12288 BENCH_N_CNN=3072 BENCH_N_LSTM="${BENCH_N_LSTM:-64}"
export BENCH_WORK="$(mktemp -d)"
unset OPENBLAS_CORETYPE
. bin/native-env.sh
. bin/java-env.sh
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
export BENCH_CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
jar="$(ls target/trainyard-*.jar | grep -v -e '-plain.jar' -e '.original' | head -1)"
java -cp "$BENCH_CP" io.trainyard.bench.BenchMain data "$BENCH_WORK/data" 12288 3072 "$BENCH_N_LSTM" 2>/dev/null
mkdir -p "$BENCH_WORK/service"
(cd "$BENCH_WORK/service" && JAVA_OPTS="${JAVA_OPTS:-}" TRAINYARD_JAR="$root/$jar" exec "$root/bin/trainyard" --server.address=127.0.0.1 \
  --server.port="$BENCH_PORT" --trainyard.jobs.workers=1 --trainyard.jobs.poll-interval=PT0.2S \
  --trainyard.training.default-validation-fraction=0 >"$BENCH_WORK/service.log" 2>&1) &
service=$!
# KEEP_LOG=1 keeps the service's log (e.g. with JAVA_OPTS=-XX:+PrintCompilation, for compiles.py beside this).
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true
      if [ -n "${KEEP_LOG:-}" ]; then cp "$BENCH_WORK/service.log" target/checkpoint-threads-service.log; fi
      rm -rf "$BENCH_WORK"' EXIT
until curl -sf "http://127.0.0.1:$BENCH_PORT/actuator/health" >/dev/null; do
  kill -0 $service 2>/dev/null || { tail -30 "$BENCH_WORK/service.log"; exit 1; }; sleep 1
done
jvm=$(pgrep -P $service java || echo $service)
# COMPILER_NICE=N renices the JIT's compiler threads (with JAVA_OPTS=-XX:-UseDynamicNumberOfCompilerThreads, all of
# them exist by now).
if [ -n "${COMPILER_NICE:-}" ]; then
  for t in /proc/$jvm/task/*; do
    case "$(cat $t/comm)" in "C1 CompilerThre"*|"C2 CompilerThre"*) renice -n "$COMPILER_NICE" -p "${t##*/}" >/dev/null;; esac
  done
fi
python3 bench/experiments/checkpoint-threads/probe.py "$jvm" "${1:-4}" "${2:-8}" "${3:-mlp}" 2>"$BENCH_WORK/probe.err" || { tail -40 "$BENCH_WORK/probe.err" >&2; exit 1; }
