/**
 * The checks a compressed-sparse-row matrix must pass before any kernel reads it: a shape of
 * two non-negative integers, Int32Array offsets that start at 0, never decrease and end at nnz,
 * strictly increasing column indices within each row (sorted and unique), every index inside
 * the shape, and finite values. Errors name the function, the row and the offending value.
 *
 * @module
 */
import { NonFiniteError, ShapeError, describeValue, formatShape } from '../errors.js';
import type { FloatArray } from '../validate.js';

/**
 * The three arrays and the shape of a CSR matrix, as {@link CsrMatrix} stores them.
 *
 * @example
 * ```ts
 * const parts: CsrParts = { indptr: Int32Array.of(0, 1, 1), indices: Int32Array.of(2), values: Float64Array.of(5), shape: [2, 3] };
 * ```
 */
export interface CsrParts {
  /** rows + 1 offsets: the entries of row i are at indptr[i] … indptr[i + 1] − 1. */
  readonly indptr: Int32Array;
  /** The column of each stored entry, increasing within a row. */
  readonly indices: Int32Array;
  /** The value of each stored entry (float32 or float64). */
  readonly values: FloatArray;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];
}

/**
 * Throws ShapeError (or TypeError for a wrong array type, NonFiniteError for NaN/±Infinity)
 * at the first violation of the CSR rules, naming `where` and the row.
 *
 * @example
 * ```ts
 * validateCsr({ indptr: Int32Array.of(0, 2), indices: Int32Array.of(1, 0), values: new Float64Array(2), shape: [1, 2] }, 'CsrMatrix');
 * // ShapeError: CsrMatrix: row 0: column indices must be strictly increasing (0 after 1)
 * ```
 */
export function validateCsr(parts: CsrParts, where: string): void {
  const { indptr, indices, values, shape } = parts;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ShapeError(`${where}: shape must be [rows, cols] of non-negative integers (got ${Array.isArray(shape) ? formatShape(shape as number[]) : describeValue(shape)})`);
  }
  if (!(indptr instanceof Int32Array)) throw new TypeError(`${where}: indptr must be an Int32Array (got ${describeValue(indptr)})`);
  if (!(indices instanceof Int32Array)) throw new TypeError(`${where}: indices must be an Int32Array (got ${describeValue(indices)})`);
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new TypeError(`${where}: values must be a Float32Array or Float64Array (got ${describeValue(values)})`);
  }
  const [rows, cols] = shape;
  if (indptr.length !== rows + 1) throw new ShapeError(`${where}: indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}`);
  if (indices.length !== values.length) {
    throw new ShapeError(`${where}: indices and values must have the same length (got ${indices.length} and ${values.length})`);
  }
  if (indptr[0] !== 0) throw new ShapeError(`${where}: indptr[0] must be 0 (got ${indptr[0]})`);
  if (indptr[rows] !== indices.length) {
    throw new ShapeError(`${where}: indptr[${rows}] must equal the number of stored entries ${indices.length} (got ${indptr[rows]})`);
  }
  // Offsets first: with them monotone, every row's slice lies inside the entry arrays.
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1] < indptr[i]) throw new ShapeError(`${where}: row ${i}: indptr decreases (indptr[${i}] = ${indptr[i]}, indptr[${i + 1}] = ${indptr[i + 1]})`);
  }
  for (let i = 0; i < rows; i++) {
    const start = indptr[i];
    const end = indptr[i + 1];
    let last = -1;
    for (let p = start; p < end; p++) {
      const c = indices[p];
      if (c < 0 || c >= cols) throw new ShapeError(`${where}: row ${i}: column index ${c} is outside [0, ${cols}) (entry ${p})`);
      if (c <= last) {
        const what = c === last ? `duplicate column index ${c}` : `column indices must be strictly increasing (${c} after ${last})`;
        throw new ShapeError(`${where}: row ${i}: ${what}`);
      }
      last = c;
      if (!Number.isFinite(values[p])) throw new NonFiniteError(`${where}: row ${i}, column ${c}: value is ${values[p]} (values must be finite)`);
    }
  }
}
