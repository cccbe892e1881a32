#!/usr/bin/python3
"""bench/run's driver: runs the columns interleaved, repeats, and writes the Markdown table.

Everything it needs comes from the environment bench/run sets (BENCH_*). Progress goes to stderr; the table to
stdout, bench/results/latest.md and (raw measurements) bench/results/latest.jsonl.
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import defaultdict
from datetime import datetime

E = os.environ
ROOT = E["BENCH_ROOT"]
WORK = E["BENCH_WORK"]
PORT = E["BENCH_PORT"]
REPEATS = int(E["BENCH_REPEATS"])
# bench/run must finish inside 20 minutes on 2 cores (issue 7), and the epochs and data sizes are fixed, so a slow
# machine stops repeating early (after at least MIN_REPEATS): five repeats took 19.8 minutes of this driver alone on
# the slowest machine yet (a Zen 3 whose sgemm ceiling was 145 GFLOP/s), and the build comes on top.
BUDGET_MINUTES = float(E.get("BENCH_BUDGET_MINUTES", "17"))
WARMUP_JOBS = E.get("BENCH_SERVICE_WARMUP", "1") != "0"
WARMUP_EPOCHS = 4
MIN_REPEATS = 3
EPOCHS = int(E["BENCH_EPOCHS"])
# Epochs of the interleaved checkpoint job (a checkpoint every 2nd epoch): the 2nd, 4th, ... interval between epoch
# ends carries a checkpoint's cost, the others none (bench/report.py, interleaved).
INTERLEAVED_EPOCHS = int(E["BENCH_INTERLEAVED_EPOCHS"])
SIZES = {"mlp": int(E["BENCH_N_MLP"]), "cnn": int(E["BENCH_N_CNN"]), "lstm": int(E["BENCH_N_LSTM"])}
NETS = ["mlp", "cnn", "lstm"]
BATCH = {"mlp": 256, "cnn": 64, "lstm": 32}
JAVA_CP = E["BENCH_CP"]
# bin/java-env.sh (sourced by bench/run): the runtime bin/trainyard starts the service with.
JAVA = E.get("TRAINYARD_JAVA", "java")
JAVA_FLAGS = E.get("TRAINYARD_JAVA_FLAGS", "").split()
# BENCH_HELPERS_OFF=1 adds a column: the same bare loop with DL4J's oneDNN layer helpers switched off (the way DL4J
# M2.1 trains by default, and the service did before it shipped oneDNN): what the default configuration gains.
HELPERS_OFF = E.get("BENCH_HELPERS_OFF") == "1"
PY = "/usr/bin/python3"
# PyTorch's tensors come from glibc's malloc, which gives blocks of 128 KB and more their own mmap and returns them
# on free: every step's activations and gradients are then fresh pages, zeroed by the kernel on first touch. On
# this VM that made PyTorch's MLP step 3x slower (docs/performance.md, "PyTorch's allocations"). PyTorch's CPU
# tuning guide answers it with jemalloc or tcmalloc; raising glibc's thresholds does the same here. The JVM
# columns keep their arrays in ND4J's workspaces and do not gain from it. BENCH_TORCH_MALLOC=default: glibc as is.
TORCH_ENV = dict(E) if E.get("BENCH_TORCH_MALLOC") == "default" else {
    **E, "MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}
BASE = f"http://127.0.0.1:{PORT}"
DATA = os.path.join(WORK, "data")
RECORDS = []
T0 = time.time()


def log(msg):
    print(f"[bench {time.time() - T0:6.0f}s] {msg}", file=sys.stderr, flush=True)


def record(r):
    RECORDS.append(r)


def run_lines(cmd, what, env=None):
    """Runs a JVM/Python column; its stderr (progress) passes through, its stdout is JSON lines."""
    shown = cmd[cmd.index("io.trainyard.bench.BenchMain"):] if "io.trainyard.bench.BenchMain" in cmd else cmd
    log(f"{what}: {' '.join(shown)}")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None if E.get("BENCH_VERBOSE") else subprocess.PIPE,
                       text=True, cwd=ROOT, env=env)
    if p.returncode != 0:
        sys.stderr.write((p.stderr or "")[-4000:])
        raise SystemExit(f"{what} failed with exit code {p.returncode}")
    if p.stderr:
        for line in p.stderr.splitlines():
            if line.startswith("  ") and ("epoch" in line or "helpers" in line):
                print(line, file=sys.stderr, flush=True)
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]


def java(cp, *args, opts=()):
    return [JAVA, *JAVA_FLAGS, *opts, "-cp", cp, "io.trainyard.bench.BenchMain", *args]


def http(method, path, body=None, headers=None):
    req = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read() or b"null")


def upload(path, layout=None):
    boundary = uuid.uuid4().hex
    parts = []
    fields = {"layout": layout} if layout else {}
    for k, v in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    with open(path, "rb") as f:
        data = f.read()
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(path)}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return http("POST", "/api/v1/datasets", b"".join(parts),
                {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def parse_time(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def service_job(net, dataset_id, checkpoint_every, rep, epochs=None):
    with open(os.path.join(ROOT, "bench", "specs", f"{net}.json")) as f:
        spec = json.load(f)
    epochs = epochs or EPOCHS
    spec["training"] = {"epochs": epochs, "batchSize": BATCH[net], "seed": 42,
                        "checkpoints": {"everyEpochs": checkpoint_every}}
    body = json.dumps({"name": f"bench-{net}-{rep}-{checkpoint_every}", "datasetId": dataset_id, "spec": spec})
    job = http("POST", "/api/v1/jobs", body.encode(), {"Content-Type": "application/json"})
    column = {1: "service", 2: "service-every2"}.get(checkpoint_every, "service-nockpt")
    log(f"{column} {net}: job {job['id']}")
    last = None
    while True:
        time.sleep(0.5)
        job = http("GET", f"/api/v1/jobs/{job['id']}")
        p = job.get("progress") or {}
        if p.get("epoch") != last:
            last = p.get("epoch")
            log(f"  {column} {net}: {job['state']} epoch {p.get('epoch')}/{p.get('totalEpochs')}")
        if job["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
    if job["state"] != "SUCCEEDED":
        raise SystemExit(f"job {job['id']} ended {job['state']}: {job.get('failureReason')}")
    items = http("GET", f"/api/v1/jobs/{job['id']}/metrics")["items"]
    ckpts = http("GET", f"/api/v1/jobs/{job['id']}/checkpoints")["items"]
    epoch_seconds = [i["metrics"]["epochSeconds"] for i in items]
    n = round(items[-1]["metrics"]["samplesPerSecond"] * epoch_seconds[-1])
    recorded = [parse_time(i["recordedAt"]) for i in items]
    return {"kind": "train", "net": net, "column": column, "rep": rep, "jobId": job["id"], "n": n,
            "epochSeconds": epoch_seconds,
            # wall time from the end of epoch 1 to the end of the last: training + metrics + checkpoints
            "cycleSeconds": recorded[-1] - recorded[0], "epochEnds": recorded,
            "checkpointBytes": [c["sizeBytes"] for c in ckpts],
            "checkpoints": len(ckpts), "jobSeconds": parse_time(job["finishedAt"]) - parse_time(job["startedAt"])}


WRITER_LINE = re.compile(r"Job (\S+): checkpoint at epoch \d+ committed, \d+ bytes; training paused ([\d.]+) s "
                         r"for the snapshot; written in the background in ([\d.]+) s using ([\d.]+) s of CPU")


def add_writer_accounts(service_log):
    """Each measured job's checkpoints as the service logs them: [pause, background write, writer CPU] seconds.
    Unlike the wall-time measures, the writer's CPU and the pause do not move with the machine's other load.
    Returns the log lines themselves, every job's (warm-up included), from "Job " on."""
    by_job = defaultdict(list)
    lines = []
    try:
        with open(service_log, errors="replace") as f:
            for line in f:
                m = WRITER_LINE.search(line)
                if m:
                    lines.append(line[m.start():])
                    by_job[m.group(1)].append([float(m.group(2)), float(m.group(3)), float(m.group(4))])
    except FileNotFoundError:
        return lines
    if not by_job:
        log("WARNING: no checkpoint lines in the service's log (has their format changed? WRITER_LINE in "
            "bench/driver.py): the report goes without the writer's account")
    for r in RECORDS:
        if r.get("kind") == "train" and r.get("jobId") in by_job:
            r["writer"] = by_job[r["jobId"]]
    return lines


def steady(r):
    """Steady-state samples/s: epochs after the first (warm-up). The service's uses wall time between epoch ends."""
    if "cycleSeconds" in r:
        return r["n"] * (len(r["epochSeconds"]) - 1) / r["cycleSeconds"]
    return r["n"] * (len(r["epochSeconds"]) - 1) / sum(r["epochSeconds"][1:])


def main():
    machine = {
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cores": os.cpu_count(), "kernel": platform.release(),
        "java": subprocess.run([JAVA, "-version"], capture_output=True, text=True).stderr.splitlines()[0],
        "torch": subprocess.run([PY, "-c", "import torch;print(torch.__version__)"], capture_output=True,
                                text=True).stdout.strip(),
        "OPENBLAS_CORETYPE": E.get("OPENBLAS_CORETYPE", "(auto)"), "OMP_WAIT_POLICY": E.get("OMP_WAIT_POLICY"),
        "OPENBLAS_THREAD_TIMEOUT": E.get("OPENBLAS_THREAD_TIMEOUT", "(OpenBLAS default, 28)"),
        "loadavgStart": open("/proc/loadavg").read().split()[:3],
        # The warm-up jobs' epochs, each with a checkpoint (0: none ran). Runs before 2026-11-30's Zen 4 (fifth)
        # recorded true for 2-epoch jobs without checkpoints.
        "serviceWarmUpJobs": WARMUP_EPOCHS if WARMUP_JOBS else 0,
        "torchMalloc": " ".join(f"{k}={TORCH_ENV[k]}" for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
                                if k in TORCH_ENV) or "glibc's defaults",
    }
    record({"kind": "machine", **machine})
    log("uploading datasets to the service")
    datasets = {net: upload(os.path.join(DATA, f"{net}.npz"), "sequence" if net == "lstm" else None)["id"]
                for net in NETS}
    net_arg = ",".join(f"{n}:{SIZES[n]}" for n in NETS)
    # "service" runs both service columns: per net, the job with a checkpoint every epoch and the one without, back
    # to back, in alternating order (ckpt first on even repeats): the overhead is a pair of neighbours in time.
    columns = ["bare", "pytorch", "service"]
    if HELPERS_OFF:
        columns.insert(1, "bare-nohelpers")
    if WARMUP_JOBS:
        # The service is a long-lived JVM: after its first jobs C2 has compiled the training step, and every later
        # job runs on that code. Without this, the first repeat's service jobs ran partly on code still being
        # compiled (on 2 cores C2 shares them with training): 6,159 against 7,805 samples/s for the MLP's job with
        # checkpoints against the one right after it (docs/performance.md, "Zen 3 (fourth)").
        # Checkpoints too: a long-lived service has written them before, and a service minutes old is still compiling
        # their path (H2's statements, the JSON of DL4J's configuration and the state…), 16-45 ms of compiler CPU per
        # CNN checkpoint beside training (docs/performance.md, "Zen 4 (fifth)").
        log(f"warm-up jobs (not measured): one {WARMUP_EPOCHS}-epoch job per net through the service, a checkpoint "
            "every epoch")
        for net in NETS:
            service_job(net, datasets[net], 1, "warm-up", epochs=WARMUP_EPOCHS)
    repeats_start = time.time()
    for rep in range(REPEATS):
        per_repeat = (time.time() - repeats_start) / rep if rep else 0
        if rep >= MIN_REPEATS and time.time() - T0 + per_repeat > BUDGET_MINUTES * 60:
            log(f"stopping after {rep} repeats: one more (~{per_repeat / 60:.1f} min) would pass the "
                f"{BUDGET_MINUTES:g}-minute budget (BENCH_BUDGET_MINUTES)")
            break
        order = columns[rep % len(columns):] + columns[:rep % len(columns)]  # rotate: no column always first
        log(f"repeat {rep + 1}/{REPEATS}: {', '.join(order)}")
        for r in run_lines(java(JAVA_CP, "sgemm"), "sgemm"):
            record({**r, "rep": rep})
        for col in order:
            if col == "bare":
                out = run_lines(java(JAVA_CP, "train", "bench/specs", net_arg, str(EPOCHS), "0", "bare"), "bare DL4J")
            elif col == "bare-nohelpers":
                out = run_lines(java(JAVA_CP, "train", "bench/specs", net_arg, str(EPOCHS), "0", "bare",
                                     opts=["-Dorg.eclipse.deeplearning4j.helpers.disable=true"]),
                                "bare DL4J, oneDNN helpers off")
                for r in out:
                    r["column"] = "bare-nohelpers"
            elif col == "pytorch":
                out = run_lines([PY, "bench/torch_bench.py", DATA, ",".join(NETS), str(EPOCHS), "2"], "PyTorch",
                                env=TORCH_ENV)
            else:
                every = [1, 10 ** 6] if rep % 2 == 0 else [10 ** 6, 1]
                out = [service_job(net, datasets[net], e, rep) for net in NETS for e in every]
                # One job per net with a checkpoint every 2nd epoch: epochs with and without a checkpoint's cost
                # alternate inside one job, so the comparison does not span two jobs.
                out += [service_job(net, datasets[net], 2, rep, INTERLEAVED_EPOCHS) for net in NETS]
            for r in out:
                r["rep"] = rep
                record(r)
                log(f"  {r['column']} {r['net']}: {steady(r):.0f} samples/s")
    log("checkpoint write/restore (Network.save/load)")
    for r in run_lines(java(JAVA_CP, "ckpt", "bench/specs", "mlp,cnn,lstm", "5", os.path.join(WORK, "ckpt")),
                       "checkpoints"):
        record(r)
    writer_lines = add_writer_accounts(os.path.join(WORK, "service.log"))
    record({"kind": "machine-end", "loadavgEnd": open("/proc/loadavg").read().split()[:3],
            "minutes": (time.time() - T0) / 60})
    results = os.path.join(ROOT, "bench", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "latest.jsonl"), "w") as f:
        for r in RECORDS:
            f.write(json.dumps(r) + "\n")
    # The service's own account of each checkpoint: training pause, background write time and its CPU.
    with open(os.path.join(results, "latest-checkpoints.log"), "w") as f:
        f.writelines(writer_lines)
    md = subprocess.run([PY, os.path.join(ROOT, "bench", "report.py"), os.path.join(results, "latest.jsonl")],
                        capture_output=True, text=True, check=True).stdout
    with open(os.path.join(results, "latest.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
