/**
 * Thin singular value decomposition in float64, always auto-transposed (ml-matrix's SVD is
 * only used on tall or square input), descending, with deterministic signs. A tall matrix
 * (m ≥ 2n) is first reduced by blocked Householder QR, so the Golub–Kahan SVD only runs on the
 * n×n R: on 60,000×784 that turns hours of column sweeps into seconds of gemm.
 *
 * @module
 */
import { SVD } from 'ml-matrix';
import { Tensor } from '../tensor/tensor.js';
import { fixRowSigns, fromMl, readMatrix, toMl, transpose } from './matrix.js';
import { applyQ, householderQR } from './qr.js';

/**
 * The unchecked result of {@link thinSvd}; r = min(m, n).
 *
 * @example
 * ```ts
 * const { u, s, vt }: ThinSvd = thinSvd(a, m, n, true); // u m×r, vt r×n
 * ```
 */
export interface ThinSvd {
  /** m×r left singular vectors (columns), or null when not asked for. */
  u: Float64Array | null;
  /** r singular values, descending. */
  s: Float64Array;
  /** r×n right singular vectors (rows); each row's largest-magnitude entry is positive. */
  vt: Float64Array;
}

/** Reduce a tall matrix by QR first when it has at least this many rows per column. */
const QR_RATIO = 2;

/**
 * Unchecked core of {@link svd}: A (m×n row-major, finite) = U·diag(s)·Vᵀ, thin. `a` is
 * overwritten. Each row of Vᵀ has its largest-magnitude entry positive; U follows.
 *
 * @example
 * ```ts
 * thinSvd(new Float64Array([3, 0, 0, 4]), 2, 2, false).s; // [4, 3]
 * ```
 */
export function thinSvd(a: Float64Array, m: number, n: number, computeU: boolean): ThinSvd {
  if (m < n) {
    // Aᵀ = V·S·Uᵀ: decompose the tall transpose and swap the roles.
    const t = thinSvd(transpose(a, m, n), n, m, true);
    const r = m;
    const vt = transpose(t.u as Float64Array, n, r); // r×n
    const u = computeU ? transpose(t.vt, r, m) : null; // m×r
    return signFixed({ u, s: t.s, vt }, m, n);
  }
  if (m >= QR_RATIO * n && n > 1) {
    const f = householderQR(a, m, n);
    const inner = tallSvd(f.r, n, n, computeU);
    const u = computeU ? applyQ(f, inner.u as Float64Array, n) : null;
    return signFixed({ u, s: inner.s, vt: inner.vt }, m, n);
  }
  return signFixed(tallSvd(a, m, n, computeU), m, n);
}

/** ml-matrix's Golub–Kahan SVD on m ≥ n, results sorted descending. */
function tallSvd(a: Float64Array, m: number, n: number, computeU: boolean): ThinSvd {
  const dec = new SVD(toMl(a, m, n), {
    computeLeftSingularVectors: computeU,
    computeRightSingularVectors: true,
    autoTranspose: false,
  });
  const raw = dec.diagonal;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => raw[y] - raw[x] || x - y);
  const s = Float64Array.from(order, (i) => Math.max(0, raw[i]));
  const v = fromMl(dec.rightSingularVectors).data; // n×n, columns are vectors
  const vt = new Float64Array(n * n);
  for (let q = 0; q < n; q++) for (let j = 0; j < n; j++) vt[q * n + j] = v[j * n + order[q]];
  let u: Float64Array | null = null;
  if (computeU) {
    const full = fromMl(dec.leftSingularVectors);
    u = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let q = 0; q < n; q++) u[i * n + q] = full.data[i * full.cols + order[q]];
  }
  return { u, s, vt };
}

function signFixed(res: ThinSvd, m: number, n: number): ThinSvd {
  const r = res.s.length;
  fixRowSigns(res.vt, r, n, res.u ? { data: res.u, rows: m } : undefined);
  return res;
}

/**
 * Options of {@link svd}.
 *
 * @example
 * ```ts
 * svd(A, { computeU: false }).u; // null
 * ```
 */
export interface SvdOptions {
  /** Also compute U. Default true. */
  computeU?: boolean;
}

/**
 * A thin SVD: A = U·diag(s)·Vᵀ with r = min(m, n).
 *
 * @example
 * ```ts
 * const { u, s, vt }: SvdResult = svd([[3, 0], [0, 4]]); // s = [4, 3]
 * ```
 */
export interface SvdResult {
  /** `[m, r]` float64 left singular vectors, or null when `computeU` is false. */
  u: Tensor | null;
  /** The r singular values, descending. */
  s: Float64Array;
  /** `[r, n]` float64 right singular vectors as rows, each with its largest-magnitude entry positive. */
  vt: Tensor;
}

/**
 * Thin singular value decomposition A = U·diag(s)·Vᵀ of any m×n matrix, in float64. The input is
 * validated (NaN or ±Infinity is a {@link NonFiniteError}) and never modified; wide input is
 * transposed internally; singular values are descending; each right singular vector has its
 * largest-magnitude entry positive and U is flipped to match, so results are deterministic.
 *
 * @example
 * ```ts
 * const { u, s, vt } = svd([[3, 0], [0, 4], [0, 0]]);
 * s;             // Float64Array [4, 3]
 * vt.toArray();  // [[0, 1], [1, 0]]
 * u!.shape;      // [3, 2]
 * ```
 */
export function svd(A: unknown, options: SvdOptions = {}): SvdResult {
  const mat = readMatrix(A, 'svd', 'A');
  const { rows: m, cols: n } = mat;
  const computeU = options.computeU ?? true;
  const res = thinSvd(mat.data, m, n, computeU);
  const r = Math.min(m, n);
  return {
    u: res.u ? new Tensor(res.u, [m, r]) : null,
    s: res.s,
    vt: new Tensor(res.vt, [r, n]),
  };
}
