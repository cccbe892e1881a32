#!/usr/bin/env bash
# One-connection tail probe (docs/inference.md, "Young pauses at one connection"): starts the packaged service
# (batching on) with a GC log, loads it at 64 connections for JIT seconds, then measures 20 s at one connection with
# the service's own latency histograms scraped before and after (so the server-side percentiles of exactly that
# window can be compared with wrk's), then 15 s at 64 connections.
# Usage: OUT=/abs/dir [JAR=target/trainyard-*.jar] [EXTRA_JAVA="-XX:MaxGCPauseMillis=200"] [JIT=60] \
#          bench/inference/tail-probe.sh
# Needs what run.sh needs (wrk, the jar, target/bench-classpath.txt; run run.sh once to build them). Port 18080.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR=${OUT:?set OUT to an absolute folder}
PORT=18080
rm -rf "$OUT_DIR"; mkdir -p "$OUT_DIR"
JAVA_OPTS="-Xlog:gc*:file=$OUT_DIR/gc.log:uptime ${EXTRA_JAVA:-}"
SERVER_OPTS=""
# shellcheck source=server.sh
. "$repo/bench/inference/server.sh"
register_bench_model
start_server true
u=http://127.0.0.1:$PORT/api/v1/models/bench-mlp/predict
lua="$repo/bench/inference/predict.lua"
wrk -t2 -c64 -d"${JIT:-60}"s -s "$lua" "$u" > "$OUT_DIR/warm.txt"
wrk -t1 -c1 -d5s -s "$lua" "$u" > /dev/null
curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" > "$OUT_DIR/before.txt"
wrk -t1 -c1 -d20s --latency -s "$lua" "$u" > "$OUT_DIR/wrk-c1.txt"
curl -fs "http://127.0.0.1:$PORT/actuator/prometheus" > "$OUT_DIR/after.txt"
wrk -t2 -c64 -d15s --latency -s "$lua" "$u" > "$OUT_DIR/wrk-c64.txt"
python3 "$repo/bench/inference/histdiff.py" "$OUT_DIR/before.txt" "$OUT_DIR/after.txt" | tee "$OUT_DIR/server-side-c1.txt"
grep -h 'Requests/sec\|tail:' "$OUT_DIR/wrk-c1.txt" "$OUT_DIR/wrk-c64.txt"
