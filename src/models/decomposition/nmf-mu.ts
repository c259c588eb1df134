/**
 * NMF's `'mu'` solver: the multiplicative updates of Lee & Seung (2001) for the β-divergence,
 * with the exponent γ of Févotte & Idier (2011) that makes every step decrease the objective
 * (γ = 1/(2 − β) for β < 1, 1/(β − 1) for β > 2, else 1), and scikit-learn's guards
 * (`_fit_multiplicative_update`): a zero of WH counts as 2⁻²³ where it would be divided by,
 * a zero denominator likewise, and for β < 1 (W) and β ≤ 1 (H) entries below 2⁻⁵² are set to 0.
 *
 * With missing entries (a mask M) the updates are those of the weighted objective
 * Σ Mᵢⱼ·d_β(xᵢⱼ | (WH)ᵢⱼ): W ← W ∘ [((M∘X∘(WH)^(β−2))Hᵀ) / ((M∘(WH)^(β−1))Hᵀ + penalties)]^γ,
 * and H alike, so an unobserved entry pulls on neither factor. With M all ones they are the
 * unweighted updates (test/models/decomposition/nmf-missing.test.ts checks this).
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import { EPSILON, product, reconstructionError, timesFactor, type NmfData, type Penalties } from './nmf-loss.js';
import { klRatio, transposeOf } from './nmf-sparse.js';
import { csrMatMat, csrMatTMat } from '../../kernels/sparse-matmul.js';

/**
 * What a solver run is asked to do.
 *
 * @example
 * ```ts
 * const s: NmfSolverSettings = { beta: 2, tol: 1e-4, maxIter: 200, reg: penalties(n, d, 0, 0, 0), updateH: true };
 * ```
 */
export interface NmfSolverSettings {
  beta: number;
  tol: number;
  maxIter: number;
  reg: Penalties;
  /** False in `transform`: H stays fixed and only W is solved for. */
  updateH: boolean;
}

/**
 * The iterations run and whether the stopping rule was met before `maxIter` ran out.
 *
 * @example
 * ```ts
 * const { nIter, converged }: NmfSolverResult = fitMultiplicative(data, W, H, k, settings);
 * ```
 */
export interface NmfSolverResult {
  nIter: number;
  converged: boolean;
}

/**
 * The exponent γ of the multiplicative updates for β.
 *
 * @example
 * ```ts
 * muGamma(0); // 0.5 (Itakura–Saito)
 * ```
 */
export function muGamma(beta: number): number {
  if (beta < 1) return 1 / (2 - beta);
  if (beta > 2) return 1 / (beta - 1);
  return 1;
}

/** x·y^(β−2) with y = 0 read as 2⁻²³ when β < 2 (numpy's evaluation order for β = 0). */
function numeratorTerm(x: number, y: number, beta: number): number {
  const ys = beta < 2 && y === 0 ? EPSILON : y;
  if (beta === 1) return x / ys;
  if (beta === 0) {
    const r = 1 / ys;
    return r * r * x;
  }
  return ys ** (beta - 2) * x;
}

/** y^(β−1) with y = 0 read as 2⁻²³ when β < 1. */
function denominatorTerm(y: number, beta: number): number {
  const ys = beta < 1 && y === 0 ? EPSILON : y;
  return ys ** (beta - 1);
}

/**
 * The two n×d matrices A = M∘X∘(WH)^(β−2) and B = M∘(WH)^(β−1) whose products with the fixed
 * factor give the numerator and denominator. B is null for β = 1 without a mask (its product
 * is then a row or column sum, formed by the caller).
 */
function weights(data: NmfData, wh: Float64Array, beta: number): { a: Float64Array; b: Float64Array | null } {
  const { x, mask } = data;
  const a = new Float64Array(wh.length);
  const b = beta === 1 && mask === null ? null : new Float64Array(wh.length);
  for (let i = 0; i < wh.length; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const y = wh[i];
    if (beta === 2) {
      a[i] = x[i];
      (b as Float64Array)[i] = y;
    } else {
      a[i] = numeratorTerm(x[i], y, beta);
      if (b !== null) b[i] = beta === 1 ? 1 : denominatorTerm(y, beta);
    }
  }
  return { a, b };
}

/** V ← V ∘ (num / (den + l1 + l2·V))^γ, a zero denominator read as 2⁻²³. */
function applyStep(V: Float64Array, num: Float64Array, den: Float64Array, l1: number, l2: number, gamma: number): void {
  for (let i = 0; i < V.length; i++) {
    let q = den[i];
    if (l1 > 0) q += l1;
    if (l2 > 0) q += l2 * V[i];
    if (q === 0) q = EPSILON;
    let delta = num[i] / q;
    if (gamma !== 1) delta **= gamma;
    V[i] *= delta;
  }
}

/** Products of the Frobenius W step that do not change while H is fixed. */
interface FrobeniusCache {
  xht: Float64Array;
  hht: Float64Array;
}

/**
 * One multiplicative update of W (n×k) in place, H (k×d) fixed. `cache` holds XHᵀ and HHᵀ of
 * the unweighted Frobenius case when H does not change between calls.
 *
 * @example
 * ```ts
 * muUpdateW(data, W, H, k, 1, 1, reg, null);
 * ```
 */
export function muUpdateW(
  data: NmfData, W: Float64Array, H: Float64Array, k: number, beta: number, gamma: number, reg: Penalties,
  cache: { value: FrobeniusCache | null } | null,
): void {
  const { x, n, d, mask } = data;
  const num = new Float64Array(n * k);
  const den = new Float64Array(n * k);
  if (beta === 2 && mask === null) {
    let c = cache?.value ?? null;
    if (c === null) {
      let xht: Float64Array;
      if (data.sparse) {
        xht = timesFactor(data, false, transposeOf(H, k, d), k);
      } else {
        xht = new Float64Array(n * k);
        gemmCore(false, true, n, k, d, 1, x, d, H, d, 0, xht, k);
      }
      const hht = new Float64Array(k * k);
      gemmCore(false, true, k, k, d, 1, H, d, H, d, 0, hht, k);
      c = { xht, hht };
      if (cache !== null) cache.value = c;
    }
    num.set(c.xht);
    gemmCore(false, false, n, k, k, 1, W, k, c.hht, k, 0, den, k);
  } else {
    let b: Float64Array | null = null;
    if (data.sparse) {
      // β = 1 on sparse X: A = X/WH has X's pattern, so A·Hᵀ runs on the sparse kernel.
      const X = data.sparse;
      csrMatMat(n, k, X.indptr, X.indices, klRatio(X, W, H, k, EPSILON), transposeOf(H, k, d), k, num, k);
    } else {
      const w = weights(data, product(W, H, n, k, d), beta);
      gemmCore(false, true, n, k, d, 1, w.a, d, H, d, 0, num, k);
      b = w.b;
    }
    if (b === null) {
      // β = 1, no mask: Σⱼ Hₜⱼ for every row.
      const hSum = new Float64Array(k);
      for (let t = 0; t < k; t++) for (let j = 0; j < d; j++) hSum[t] += H[t * d + j];
      for (let i = 0; i < n; i++) den.set(hSum, i * k);
    } else {
      gemmCore(false, true, n, k, d, 1, b, d, H, d, 0, den, k);
    }
  }
  applyStep(W, num, den, reg.l1W, reg.l2W, gamma);
}

/**
 * One multiplicative update of H (k×d) in place, W (n×k) fixed.
 *
 * @example
 * ```ts
 * muUpdateH(data, W, H, k, 2, 1, reg);
 * ```
 */
export function muUpdateH(data: NmfData, W: Float64Array, H: Float64Array, k: number, beta: number, gamma: number, reg: Penalties): void {
  const { x, n, d, mask } = data;
  const num = new Float64Array(k * d);
  const den = new Float64Array(k * d);
  if (beta === 2 && mask === null) {
    if (data.sparse) num.set(transposeOf(timesFactor(data, true, W, k), d, k)); // Wᵀ·X = (Xᵀ·W)ᵀ
    else gemmCore(true, false, k, d, n, 1, W, k, x, d, 0, num, d);
    const wtw = new Float64Array(k * k);
    gemmCore(true, false, k, k, n, 1, W, k, W, k, 0, wtw, k);
    gemmCore(false, false, k, d, k, 1, wtw, k, H, d, 0, den, d);
  } else {
    let b: Float64Array | null = null;
    if (data.sparse) {
      // β = 1 on sparse X: Wᵀ·A = (Aᵀ·W)ᵀ with A = X/WH on X's pattern.
      const X = data.sparse;
      const atw = new Float64Array(d * k);
      csrMatTMat(n, d, k, X.indptr, X.indices, klRatio(X, W, H, k, EPSILON), W, k, atw, k);
      num.set(transposeOf(atw, d, k));
    } else {
      const w = weights(data, product(W, H, n, k, d), beta);
      gemmCore(true, false, k, d, n, 1, W, k, w.a, d, 0, num, d);
      b = w.b;
    }
    if (b === null) {
      // β = 1, no mask: Σᵢ Wᵢₜ for every column, a zero sum read as 1 (as scikit-learn).
      const wSum = new Float64Array(k);
      for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) wSum[t] += W[i * k + t];
      for (let t = 0; t < k; t++) den.fill(wSum[t] === 0 ? 1 : wSum[t], t * d, (t + 1) * d);
    } else {
      gemmCore(true, false, k, d, n, 1, W, k, b, d, 0, den, d);
      if (beta === 1) for (let i = 0; i < den.length; i++) if (den[i] === 0) den[i] = 1;
    }
  }
  applyStep(H, num, den, reg.l1H, reg.l2H, gamma);
}

/**
 * Entries below 2⁻⁵² set to 0: scikit-learn's stability rule for small β (W when β < 1, H when
 * β ≤ 1). Without it a factor entry can decay towards 1e-300, and y^(β−2) overflows to ∞, which
 * times x = 0 is NaN.
 *
 * @example
 * ```ts
 * if (beta < 1) flushTiny(W);
 * ```
 */
export function flushTiny(V: Float64Array): void {
  for (let i = 0; i < V.length; i++) if (V[i] < Number.EPSILON) V[i] = 0;
}

/**
 * Runs the multiplicative updates on W and H in place. Every 10 iterations (when tol > 0) the
 * error e = √(2·D_β) is compared with the last check: the run stops once
 * (e_prev − e)/e_init < tol. A start with e_init = 0 is already optimal and stops at the first
 * check (scikit-learn would divide by zero there).
 *
 * @example
 * ```ts
 * fitMultiplicative(data, W, H, k, { beta: 1, tol: 1e-4, maxIter: 200, reg, updateH: true });
 * ```
 */
export function fitMultiplicative(data: NmfData, W: Float64Array, H: Float64Array, k: number, s: NmfSolverSettings): NmfSolverResult {
  const { beta, tol, maxIter, reg, updateH } = s;
  const gamma = muGamma(beta);
  const errorAtInit = reconstructionError(data, W, H, k, beta);
  let previous = errorAtInit;
  const cache = updateH ? null : { value: null };
  for (let it = 1; it <= maxIter; it++) {
    muUpdateW(data, W, H, k, beta, gamma, reg, cache);
    if (beta < 1) flushTiny(W);
    if (updateH) {
      muUpdateH(data, W, H, k, beta, gamma, reg);
      if (beta <= 1) flushTiny(H);
    }
    if (tol > 0 && it % 10 === 0) {
      const error = reconstructionError(data, W, H, k, beta);
      if (errorAtInit === 0 || (previous - error) / errorAtInit < tol) return { nIter: it, converged: true };
      previous = error;
    }
  }
  return { nIter: maxIter, converged: false };
}
