/**
 * NMF's data record and its objective: the β-divergence D_β(X | WH) with scikit-learn's
 * definitions (the 1/2 of the Frobenius case, the small-value rules), over every entry or only
 * over the observed ones, and the regularisation terms scikit-learn scales by the data size.
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import { csrMatMat, csrMatTMat } from '../../kernels/sparse-matmul.js';
import type { CsrMatrix } from '../../sparse/csr.js';
import { sparseFrobenius, sparseKullbackLeibler } from './nmf-sparse.js';

/**
 * The matrix an NMF solver works on: X (n×d, row-major, non-negative) and which entries are
 * observed. With a mask, `x` holds 0 where the input had NaN, so products with X need no mask.
 *
 * @example
 * ```ts
 * const data: NmfData = { x: new Float64Array([1, 0, 2, 3]), n: 2, d: 2, mask: Uint8Array.of(1, 0, 1, 1) };
 * ```
 */
export interface NmfData {
  x: Float64Array;
  n: number;
  d: number;
  /** 1 where X is observed, 0 where it was NaN; null when every entry is observed. */
  mask: Uint8Array | null;
  /** X as given when it is a CsrMatrix (then `x` is empty and `mask` null); absent or null for dense X. */
  sparse?: CsrMatrix | null;
}

/**
 * (trans ? Xᵀ : X)·F for the X of `data`, F (trans ? n : d)×k row-major: the sparse kernel for
 * a CsrMatrix, one gemm for dense X. Returns (trans ? d : n)×k.
 *
 * @example
 * ```ts
 * const xht = timesFactor(data, false, ht, k); // X·Hᵀ, n×k
 * ```
 */
export function timesFactor(data: NmfData, trans: boolean, F: Float64Array, k: number): Float64Array {
  const { n, d } = data;
  const sparse = data.sparse ?? null;
  const out = new Float64Array((trans ? d : n) * k);
  if (sparse === null) {
    gemmCore(trans, false, trans ? d : n, k, trans ? n : d, 1, data.x, d, F, k, 0, out, k);
  } else if (trans) {
    csrMatTMat(n, d, k, sparse.indptr, sparse.indices, sparse.values, F, k, out, k);
  } else {
    csrMatMat(n, k, sparse.indptr, sparse.indices, sparse.values, F, k, out, k);
  }
  return out;
}

/** numpy's float32 machine epsilon, 2⁻²³: scikit-learn's stand-in for a zero of WH and its "X is zero" threshold. */
export const EPSILON = 2 ** -23;

/**
 * The β of a loss name (frobenius 2, kullback-leibler 1, itakura-saito 0) or the number itself.
 *
 * @example
 * ```ts
 * betaOf('kullback-leibler'); // 1
 * ```
 */
export function betaOf(loss: NmfBetaLoss): number {
  if (loss === 'frobenius') return 2;
  if (loss === 'kullback-leibler') return 1;
  if (loss === 'itakura-saito') return 0;
  return loss;
}

/**
 * The loss of the `'mu'` solver: a named β-divergence or β itself.
 *
 * @example
 * ```ts
 * const loss: NmfBetaLoss = 1.5;
 * ```
 */
export type NmfBetaLoss = 'frobenius' | 'kullback-leibler' | 'itakura-saito' | number;

/**
 * The product WH (n×d) of W (n×k) and H (k×d).
 *
 * @example
 * ```ts
 * const wh = product(W, H, n, k, d);
 * ```
 */
export function product(W: Float64Array, H: Float64Array, n: number, k: number, d: number): Float64Array {
  const wh = new Float64Array(n * d);
  gemmCore(false, false, n, d, k, 1, W, k, H, d, 0, wh, d);
  return wh;
}

/**
 * D_β(X | WH) summed over the observed entries, as scikit-learn's `_beta_divergence`:
 * β = 2: ½Σ(x − y)²; β = 1: Σ x·ln(x/y) − x + y; β = 0: Σ x/y − ln(x/y) − 1; otherwise
 * Σ (x^β + (β − 1)·y^β − β·x·y^(β−1)) / (β(β − 1)). For β ≠ 2 the terms with x, as in
 * scikit-learn, skip entries with x ≤ 2⁻²³, and a y of exactly 0 there counts as 2⁻²³.
 *
 * @example
 * ```ts
 * betaDivergence(data, W, H, k, 1); // generalised Kullback–Leibler divergence
 * ```
 */
export function betaDivergence(data: NmfData, W: Float64Array, H: Float64Array, k: number, beta: number): number {
  const { x, n, d, mask } = data;
  if (data.sparse) {
    if (beta === 2) return sparseFrobenius(data.sparse, W, H, k);
    if (beta === 1) return sparseKullbackLeibler(data.sparse, W, H, k, EPSILON);
    throw new RangeError(`betaDivergence: β = ${beta} on a CsrMatrix; only β = 2 (Frobenius) and β = 1 (Kullback–Leibler) are supported on sparse X`);
  }
  const wh = product(W, H, n, k, d);
  const size = n * d;
  if (beta === 2) {
    let s = 0;
    for (let i = 0; i < size; i++) {
      if (mask !== null && mask[i] === 0) continue;
      const r = x[i] - wh[i];
      s += r * r;
    }
    return s / 2;
  }
  let count = 0;
  let sumY = 0;
  let sumX = 0;
  let sumLog = 0;
  let sumRatio = 0;
  let sumYBeta = 0;
  let sumXBeta = 0;
  let sumCross = 0;
  for (let i = 0; i < size; i++) {
    if (mask !== null && mask[i] === 0) continue;
    count++;
    const y = wh[i];
    if (beta === 1) sumY += y;
    else if (beta !== 0) sumYBeta += y ** beta;
    const v = x[i];
    if (!(v > EPSILON)) continue;
    const ys = y === 0 ? EPSILON : y;
    if (beta === 1) {
      sumLog += v * Math.log(v / ys);
      sumX += v;
    } else if (beta === 0) {
      const r = v / ys;
      sumRatio += r;
      sumLog += Math.log(r);
    } else {
      sumXBeta += v ** beta;
      sumCross += v * ys ** (beta - 1);
    }
  }
  if (beta === 1) return sumLog + sumY - sumX;
  if (beta === 0) return sumRatio - count - sumLog;
  return (sumXBeta - beta * sumCross + (beta - 1) * sumYBeta) / (beta * (beta - 1));
}

/**
 * scikit-learn's `reconstruction_err_`: √(2·D_β(X | WH)), the Frobenius norm ‖X − WH‖ for β = 2
 * (a slightly negative rounding result counts as 0).
 *
 * @example
 * ```ts
 * reconstructionError(data, W, H, k, 2); // ‖X − WH‖_F
 * ```
 */
export function reconstructionError(data: NmfData, W: Float64Array, H: Float64Array, k: number, beta: number): number {
  return Math.sqrt(2 * Math.max(0, betaDivergence(data, W, H, k, beta)));
}

/**
 * The penalty weights of the objective, scaled as scikit-learn does so that α means the same
 * for any data size: l1W = d·αW·ρ, l2W = d·αW·(1 − ρ), l1H = n·αH·ρ, l2H = n·αH·(1 − ρ).
 *
 * @example
 * ```ts
 * const reg = penalties(n, d, 0.1, 0.1, 0.5);
 * ```
 */
export interface Penalties {
  l1W: number;
  l2W: number;
  l1H: number;
  l2H: number;
}

/**
 * The {@link Penalties} of n samples and d features.
 *
 * @example
 * ```ts
 * penalties(10, 4, 0.5, 0.5, 1).l1W; // 2
 * ```
 */
export function penalties(n: number, d: number, alphaW: number, alphaH: number, l1Ratio: number): Penalties {
  return {
    l1W: d * alphaW * l1Ratio,
    l2W: d * alphaW * (1 - l1Ratio),
    l1H: n * alphaH * l1Ratio,
    l2H: n * alphaH * (1 - l1Ratio),
  };
}

/**
 * The whole objective D_β(X | WH) + l1W·ΣW + l1H·ΣH + ½·l2W·‖W‖² + ½·l2H·‖H‖², which both
 * solvers decrease (the multiplicative updates monotonically).
 *
 * @example
 * ```ts
 * objective(data, W, H, k, 2, penalties(n, d, 0, 0, 0)); // ½‖X − WH‖²
 * ```
 */
export function objective(data: NmfData, W: Float64Array, H: Float64Array, k: number, beta: number, reg: Penalties): number {
  const sum = (a: Float64Array, l1: number, l2: number): number => {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < a.length; i++) {
      s1 += a[i];
      s2 += a[i] * a[i];
    }
    return l1 * s1 + 0.5 * l2 * s2;
  };
  return betaDivergence(data, W, H, k, beta) + sum(W, reg.l1W, reg.l2W) + sum(H, reg.l1H, reg.l2H);
}
