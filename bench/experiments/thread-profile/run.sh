#!/usr/bin/env bash
# Where the bare engine loop's samples go, thread by thread (docs/performance.md, "The MLP's step against PyTorch's"):
# perf record on BenchMain's engine loop after DELAY seconds for DURATION seconds, then each thread's share of all
# samples and its leading symbols (JIT frames named through the JVM's perf map). Needs linux-perf.
# Usage: bench/experiments/thread-profile/run.sh NET:N EPOCHS DELAY DURATION   (e.g. mlp:8192 12 9 6)
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset OPENBLAS_CORETYPE; . bin/native-env.sh; . bin/java-env.sh
$TRAINYARD_JAVA $TRAINYARD_JAVA_FLAGS -XX:MaxGCPauseMillis=10 -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) io.trainyard.bench.BenchMain train bench/specs $1 $2 ${1#*:} engine > "$work/loop.out" 2>/dev/null &
loop=$!
sleep $3; pid=$(pgrep -P $loop -f BenchMain || echo $loop)
perf record -e cpu-clock -F 1999 -g -p $pid -o "$work/perf.data" -- sleep $4 > /dev/null 2>&1 || true  # perf answers the end of its timer with a non-zero status
wait $loop
perf script -i "$work/perf.data" -F tid,ip,sym 2>/dev/null | python3 -c "
import sys, collections
c=collections.Counter(); tot=collections.Counter()
cur=None; leaf=False
for line in sys.stdin:
    s=line.rstrip('\n')
    if not s.strip(): cur=None; continue
    if not s.startswith('\t'):
        cur=s.strip().split()[0]; leaf=True; continue
    if leaf and cur:
        parts=s.strip().split(None,1)
        sym=(parts[1] if len(parts)>1 else parts[0])[:90]
        c[(cur,sym)]+=1; tot[cur]+=1; leaf=False
T=sum(tot.values())
for t,n in tot.most_common(5):
    print('== tid',t, '%.1f%%'%(100*n/T))
    for (tt,sym),k in c.most_common():
        if tt==t and k/T>0.003: print('   %5.1f%%  %s'%(100*k/T,sym))
"
