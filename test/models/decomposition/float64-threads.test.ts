/**
 * The float64 fits give the same bytes on the TypeScript GEMM (the `'js'` backend, the kernel
 * every float64 product ran on before the f64x2 WebAssembly one), and on the WebAssembly backend
 * at 1, 2 and 3 threads: NMF ('cd' and 'mu'), FastICA (both whitening solvers), FactorAnalysis
 * and LogisticRegression on data whose products are above the float64 parallel threshold
 * (kernels/threads/gemm-parallel-f64.ts), so at 2 and 3 threads they are shared out by panels.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, isWasmAvailable, setBackend } from '../../../src/kernels/backend.js';
import { PARALLEL_PRODUCT_F64 } from '../../../src/kernels/threads/gemm-parallel-f64.js';
import { setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { FastICA } from '../../../src/models/decomposition/fast-ica.js';
import { NMF } from '../../../src/models/decomposition/nmf.js';
import { LogisticRegression } from '../../../src/models/linear/logistic-regression.js';
import { Rng } from '../../../src/random/rng.js';

const N = 400;
const D = 260;
const K = 10;

function data(): { data: Float64Array; shape: number[]; labels: number[] } {
  const rng = new Rng('float64-threads');
  // Non-negative, low rank plus noise, with a few non-Gaussian sources, so every fit has structure.
  const w = rng.fillUniform(new Float64Array(N * K), 0, 1);
  const h = rng.fillUniform(new Float64Array(K * D), 0, 1);
  const x = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      let s = 0.05 * rng.uniform();
      for (let q = 0; q < K; q++) s += w[i * K + q] * h[q * D + j];
      x[i * D + j] = s;
    }
  }
  const labels = Array.from({ length: N }, (_, i) => (w[i * K] > w[i * K + 1] ? 1 : 0) + (w[i * K + 2] > 0.5 ? 2 : 0));
  return { data: x, shape: [N, D], labels };
}

function digest(arrays: ArrayLike<number>[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(Float64Array.from(a).buffer));
  return hash.digest('hex');
}

function fits(): Record<string, string> {
  const X = data();
  const nmfCd = new NMF({ nComponents: K, solver: 'cd', maxIter: 15 }).fit(X);
  const nmfMu = new NMF({ nComponents: K, solver: 'mu', maxIter: 15 }).fit(X);
  const icaEigh = new FastICA({ nComponents: K, whitenSolver: 'eigh', maxIter: 20, seed: 0 }).fit(X);
  const icaSvd = new FastICA({ nComponents: K, whitenSolver: 'svd', maxIter: 20, seed: 0 }).fit(X);
  const fa = new FactorAnalysis({ nComponents: K, maxIter: 10 }).fit(X);
  const lr = new LogisticRegression({ maxIter: 30 }).fit(X, X.labels);
  return {
    nmfCd: digest([nmfCd.components.data, [nmfCd.reconstructionError]]),
    nmfMu: digest([nmfMu.components.data, [nmfMu.reconstructionError]]),
    icaEigh: digest([icaEigh.components.data, icaEigh.mixing.data]),
    icaSvd: digest([icaSvd.components.data, icaSvd.mixing.data]),
    fa: digest([fa.components.data, fa.noiseVariance, fa.loglike]),
    lr: digest([lr.coef.data, lr.intercept]),
  };
}

describe.skipIf(!isWasmAvailable())('float64 fits on the WebAssembly GEMM and on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('give the TypeScript GEMM\'s bytes, on 1, 2 and 3 threads', async () => {
    expect(N * K * D).toBeGreaterThanOrEqual(PARALLEL_PRODUCT_F64);
    setThreads(1);
    setBackend('js');
    const typescript = fits();
    setBackend('wasm');
    for (const threads of threadsSupported() ? [1, 2, 3] : [1]) {
      setThreads(threads);
      if (threads > 1) await threadPool(threads, 1 << 20)?.ready();
      expect(fits(), `${threads} thread(s)`).toEqual(typescript);
    }
  }, 120_000);
});
