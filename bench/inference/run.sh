#!/usr/bin/env bash
# Inference benchmark: wrk on loopback against the packaged service.
#   single-instance predictions of a 784-1024-1024-10 MLP at 1, 16 and 64 connections, batching on and off,
#   beside the same server's /actuator/health as the ceiling. Each server first gets JIT_WARMUP (default 90s) of
#   load at 64 connections: on 2 cores C2 is still compiling the request path a minute in (its thread's CPU time
#   grew 7 s in the second 20 s of load, 0.5 s in the fourth, while throughput rose 1.9k -> 3.9k -> 5.0k -> 5.3k
#   req/s), so a shorter warm-up measures the compiler, not the server. Then each configuration runs RUNS times
#   (default 3) for DURATION (default 10s) after its own WARMUP (default 10s); the table shows the median run.
# Usage: bench/inference/run.sh            (MVN_FLAGS=-o for an offline build; PORT, RUNS, DURATION to change)
#   For quick A/Bs: JAR=<another build's jar>, BATCHING="true" (or "false"), CONNECTIONS="64", HEALTH=0 (skip the
#   ceiling), SERVER_OPTS="--server.tomcat.threads.max=32 ..." (extra service arguments), JAVA_OPTS (JVM options,
#   e.g. -XX:StartFlightRecording=filename=/tmp/x.jfr,settings=profile).
# Writes the table to stdout and the raw wrk output to $OUT_DIR (default: a temp folder, printed at the end).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
PORT="${PORT:-18080}"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-10s}"
JIT_WARMUP="${JIT_WARMUP:-90s}"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/trainyard-bench-XXXX)}"
MVN_FLAGS="${MVN_FLAGS:-}"
BATCHING="${BATCHING:-true false}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
HEALTH="${HEALTH:-1}"
SERVER_OPTS="${SERVER_OPTS:-}"
JAVA_OPTS="${JAVA_OPTS:-}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)" # the server and the model registration run in their own folder

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi

jar=${JAR:-$(ls target/trainyard-*.jar 2>/dev/null | grep -v -e '-plain.jar' -e '.original' | head -1 || true)}
if [ -z "$jar" ] || [ ! -d target/test-classes/io/trainyard/inference/bench ]; then
  echo "building the jar" >&2
  ./mvnw -q $MVN_FLAGS -DskipTests package
  jar=$(ls target/trainyard-*.jar | grep -v -e '-plain.jar' -e '.original' | head -1)
fi
jar="$(realpath "$jar")" # the server starts in its own folder
if [ ! -s target/bench-classpath.txt ]; then
  ./mvnw -q $MVN_FLAGS dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi

# shellcheck source=server.sh
. "$repo/bench/inference/server.sh"
register_bench_model

predict="http://127.0.0.1:$PORT/api/v1/models/bench-mlp/predict"
health="http://127.0.0.1:$PORT/actuator/health"

# One configuration: RUNS runs; prints "median-req/s p50 p99" of the median run by throughput.
measure() { # name url connections [lua]
  local name=$1 url=$2 c=$3 lua=${4:-} threads=2
  [ "$c" = 1 ] && threads=1
  local script=()
  [ -n "$lua" ] && script=(-s "$lua")
  wrk -t"$threads" -c"$c" -d"$WARMUP" "${script[@]}" "$url" >/dev/null # after the server's JIT warm-up: this load's own
  for r in $(seq "$RUNS"); do
    echo "wrk -t$threads -c$c -d$DURATION --latency ${script[*]} $url" > "$OUT_DIR/$name-c$c-run$r.txt"
    wrk -t"$threads" -c"$c" -d"$DURATION" --latency "${script[@]}" "$url" >> "$OUT_DIR/$name-c$c-run$r.txt"
  done
  for r in $(seq "$RUNS"); do
    f="$OUT_DIR/$name-c$c-run$r.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$f")
    p50=$(awk '$1=="50%" {print $2}' "$f")
    p99=$(awk '$1=="99%" {print $2}' "$f")
    errs=$(awk '/Non-2xx|Socket errors/ {print}' "$f" | tr '\n' ' ')
    echo "$rps $p50 $p99 $errs"
  done | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

printf '| configuration | connections | requests/s | p50 | p99 | notes |\n|---|---|---|---|---|---|\n'
echo "load average before: $(cat /proc/loadavg)" > "$OUT_DIR/loadavg.txt"
# The runtime bin/trainyard starts the servers with (bin/java-env.sh).
(. "$repo/bin/java-env.sh" && echo "java: $TRAINYARD_JAVA ($("$TRAINYARD_JAVA" -version 2>&1 | head -n 1))") \
  | tee "$OUT_DIR/java.txt" >&2
for batching in $BATCHING; do
  start_server "$batching"
  curl -fs -H 'Content-Type: application/json' -d '{"instances": [[0]]}' "$predict" >/dev/null 2>&1 || true
  echo "JIT warm-up: $JIT_WARMUP at 64 connections (batching $batching)" >&2
  wrk -t2 -c64 -d"$JIT_WARMUP" -s "$repo/bench/inference/predict.lua" "$predict" > "$OUT_DIR/jit-warmup-batching-$batching.txt"
  for c in $CONNECTIONS; do
    read -r rps p50 p99 notes < <(measure "predict-batching-$batching" "$predict" "$c" "$repo/bench/inference/predict.lua")
    printf '| predict, batching %s | %s | %s | %s | %s | %s |\n' "$([ "$batching" = true ] && echo on || echo off)" \
      "$c" "$rps" "$p50" "$p99" "${notes:-}"
  done
  if [ "$batching" = true ] && [ "$HEALTH" = 1 ]; then
    for c in $CONNECTIONS; do
      read -r rps p50 p99 notes < <(measure health "$health" "$c")
      printf '| /actuator/health (ceiling) | %s | %s | %s | %s | %s |\n' "$c" "$rps" "$p50" "$p99" "${notes:-}"
    done
  fi
  curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" > "$OUT_DIR/prometheus-batching-$batching.txt" || true
  stop_server
done
echo "load average after: $(cat /proc/loadavg)" >> "$OUT_DIR/loadavg.txt"
echo "raw wrk output: $OUT_DIR" >&2
