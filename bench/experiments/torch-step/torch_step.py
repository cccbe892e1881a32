#!/usr/bin/python3
"""Where PyTorch's MLP step goes (docs/performance.md, "PyTorch's allocations"): bench/torch_bench.py's MLP and
Adam on one random batch of 256, 30 warm-up steps, then forward, backward and Adam timed over 100.

Usage: torch_step.py FOREACH (0: PyTorch's default Adam on CPU, 1: its multi-tensor Adam); see run.sh.
"""
import sys
import time

import torch
from torch import nn

torch.set_num_threads(2)
model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=(sys.argv[1] == "1"))
x = torch.randn(256, 784)
y = torch.randint(0, 10, (256,))
loss_fn = nn.CrossEntropyLoss()


def step(parts):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    opt.step()
    t3 = time.perf_counter()
    parts[0] += t1 - t0
    parts[1] += t2 - t1
    parts[2] += t3 - t2


for _ in range(30):
    step([0, 0, 0])
p = [0.0, 0.0, 0.0]
n = 100
for _ in range(n):
    step(p)
print("forward %.2f ms, backward %.2f ms, Adam %.2f ms, step %.2f ms" % tuple([1000 * v / n for v in p] + [1000 * sum(p) / n]))
