#!/usr/bin/env bash
# What one predict request costs the machine in kernel work: the batched (or unbatched) server at 64 connections,
# after a JIT warm-up, two 10-s windows of wrk, each with `perf stat -a` counting context switches and system calls
# over the whole machine (wrk's included), divided by the requests served. Needs linux-perf and wrk; after
# ./mvnw -DskipTests package (and the bench classpath, as bench/inference/run.sh). docs/inference.md, "A machine
# whose kernel calls cost more".
# Usage: [JAR=<a build's jar>] [JAVA_OPTS=...] [SERVER_OPTS=...] [WARM=45s] bench/experiments/request-costs/run.sh [true|false]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$repo"
PORT="${PORT:-18080}"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/trainyard-request-costs-XXXX)}"
mkdir -p "$OUT_DIR"
# shellcheck source=../../inference/server.sh
. "$repo/bench/inference/server.sh"
serve_warm "${1:-true}" "${WARM:-45s}"
for i in 1 2; do
  wrk -t2 -c64 -d14s --latency -s "$lua" "$url" > "$OUT_DIR/wrk$i.txt" &
  w=$!
  sleep 2
  perf stat -a -e context-switches,raw_syscalls:sys_enter -x, -o "$OUT_DIR/stat$i.txt" -- sleep 10
  wait "$w"
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT_DIR/wrk$i.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT_DIR/wrk$i.txt")
  cs=$(grep context-switches "$OUT_DIR/stat$i.txt" | cut -d, -f1)
  sc=$(grep sys_enter "$OUT_DIR/stat$i.txt" | cut -d, -f1)
  python3 -c "r = $rps; print(f'req/s {r:.0f} p99 $p99 context switches/req {$cs / 10 / r:.2f} syscalls/req {$sc / 10 / r:.2f}')"
done
