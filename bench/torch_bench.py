#!/usr/bin/python3
"""PyTorch column of bench/run: the same three networks, data (the NPZ files BenchMain wrote), batch sizes and
optimizer (Adam 1e-3) as the DL4J columns. Prints one JSON object per line, like BenchMain.

Usage: torch_bench.py DATA_DIR NETS EPOCHS [THREADS]
Run it with Debian's /usr/bin/python3 (python3-torch) and OMP_WAIT_POLICY=PASSIVE, like the JVM.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

BATCH = {"mlp": 256, "cnn": 64, "lstm": 32}
# Training FLOPs per example: 3 x forward, forward = 2 x MACs (the same convention as BenchNets.java).
MACS = {
    "mlp": 784 * 1024 + 1024 * 1024 + 1024 * 10,
    "cnn": 24 * 24 * 20 * 25 + 8 * 8 * 50 * 25 * 20 + 800 * 500 + 500 * 10,
    "lstm": 50 * 4 * 128 * (32 + 128) + 128 * 10,
}


class LastStepLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 128, batch_first=True)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.out(y[:, -1, :])


def build(net):
    if net == "mlp":
        return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    if net == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    return LastStepLstm()


def train(net, data_dir, epochs):
    with np.load(f"{data_dir}/{net}.npz") as z:
        x = torch.from_numpy(np.ascontiguousarray(z["x"], dtype=np.float32))
        y = torch.from_numpy(z["y"].astype(np.int64))
    torch.manual_seed(42)
    model = build(net)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    n, b = x.shape[0], BATCH[net]
    seconds = []
    for epoch in range(epochs):
        g = torch.Generator().manual_seed(epoch + 1)
        order = torch.randperm(n, generator=g)
        start = time.perf_counter()
        for i in range(0, n, b):
            idx = order[i:i + b]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
        print(f"  pytorch {net} epoch {epoch + 1}: {seconds[-1]:.2f} s ({n / seconds[-1]:.0f} samples/s)",
              file=sys.stderr, flush=True)
    return n, seconds


def main():
    data_dir, nets, epochs = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    for net in nets:
        n, seconds = train(net, data_dir, epochs)
        print(json.dumps({"kind": "train", "net": net, "column": "pytorch", "flopsPerSample": 6.0 * MACS[net],
                          "n": n, "epochSeconds": seconds, "torch": torch.__version__, "threads": threads}),
              flush=True)


if __name__ == "__main__":
    main()
