/**
 * The Rayleigh–Ritz step of the mixed-precision PCA solvers: given a basis V of k + oversampling
 * directions found in float32, the variances are the Ritz values of X_cᵀX_c/(N − 1) on span(V),
 * computed from B = X_c·V with BᵀB and VᵀV accumulated in float64 (see solvers.ts).
 *
 * @module
 */
import { getBackend } from '../../kernels/backend.js';
import { gemmCore } from '../../kernels/gemm.js';
import { GramF64 } from '../../kernels/wasm/gram-f64.js';
import { getThreads } from '../../kernels/threads/threads.js';
import { projectedGramParallel } from '../../kernels/threads/ritz-parallel.js';
import { choleskyInPlace, fixRowSigns, gram, symmetricEigen, syrk, transpose } from '../../linalg/index.js';
import type { FloatArray } from '../../validate.js';
import { centredRows, storesFloat64, type Centred } from './data.js';

/**
 * Components (k×D) and their variances, descending: what every solver returns.
 *
 * @example
 * ```ts
 * const { components, variances }: RawFit = rayleighRitz(centred, V, p, k);
 * ```
 */
export interface RawFit {
  components: Float64Array;
  variances: Float64Array;
  /** Sum of the discarded variances when the solver knows them exactly (no cancellation). */
  discarded?: number;
}

/**
 * Rayleigh–Ritz on the data for the basis V (D×p, columns): Ritz values of X_cᵀX_c/(N − 1) on
 * span(V), computed with B = X_c·V in the data's storage and BᵀB and VᵀV in float64. Returns
 * the k largest with their unit Ritz vectors as sign-fixed rows.
 *
 * @example
 * ```ts
 * const { components, variances } = rayleighRitz(centred, V, p, k);
 * ```
 */
export function rayleighRitz(c: Centred, v: Float64Array, p: number, k: number): RawFit {
  const { rows: n, cols: d } = c;
  const vk: FloatArray = storesFloat64(c) ? v : Float32Array.from(v);
  const h = projectedGram(c, vk, p);
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
  gemmCore(false, false, d, k, p, 1, Float64Array.from(vk), p, y, k, 0, w, k);
  const components = transpose(w, d, k);
  normaliseRows(components, k, d);
  fixRowSigns(components, k, d);
  const variances = eig.values.slice(0, k);
  for (let i = 0; i < k; i++) if (variances[i] < 0) variances[i] = 0;
  return { components, variances };
}

/**
 * G ← G − scale·u·uᵀ (skipped when u = 0): removes the centring offset from a Gram matrix.
 *
 * @example
 * ```ts
 * subtractOuter(g, shift, d, nSamples); // XᵀX of X − 1μ̃ᵀ  →  of X − 1μᵀ
 * ```
 */
export function subtractOuter(g: Float64Array, u: Float64Array, n: number, scale: number): void {
  if (u.every((x) => x === 0)) return;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] -= scale * u[i] * u[j];
}

/** Rows per chunk of the projected Gram matrix (a 1024 × p chunk of B stays in cache). */
const RR_CHUNK = 1024;

/**
 * H = (X_c·V)ᵀ(X_c·V), p×p, streamed over row chunks: each chunk of B = X_c·V is computed in
 * the data's storage type, widened to float64, and its Gram matrix added in float64.
 */
function projectedGram(c: Centred, v: FloatArray, p: number): Float64Array {
  const { rows: n, cols: d } = c;
  if (v instanceof Float32Array && getBackend() === 'wasm') {
    // On threads: the chunk products and the double accumulation shared out, the same bytes.
    const threads = getThreads();
    if (threads > 1 && !storesFloat64(c)) {
      const shared = projectedGramParallel(threads, n, d, p, v, RR_CHUNK, (r0, m, scratch) => centredRows(c, r0, m, scratch) as Float32Array);
      if (shared !== null) return shared.h;
    }
    const acc = GramF64.create(p);
    if (acc !== null) {
      const b32 = new Float32Array(RR_CHUNK * p);
      const scratch = new Float32Array(RR_CHUNK * d);
      for (let r0 = 0; r0 < n; r0 += RR_CHUNK) {
        const m = Math.min(RR_CHUNK, n - r0);
        gemmCore(false, false, m, p, d, 1, centredRows(c, r0, m, scratch), d, v, p, 0, b32, p);
        acc.add(b32, m);
      }
      return acc.result();
    }
  }
  const data = c.data;
  const h = new Float64Array(p * p);
  const b = data instanceof Float64Array ? new Float64Array(RR_CHUNK * p) : new Float32Array(RR_CHUNK * p);
  const b64 = new Float64Array(RR_CHUNK * p);
  for (let r0 = 0; r0 < n; r0 += RR_CHUNK) {
    const m = Math.min(RR_CHUNK, n - r0);
    gemmCore(false, false, m, p, d, 1, data.subarray(r0 * d), d, v, p, 0, b, p);
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

