"""DEVELOPER-ONLY: the network of bench/conv-vae.bench.ts in PyTorch (Debian python3-torch), timed
on the same data for a samples/s ratio on this machine. Never run by the tests; the bench runs
it as a child only when asked (`npm run bench -- conv-vae --torch 1,2`).

    /usr/bin/python3 bench/conv_vae_torch.py [--data DIR] [--limit N] [--epochs N] [--threads T]
                                              [--test] [--json]

--threads sets torch.set_num_threads (intra-op) and the inter-op pool to the same count.
--test adds the mean test negative ELBO (one reparameterised sample per image, as latent-ts's
`vae.elbo`). --json prints one JSON line last: samples/s over the epochs, per-epoch samples/s,
final train loss and the test −ELBO.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def images(data, stem):
    with gzip.open(f"{data}/{stem}-images-idx3-ubyte.gz", "rb") as f:
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

    def terms(self, x):
        """Per-image reconstruction (Bernoulli −log p(x|z)) and KL, one sample of z."""
        h = self.encoder(x)
        mu, logvar = h[:, : self.k], h[:, self.k :]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="none").sum(1)
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), 1)
        return rec, kl

    def loss(self, x):
        rec, kl = self.terms(x)
        return (rec.sum() + kl.sum()) / x.shape[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--test", action="store_true")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    torch.manual_seed(1)
    x = images(a.data, "train")[: a.limit]
    model = ConvVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    per_epoch = []
    seconds = 0.0
    total = 0.0
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
        seconds += sec
        per_epoch.append(x.shape[0] / sec)
        print(f"torch {torch.__version__} threads {a.threads} epoch {epoch + 1}: loss {total / x.shape[0]:.2f}, {sec:.1f} s, {x.shape[0] / sec:.0f} samples/s", flush=True)
    out = {"torch": torch.__version__, "threads": a.threads, "samplesPerSecond": a.epochs * x.shape[0] / seconds,
           "epochSamplesPerSecond": per_epoch, "finalTrainLoss": total / x.shape[0]}
    if a.test:
        t = images(a.data, "t10k")
        with torch.no_grad():
            neg = sum(float(r.sum() + k.sum()) for r, k in (model.terms(t[s : s + 1000]) for s in range(0, t.shape[0], 1000)))
        out["testNegElbo"] = neg / t.shape[0]
        print(f"torch test -ELBO {out['testNegElbo']:.2f}", flush=True)
    if a.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
