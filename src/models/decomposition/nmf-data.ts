/**
 * NMF's input checks: a non-negative matrix whose NaN entries are missing values, and the
 * non-negative factors W and H of a `'custom'` start.
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { toMatrix } from '../../validate.js';
import type { NmfData } from './nmf-loss.js';

/**
 * X validated for NMF: finite or NaN (missing), non-negative; the first negative entry is named
 * with its row, column and value. The mask is null when nothing is missing. A CsrMatrix is
 * kept as it is (`sparse`), its stored values checked.
 *
 * @example
 * ```ts
 * const data = readNmfData([[1, NaN], [0, 2]], 'NMF.fit'); // data.mask = [1, 0, 1, 1]
 * ```
 */
export function readNmfData(X: unknown, where: string): NmfData & { nMissing: number } {
  if (X instanceof CsrMatrix) return readNmfSparse(X, where);
  const m = toMatrix(X, where, 'X', { allowNaN: true });
  const { data: x, rows: n, cols: d } = m;
  let nMissing = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) nMissing++;
    else if (v < 0) {
      throw new RangeError(`${where}: X must be non-negative, but X[${Math.floor(i / d)}][${i % d}] = ${v} (row ${Math.floor(i / d)}, col ${i % d})`);
    }
  }
  if (nMissing === x.length) throw new RangeError(`${where}: every entry of X is missing (NaN), shape ${formatShape([n, d])}`);
  let mask: Uint8Array | null = null;
  if (nMissing > 0) {
    mask = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== x[i]) x[i] = 0;
      else mask[i] = 1;
    }
  }
  return { x, n, d, mask, nMissing };
}

/** A CsrMatrix X for NMF: non-negative stored values (finite by construction, none missing), a row and a column. */
function readNmfSparse(X: CsrMatrix, where: string): NmfData & { nMissing: number } {
  const [n, d] = X.shape;
  if (n === 0 || d === 0) throw new ShapeError(`${where}: X must have at least 1 sample and 1 feature (got a CsrMatrix of shape ${formatShape([n, d])})`);
  const { indptr, indices, values } = X;
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      if (values[p] < 0) throw new RangeError(`${where}: X must be non-negative, but X[${i}][${indices[p]}] = ${values[p]} (row ${i}, col ${indices[p]})`);
    }
  }
  return { x: new Float64Array(0), n, d, mask: null, sparse: X, nMissing: 0 };
}

/**
 * A non-negative factor of a given shape, not all zeros (scikit-learn's `_check_init`).
 *
 * @example
 * ```ts
 * const W = readFactor(options.W, [n, k], 'NMF.fit', 'W');
 * ```
 */
export function readFactor(A: unknown, shape: readonly [number, number], where: string, arg: string): Float64Array {
  const m = toMatrix(A, where, arg);
  if (m.rows !== shape[0] || m.cols !== shape[1]) {
    throw new ShapeError(`${where}: ${arg} must have shape ${formatShape(shape)}, got ${formatShape([m.rows, m.cols])}`);
  }
  let max = 0;
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (v < 0) throw new RangeError(`${where}: ${arg} must be non-negative, but ${arg}[${Math.floor(i / m.cols)}][${i % m.cols}] = ${v}`);
    if (v > max) max = v;
  }
  if (max === 0) throw new RangeError(`${where}: ${arg} is all zeros; the solvers cannot move away from a zero factor`);
  return m.data;
}
