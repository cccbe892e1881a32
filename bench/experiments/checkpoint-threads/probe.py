"""Where a checkpoint's CPU goes in the service: per thread (the service's JVM) and per process (everything else,
kernel threads included), over MLP jobs with a checkpoint every epoch and jobs with none, taking turns. Run by
run.sh beside it, with bench/run's environment; prints, per thread or process name, the CPU seconds per job of
each kind and the difference per checkpoint. Nothing here is part of the product."""
import collections
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.join(os.environ["BENCH_ROOT"], "bench"))
import driver  # noqa: E402  (bench/run's driver: http, upload, service_job)

TICK = os.sysconf("SC_CLK_TCK")
SERVICE = int(sys.argv[1])
ROUNDS = int(sys.argv[2])
EPOCHS = int(sys.argv[3])
NET = sys.argv[4] if len(sys.argv) > 4 else "mlp"


def stat_cpu(path):
    with open(path) as f:
        s = f.read()
    name = s[s.index("(") + 1:s.rindex(")")]
    fields = s[s.rindex(")") + 2:].split()
    return name, (int(fields[11]) + int(fields[12])) / TICK


def group(name):
    # kworker/1:2H-events, checkpoint-6c1f…, pool-3-thread-1: one row per kind of thread
    name = re.sub(r"[/:].*$", "", name)
    name = re.sub(r"-[0-9a-f]{4,}.*$", "", name)
    return re.sub(r"[#-]?\d+$", "", name)


def sample():
    """CPU seconds so far of every thread of the service (by thread id) and every other process (by pid)."""
    cpu = {}
    for task in os.listdir(f"/proc/{SERVICE}/task"):
        try:
            name, t = stat_cpu(f"/proc/{SERVICE}/task/{task}/stat")
            cpu["t" + task] = ("jvm:" + group(name), t)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != SERVICE:
            try:
                name, t = stat_cpu(f"/proc/{pid}/stat")
                cpu["p" + pid] = ("proc:" + group(name), t)  # own time only, not reaped children's
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
    return cpu


class Sampler(threading.Thread):
    """Samples every 50 ms while a job runs, so that threads that end with the job (the checkpoint writer's) count."""

    def __init__(self):
        super().__init__(daemon=True)
        self.first = sample()
        self.last = dict(self.first)
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.05):
            self.last.update(sample())

    def stop(self):
        self.done.set()
        self.join()
        self.last.update(sample())
        by_name = collections.Counter()
        for key, (name, t) in self.last.items():
            by_name[name] += t - self.first.get(key, (name, 0.0))[1]
        return by_name


data = driver.upload(os.path.join(driver.DATA, f"{NET}.npz"), "sequence" if NET == "lstm" else None)["id"]
driver.service_job(NET, data, 100, "warm-up", epochs=2)
# PROBE_WARMUP=N: N more unmeasured jobs of 4 epochs with a checkpoint after each first, as bench/run's service has
# run before its measured jobs (what the JIT still compiles per checkpoint in a service that has checkpointed).
for w in range(int(os.environ.get("PROBE_WARMUP", "0"))):
    driver.service_job(NET, data, 1, f"warm-up {w}", epochs=4)
totals = {1: collections.Counter(), 100: collections.Counter()}
walls = {1: [], 100: []}
for r in range(ROUNDS):
    for every in ((1, 100) if r % 2 == 0 else (100, 1)):
        sampler = Sampler()
        sampler.start()
        rec = driver.service_job(NET, data, every, r, epochs=EPOCHS)
        totals[every].update(sampler.stop())
        walls[every].append(rec["jobSeconds"])
        if os.environ.get("PROBE_GAPS"):  # each interval between epoch ends, to see one slow epoch
            ends = rec.get("epochEnds") or []
            print(f"ckpt every {every:3d}: " + " ".join(f"{b - a:.3f}" for a, b in zip(ends, ends[1:])), flush=True)
checkpoints = EPOCHS  # every epoch, the last included, against none but the final one
print(f"{NET} jobs of {EPOCHS} epochs, {ROUNDS} of each kind; job seconds with checkpoints "
      f"{[round(w, 2) for w in walls[1]]}, without {[round(w, 2) for w in walls[100]]}")
print(f"{'thread or process':32s} {'CPU s/job, ckpt':>16s} {'none':>8s} {'ms per ckpt':>12s}")
rows = []
for k in set(totals[1]) | set(totals[100]):
    a, b = totals[1][k] / ROUNDS, totals[100][k] / ROUNDS
    if max(a, b) >= 0.005:
        rows.append((k, a, b, 1000 * (a - b) / (checkpoints - 1)))
for k, a, b, d in sorted(rows, key=lambda x: -abs(x[3])):
    print(f"{k:32s} {a:16.3f} {b:8.3f} {d:12.1f}")
# PROBE_EVERY2=N: then N jobs of twice EPOCHS epochs with a checkpoint every 2nd epoch, bench/run's interleaved job;
# their epoch ends (Unix seconds) go to target/checkpoint-threads-every2.jsonl, for jit_intervals.py beside this.
# PROBE_OTHERS=1: before each, a 4-epoch job of each other net with a checkpoint every epoch, as in bench/run, where
# the three nets' jobs take turns.
every2 = int(os.environ.get("PROBE_EVERY2", "0"))
others = [n for n in ("mlp", "cnn", "lstm") if n != NET] if os.environ.get("PROBE_OTHERS") else []
other_data = {n: driver.upload(os.path.join(driver.DATA, f"{n}.npz"), "sequence" if n == "lstm" else None)["id"]
              for n in others}
if every2:
    with open(os.path.join(os.environ["BENCH_ROOT"], "target", "checkpoint-threads-every2.jsonl"), "w") as out:
        for i in range(every2):
            for n in others:
                driver.service_job(n, other_data[n], 1, f"other {i}", epochs=4)
            rec = driver.service_job(NET, data, 2, f"every2 {i}", epochs=2 * EPOCHS)
            out.write(json.dumps({"job": rec["jobId"], "epochEnds": rec["epochEnds"]}) + "\n")
            ends = rec["epochEnds"]
            print("ckpt every   2: " + " ".join(f"{b - a:.3f}" for a, b in zip(ends, ends[1:])), flush=True)
