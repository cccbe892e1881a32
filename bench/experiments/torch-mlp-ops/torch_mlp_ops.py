#!/usr/bin/python3
"""PyTorch's MLP step operator by operator (docs/performance.md, "Zen 3 (fourth)"): bench/torch_bench.py's MLP and
Adam on one random batch of 256, 40 warm-up steps, then torch.profiler over 100 steps; prints the mean step and the
operators by their own CPU time, grouped by input shapes, to set beside the engine's per-product times
(bench/experiments/layer-times, LT_GEMM=1).
"""
import time

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile

torch.set_num_threads(2)
model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randn(256, 784)
y = torch.randint(0, 10, (256,))
loss_fn = nn.CrossEntropyLoss()


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


for _ in range(40):
    step()
with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    t0 = time.perf_counter()
    for _ in range(100):
        step()
    print("step %.2f ms (profiled)" % ((time.perf_counter() - t0) * 10))
print(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=14))
