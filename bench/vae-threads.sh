#!/usr/bin/env bash
# DEVELOPER-ONLY: latent-ts's VAE at 1 and 2 threads and PyTorch's (1 thread; 2 intra-op threads;
# 1 intra-op + 2 OpenBLAS threads) on Fashion-MNIST, one epoch each, alternating for ROUNDS rounds
# in one run, with the load average before each; the lines to take medians from. Never run by
# the tests.    bash bench/vae-threads.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DATA=/usr/share/datasets/fashion-mnist
npm run -s bench -- vae --data "$DATA" --epochs 1 --impls latent --threads 1 >/dev/null 2>&1 || true # warm the bundle
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  npm run -s bench -- vae --data "$DATA" --epochs 1 --impls latent --threads 1,2 2>&1 | grep -E "latent-ts|thread" || true
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/vae_torch.py --threads 1
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/vae_torch.py --threads 2
  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/vae_torch.py --threads 1
done
