"""JIT activity per job in a service log written with -XX:+PrintCompilation (JAVA_OPTS): for each job, in order, its
kind (checkpoints during training or not), compilations and methods made not entrant while it ran, and for jobs with
checkpoints the methods compiled most. Usage: python3 compiles.py SERVICE_LOG. Nothing here is part of the product."""
import collections
import datetime
import re
import sys

lines = open(sys.argv[1]).read().splitlines()
start = None
for line in lines:
    m = re.search(r"^(\S+)Z .*Started TrainyardApplication in [\d.]+ seconds \(process running for ([\d.]+)\)", line)
    if m:
        start = datetime.datetime.fromisoformat(m.group(1)).timestamp() - float(m.group(2))
ends = []
for line in lines:
    m = re.search(r"^(\S+)Z .*Job (\S+) RUNNING -> SUCCEEDED", line)
    if m:
        ends.append((datetime.datetime.fromisoformat(m.group(1)).timestamp() - start, m.group(2)))
checkpoints = collections.Counter()
for line in lines:
    m = re.search(r"Job (\S+): checkpoint at epoch (\d+)", line)
    if m:
        checkpoints[m.group(1)] += 1
# Every job writes a checkpoint after its last epoch; the jobs "with checkpoints" write one after every epoch.
with_checkpoints = {job for job, n in checkpoints.items() if n > 1}
compiles = []
for line in lines:
    m = re.match(r"^\s*(\d+)\s+(\d+)\s+([%sbn!]*)\s*(\d)?\s+(\S+::\S+)", line)
    if m:
        compiles.append((int(m.group(1)) / 1000.0, m.group(5), "made not entrant" in line))
previous = 0
for t, job in ends:
    kind = "checkpoints" if job in with_checkpoints else "none"
    during = [c for c in compiles if previous < c[0] <= t]
    print(f"{kind:11s} job {job[:8]} {t - previous:5.1f} s: {sum(not c[2] for c in during):5d} compilations, "
          f"{sum(c[2] for c in during):4d} made not entrant")
    if kind == "checkpoints" and previous > 0:
        top = collections.Counter(c[1] for c in during if not c[2]).most_common(10)
        print("    most compiled:", ", ".join(name for name, _ in top))
    previous = t
