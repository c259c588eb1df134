/**
 * Dense float64 matrices for the closed-form path: validation on entry, conversion to and from
 * ml-matrix (this folder is the only place that imports it), transposition and the sign
 * conventions shared by the decompositions.
 *
 * @module
 */
import { Matrix } from 'ml-matrix';
import { ShapeError, formatShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { toMatrix, type DenseMatrix } from '../validate.js';

/**
 * A dense row-major float64 matrix.
 *
 * @example
 * ```ts
 * const m: Mat = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 };
 * ```
 */
export type Mat = DenseMatrix<Float64Array>;

/**
 * Validates any {@link MatrixInput}-like value and returns a fresh float64 copy. NaN and
 * ±Infinity are errors ({@link NonFiniteError}), so no decomposition ever returns a silent NaN.
 *
 * @example
 * ```ts
 * const m = readMatrix([[1, 2], [3, 4]], 'svd', 'A'); // { data: Float64Array [1, 2, 3, 4], rows: 2, cols: 2 }
 * ```
 */
export function readMatrix(a: unknown, where: string, arg: string): Mat {
  return toMatrix(a, where, arg, { dtype: 'float64' });
}

/**
 * Like {@link readMatrix} but also requires a square matrix.
 *
 * @example
 * ```ts
 * readSquare([[2, 1], [1, 2]], 'eigh', 'A').rows; // 2
 * ```
 */
export function readSquare(a: unknown, where: string, arg: string): Mat {
  const m = readMatrix(a, where, arg);
  if (m.rows !== m.cols) throw new ShapeError(`${where}: ${arg} must be square (got shape ${formatShape([m.rows, m.cols])})`);
  return m;
}

/**
 * Throws a RangeError unless the square matrix is symmetric to 1e-10 of its largest entry.
 *
 * @example
 * ```ts
 * assertSymmetric({ data: new Float64Array([1, 2, 2, 1]), rows: 2, cols: 2 }, 'eigh', 'A'); // passes
 * ```
 */
export function assertSymmetric(m: Mat, where: string, arg: string): void {
  const { data, rows: n } = m;
  let max = 0;
  for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i]));
  const tol = 1e-10 * max;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const diff = Math.abs(data[i * n + j] - data[j * n + i]);
      if (diff > tol) {
        throw new RangeError(
          `${where}: ${arg} must be symmetric; |${arg}[${i}][${j}] − ${arg}[${j}][${i}]| = ${diff} exceeds 1e-10·max|${arg}| = ${tol}`,
        );
      }
    }
  }
}

/**
 * An ml-matrix `Matrix` holding a copy of `data` (rows × cols, row-major).
 *
 * @example
 * ```ts
 * toMl(new Float64Array([1, 2, 3, 4]), 2, 2).get(1, 0); // 3
 * ```
 */
export function toMl(data: Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) m.set(i, j, data[i * cols + j]);
  }
  return m;
}

/**
 * The row-major float64 copy of an ml-matrix `Matrix`, optionally only its first `cols` columns.
 *
 * @example
 * ```ts
 * fromMl(Matrix.eye(2)).data; // Float64Array [1, 0, 0, 1]
 * ```
 */
export function fromMl(m: Matrix, cols = m.columns): Mat {
  const rows = m.rows;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = m.get(i, j);
  }
  return { data, rows, cols };
}

/**
 * The transpose of a rows × cols row-major matrix (a new array), blocked for the cache.
 *
 * @example
 * ```ts
 * transpose(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transpose<T extends Float32Array | Float64Array>(data: T, rows: number, cols: number): T {
  const out = new (data.constructor as { new (n: number): T })(rows * cols);
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j];
      }
    }
  }
  return out;
}

/**
 * Flips the sign of each row of `rows` (r × n) so that its largest-magnitude entry (the first
 * one on ties) is positive; when `partner` (m × r) is given, flips its matching columns too so
 * that products such as U·diag(s)·Vᵀ are unchanged. Returns the signs applied.
 *
 * @example
 * ```ts
 * const v = new Float64Array([0.6, -0.8]);
 * fixRowSigns(v, 1, 2); // v is now [-0.6, 0.8]
 * ```
 */
export function fixRowSigns(rows: Float64Array, r: number, n: number, partner?: { data: Float64Array; rows: number }): Int8Array {
  const signs = new Int8Array(r);
  for (let i = 0; i < r; i++) {
    let best = 0;
    let at = 0;
    for (let j = 0; j < n; j++) {
      const a = Math.abs(rows[i * n + j]);
      if (a > best) {
        best = a;
        at = j;
      }
    }
    const flip = rows[i * n + at] < 0;
    signs[i] = flip ? -1 : 1;
    if (!flip) continue;
    for (let j = 0; j < n; j++) rows[i * n + j] = -rows[i * n + j];
    if (partner) for (let p = 0; p < partner.rows; p++) partner.data[p * r + i] = -partner.data[p * r + i];
  }
  return signs;
}

/**
 * The same convention for columns: each column of the n × k matrix gets a positive
 * largest-magnitude entry.
 *
 * @example
 * ```ts
 * const v = new Float64Array([-1, 0.5]); // a 2 × 1 column
 * fixColumnSigns(v, 2, 1); // v is now [1, -0.5]
 * ```
 */
export function fixColumnSigns(cols: Float64Array, n: number, k: number): void {
  for (let q = 0; q < k; q++) {
    let best = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(cols[i * k + q]);
      if (a > best) {
        best = a;
        at = i;
      }
    }
    if (cols[at * k + q] < 0) for (let i = 0; i < n; i++) cols[i * k + q] = -cols[i * k + q];
  }
}

/**
 * Wraps float64 data as a 2-D {@link Tensor} (no copy).
 *
 * @example
 * ```ts
 * asTensor(new Float64Array(6), 2, 3).shape; // [2, 3]
 * ```
 */
export function asTensor(data: Float64Array, rows: number, cols: number): Tensor {
  return new Tensor(data, [rows, cols]);
}
