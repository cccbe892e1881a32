#!/usr/bin/env bash
# One-connection tail probe (docs/inference.md, "Young pauses at one connection"): starts the packaged service
# with a GC log, loads it at 64 connections for JIT seconds, then measures 20 s at one connection with the
# server's own latency histograms scraped before and after (so the server-side percentiles of exactly that window
# can be compared with wrk's), then 15 s at 64 connections.
# Usage: OUT=/abs/dir [JAR=target/trainyard-*.jar] [EXTRA_JAVA="-XX:MaxGCPauseMillis=200"] [JIT=60] \
#          bench/inference/tail-probe.sh
# Needs what run.sh needs (wrk, the jar, target/bench-classpath.txt). Port 18080.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out=${OUT:?set OUT to an absolute folder}
jar=${JAR:-$(ls "$repo"/target/trainyard-*.jar | grep -v -e '-plain.jar' -e '.original' | head -1)}
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d /tmp/trainyard-tail-XXXX)
(cd "$work" && . "$repo/bin/native-env.sh" && . "$repo/bin/java-env.sh" && "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS \
  -cp "$repo/target/test-classes:$repo/target/classes:$(cat "$repo/target/bench-classpath.txt")" \
  io.trainyard.inference.bench.RegisterBenchModel bench-mlp > "$out/register.log" 2>&1)
(cd "$work" && TRAINYARD_JAR="$jar" JAVA_OPTS="-Xmx2g -Xlog:gc*:file=$out/gc.log:uptime ${EXTRA_JAVA:-}" \
  exec "$repo/bin/trainyard" --server.port=18080 --trainyard.jobs.workers=0 --logging.level.root=WARN \
  > "$out/server.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 120); do curl -fs http://127.0.0.1:18080/actuator/health/readiness >/dev/null 2>&1 && break; sleep 1; done
u=http://127.0.0.1:18080/api/v1/models/bench-mlp/predict
lua="$repo/bench/inference/predict.lua"
wrk -t2 -c64 -d"${JIT:-60}"s -s "$lua" "$u" > "$out/warm.txt"
wrk -t1 -c1 -d5s -s "$lua" "$u" > /dev/null
curl -fs http://127.0.0.1:18080/actuator/prometheus > "$out/before.txt"
wrk -t1 -c1 -d20s --latency -s "$lua" "$u" > "$out/wrk-c1.txt"
curl -fs http://127.0.0.1:18080/actuator/prometheus > "$out/after.txt"
wrk -t2 -c64 -d15s --latency -s "$lua" "$u" > "$out/wrk-c64.txt"
python3 "$repo/bench/inference/histdiff.py" "$out/before.txt" "$out/after.txt" | tee "$out/server-side-c1.txt"
grep -h 'Requests/sec\|tail:' "$out/wrk-c1.txt" "$out/wrk-c64.txt"
