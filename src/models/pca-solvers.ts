/**
 * The spectral fits behind {@link PCA}: centring, the choice of solver and precision, and the
 * three solvers (full SVD, covariance eigendecomposition, randomized SVD). Every solver returns
 * the same thing: the leading right singular vectors of X_c = X − 1μᵀ and their variances
 * sᵢ²/(N − 1).
 *
 * Precision. The expensive product (XᵀX, or the passes of the randomized range finder) can run
 * in float32 through the SIMD `gemm`, about ten times faster than float64 here. Float32 sums
 * alone are not enough: the float32 Gram matrix (row chunks summed in float64) gives the top-50
 * variances of Fashion-MNIST to 9e-7 relative, too close to the 1e-6 target. So the `mixed`
 * strategy only uses them to find a subspace of k + oversampling directions V, and then
 * computes the variances by a Rayleigh–Ritz step on the data: B = X_c·V (sums of D terms),
 * H = BᵀB accumulated in float64, and the small generalized eigenproblem H·y = θ·(VᵀV)·y. A
 * Ritz value's error is quadratic in the subspace error (Parlett, The Symmetric Eigenvalue
 * Problem, §11.4), so what remains is the float32 rounding of B: measured 1.1e-7 relative on
 * Fashion-MNIST (integer pixels, whose rounding errors repeat row after row) and about 1e-8 on
 * continuous synthetic data, against a float64 decomposition.
 *
 * @module
 */
import { ShapeError, formatShape } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { gemm } from '../kernels/gemm.js';
import { Rng } from '../random/rng.js';
import { toMatrix, type FloatArray } from '../validate.js';
import {
  choleskyInPlace, fixRowSigns, gram, syrk, rangeFinder, symmetricEigen, thinQ, thinSvd, transpose, truncatedSvd,
  defaultPowerIterations,
} from '../linalg/index.js';

/** Which algorithm fits the components. */
export type PCASolver = 'auto' | 'full' | 'covariance' | 'randomized';
/** Storage of the large products: `mixed` = float32 products with a float64 Rayleigh–Ritz step. */
export type PCAPrecision = 'auto' | 'float64' | 'mixed';

/** What a solver needs to know. */
export interface SolverSettings {
  /** An integer count, a fraction of variance in (0, 1), or undefined for min(N, D). */
  nComponents: number | undefined;
  solver: PCASolver;
  precision: PCAPrecision;
  nOversamples: number;
  nPowerIterations: number | 'auto';
  seed: number | string;
}

/** A fitted spectrum: the leading k directions of the centred data. */
export interface Spectrum {
  nSamples: number;
  nFeatures: number;
  mean: Float64Array;
  /** k×D row-major, orthonormal rows, each with its largest-magnitude entry positive. */
  components: Float64Array;
  /** sᵢ²/(N − 1), descending, length k. */
  explainedVariance: Float64Array;
  singularValues: Float64Array;
  /** ‖X_c‖_F²/(N − 1). */
  totalVariance: number;
  /** Mean variance of the discarded directions (scikit-learn's noise_variance_). */
  noiseVariance: number;
  solver: 'full' | 'covariance' | 'randomized';
  precision: 'float64' | 'mixed';
}

/** Below this many multiply-adds the float64 product is cheap enough to always use. */
const MIXED_MIN_WORK = 2 ** 30;

/**
 * The solver `auto` picks, as scikit-learn ≥ 1.5 does: `covariance` for tall data with at most
 * 1000 features (N ≥ 10·D), `full` when both sides are at most 500, `randomized` for an integer
 * k below 0.8·min(N, D), and `full` otherwise.
 */
export function resolveSolver(solver: PCASolver, n: number, d: number, nComponents: number | undefined): Exclude<PCASolver, 'auto'> {
  if (solver !== 'auto') return solver;
  if (d <= 1000 && n >= 10 * d) return 'covariance';
  if (Math.max(n, d) <= 500) return 'full';
  if (nComponents !== undefined && Number.isInteger(nComponents) && nComponents < 0.8 * Math.min(n, d)) return 'randomized';
  return 'full';
}

/**
 * The precision `auto` picks: `mixed` for the covariance and randomized solvers once the product
 * is large (at least 2³⁰ multiply-adds, about 60,000 × 784 × 23) and the float32 backend is
 * WebAssembly SIMD, where float32 is about ten times faster than float64 (measured 38–44 vs
 * 2–4 GFLOP/s on this product); float64 otherwise. `full` is always float64.
 */
export function resolvePrecision(precision: PCAPrecision, solver: Exclude<PCASolver, 'auto'>, n: number, d: number): 'float64' | 'mixed' {
  if (solver === 'full') return 'float64';
  if (precision !== 'auto') return precision;
  const work = solver === 'covariance' ? n * d * d : n * d * 64;
  return work >= MIXED_MIN_WORK && getBackend() === 'wasm' ? 'mixed' : 'float64';
}

/**
 * The shape of a matrix input without copying it (undefined when it is not 2-D-looking).
 *
 * @example
 * ```ts
 * peekShape([[1, 2, 3]]); // [1, 3]
 * ```
 */
export function peekShape(x: unknown): [number, number] | undefined {
  if (Array.isArray(x)) return [x.length, Array.isArray(x[0]) ? (x[0] as unknown[]).length : 0];
  const shape = (x as { shape?: unknown } | null)?.shape;
  if (Array.isArray(shape) && shape.length === 2) return [shape[0] as number, shape[1] as number];
  return undefined;
}

/** True when every value of the input is exactly a float32 (so a float32 copy loses nothing). */
function isFloat32Exact(x: unknown): boolean {
  const data = (x as { data?: unknown } | null)?.data;
  return data instanceof Float32Array || data instanceof Uint8Array || data instanceof Int8Array
    || data instanceof Uint8ClampedArray || data instanceof Uint16Array || data instanceof Int16Array;
}

/**
 * The centred data in the storage the solver wants, with its mean and ‖X_c‖_F². A float32 copy
 * holds X − 1μ̃ᵀ for a rounded mean μ̃; `shift` = μ − μ̃ (zero in float64), and products are
 * corrected exactly: X_cᵀX_c = X̃ᵀX̃ − N·δδᵀ because Σ(x − μ̃) = N·δ.
 */
interface Centred {
  data: FloatArray;
  rows: number;
  cols: number;
  mean: Float64Array;
  shift: Float64Array;
  /** ‖X − 1μᵀ‖_F², exact in float64 arithmetic. */
  sumSq: number;
}

/**
 * μ̃ⱼ: μⱼ rounded to 2^(⌈log₂ Rⱼ⌉ − 16), where Rⱼ bounds |xⱼ − μⱼ|. Data on a grid at least that
 * coarse (integers, pixels) then centre exactly in float32 (17 significant bits); without it the
 * rounding error of x − μ is a fixed function of x in each column, which does not average out
 * over rows and cost about 1e-7 relative in the variances of integer data.
 */
function roundedMean(mean: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  return Float64Array.from(mean, (m, j) => {
    const r = Math.max(hi[j] - m, m - lo[j]);
    if (!(r > 0)) return m;
    const step = 2 ** (Math.ceil(Math.log2(r)) - 16);
    return Math.round(m / step) * step;
  });
}

/**
 * Validates, copies and centres X. With `float32` the centred copy is float32: each x − μ is
 * computed in double and rounded once, so data with a large offset keeps its digits.
 */
export function loadCentred(X: unknown, where: string, float32: boolean): Centred {
  const direct = float32 && isFloat32Exact(X);
  const m = direct ? toMatrix(X, where, 'X', { dtype: 'float32' }) : toMatrix(X, where, 'X');
  const { rows, cols } = m;
  if (rows < 2) {
    throw new ShapeError(`${where}: X has 1 sample (shape ${formatShape([rows, cols])}); at least 2 samples are needed`);
  }
  const src = m.data;
  const st = src instanceof Float32Array ? columnStats32(src, rows, cols) : columnStats64(src as Float64Array, rows, cols);
  const mean = st.mean;
  const centre = src instanceof Float32Array || float32 ? roundedMean(mean, st.lo, st.hi) : mean;
  const shift = Float64Array.from(mean, (v, j) => v - centre[j]);
  let data: FloatArray;
  let sumSq: number;
  if (src instanceof Float32Array) {
    data = src;
    sumSq = centre32(src, rows, cols, centre);
  } else if (float32) {
    data = new Float32Array(rows * cols);
    sumSq = centre64to32(src as Float64Array, data, rows, cols, centre);
  } else {
    data = src;
    sumSq = centre64(src as Float64Array, rows, cols, centre);
  }
  let dd = 0;
  for (let j = 0; j < cols; j++) dd += shift[j] * shift[j];
  sumSq = Math.max(0, sumSq - rows * dd);
  return { data, rows, cols, mean, shift, sumSq };
}

// Monomorphic loops: V8 compiles a Float32Array | Float64Array union loop much more slowly.

interface ColumnStats {
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

function columnStats32(x: Float32Array, rows: number, cols: number): ColumnStats {
  const mean = new Float64Array(cols);
  const lo = Float64Array.from(x.subarray(0, cols));
  const hi = Float64Array.from(x.subarray(0, cols));
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      mean[j] += v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return { mean, lo, hi };
}

function columnStats64(x: Float64Array, rows: number, cols: number): ColumnStats {
  const mean = new Float64Array(cols);
  const lo = x.slice(0, cols);
  const hi = x.slice(0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      mean[j] += v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return { mean, lo, hi };
}

/** x ← fround(x − c) in place; returns Σ(x − c)² of the unrounded differences. */
function centre32(x: Float32Array, rows: number, cols: number, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - c[j];
      x[o + j] = v;
      s += v * v;
    }
  }
  return s;
}

function centre64to32(x: Float64Array, out: Float32Array, rows: number, cols: number, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - c[j];
      out[o + j] = v;
      s += v * v;
    }
  }
  return s;
}

function centre64(x: Float64Array, rows: number, cols: number, mean: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - mean[j];
      x[o + j] = v;
      s += v * v;
    }
  }
  return s;
}

/** The number of components a fraction of variance asks for (scikit-learn's rule). */
function countForFraction(variances: Float64Array, total: number, fraction: number): number {
  let cum = 0;
  for (let i = 0; i < variances.length; i++) {
    cum += variances[i];
    if (total > 0 && cum / total > fraction) return i + 1;
  }
  return Math.max(1, variances.length);
}

/** Fits the spectrum of X with the settings' solver; throws for bad shapes or component counts. */
export function fitSpectrum(X: unknown, where: string, s: SolverSettings): Spectrum {
  const shape = peekShape(X);
  const [n0, d0] = shape ?? [0, 0];
  const solver = resolveSolver(s.solver, n0, d0, s.nComponents);
  const precision = resolvePrecision(s.precision, solver, n0, d0);
  const c = loadCentred(X, where, precision === 'mixed');
  const { rows: n, cols: d } = c;
  const r = Math.min(n, d);
  const kReq = s.nComponents;
  if (kReq !== undefined && kReq >= 1 && kReq > r) {
    throw new RangeError(`${where}: nComponents must be <= min(nSamples, nFeatures) = ${r} (got ${kReq}) for X of shape ${formatShape([n, d])}`);
  }
  const total = c.sumSq / (n - 1);
  const pick = (variances: Float64Array): number =>
    kReq === undefined ? r : kReq < 1 ? Math.min(r, countForFraction(variances, total, kReq)) : kReq;
  const raw = solver === 'full' ? solveFull(c, pick)
    : solver === 'covariance' ? solveCovariance(c, pick, precision)
      : solveRandomized(c, kReq ?? r, s, precision);
  const k = raw.variances.length;
  let kept = 0;
  for (let i = 0; i < k; i++) kept += raw.variances[i];
  const discarded = raw.discarded ?? total - kept;
  const noiseVariance = k < r ? Math.max(0, discarded / (r - k)) : 0;
  const singularValues = Float64Array.from(raw.variances, (v) => Math.sqrt(v * (n - 1)));
  return {
    nSamples: n, nFeatures: d, mean: c.mean, components: raw.components, explainedVariance: raw.variances,
    singularValues, totalVariance: total, noiseVariance, solver, precision,
  };
}

interface RawFit {
  components: Float64Array;
  variances: Float64Array;
  /** Sum of the discarded variances when the solver knows them exactly (no cancellation). */
  discarded?: number;
}

/** Σ of values[k..r): the variances a float64 solver discards. */
function tailSum(values: Float64Array, k: number, r: number): number {
  let s = 0;
  for (let i = k; i < r; i++) s += Math.max(values[i], 0);
  return s;
}

/** Full float64 SVD of X_c (QR-reduced when tall). */
function solveFull(c: Centred, pick: (v: Float64Array) => number): RawFit {
  const { rows: n, cols: d } = c;
  const svd = thinSvd(c.data as Float64Array, n, d, false);
  const all = Float64Array.from(svd.s, (x) => (x * x) / (n - 1));
  const k = pick(all);
  return { components: svd.vt.slice(0, k * d), variances: all.slice(0, k), discarded: tailSum(all, k, all.length) };
}

/** Eigendecomposition of X_cᵀX_c/(N − 1), refined by Rayleigh–Ritz in mixed precision. */
function solveCovariance(c: Centred, pick: (v: Float64Array) => number, precision: 'float64' | 'mixed'): RawFit {
  const { rows: n, cols: d } = c;
  const g = gram(c.data, n, d);
  subtractOuter(g, c.shift, d, n);
  const scale = 1 / (n - 1);
  for (let i = 0; i < g.length; i++) g[i] *= scale;
  let k = 0;
  let p = 0;
  const chooser = (values: Float64Array): number => {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
    k = pick(values);
    p = precision === 'mixed' ? Math.min(d, n, k + Math.max(10, Math.ceil(k / 4))) : k;
    return p;
  };
  const eig = symmetricEigen(g, d, chooser);
  if (precision === 'float64') {
    const discarded = tailSum(eig.values, k, Math.min(n, d));
    return { components: transpose(eig.vectors, d, k), variances: eig.values.slice(0, k), discarded };
  }
  return rayleighRitz(c, eig.vectors, p, k);
}

/** Randomized SVD; in mixed precision the float32 sketch is refined by Rayleigh–Ritz. */
function solveRandomized(c: Centred, k: number, s: SolverSettings, precision: 'float64' | 'mixed'): RawFit {
  const { rows: n, cols: d } = c;
  const nIter = s.nPowerIterations === 'auto' ? defaultPowerIterations(k, n, d) : s.nPowerIterations;
  const rng = new Rng(s.seed);
  if (precision === 'float64') {
    const t = truncatedSvd(c.data, n, d, k, s.nOversamples, nIter, rng, false);
    return { components: t.vt, variances: Float64Array.from(t.s, (x) => (x * x) / (n - 1)) };
  }
  const p = Math.min(k + s.nOversamples, n, d);
  const q = rangeFinder(c.data, n, d, p, nIter, rng);
  // Row-space basis V = orth(X_cᵀ·Q), D×p.
  const z = new Float32Array(d * p);
  gemm(true, false, d, p, n, 1, c.data, d, Float32Array.from(q), p, 0, z, p);
  const v = thinQ(Float64Array.from(z), d, p);
  return rayleighRitz(c, v, p, k);
}

/**
 * Rayleigh–Ritz on the data for the basis V (D×p, columns): Ritz values of X_cᵀX_c/(N − 1) on
 * span(V), computed with B = X_c·V in the data's storage and BᵀB and VᵀV in float64.
 */
function rayleighRitz(c: Centred, v: Float64Array, p: number, k: number): RawFit {
  const { rows: n, cols: d, data } = c;
  const vk: FloatArray = data instanceof Float64Array ? v : Float32Array.from(v);
  const h = projectedGram(data, n, d, vk, p);
  // Remove the centring offset: H = Vᵀ(X̃ᵀX̃ − N·δδᵀ)V.
  const vd = new Float64Array(p);
  for (let i = 0; i < d; i++) {
    const di = c.shift[i];
    if (di !== 0) for (let q = 0; q < p; q++) vd[q] += vk[i * p + q] * di;
  }
  subtractOuter(h, vd, p, n);
  // Generalized problem H·y = θ·S·y with S = VᵀV = L·Lᵀ: eig(L⁻¹·H·L⁻ᵀ), y = L⁻ᵀ·z.
  const sGram = gram(Float64Array.from(vk), d, p);
  if (choleskyInPlace(sGram, p) >= 0) throw new Error('PCA: Rayleigh–Ritz basis is rank deficient');
  const cmat = congruence(sGram, h, p);
  for (let i = 0; i < cmat.length; i++) cmat[i] /= n - 1;
  const eig = symmetricEigen(cmat, p, k);
  const y = backSolveTranspose(sGram, eig.vectors, p, k); // p×k
  const w = new Float64Array(d * k);
  gemm(false, false, d, k, p, 1, Float64Array.from(vk), p, y, k, 0, w, k);
  const components = transpose(w, d, k);
  normaliseRows(components, k, d);
  fixRowSigns(components, k, d);
  const variances = eig.values.slice(0, k);
  for (let i = 0; i < k; i++) if (variances[i] < 0) variances[i] = 0;
  return { components, variances };
}

/** G ← G − scale·u·uᵀ (skipped when u = 0). */
function subtractOuter(g: Float64Array, u: Float64Array, n: number, scale: number): void {
  if (u.every((x) => x === 0)) return;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] -= scale * u[i] * u[j];
}

/** Rows per chunk of the projected Gram matrix (a 1024 × p chunk of B stays in cache). */
const RR_CHUNK = 1024;

/**
 * H = (X_c·V)ᵀ(X_c·V), p×p, streamed over row chunks: each chunk of B = X_c·V is computed in
 * the data's storage type, widened to float64, and its Gram matrix added in float64.
 */
function projectedGram(data: FloatArray, n: number, d: number, v: FloatArray, p: number): Float64Array {
  const h = new Float64Array(p * p);
  const b = data instanceof Float64Array ? new Float64Array(RR_CHUNK * p) : new Float32Array(RR_CHUNK * p);
  const b64 = new Float64Array(RR_CHUNK * p);
  for (let r0 = 0; r0 < n; r0 += RR_CHUNK) {
    const m = Math.min(RR_CHUNK, n - r0);
    gemm(false, false, m, p, d, 1, data.subarray(r0 * d), d, v, p, 0, b, p);
    for (let i = 0; i < m * p; i++) b64[i] = b[i];
    syrk(true, p, m, 1, b64, p, 1, h, p);
  }
  return h;
}

/** L⁻¹·H·L⁻ᵀ for lower triangular L (p×p), symmetric H. */
function congruence(l: Float64Array, h: Float64Array, p: number): Float64Array {
  const x = Float64Array.from(h);
  forwardSolve(l, p, x); // L⁻¹H
  const xt = transpose(x, p, p);
  forwardSolve(l, p, xt); // L⁻¹(L⁻¹H)ᵀ = L⁻¹HL⁻ᵀ
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const m = 0.5 * (xt[i * p + j] + xt[j * p + i]);
      xt[i * p + j] = m;
      xt[j * p + i] = m;
    }
  }
  return xt;
}

/** X ← L⁻¹·X for lower triangular L (p×p) and X (p×p). */
function forwardSolve(l: Float64Array, p: number, x: Float64Array): void {
  for (let i = 0; i < p; i++) {
    for (let q = 0; q < i; q++) {
      const f = l[i * p + q];
      if (f !== 0) for (let c = 0; c < p; c++) x[i * p + c] -= f * x[q * p + c];
    }
    const inv = 1 / l[i * p + i];
    for (let c = 0; c < p; c++) x[i * p + c] *= inv;
  }
}

/** Y = L⁻ᵀ·Z for lower triangular L (p×p) and Z (p×k). */
function backSolveTranspose(l: Float64Array, z: Float64Array, p: number, k: number): Float64Array {
  const y = Float64Array.from(z);
  for (let i = p - 1; i >= 0; i--) {
    for (let q = i + 1; q < p; q++) {
      const f = l[q * p + i];
      if (f !== 0) for (let c = 0; c < k; c++) y[i * k + c] -= f * y[q * k + c];
    }
    const inv = 1 / l[i * p + i];
    for (let c = 0; c < k; c++) y[i * k + c] *= inv;
  }
  return y;
}

/** Scales each row to unit norm (Ritz vectors are S-orthonormal; this removes the last rounding). */
function normaliseRows(x: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[i * cols + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < cols; j++) x[i * cols + j] *= inv;
  }
}
