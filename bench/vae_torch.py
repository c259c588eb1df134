"""DEVELOPER-ONLY: the pytorch/examples VAE (784-400-20, ReLU, sigmoid + summed BCE, Adam 1e-3,
batch 128) on Fashion-MNIST in PyTorch (Debian python3-torch), for the samples/s ratio of
bench/vae.bench.ts on this machine. Never run by the tests or the bench. Thread settings: the
intra-op threads (--threads, torch.set_num_threads) and OpenBLAS's own (OPENBLAS_NUM_THREADS in
the environment, read at import); bench/vae-threads.sh alternates them with latent-ts.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/vae_torch.py [--epochs N] [--threads T]
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

DIR = "/usr/share/datasets/fashion-mnist"


def images(stem):
    with gzip.open(f"{DIR}/{stem}-images-idx3-ubyte.gz", "rb") as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return torch.from_numpy(raw.reshape(-1, 784).astype(np.float32) / 255.0)


class VAE(nn.Module):
    """pytorch/examples vae/main.py, unchanged."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h1 = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h1), self.fc22(h1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = images("train")
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    for epoch in range(a.epochs):
        perm = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        total = 0.0
        for s in range(0, x.shape[0], 128):
            batch = x[perm[s : s + 128]]
            opt.zero_grad()
            recon, mu, logvar = model(batch)
            bce = F.binary_cross_entropy(recon, batch, reduction="sum")
            kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            loss = bce + kld
            loss.backward()
            opt.step()
            total += loss.item()
        sec = time.perf_counter() - t0
        print(f"torch {torch.__version__} threads {a.threads} openblas {blas} epoch {epoch + 1}: "
              f"loss {total / x.shape[0]:.2f}, {sec:.2f} s, {x.shape[0] / sec:.0f} samples/s", flush=True)


if __name__ == "__main__":
    main()
