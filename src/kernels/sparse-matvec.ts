/**
 * Products of a CSR matrix with a dense vector: y = X·x and y = Xᵀ·x. X is given by its three
 * arrays (indptr of rows + 1 offsets, the column indices and the values of the stored entries,
 * row by row); the caller has validated them (src/sparse/csr-validate.ts). Sums are taken in
 * double (JS numbers) and each output is written once, so a float32 output costs one rounding.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';

/**
 * y = X·x for X rows×cols in CSR form; y (length rows) is overwritten.
 *
 * @example
 * ```ts
 * // X = [[1, 0], [0, 2]]
 * csrMatVec(2, Int32Array.of(0, 1, 2), Int32Array.of(0, 1), Float64Array.of(1, 2), Float64Array.of(3, 4), y); // y = [3, 8]
 * ```
 */
export function csrMatVec(rows: number, indptr: Int32Array, indices: Int32Array, values: FloatArray, x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let p = indptr[i], end = indptr[i + 1]; p < end; p++) s += values[p] * x[indices[p]];
    y[i] = s;
  }
}

/**
 * y = Xᵀ·x for X rows×cols in CSR form (x has length rows); y (length cols) is overwritten.
 * The entries of each row are scattered into y; a float32 y is accumulated in a float64
 * scratch first.
 *
 * @example
 * ```ts
 * // X = [[1, 0], [3, 2]]
 * csrMatTVec(2, 2, Int32Array.of(0, 1, 3), Int32Array.of(0, 0, 1), Float64Array.of(1, 3, 2), Float64Array.of(1, 1), y); // y = [4, 2]
 * ```
 */
export function csrMatTVec(
  rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: FloatArray, x: FloatArray, y: FloatArray,
): void {
  const acc = y instanceof Float64Array ? y : new Float64Array(cols);
  acc.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let p = indptr[i], end = indptr[i + 1]; p < end; p++) acc[indices[p]] += values[p] * xi;
  }
  if (acc !== y) y.set(acc.subarray(0, cols));
}
