/**
 * Nearest codes of a vector quantiser (VQ-VAE, k-means): for each row z of Z `[n, d]`, the index
 * of the row e of a codebook E `[K, d]` with the least squared Euclidean distance ‖z − e‖².
 *
 * The answer is defined by the brute force {@link nearestCodesReference}: the distance of each
 * code summed in double in feature order, the first code (lowest index) of least distance.
 * {@link nearestCodesInto} returns exactly that, also on its fast path, which ranks the codes
 * with one GEMM by ‖z‖² − 2 z·e + ‖e‖² and then re-checks, with the brute-force sum, every code
 * whose expanded distance lies within the product's rounding bound of the best one (usually one
 * or two codes). The expansion alone can pick the wrong code: its error is of the order of
 * u·‖z‖‖e‖, far more than the gap between two near codes of a large vector.
 *
 * A row with a NaN or an infinite value has no nearest code: its index is −1 (the models check
 * their inputs and report such rows; the kernel does not throw). The codebook must be finite.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';
import { gemmCore } from './gemm.js';

/** Rows per GEMM block: bounds the scratch of dot products to ROWS·K values. */
const ROWS = 256;
/**
 * The GEMM path from n·K·d of this size on (below it the direct loop is as fast: packing and
 * the re-check cost more than they save), and only for K ≥ MIN_CODES (with few codes the
 * direct loop touches each code once per row anyway). `npm run bench -- nearest-code`
 * (float32, wasm backend, shared 2-core VM at load average 21–25, so ratios only): the GEMM
 * path is 1.3–1.4× the direct loop at n·K·d = 32,768–131,072 (n 256–1024, K 16–32), 32× at
 * 1024 × 64 × 16 and 49× at 1024 × 512 × 64; at 128 × 16 × 8 (16,384) both are the direct loop.
 */
export const NEAREST_GEMM_WORK = 1 << 15;
const MIN_CODES = 8;

/** ‖z − e‖² summed in double in feature order: the one distance the answer is defined by. */
function distance(Z: FloatArray, zi: number, E: FloatArray, ei: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = Z[zi + j] - E[ei + j];
    s += t * t;
  }
  return s;
}

/** True when every value of row i (d values from `at`) is finite. */
function finiteRow(Z: FloatArray, at: number, d: number): boolean {
  for (let j = 0; j < d; j++) if (!Number.isFinite(Z[at + j])) return false;
  return true;
}

/** Brute force for row i: the first code of least distance, or −1 for a non-finite row or K = 0. */
function nearestDirect(Z: FloatArray, i: number, E: FloatArray, K: number, d: number): number {
  const zi = i * d;
  if (K === 0 || !finiteRow(Z, zi, d)) return -1;
  let best = 0;
  let bestD = distance(Z, zi, E, 0, d);
  for (let k = 1; k < K; k++) {
    const dk = distance(Z, zi, E, k * d, d);
    if (dk < bestD) {
      best = k;
      bestD = dk;
    }
  }
  return best;
}

/**
 * The naive reference: for every row, every code's distance summed in double, the lowest
 * index among the least; −1 for a row with a non-finite value. Tests compare
 * {@link nearestCodesInto} with it bit for bit.
 *
 * @example
 * ```ts
 * nearestCodesReference(new Float64Array([0.9, 0]), 1, new Float64Array([0, 0, 1, 0]), 2, 2); // Int32Array [1]
 * ```
 */
export function nearestCodesReference(Z: FloatArray, n: number, E: FloatArray, K: number, d: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = nearestDirect(Z, i, E, K, d);
  return out;
}

/** Σ x² of each row of X `[rows, d]`, in double. */
function rowNorms(X: FloatArray, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * d; j < (r + 1) * d; j++) s += X[j] * X[j];
    out[r] = s;
  }
  return out;
}

/**
 * Writes into `out[i]` the index of the code nearest to row i of Z `[n, d]` among the K rows
 * of E `[K, d]` (squared Euclidean distance; ties go to the lowest index; −1 for a row with a
 * NaN or ±∞), equal to {@link nearestCodesReference}. Z and E are float32 or float64 (the same
 * type for the GEMM path; mixed types take the direct loop). `out` must hold n values.
 *
 * @example
 * ```ts
 * const codes = nearestCodesInto(z, n, codebook, K, d, new Int32Array(n));
 * ```
 */
export function nearestCodesInto(Z: FloatArray, n: number, E: FloatArray, K: number, d: number, out: Int32Array): Int32Array {
  const sameType = (Z instanceof Float32Array) === (E instanceof Float32Array);
  if (!sameType || K < MIN_CODES || d === 0 || n * K * d < NEAREST_GEMM_WORK) {
    for (let i = 0; i < n; i++) out[i] = nearestDirect(Z, i, E, K, d);
    return out;
  }
  const codeNorms = rowNorms(E, K, d);
  let maxCode = 0;
  for (let k = 0; k < K; k++) maxCode = Math.max(maxCode, codeNorms[k]);
  if (!Number.isFinite(maxCode)) {
    for (let i = 0; i < n; i++) out[i] = nearestDirect(Z, i, E, K, d);
    return out;
  }
  const rows = Math.min(ROWS, n);
  const dots = Z instanceof Float32Array ? new Float32Array(rows * K) : new Float64Array(rows * K);
  const approx = new Float64Array(K);
  // The dot products' rounding: |fl(z·e) − z·e| ≤ γ_d Σ|z_j e_j| ≤ γ_d ‖z‖‖e‖ for any order of
  // summation, with or without fused multiply-adds (γ_d = d·u/(1 − d·u)); taken twice over, and
  // with room for the double sums of the norms.
  // Products that underflow add at most d times the smallest normal; products near the
  // overflow limit take the direct loop (the expansion could be ±∞ there).
  const f32 = Z instanceof Float32Array;
  const u = f32 ? 2 ** -24 : 2 ** -53;
  const gamma = (2 * (d + 4) * u) / (1 - (d + 4) * u) + 64 * (d + 4) * 2 ** -53;
  const tiny = 4 * (d + 4) * (f32 ? 2 ** -126 : 2 ** -1022);
  const huge = (f32 ? 2 ** 120 : 2 ** 1000) / Math.sqrt(Math.max(maxCode, 1));
  const limits = { gamma, tiny, huge };
  for (let s = 0; s < n; s += rows) {
    const m = Math.min(rows, n - s);
    gemmCore(false, true, m, K, d, 1, Z.subarray(s * d, (s + m) * d), d, E, d, 0, dots, K);
    for (let r = 0; r < m; r++) out[s + r] = recheck(Z, s + r, E, K, d, dots, r * K, codeNorms, limits, approx);
  }
  return out;
}

/**
 * One row of the GEMM path: the expanded distances, the bound around the least, and the
 * brute-force distance of every code inside it; the first code of least exact distance.
 */
function recheck(
  Z: FloatArray, i: number, E: FloatArray, K: number, d: number, dots: FloatArray, at: number,
  codeNorms: Float64Array, limits: { gamma: number; tiny: number; huge: number }, approx: Float64Array,
): number {
  const { gamma, tiny, huge } = limits;
  const zi = i * d;
  if (!finiteRow(Z, zi, d)) return -1;
  let zz = 0;
  for (let j = zi; j < zi + d; j++) zz += Z[j] * Z[j];
  const zn = Math.sqrt(zz);
  if (!(zn < huge)) return nearestDirect(Z, i, E, K, d);
  // Each code's distance lies in [approx − slack, approx + slack]; the least upper end bounds
  // the least exact distance, so only codes whose lower end is below it can be nearest.
  let bound = Infinity;
  for (let k = 0; k < K; k++) {
    const a = zz - 2 * dots[at + k] + codeNorms[k];
    const slack = gamma * (zn * Math.sqrt(codeNorms[k]) + zz + codeNorms[k]) + tiny;
    approx[k] = a - slack;
    bound = Math.min(bound, a + slack);
  }
  let best = -1;
  let bestD = Infinity;
  for (let k = 0; k < K; k++) {
    if (approx[k] > bound) continue;
    const dk = distance(Z, zi, E, k * d, d);
    if (best < 0 || dk < bestD) {
      best = k;
      bestD = dk;
    }
  }
  return best;
}
