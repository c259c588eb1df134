/**
 * Shared fixtures for the PCA and PPCA tests: data with a known spectrum, exactly low-rank data,
 * naive float64 references (matmul, dense Gaussian log-density), and a PPCA built from given
 * parameters through its public `fromState`.
 */
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { cholesky, svd } from '../../../src/linalg/index.js';

/** A row-major float64 matrix as the tests pass it. */
export interface Mat {
  data: Float64Array;
  shape: [number, number];
}

/** n×d filled from `new Rng(seed).normal()`. */
export function normalMatrix(n: number, d: number, seed: number | string): Mat {
  const data = new Float64Array(n * d);
  new Rng(seed).fillNormal(data);
  return { data, shape: [n, d] };
}

/** A d×d orthogonal matrix (Q of a random normal matrix, via the SVD: Q = U·Vᵀ). */
export function orthogonal(d: number, seed: number | string): Float64Array {
  const { u, vt } = svd(normalMatrix(d, d, seed));
  return matmul(u!.data as Float64Array, vt.data as Float64Array, d, d, d);
}

/** C = A·B for row-major A (m×k) and B (k×n), naive float64. */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
  return c;
}

/** Transpose of a rows×cols matrix. */
export function transposeOf(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/**
 * n×d data whose population covariance has eigenvalues `variances` (padded with `floor`) along a
 * random rotation, plus an offset: clear eigengaps make components well determined.
 */
export function spectrumData(n: number, d: number, seed: number | string, variances: readonly number[], floor = 0.01, offset = 0): Mat {
  const rng = new Rng(`${seed}:spectrum`);
  const q = orthogonal(d, `${seed}:rotation`);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[i * d + j] = rng.normal() * Math.sqrt(j < variances.length ? variances[j] : floor);
  }
  const x = matmul(z, q, n, d, d);
  for (let i = 0; i < x.length; i++) x[i] += offset + (i % d) * 0.5;
  return { data: x, shape: [n, d] };
}

/** Exactly rank-r data (plus an offset), n×d: X = Z·A + 1cᵀ. */
export function lowRankData(n: number, d: number, r: number, seed: number | string): Mat {
  const z = normalMatrix(n, r, `${seed}:z`).data;
  const a = normalMatrix(r, d, `${seed}:a`).data;
  const x = matmul(z, a, n, r, d);
  for (let i = 0; i < x.length; i++) x[i] += 1 + (i % d);
  return { data: x, shape: [n, d] };
}

/** Column means and the 1/N (or 1/(N − 1)) covariance of X. */
export function covarianceOf(x: Mat, ddof = 0): { mean: Float64Array; cov: Float64Array } {
  const [n, d] = x.shape;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = x.data[i * d + a] - mean[a];
      for (let b = 0; b < d; b++) cov[a * d + b] += xa * (x.data[i * d + b] - mean[b]);
    }
  }
  for (let t = 0; t < cov.length; t++) cov[t] /= n - ddof;
  return { mean, cov };
}

/** ln N(x | μ, C) from a dense Cholesky factorisation of C (the reference for Woodbury). */
export function denseLogDensity(x: ArrayLike<number>, mu: ArrayLike<number>, c: Float64Array, d: number): number {
  const l = cholesky({ data: c, shape: [d, d] }).data;
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = x[i] - mu[i];
    for (let p = 0; p < i; p++) s -= l[i * d + p] * y[p];
    y[i] = s / l[i * d + i];
  }
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    quad += y[i] * y[i];
    logDet += 2 * Math.log(l[i * d + i]);
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + quad);
}

/** A fitted PPCA with the given W (d×k), μ and σ², built through the public state format. */
export function ppcaFromParams(w: Float64Array, mu: Float64Array, sigma2: number, d: number, k: number): PPCA {
  return PPCA.fromState({
    type: 'PPCA',
    version: 1,
    config: {
      options: { nComponents: k, method: 'closed-form', maxIter: 1000, tol: 1e-9, seed: 0, missing: 'error' },
      fitted: { nSamples: 10, nFeatures: d, nComponents: k, nIter: 0, converged: true, clamped: false },
    },
    tensors: {
      weights: { shape: [d, k], data: Float64Array.from(w) },
      mean: { shape: [d], data: Float64Array.from(mu) },
      noiseVariance: { shape: [1], data: Float64Array.of(sigma2) },
      history: { shape: [0], data: new Float64Array(0) },
    },
  });
}

/** Max |a − b| over two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Max |x| of an array. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** The bytes of a float array (for bit-exact comparisons). */
export function bytesOf(a: Float32Array | Float64Array | Tensor): Uint8Array {
  const arr = a instanceof Tensor ? a.data : a;
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice();
}

/** True when every value is finite. */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
