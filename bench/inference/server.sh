# Sourced by run.sh, tail-probe.sh and the serving experiments (serving-profile, request-costs): a working folder with the benchmark MLP registered in it, and the packaged
# service started there. Needs repo, OUT_DIR and PORT; jar (else JAR, else the packaged jar in target/), JAVA_OPTS and
# SERVER_OPTS are optional.
jar="$(realpath "${jar:-${JAR:-$(ls "$repo"/target/trainyard-*.jar | grep -v -e '-plain.jar' -e '.original' | head -1)}}")"
work=$(mktemp -d /tmp/trainyard-bench-server-XXXX)
echo "server folder: $work" >&2

register_bench_model() { # a 784-1024-1024-10 MLP with random weights, registered as a finished job would
  # shellcheck source=../../bin/native-env.sh
  (cd "$work" && . "$repo/bin/native-env.sh" && . "$repo/bin/java-env.sh" && "$TRAINYARD_JAVA" $TRAINYARD_JAVA_FLAGS \
    -cp "$repo/target/test-classes:$repo/target/classes:$(cat "$repo/target/bench-classpath.txt")" \
    io.trainyard.inference.bench.RegisterBenchModel bench-mlp > "$OUT_DIR/register.log" 2>&1) \
    || { cat "$OUT_DIR/register.log"; exit 1; }
  grep Registered "$OUT_DIR/register.log" >&2
}

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap stop_server EXIT

start_server() { # $1 = batching true|false; returns once the service is ready
  (cd "$work" && TRAINYARD_JAR="$jar" JAVA_OPTS="-Xmx2g ${JAVA_OPTS:-}" exec "$repo/bin/trainyard" --server.port="$PORT" \
    --trainyard.jobs.workers=0 --trainyard.inference.batching="$1" --logging.level.root=WARN ${SERVER_OPTS:-} \
    > "$OUT_DIR/server-batching-$1.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "server did not start" >&2; cat "$OUT_DIR/server-batching-$1.log" >&2; exit 1
}

serve_warm() { # $1 = batching, $2 = seconds of JIT warm-up: the model registered, the server started and loaded at
  # 64 connections; sets url and lua for the caller's own wrk runs
  register_bench_model
  start_server "$1"
  url="http://127.0.0.1:$PORT/api/v1/models/bench-mlp/predict"
  lua="$repo/bench/inference/predict.lua"
  wrk -t2 -c64 -d"$2" -s "$lua" "$url" > /dev/null
}
