#!/usr/bin/python3
"""Where PyTorch's LeNet step goes, per operator: bench/torch_bench.py's CNN and Adam on one random batch of 64,
30 warm-up steps, then 50 steps under torch.profiler; prints each operator's self CPU time per step and the step's
wall time. Compare with the engine's layer-times (bench/experiments/layer-times) and onednn-verbose.

Usage: torch_cnn_ops.py [STEPS]   (run with the same environment as bench/run: see run.sh beside this script)
"""
import sys
import time

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

torch.set_num_threads(2)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
model = nn.Sequential(
    nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))
loss_fn = nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


for _ in range(30):
    step()
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
plain = sum(times) / steps
with profile(activities=[ProfilerActivity.CPU]) as prof:
    for _ in range(steps):
        step()
print(f"step without the profiler: mean {plain * 1e3:.2f} ms, median {sorted(times)[steps // 2] * 1e3:.2f} ms, "
      f"max {max(times) * 1e3:.2f} ms over {steps} steps")
rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
total = sum(e.self_cpu_time_total for e in rows) / steps / 1e3
print(f"self CPU per step under the profiler: {total:.2f} ms")
for e in rows[:25]:
    print(f"  {e.self_cpu_time_total / steps / 1e3:7.3f} ms  {e.count / steps:5.1f} calls  {e.key}")
