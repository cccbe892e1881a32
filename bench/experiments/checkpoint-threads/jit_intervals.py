"""The JIT's work inside bench/run's interleaved job, interval by interval: which compilations and deoptimizations
fall in the intervals between epoch ends that carry a checkpoint (the 2nd, 4th, ... : a checkpoint's pause and
background write fall in the epoch after it) and which in the others. Reads a JFR recording of the service
(JAVA_OPTS=-XX:StartFlightRecording:filename=F,jdk.Compilation#threshold=0ms) and the epoch ends that probe.py
wrote with PROBE_EVERY2=N. Usage: python3 jit_intervals.py F.jfr target/checkpoint-threads-every2.jsonl [JFR_TOOL]
Nothing here is part of the product."""
import collections
import json
import subprocess
import sys
from datetime import datetime


def events(jfr, tool, kind):
    out = subprocess.run([tool, "print", "--json", "--events", kind, jfr], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["recording"]["events"]


def instant(s):
    # 2026-11-30T15:09:46.395982226Z: Python takes microseconds at most
    head, frac = s.rstrip("Z").split(".")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float("0." + frac)


def seconds(d):
    return float(d[2:-1]) if d.startswith("PT") and d.endswith("S") else 0.0  # PT0.000063855S


def method(e):
    m = e["values"]["method"]
    return m["type"]["name"].replace("/", ".") + "::" + m["name"]


tool = sys.argv[3] if len(sys.argv) > 3 else "jfr"
compiles = [(instant(e["values"]["startTime"]), seconds(e["values"]["duration"]), e["values"]["compiler"], method(e))
            for e in events(sys.argv[1], tool, "jdk.Compilation")]
deopts = [instant(e["values"]["startTime"]) for e in events(sys.argv[1], tool, "jdk.Deoptimization")]
jobs = [json.loads(l) for l in open(sys.argv[2])]
totals = {True: collections.Counter(), False: collections.Counter()}
methods = {True: collections.Counter(), False: collections.Counter()}
intervals = {True: 0, False: 0}
for job in jobs:
    ends = job["epochEnds"]
    for i, (a, b) in enumerate(zip(ends, ends[1:])):
        after = i % 2 == 1  # the interval after epoch 2, 4, ...: the one a checkpoint falls in
        intervals[after] += 1
        for t, d, compiler, m in compiles:
            if a <= t < b:
                totals[after][compiler + " s"] += d
                totals[after][compiler + " compilations"] += 1
                methods[after][m] += d
        totals[after]["deoptimizations"] += sum(1 for t in deopts if a <= t < b)
print(f"{len(jobs)} jobs; per interval, with a checkpoint ({intervals[True]}) and without ({intervals[False]}):")
for k in sorted(set(totals[True]) | set(totals[False])):
    a, b = totals[True][k] / max(1, intervals[True]), totals[False][k] / max(1, intervals[False])
    print(f"  {k:24s} {a:10.4f} {b:10.4f}")
for after in (True, False):
    print(("intervals with a checkpoint" if after else "intervals without") + ": most compile time")
    for m, d in methods[after].most_common(12):
        print(f"  {d * 1000:8.1f} ms  {m}")
