#!/usr/bin/python3
"""Turns bench/results/latest.jsonl (bench/driver.py's raw measurements) into the Markdown report.

With several .jsonl files: service / bare DL4J per repeat, pooled over those runs."""
import json
import statistics
import sys
from collections import defaultdict

NETS = ["mlp", "cnn", "lstm"]
NAMES = {"mlp": "MLP 784-1024-1024-10", "cnn": "LeNet CNN 28×28×1", "lstm": "LSTM 32→128 ×50 steps"}
BATCH = {"mlp": 256, "cnn": 64, "lstm": 32}
# Training FLOPs per example (BenchNets.trainFlops): 3 x forward, forward = 2 x multiply-accumulates.
FLOPS = {"mlp": 11169792, "cnn": 13758000, "lstm": 24583680}


def steady(r):
    if "cycleSeconds" in r:
        return r["n"] * (len(r["epochSeconds"]) - 1) / r["cycleSeconds"]
    return r["n"] * (len(r["epochSeconds"]) - 1) / sum(r["epochSeconds"][1:])


def training_only(r):
    return r["n"] * (len(r["epochSeconds"]) - 1) / sum(r["epochSeconds"][1:])


def mm(values, fmt="{:.0f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = statistics.median(values)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def med(values):
    return statistics.median(values) if values else None


def idle(r):
    """A service job's wall time per epoch that is not training (bookkeeping, checkpoint pauses)."""
    return (r["cycleSeconds"] - sum(r["epochSeconds"][1:])) / max(1, len(r["epochSeconds"]) - 1)


def paced(r):
    """Steady-state wall time per epoch, relative to the job's own first epoch (no checkpoint yet)."""
    return r["cycleSeconds"] / max(1, len(r["epochSeconds"]) - 1) / r["epochSeconds"][0]


def load(path):
    """(records, train) where train[(net, column)][rep] is a training record."""
    recs = [json.loads(l) for l in open(path)]
    train = defaultdict(dict)
    for r in recs:
        if r["kind"] == "train":
            train[(r["net"], r["column"])][r["rep"]] = r
    return recs, train


def service_over_bare(train, net):
    x, y = train[(net, "service")], train[(net, "bare")]
    return [steady(x[k]) / steady(y[k]) for k in x if k in y]


def pooled(paths):
    """Service / bare DL4J per repeat, pooled over several runs' latest.jsonl files."""
    print(f"Service / bare DL4J per repeat, pooled over {len(paths)} runs: median (min–max), repeats\n")
    print("| net | pooled | repeats |\n|---|---:|---:|")
    for net in NETS:
        values = [v for path in paths for v in service_over_bare(load(path)[1], net)]
        print(f"| {NAMES[net]} | {mm(values, '{:.2f}')} | {len(values)} |")


def warm_up(epochs):
    """What the service ran before the first repeat: true (older runs) for 2-epoch jobs without checkpoints."""
    if not epochs:
        return ""
    if epochs is True:
        return ("; before the first repeat the service ran one unmeasured 2-epoch job per net, as a long-lived "
                "service has run jobs before (`BENCH_SERVICE_WARMUP=0` skips it)")
    return (f"; before the first repeat the service ran one unmeasured {epochs}-epoch job per net with a checkpoint "
            "every epoch, as a long-lived service has run jobs and written checkpoints before "
            "(`BENCH_SERVICE_WARMUP=0` skips it)")


def main():
    if len(sys.argv) > 2:
        pooled(sys.argv[1:])
        return
    recs, train = load(sys.argv[1])
    machine = next(r for r in recs if r["kind"] == "machine")
    end = next((r for r in recs if r["kind"] == "machine-end"), {})
    reps = sorted({r["rep"] for r in recs if r["kind"] == "train"})
    # sgemm[rep][(path, size)]: ND4J's mmuli ("nd4j" in results before the other paths were measured),
    # cblas_sgemm called directly, Nd4j.gemm (oneDNN). The ceiling is the best of them in each repeat.
    sgemm = defaultdict(dict)
    for r in recs:
        if r["kind"] == "sgemm":
            path = "mmuli" if r["column"] == "nd4j" else r["column"]
            sgemm[r["rep"]][(path, r["size"])] = r["gflops"]
    ceiling = {rep: max(v.values()) for rep, v in sgemm.items()}
    sgemm_paths = [p for p in ("mmuli", "cblas", "onednn") if any((p, 1024) in v for v in sgemm.values())]
    # optional column (BENCH_HELPERS_OFF=1): the bare loop with DL4J's oneDNN layer helpers off, i.e. how DL4J
    # trained before the service shipped oneDNN
    has_off = any(c == "bare-nohelpers" for _, c in train)

    def per_rep(net, col, f=steady):
        return {rep: f(r) for rep, r in train[(net, col)].items()}

    def ratio(net, a, b):
        x, y = per_rep(net, a), per_rep(net, b)
        return [x[k] / y[k] for k in x if k in y]

    def interleaved(net):
        """Checkpoint overhead per repeat, %, inside one job with a checkpoint every 2nd epoch: a checkpoint's pause
        and background write fall in the epoch after it (metrics are recorded first), so the 2nd, 4th, ... interval
        between epoch ends carries one each and the others none. Each interval with a checkpoint is compared with the
        mean of its two neighbours without (an A-B-A design): a job whose epochs drift slower or faster over its run
        biases a comparison with only the interval before by the drift, either way."""
        out = []
        for r in train[(net, "service-every2")].values():
            ends = r.get("epochEnds") or []
            gaps = [b - a for a, b in zip(ends, ends[1:])]
            ratios = [gaps[i] / ((gaps[i - 1] + gaps[i + 1]) / 2) for i in range(1, len(gaps) - 1, 2)]
            if ratios:
                out.append((statistics.mean(ratios) - 1) * 100)
        return out

    def overhead(net):
        """Checkpoint overhead per repeat, %, each job's steady time per epoch against its own first epoch."""
        a, b = train[(net, "service")], train[(net, "service-nockpt")]
        return [(paced(a[k]) / paced(b[k]) - 1) * 100 for k in a if k in b]

    out = []
    w = out.append
    w("# Trainyard benchmark results\n")
    w(f"Machine: {machine['cpu']}, {machine['cores']} cores, Linux {machine['kernel']}; {machine['java']}; "
      f"PyTorch {machine['torch']} (Debian python3-torch). `OPENBLAS_CORETYPE={machine['OPENBLAS_CORETYPE']}`, "
      f"`OMP_WAIT_POLICY={machine['OMP_WAIT_POLICY']}`, "
      f"`OPENBLAS_THREAD_TIMEOUT={machine.get('OPENBLAS_THREAD_TIMEOUT', '(not recorded)')}`, 2 threads everywhere; "
      f"PyTorch's malloc: {machine.get('torchMalloc', '(not recorded)')}. Load average at start "
      f"{' / '.join(machine['loadavgStart'])}, at end {' / '.join(end.get('loadavgEnd', ['?']))} "
      f"(the machine is shared: absolute figures are noisy, ratios are taken within each repeat). "
      f"{len(reps)} repeats, run time {end.get('minutes', 0):.1f} min.\n")
    w("Figures: median (min–max) over repeats. Throughput is steady-state samples/s: epochs after the first; for "
      "the service, wall time between the ends of epoch 1 and the last epoch as recorded by the job's metrics "
      "(training, metrics and checkpoints included — a real job over HTTP with a checkpoint every epoch)"
      + warm_up(machine.get("serviceWarmUpJobs"))
      + ". Ratios are computed within a repeat, then summarised.\n")
    w("## Training throughput (samples/s)\n")
    head = "| net | batch | service (job, ckpt every epoch) | service, training loop only | bare DL4J | PyTorch |"
    sep = "|---|---:|---:|---:|---:|---:|"
    if has_off:
        head += " bare DL4J, oneDNN helpers off |"
        sep += "---:|"
    w(head)
    w(sep)
    for net in NETS:
        row = (f"| {NAMES[net]} | {BATCH[net]} | {mm(per_rep(net, 'service').values())} | "
               f"{mm(per_rep(net, 'service', training_only).values())} | {mm(per_rep(net, 'bare').values())} | "
               f"{mm(per_rep(net, 'pytorch').values())} |")
        if has_off:
            row += f" {mm(per_rep(net, 'bare-nohelpers').values())} |"
        w(row)
    w("\n## Ratios (same repeat)\n")
    head = "| net | service / bare DL4J (goal ≥ 0.97) | service / PyTorch (goal ≥ 1.0) | bare DL4J / PyTorch |"
    sep = "|---|---:|---:|---:|"
    if has_off:
        head += " bare DL4J / helpers off | service / helpers off |"
        sep += "---:|---:|"
    w(head)
    w(sep)
    for net in NETS:
        f2 = "{:.2f}"
        row = (f"| {NAMES[net]} | {mm(ratio(net, 'service', 'bare'), f2)} | {mm(ratio(net, 'service', 'pytorch'), f2)}"
               f" | {mm(ratio(net, 'bare', 'pytorch'), f2)} |")
        if has_off:
            row += (f" {mm(ratio(net, 'bare', 'bare-nohelpers'), f2)} |"
                    f" {mm(ratio(net, 'service', 'bare-nohelpers'), f2)} |")
        w(row)
    w("\n## Hardware ceiling\n")
    path_names = {"mmuli": "ND4J `mmuli`", "cblas": "OpenBLAS `cblas_sgemm` called directly",
                  "onednn": "`Nd4j.gemm` (oneDNN)"}
    w("sgemm (float32, square, best of up to 40 multiplications, in its own JVM each repeat), GFLOP/s:\n")
    w("| path | 1024² | 2048² |\n|---|---:|---:|")
    for p in sgemm_paths:
        w(f"| {path_names[p]} | {mm([v[(p, 1024)] for v in sgemm.values() if (p, 1024) in v], '{:.1f}')} | "
          f"{mm([v[(p, 2048)] for v in sgemm.values() if (p, 2048) in v], '{:.1f}')} |")
    w(f"\nCeiling = the best of these in each repeat: {mm(list(ceiling.values()), '{:.1f}')} GFLOP/s.\n")
    w("FLOPs per training example: forward = 2 × multiply-accumulates of the weight layers, training = 3 × forward "
      "(MLP 11.17 MFLOP, CNN 13.76 MFLOP, LSTM 24.58 MFLOP).\n")
    cols = ["service", "bare", "pytorch"] + (["bare-nohelpers"] if has_off else [])
    w("| net | " + " | ".join(f"{c} GFLOP/s (share of sgemm)" for c in cols) + " |")
    w("|---|" + "---:|" * len(cols))
    for net in NETS:
        cells = []
        for c in cols:
            g = {rep: s * FLOPS[net] / 1e9 for rep, s in per_rep(net, c).items()}
            share = [g[rep] / ceiling[rep] * 100 for rep in g if rep in ceiling]
            cells.append(f"{mm(list(g.values()), '{:.1f}')} ({mm(share, '{:.0f}')} %)")
        w(f"| {NAMES[net]} | " + " | ".join(cells) + " |")
    w("\n## Checkpoints\n")
    ck = {r["net"]: r for r in recs if r["kind"] == "ckpt"}
    w("Overhead: the same job with a checkpoint after every epoch vs only the final one, compared on the wall time "
      "between the ends of epoch 1 and the last epoch (so the with-checkpoints job pays "
      f"{max(1, len(next(iter(train.values()))[reps[0]]['epochSeconds']) - 1) if train else '?'} checkpoints in that "
      "window, the other none); the two jobs run back to back, in alternating order. *Pause*: what training waits "
      "for per checkpoint inside the with-checkpoints job (its wall time minus its epochs' training time, less the "
      "same for the other job): checkpoints are written in the background, so the rest of the overhead is the "
      "writer competing for the cores, and noise. Two jobs minutes apart differ by more than a checkpoint costs "
      "(their first epochs, before any checkpoint, differ as much), so *each job against its own first epoch* "
      "compares the jobs' steady wall time per epoch, each divided by its own first epoch's training time; the goal "
      "row used it until the *interleaved* measure: one job with a checkpoint every 2nd epoch "
      f"({max((len(r.get('epochEnds') or []) for (_, c), rs in train.items() if c == 'service-every2' for r in rs.values()), default='?')} "
      "epochs): the wall time of each epoch that follows a "
      "checkpoint against the mean of the two epochs around it, which follow none, in the same job — the least "
      "exposed to drift, and what the goal row uses now. Write/restore: `Network.save` to a file with fsync and `Network.load` back, in the "
      "bare-DL4J JVM (5 times, median); size: the service's checkpoint object (`sizeBytes`).\n")
    w("| net | epoch (s, training only) | overhead at 1 checkpoint/epoch (goal ≤ 3.5 %) | seconds per checkpoint in the job | "
      "epoch length at which it is 3.5 % | overhead, each job against its own first epoch | "
      "overhead, interleaved in one job | "
      "pause per checkpoint (in-job) | checkpoint size | Network.save + fsync | Network.load |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for net in NETS:
        a, b = train[(net, "service")], train[(net, "service-nockpt")]
        over = [(a[k]["cycleSeconds"] / b[k]["cycleSeconds"] - 1) * 100 for k in a if k in b]
        per = [(a[k]["cycleSeconds"] - b[k]["cycleSeconds"]) / max(1, len(a[k]["epochSeconds"]) - 1)
               for k in a if k in b]
        pause = [idle(a[k]) - idle(b[k]) for k in a if k in b]
        epoch = [statistics.mean(r["epochSeconds"][1:]) for r in a.values()]
        size = med([r["checkpointBytes"][-1] for r in a.values() if r.get("checkpointBytes")])
        c = ck.get(net, {})
        w(f"| {NAMES[net]} | {mm(epoch, '{:.2f}')} | {mm(over, '{:.0f}')} % | {mm(per, '{:.2f}')} | "
          f"{max(0, med(per)) / 0.035:.0f} s | {mm(overhead(net), '{:.0f}')} % | {mm(interleaved(net), '{:.1f}')} % | "
          f"{mm(pause, '{:.3f}')} s | {(size or 0) / 1e6:.1f} MB | {med(c.get('writeSeconds', [])) or 0:.3f} s | "
          f"{med(c.get('restoreSeconds', [])) or 0:.3f} s |")
    accounts = {net: [r for c in ("service", "service-every2") for r in train[(net, c)].values() if r.get("writer")]
                for net in NETS}
    if any(accounts.values()):
        w("\nWhat each checkpoint cost by the service's own account (its log line per checkpoint, the measured jobs "
          "with checkpoints: every epoch, and every 2nd): the writer thread's CPU and training's pause for the "
          "snapshot, which the machine's other load barely moves, unlike the wall-time measures above. *Share of an "
          "epoch*: per repeat, the medians of writer CPU and pause over the median training epoch of the job with a "
          "checkpoint every epoch: what a checkpoint per epoch would cost if the writer's CPU were taken from training "
          "one for one, as on two cores that training keeps busy it is, before what it does to caches and to the "
          "JIT.\n")
        w("| net | checkpoints | writer CPU per checkpoint | pause per checkpoint | writer CPU + pause, share of an "
          "epoch |")
        w("|---|---:|---:|---:|---:|")
        for net, rs in accounts.items():
            if not rs:
                continue
            cpu = [x[2] for r in rs for x in r["writer"]]
            pause = [x[0] for r in rs for x in r["writer"]]
            share = []
            for rep, r in train[(net, "service")].items():
                mine = [x for q in rs if q["rep"] == rep for x in q["writer"]]
                if mine:
                    cost = statistics.median(x[2] for x in mine) + statistics.median(x[0] for x in mine)
                    share.append(cost / statistics.median(r["epochSeconds"][1:]) * 100)
            w(f"| {NAMES[net]} | {len(cpu)} | {mm([c * 1000 for c in cpu], '{:.0f}')} ms | "
              f"{mm([p * 1000 for p in pause], '{:.0f}')} ms | {mm(share, '{:.1f}')} % |")
    w("\n## Goals\n")
    w("| goal | measured (median, min–max) | met |")
    w("|---|---|---|")
    for net in NETS:
        r = ratio(net, "service", "bare")
        w(f"| {NAMES[net]}: service / bare DL4J ≥ 0.97 | {mm(r, '{:.2f}')} | {'yes' if r and med(r) >= 0.97 else 'no'} |")
    for net in NETS:
        r = ratio(net, "service", "pytorch")
        w(f"| {NAMES[net]}: service / PyTorch ≥ 1.0 | {mm(r, '{:.2f}')} | {'yes' if r and med(r) >= 1.0 else 'no'} |")
    for net in NETS:
        over = interleaved(net)
        w(f"| {NAMES[net]}: checkpoint overhead ≤ 3.5 % (interleaved in one job) | "
          f"{mm(over, '{:.1f}')} % | {'yes' if over and med(over) <= 3.5 else 'no'} |")
    mlp = per_rep("mlp", "service")
    share = [mlp[k] * FLOPS['mlp'] / 1e9 / ceiling[k] * 100 for k in mlp if k in ceiling]
    w(f"| MLP service training ≥ 50 % of sgemm | {mm(share, '{:.0f}')} % | {'yes' if share and med(share) >= 50 else 'no'} |")
    mlpb = per_rep("mlp", "service", training_only)
    share_t = [mlpb[k] * FLOPS['mlp'] / 1e9 / ceiling[k] * 100 for k in mlpb if k in ceiling]
    w(f"| (MLP, service training loop only, checkpoints excluded) | {mm(share_t, '{:.0f}')} % | – |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
