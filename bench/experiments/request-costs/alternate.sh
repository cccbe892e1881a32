#!/usr/bin/env bash
# Two servers side by side (batched unless BATCHING=false), measured in alternating 10-s wrk windows at 64 connections, so that both see
# the same drift of a noisy machine (a sequential A/B on these guests moved 8-11k req/s between identical servers).
# Each server gets its own copy of the registered benchmark MLP and 60 s of JIT warm-up first; their GC logs
# (gc-a.log, gc-b.log) stay in OUT_DIR.
# Usage: [BATCHING=false] A="server options" B="server options" [A_JAVA="JAVA_OPTS"] [B_JAVA=...] [A_JAR=<jar>] [B_JAR=<jar>] [ROUNDS=5]
#        bench/experiments/request-costs/alternate.sh
# Needs wrk, and ./mvnw -DskipTests package plus the bench classpath (as bench/inference/run.sh).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$repo"
OUT_DIR="${OUT_DIR:-$(mktemp -d /tmp/trainyard-alternate-XXXX)}"
mkdir -p "$OUT_DIR"
PORT=18080
# shellcheck source=../../inference/server.sh
. "$repo/bench/inference/server.sh"
register_bench_model
cp -a "$work" "$work-b"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work" "$work-b"' EXIT
start() { # $1 = name, $2 = folder, $3 = port, $4 = server options, $5 = JAVA_OPTS, $6 = jar
  local jar_path; jar_path="$(realpath "$6")"
  (cd "$2" && TRAINYARD_JAR="$jar_path" JAVA_OPTS="-Xmx2g -Xlog:gc:file=$OUT_DIR/gc-$1.log $5" exec "$repo/bin/trainyard" --server.port="$3" \
    --trainyard.jobs.workers=0 --trainyard.inference.batching="${BATCHING:-true}" --logging.level.root=WARN $4 \
    > "$OUT_DIR/server-$1.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 120); do curl -fs "http://127.0.0.1:$3/actuator/health/readiness" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "server $1 did not start" >&2; cat "$OUT_DIR/server-$1.log" >&2; exit 1
}
start a "$work" 18080 "${A:-}" "${A_JAVA:-}" "${A_JAR:-$jar}"
start b "$work-b" 18082 "${B:-}" "${B_JAVA:-}" "${B_JAR:-$jar}"
lua="$repo/bench/inference/predict.lua"
url() { echo "http://127.0.0.1:$1/api/v1/models/bench-mlp/predict"; }
for port in 18080 18082; do wrk -t2 -c64 -d60s -s "$lua" "$(url $port)" > /dev/null; done
echo "A: ${A_JAR:-$jar} ${A:-} ${A_JAVA:-}"; echo "B: ${B_JAR:-$jar} ${B:-} ${B_JAVA:-}"
for round in $(seq "${ROUNDS:-5}"); do
  for s in a b; do
    port=18080; [ $s = b ] && port=18082
    wrk -t2 -c64 -d10s --latency -s "$lua" "$(url $port)" > "$OUT_DIR/$s-$round.txt"
    printf '%s round %s: %s req/s, p50 %s, p99 %s; %s\n' "$s" "$round" \
      "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$OUT_DIR/$s-$round.txt")" \
      "$(awk '$1 == "50%" {print $2}' "$OUT_DIR/$s-$round.txt")" \
      "$(awk '$1 == "99%" {print $2}' "$OUT_DIR/$s-$round.txt")" "$(grep tail: "$OUT_DIR/$s-$round.txt")"
  done
done
python3 - "$OUT_DIR" <<'PY'
import glob, re, statistics, sys
for s in "ab":
    pauses = [float(m) for m in re.findall(r"Pause Young.* ([\d.]+)ms$", open(f"{sys.argv[1]}/gc-{s}.log").read(), re.M)]
    print(f"{s}: {len(pauses)} young pauses in the server's life, median {statistics.median(pauses):.1f} ms")
    rps, p99 = [], []
    for f in sorted(glob.glob(f"{sys.argv[1]}/{s}-*.txt")):
        t = open(f).read()
        rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)))
        v, unit = re.search(r"^\s+99%\s+([\d.]+)(\w+)", t, re.M).groups()
        p99.append(float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit])
    print(f"{s}: req/s median {statistics.median(rps):.0f} ({min(rps):.0f}-{max(rps):.0f}), "
          f"p99 median {statistics.median(p99):.1f} ms ({min(p99):.1f}-{max(p99):.1f})")
PY
