/**
 * Randomized range finder and truncated SVD (Halko, Martinsson & Tropp 2011, Algorithms 4.4
 * and 5.1) with subspace (power) iterations. The passes over A, which carry the cost, go through
 * `gemm` in A's own storage type (a float32 A uses the float32 kernel); everything else is
 * float64, and every intermediate basis is re-orthonormalised by Householder QR, which keeps the
 * small singular directions from being lost to rounding (HMT §4.5).
 *
 * @module
 */
import { gemmCore } from '../kernels/gemm.js';
import { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { assertInt, type FloatArray } from '../validate.js';
import { readMatrix } from './matrix.js';
import { thinQ } from './qr.js';
import { choleskyInPlace } from './cholesky.js';
import { gram } from './syrk.js';
import { thinSvd, type SvdResult } from './svd.js';

/**
 * A matrix known by its products only, such as a sparse one: `times(B, size)` = A·B for B
 * n×size and `timesT(B, size)` = Aᵀ·B for B m×size, both row-major float64, returned fresh.
 * The randomized SVD needs nothing else of A.
 *
 * @example
 * ```ts
 * const op: MatrixProducts = { times: (B, size) => csrTimes(X, B, size), timesT: (B, size) => csrTimesT(X, B, size) };
 * truncatedSvd(op, m, n, 5, 10, 4, new Rng(0), true);
 * ```
 */
export interface MatrixProducts {
  times(B: Float64Array, size: number): Float64Array;
  timesT(B: Float64Array, size: number): Float64Array;
}

type Operand = FloatArray | MatrixProducts;

function isProducts(A: Operand): A is MatrixProducts {
  return !ArrayBuffer.isView(A);
}

/** `src` converted to the storage type of `like` (no copy when they already agree; float64 for products). */
function sameKind(src: Float64Array, like: Operand): FloatArray {
  return like instanceof Float32Array ? Float32Array.from(src) : src;
}

/** A Float64Array view or copy of any float array. */
function asFloat64(x: FloatArray): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * Unchecked core of {@link randomizedRangeFinder}: an m×size float64 matrix with orthonormal
 * columns whose span approximates the range of A (m×n row-major, float32 or float64, or its
 * {@link MatrixProducts}).
 *
 * @example
 * ```ts
 * const Q = rangeFinder(new Float64Array([1, 0, 0, 1, 0, 0]), 3, 2, 1, 2, new Rng(0)); // 3×1
 * ```
 */
export function rangeFinder(A: Operand, m: number, n: number, size: number, nIter: number, rng: Rng): Float64Array {
  const omega = new Float64Array(n * size);
  rng.fillNormal(omega);
  const orth = A instanceof Float32Array ? choleskyQR32 : thinQ;
  let y = multiply(A, m, n, false, sameKind(omega, A), size);
  for (let it = 0; it < nIter; it++) {
    const q = orth(y, m, size);
    const z = multiply(A, m, n, true, sameKind(q, A), size);
    const qz = orth(z, n, size);
    y = multiply(A, m, n, false, sameKind(qz, A), size);
  }
  return orth(y, m, size);
}

/**
 * Orthonormalises the columns of Y (m×p) as Q = Y·L⁻ᵀ with YᵀY = L·Lᵀ, the products in float32
 * (Gram matrix summed by chunks in float64). Orthogonal to about 1e-6, which is all a float32
 * sketch needs: the callers finish with a Rayleigh–Ritz step that allows a non-orthonormal
 * basis. Falls back to Householder QR when YᵀY is not numerically positive definite. Y's
 * condition number is at most σ₁/σ_p of A here, since Y = A·Q for an orthonormal Q.
 */
function choleskyQR32(y: Float64Array, m: number, p: number): Float64Array {
  const y32 = Float32Array.from(y);
  const l = gram(y32, m, p);
  if (choleskyInPlace(l, p) >= 0) return thinQ(y, m, p);
  // L⁻ᵀ (upper triangular): solve L·X = I, then transpose.
  const inv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) inv[i * p + i] = 1;
  for (let i = 0; i < p; i++) {
    for (let q = 0; q < i; q++) {
      const f = l[i * p + q];
      if (f !== 0) for (let c = 0; c < p; c++) inv[i * p + c] -= f * inv[q * p + c];
    }
    const d = 1 / l[i * p + i];
    for (let c = 0; c < p; c++) inv[i * p + c] *= d;
  }
  const invT = new Float32Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) invT[j * p + i] = inv[i * p + j];
  const q = new Float32Array(m * p);
  gemmCore(false, false, m, p, p, 1, y32, p, invT, p, 0, q, p);
  return Float64Array.from(q);
}

/** A·B (trans = false, B n×size) or Aᵀ·B (trans = true, B m×size), returned in float64. */
function multiply(A: Operand, m: number, n: number, trans: boolean, B: FloatArray, size: number): Float64Array {
  if (isProducts(A)) return trans ? A.timesT(B as Float64Array, size) : A.times(B as Float64Array, size);
  const rows = trans ? n : m;
  const inner = trans ? m : n;
  const out = A instanceof Float64Array ? new Float64Array(rows * size) : new Float32Array(rows * size);
  gemmCore(trans, false, rows, size, inner, 1, A, n, B, size, 0, out, size);
  return asFloat64(out);
}

/**
 * The unchecked result of {@link truncatedSvd}.
 *
 * @example
 * ```ts
 * const { s, vt } = truncatedSvd(a, m, n, 5, 10, 4, new Rng(0), false);
 * ```
 */
export interface TruncatedSvd {
  /** m×k, or null. */
  u: Float64Array | null;
  /** k singular values, descending. */
  s: Float64Array;
  /** k×n, rows sign-fixed. */
  vt: Float64Array;
}

/** B = Qᵀ·A (p×n, float64) for Q m×p: one gemm in A's storage type, or (Aᵀ·Q)ᵀ from the products. */
function projected(A: Operand, q: Float64Array, m: number, n: number, p: number): Float64Array {
  if (isProducts(A)) {
    const t = A.timesT(q, p); // n×p
    const b = new Float64Array(p * n);
    for (let j = 0; j < n; j++) for (let r = 0; r < p; r++) b[r * n + j] = t[j * p + r];
    return b;
  }
  const bOut = A instanceof Float64Array ? new Float64Array(p * n) : new Float32Array(p * n);
  gemmCore(true, false, p, n, m, 1, sameKind(q, A), p, A, n, 0, bOut, n);
  return Float64Array.from(bOut);
}

/**
 * Unchecked core of {@link randomizedSvd}: the k leading singular triplets of A (m×n,
 * float32 or float64, or known by its {@link MatrixProducts}) from a range of k + nOversamples
 * columns. B = Qᵀ·A is formed in A's storage type (float64 from products) and decomposed in
 * float64.
 *
 * @example
 * ```ts
 * truncatedSvd(data, 100, 20, 3, 10, 4, new Rng(0), false).s; // 3 values
 * ```
 */
export function truncatedSvd(
  A: Operand, m: number, n: number, k: number, nOversamples: number, nIter: number, rng: Rng, computeU: boolean,
): TruncatedSvd {
  const p = Math.min(k + nOversamples, Math.min(m, n));
  const q = rangeFinder(A, m, n, p, nIter, rng);
  const small = thinSvd(projected(A, q, m, n, p), p, n, computeU);
  const s = small.s.slice(0, k);
  const vt = small.vt.slice(0, k * n);
  let u: Float64Array | null = null;
  if (computeU) {
    // U = Q·U_B, keeping k columns.
    const ub = small.u as Float64Array; // p×p
    u = new Float64Array(m * k);
    const ubk = new Float64Array(p * k);
    for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) ubk[i * k + j] = ub[i * p + j];
    gemmCore(false, false, m, k, p, 1, q, p, ubk, k, 0, u, k);
  }
  return { u, s, vt };
}

/**
 * scikit-learn's default number of power iterations.
 *
 * @example
 * ```ts
 * defaultPowerIterations(50, 60000, 784); // 7 (50 < 78.4)
 * ```
 */
export function defaultPowerIterations(k: number, m: number, n: number): number {
  return k < 0.1 * Math.min(m, n) ? 7 : 4;
}

/**
 * Options of {@link randomizedSvd} and {@link randomizedRangeFinder}.
 *
 * @example
 * ```ts
 * randomizedSvd(X, 10, { nOversamples: 20, nIter: 'auto', seed: 'run-1' });
 * ```
 */
export interface RandomizedOptions {
  /** Extra columns beyond k in the sketch. Default 10. */
  nOversamples?: number;
  /** Power iterations; `'auto'` is 7 when k < 0.1·min(m, n), else 4 (as scikit-learn). */
  nIter?: number | 'auto';
  /** Seed of the Gaussian test matrix. Default 0. */
  seed?: number | string;
  /** Also compute U ({@link randomizedSvd} only). Default true. */
  computeU?: boolean;
}

/**
 * A `[m, size]` float64 matrix with orthonormal columns approximating the range of A
 * (Halko–Martinsson–Tropp Algorithm 4.4, with QR re-orthonormalisation at every pass).
 *
 * @example
 * ```ts
 * const Q = randomizedRangeFinder(X, 10, { nIter: 4, seed: 1 }); // Tensor [nRows, 10]
 * ```
 */
export function randomizedRangeFinder(A: unknown, size: number, options: RandomizedOptions = {}): Tensor {
  const a = readMatrix(A, 'randomizedRangeFinder', 'A');
  assertInt(size, 'size', 'randomizedRangeFinder', 1, Math.min(a.rows, a.cols));
  const nIter = options.nIter === undefined || options.nIter === 'auto' ? 4 : assertInt(options.nIter, 'nIter', 'randomizedRangeFinder', 0);
  const q = rangeFinder(a.data, a.rows, a.cols, size, nIter, new Rng(options.seed ?? 0));
  return new Tensor(q, [a.rows, size]);
}

/**
 * The k leading singular triplets of A by randomized SVD (Halko–Martinsson–Tropp), float64.
 * Deterministic for a given seed; signs follow {@link svd} (each right singular vector's
 * largest-magnitude entry is positive).
 *
 * @example
 * ```ts
 * const { s, vt } = randomizedSvd(X, 5, { seed: 0 }); // s: 5 values, vt: Tensor [5, nCols]
 * ```
 */
export function randomizedSvd(A: unknown, k: number, options: RandomizedOptions = {}): SvdResult {
  const a = readMatrix(A, 'randomizedSvd', 'A');
  const { rows: m, cols: n } = a;
  assertInt(k, 'k', 'randomizedSvd', 1, Math.min(m, n));
  const nOversamples = assertInt(options.nOversamples ?? 10, 'nOversamples', 'randomizedSvd', 0);
  const nIter = options.nIter === undefined || options.nIter === 'auto'
    ? defaultPowerIterations(k, m, n)
    : assertInt(options.nIter, 'nIter', 'randomizedSvd', 0);
  const computeU = options.computeU ?? true;
  const res = truncatedSvd(a.data, m, n, k, nOversamples, nIter, new Rng(options.seed ?? 0), computeU);
  return { u: res.u ? new Tensor(res.u, [m, k]) : null, s: res.s, vt: new Tensor(res.vt, [k, n]) };
}
