"""scikit-learn's times for the NMF and FastICA benchmarks (bench/nmf.bench.ts, bench/ica.bench.ts)
and OpenBLAS's dgemm GFLOP/s on the float64 GEMM bench's shapes (bench/gemm-f64.bench.ts), on
the same data: Fashion-MNIST training images, pixels/255, float64. Run by hand beside the
TypeScript benchmarks (no test runs Python), with the thread count set by the caller:

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
    /usr/bin/python3 bench/sklearn_decomposition.py nmf --n 6000 --max-iter 20
  ... ica --n 60000 --solvers eigh,svd | gemm --rows 60000
"""
import argparse
import gzip
import os
import time

import numpy as np

DATA = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'


def load(n):
    with gzip.open(DATA, 'rb') as f:
        raw = f.read()
    count = int.from_bytes(raw[4:8], 'big')
    x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, 784)
    return (x[:n].astype(np.float64) / 255.0)


def nmf(args):
    from sklearn.decomposition import NMF
    from sklearn.decomposition._nmf import _initialize_nmf
    X = load(args.n)
    t = time.perf_counter()
    _initialize_nmf(X, args.k, init='nndsvda', random_state=0)
    init = time.perf_counter() - t
    model = NMF(n_components=args.k, solver='cd', init='nndsvda', max_iter=args.max_iter, random_state=0)
    t = time.perf_counter()
    cpu = time.process_time()
    model.fit(X)
    fit = time.perf_counter() - t
    cpu = time.process_time() - cpu
    print(f'sklearn NMF cd rows={X.shape[0]} k={args.k} maxIter={args.max_iter}: fit {fit:.2f} s (cpu {cpu:.2f} s), init {init:.2f} s, '
          f'nIter {model.n_iter_}, s/iter {(fit - init) / model.n_iter_:.4f}, err {model.reconstruction_err_:.2f}')


def ica(args):
    import warnings
    from sklearn.decomposition import FastICA
    X = load(args.n)
    for solver in args.solvers.split(','):
        t = time.perf_counter()
        cpu = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            model = FastICA(n_components=args.k, whiten='unit-variance', whiten_solver=solver, max_iter=200, random_state=0).fit(X)
        print(f'sklearn FastICA {solver} rows={X.shape[0]} k={args.k}: fit {time.perf_counter() - t:.2f} s '
              f'(cpu {time.process_time() - cpu:.2f} s), nIter {model.n_iter_}')


def gemm(args):
    rows = args.rows
    rng = np.random.default_rng(0)
    X = rng.random((rows, 784))
    H = rng.random((20, 784))
    W = rng.random((rows, 20))
    W10 = rng.random((10, 784))
    S128 = rng.random((128, 128))
    S512 = rng.random((512, 512))
    shapes = [
        ('nmf X·Hᵀ', lambda: X @ H.T, rows * 784 * 20),
        ('nmf Xᵀ·W', lambda: X.T @ W, rows * 784 * 20),
        ('gram XᵀX rows 0-128', lambda: X[:, :128].T @ X, 128 * 784 * rows),
        ('logreg X·Wᵀ', lambda: X @ W10.T, rows * 784 * 10),
        ('full gram XᵀX (dsyrk-like)', lambda: X.T @ X, 784 * 784 * rows),
        ('sq128', lambda: S128 @ S128, 128 ** 3),
        ('sq512', lambda: S512 @ S512, 512 ** 3),
    ]
    for name, f, mnk in shapes:
        f()
        times, cpus = [], []
        for _ in range(7):
            t, c = time.perf_counter(), time.process_time()
            f()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        # CPU time is the steadier measure on a loaded machine (one thread: the product's own).
        print(f'numpy dgemm {name}: {2 * mnk / np.median(times) / 1e9:.2f} GFLOP/s (median wall), '
              f'{2 * mnk / min(cpus) / 1e9:.2f} (best CPU time)')


def main():
    p = argparse.ArgumentParser()
    p.add_argument('what', choices=['nmf', 'ica', 'gemm'])
    p.add_argument('--n', type=int, default=60000)
    p.add_argument('--k', type=int, default=20)
    p.add_argument('--max-iter', type=int, default=200)
    p.add_argument('--solvers', default='eigh,svd')
    p.add_argument('--rows', type=int, default=60000)
    args = p.parse_args()
    print(f'OPENBLAS_NUM_THREADS={os.environ.get("OPENBLAS_NUM_THREADS")}, load average {os.getloadavg()}')
    {'nmf': nmf, 'ica': ica, 'gemm': gemm}[args.what](args)


if __name__ == '__main__':
    main()
