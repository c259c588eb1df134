/**
 * Cholesky factorisation, triangular and general solves, and log-determinants in float64. The
 * public functions validate and copy; the `…InPlace` cores are unchecked and used by the models
 * on their small k×k matrices (PPCA's M = WᵀW + σ²I).
 *
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { ShapeError, formatShape } from '../errors.js';
import { assertSymmetric, readMatrix, readSquare } from './matrix.js';

/**
 * Overwrites the lower triangle of the n×n row-major `a` with L (A = L·Lᵀ) and zeroes the strict
 * upper triangle. Returns the index of the first non-positive pivot, or −1 on success.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 2, 2, 3]);
 * choleskyInPlace(a, 2); // -1; a = [2, 0, 1, 1.4142]
 * ```
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let p = 0; p < j; p++) s -= a[rj + p] * a[rj + p];
    if (!(s > 0)) return j;
    const ljj = Math.sqrt(s);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[ri + j];
      for (let p = 0; p < j; p++) t -= a[ri + p] * a[rj + p];
      a[ri + j] = t / ljj;
    }
    for (let c = j + 1; c < n; c++) a[rj + c] = 0;
  }
  return -1;
}

/**
 * Solves L·Lᵀ·X = B in place: `l` holds L (n×n, lower), `b` is n×m row-major and becomes X.
 *
 * @example
 * ```ts
 * const l = new Float64Array([2, 0, 1, 1]);
 * const b = new Float64Array([4, 3]);
 * choleskySolveInPlace(l, 2, b, 1); // b = L⁻ᵀL⁻¹[4, 3]
 * ```
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, m: number): void {
  // Forward: L·Y = B.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let p = 0; p < i; p++) {
      const lip = l[ri + p];
      if (lip === 0) continue;
      for (let c = 0; c < m; c++) b[i * m + c] -= lip * b[p * m + c];
    }
    const inv = 1 / l[ri + i];
    for (let c = 0; c < m; c++) b[i * m + c] *= inv;
  }
  // Backward: Lᵀ·X = Y.
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const lpi = l[p * n + i];
      if (lpi === 0) continue;
      for (let c = 0; c < m; c++) b[i * m + c] -= lpi * b[p * m + c];
    }
    const inv = 1 / l[i * n + i];
    for (let c = 0; c < m; c++) b[i * m + c] *= inv;
  }
}

/**
 * ln|A| from its Cholesky factor: 2·Σ ln Lᵢᵢ.
 *
 * @example
 * ```ts
 * logDetFromCholesky(new Float64Array([2, 0, 1, 1]), 2); // ln 4
 * ```
 */
export function logDetFromCholesky(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/**
 * The inverse of a symmetric positive-definite n×n matrix (a new array), or null when it is
 * not positive definite.
 *
 * @example
 * ```ts
 * spdInverse(new Float64Array([2, 0, 0, 4]), 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function spdInverse(a: Float64Array, n: number): Float64Array | null {
  const l = Float64Array.from(a);
  if (choleskyInPlace(l, n) >= 0) return null;
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  choleskySolveInPlace(l, n, inv, n);
  // Symmetrise: the two triangles differ by rounding only.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return inv;
}

function factorOrThrow(A: unknown, where: string): { l: Float64Array; n: number } {
  const m = readSquare(A, where, 'A');
  assertSymmetric(m, where, 'A');
  const j = choleskyInPlace(m.data, m.rows);
  if (j >= 0) throw new RangeError(`${where}: A is not positive definite (pivot ${j} is not > 0)`);
  return { l: m.data, n: m.rows };
}

/**
 * The Cholesky factor L of a symmetric positive-definite matrix (A = L·Lᵀ, L lower
 * triangular), as a float64 `[n, n]` Tensor. Throws RangeError when A is not positive definite.
 *
 * @example
 * ```ts
 * cholesky([[4, 2], [2, 3]]).toArray(); // [[2, 0], [1, 1.4142]]
 * ```
 */
export function cholesky(A: unknown): Tensor {
  const { l, n } = factorOrThrow(A, 'cholesky');
  return new Tensor(l, [n, n]);
}

/**
 * ln|A| of a symmetric positive-definite matrix, via Cholesky (never overflows the way the
 * determinant itself would).
 *
 * @example
 * ```ts
 * logDet([[4, 2], [2, 3]]); // ln 8
 * ```
 */
export function logDet(A: unknown): number {
  const { l, n } = factorOrThrow(A, 'logDet');
  return logDetFromCholesky(l, n);
}

/**
 * Solves A·X = B for square A (LU with partial pivoting, float64). B may be `[n, m]`; a 1-D B
 * must be given as a column `[[b0], [b1], …]`. Throws RangeError when A is singular to working
 * precision.
 *
 * @example
 * ```ts
 * solve([[3, 1], [1, 2]], [[9], [8]]).toArray(); // [[2], [3]]
 * ```
 */
export function solve(A: unknown, B: unknown): Tensor {
  const a = readSquare(A, 'solve', 'A');
  const b = readMatrix(B, 'solve', 'B');
  const n = a.rows;
  if (b.rows !== n) {
    throw new ShapeError(`solve: B has ${b.rows} rows, but A is ${formatShape([n, n])}`);
  }
  luSolveInPlace(a.data, n, b.data, b.cols, 'solve');
  return new Tensor(b.data, [n, b.cols]);
}

/**
 * Unchecked core of {@link solve}: Gaussian elimination with partial pivoting on arrays the
 * caller owns. `a` (n×n) is destroyed and `b` (n×m) becomes X. RangeError when A is singular.
 *
 * @example
 * ```ts
 * const b = new Float64Array([9, 8]);
 * luSolveInPlace(new Float64Array([3, 1, 1, 2]), 2, b, 1, 'mySolver'); // b = [2, 3]
 * ```
 */
export function luSolveInPlace(a: Float64Array, n: number, b: Float64Array, m: number, where: string): void {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  const tiny = n * 2 ** -52 * max;
  for (let j = 0; j < n; j++) {
    let piv = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]) > Math.abs(a[piv * n + j])) piv = i;
    if (!(Math.abs(a[piv * n + j]) > tiny)) throw new RangeError(`${where}: A is singular to working precision (column ${j})`);
    if (piv !== j) {
      swapRows(a, n, piv, j);
      swapRows(b, m, piv, j);
    }
    const inv = 1 / a[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const f = a[i * n + j] * inv;
      if (f === 0) continue;
      for (let c = j + 1; c < n; c++) a[i * n + c] -= f * a[j * n + c];
      for (let c = 0; c < m; c++) b[i * m + c] -= f * b[j * m + c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const f = a[i * n + p];
      for (let c = 0; c < m; c++) b[i * m + c] -= f * b[p * m + c];
    }
    const inv = 1 / a[i * n + i];
    for (let c = 0; c < m; c++) b[i * m + c] *= inv;
  }
}

function swapRows(x: Float64Array, width: number, i: number, j: number): void {
  for (let c = 0; c < width; c++) {
    const t = x[i * width + c];
    x[i * width + c] = x[j * width + c];
    x[j * width + c] = t;
  }
}
