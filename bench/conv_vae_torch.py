"""DEVELOPER-ONLY: the network of bench/conv-vae.bench.ts in PyTorch (Debian python3-torch), timed
on the same data for a samples/s ratio on this machine. Never run by the tests or the bench.

    /usr/bin/python3 bench/conv_vae_torch.py [--limit N] [--epochs N] [--threads T]
"""
import argparse
import gzip
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


class ConvVAE(nn.Module):
    def __init__(self, k=20):
        super().__init__()
        self.k = k
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(), nn.Linear(3136, 2 * k))
        self.decoder = nn.Sequential(
            nn.Linear(k, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Flatten())

    def loss(self, x):
        h = self.encoder(x)
        mu, logvar = h[:, : self.k], h[:, self.k :]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="sum") / x.shape[0]
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.shape[0]
        return rec + kl


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = images("train")[: a.limit]
    model = ConvVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(a.epochs):
        perm = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        total = 0.0
        for s in range(0, x.shape[0], 128):
            batch = x[perm[s : s + 128]]
            opt.zero_grad()
            loss = model.loss(batch)
            loss.backward()
            opt.step()
            total += loss.item() * batch.shape[0]
        sec = time.perf_counter() - t0
        print(f"torch {torch.__version__} threads {a.threads} epoch {epoch + 1}: loss {total / x.shape[0]:.2f}, {sec:.1f} s, {x.shape[0] / sec:.0f} samples/s")


if __name__ == "__main__":
    main()
