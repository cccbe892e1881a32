#!/usr/bin/env bash
# Where the machine's time goes while the server answers single-instance predictions (64 connections by default): a
# system-wide perf profile (wrk, the kernel, the JVM's threads and native libraries together), split by thread name
# and by shared object, then the top symbols. Needs linux-perf and wrk; after ./mvnw -DskipTests package.
# Usage: [JAR=<a build's jar>] bench/experiments/serving-profile/run.sh [BATCHING=true|false] [SECONDS=10]
#   JAVA_OPTS / SERVER_OPTS as for bench/inference/run.sh; JIT_WARMUP (default 60s) of load at 64 connections first;
#   CONNECTIONS (default 64) for the profiled load.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$repo"
batching=${1:-true}
seconds=${2:-10}
PORT="${PORT:-18080}"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/trainyard-serving-profile-XXXX)}"
mkdir -p "$OUT_DIR"
JAVA_OPTS="${JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
# shellcheck source=../../inference/server.sh
. "$repo/bench/inference/server.sh"
serve_warm "$batching" "${JIT_WARMUP:-60s}"
wrk -t2 -c"${CONNECTIONS:-64}" -d"$((seconds + 4))s" --latency -s "$lua" "$url" > "$OUT_DIR/wrk.txt" &
wrk_pid=$!
sleep 2
perf record -a -g -F 499 -o "$OUT_DIR/perf.data" -- sleep "$seconds" 2> /dev/null
wait "$wrk_pid"
stop_server # the JVM writes /tmp/perf-<pid>.map on exit
set +o pipefail # the reports below end in head, which closes perf report's pipe early
grep -E "Requests/sec|99%" "$OUT_DIR/wrk.txt"
echo "--- by thread name (comm)"
perf report -i "$OUT_DIR/perf.data" --no-children --sort comm --stdio 2> /dev/null | grep -E "^ +[0-9]" | head -25 \
  | tee "$OUT_DIR/comm.txt"
# Samples cover every core (idle included), so a thread's share times the cores, over the requests per second, is
# its CPU time per request: comparable across runs whose throughput differs.
rps=$(awk '/Requests\/sec/ {print $2}' "$OUT_DIR/wrk.txt")
awk -v rps="$rps" -v cores="$(nproc)" '{ share = $1 + 0; sub(/^ *[0-9.]+% +/, "")
  if ($0 ~ /^http-nio/) http += share; else if ($0 ~ /^inference-/) batcher += share }
  END { printf "CPU per request: HTTP threads %.0f us, the model'"'"'s batcher %.0f us\n", http / 100 * cores / rps * 1e6,
    batcher / 100 * cores / rps * 1e6 }' "$OUT_DIR/comm.txt"
echo "--- by shared object"
perf report -i "$OUT_DIR/perf.data" --no-children --sort dso --stdio 2> /dev/null | grep -E "^ +[0-9]" | head -20
echo "--- top symbols"
perf report -i "$OUT_DIR/perf.data" --no-children --sort comm,sym --stdio -g none 2> /dev/null | grep -E "^ +[0-9]" | head -60
echo "perf data: $OUT_DIR/perf.data"
