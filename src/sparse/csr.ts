/**
 * `CsrMatrix`: a sparse matrix in compressed-sparse-row form (scikit-learn's and SciPy's
 * `csr_matrix` layout): Int32Array row offsets and column indices, float32 or float64 values.
 * Built from triplets, from a dense matrix or from rows of `{ column: value }`; validated once
 * on construction, so the products (src/kernels/sparse-*.ts) trust it afterwards.
 *
 * @module
 */
import { ShapeError, describeValue, formatShape } from '../errors.js';
import { csrMatMat, csrMatTMat } from '../kernels/sparse-matmul.js';
import { csrMatTVec, csrMatVec } from '../kernels/sparse-matvec.js';
import { Tensor } from '../tensor/tensor.js';
import { toMatrix, type FloatArray, type MatrixInput } from '../validate.js';
import { validateCsr, type CsrParts } from './csr-validate.js';

/**
 * Storage type of a {@link CsrMatrix}'s values.
 *
 * @example
 * ```ts
 * const dtype: SparseDType = 'float32';
 * ```
 */
export type SparseDType = 'float32' | 'float64';

/**
 * Options of the {@link CsrMatrix} builders.
 *
 * @example
 * ```ts
 * CsrMatrix.fromDense([[0, 1], [2, 0]], { dtype: 'float32' });
 * ```
 */
export interface CsrBuildOptions {
  /** Storage of the values. Default `'float64'`. */
  dtype?: SparseDType;
}

/**
 * One sparse row for {@link CsrMatrix.fromRows}: column → value, as an object or a Map.
 *
 * @example
 * ```ts
 * const row: SparseRow = { 0: 1.5, 7: -2 };
 * ```
 */
export type SparseRow = Readonly<Record<number, number>> | ReadonlyMap<number, number>;

function valuesOf(dtype: SparseDType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

function readDtype(options: CsrBuildOptions, where: string): SparseDType {
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`${where}: dtype must be 'float32' or 'float64' (got ${describeValue(dtype)})`);
  return dtype;
}

function readShape(shape: unknown, where: string): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && (s as number) >= 0)) {
    throw new ShapeError(`${where}: shape must be [rows, cols] of non-negative integers (got ${Array.isArray(shape) ? formatShape(shape as number[]) : describeValue(shape)})`);
  }
  if ((shape[0] as number) >= 2 ** 31 || (shape[1] as number) >= 2 ** 31) throw new ShapeError(`${where}: shape ${formatShape(shape as number[])} exceeds int32 indices`);
  return [shape[0] as number, shape[1] as number];
}

/** A dense vector argument of length `n` as a float64 copy. */
function readVector(x: unknown, n: number, where: string, arg: string): Float64Array {
  if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView)))) {
    throw new TypeError(`${where}: ${arg} must be an array or typed array of length ${n} (got ${describeValue(x)})`);
  }
  const v = Float64Array.from(x as ArrayLike<number>);
  if (v.length !== n) throw new ShapeError(`${where}: ${arg} has length ${v.length}, expected ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) throw new RangeError(`${where}: ${arg}[${i}] is ${v[i]} (must be finite)`);
  return v;
}

/**
 * A sparse matrix in compressed-sparse-row form. The entries of row i are
 * `values[indptr[i] … indptr[i+1]−1]` at columns `indices[…]`, strictly increasing. The
 * constructor takes the arrays as they are (no copy) after checking them; the builders
 * `fromTriplets`, `fromDense` and `fromRows` sort and merge for you. Products with dense
 * matrices (`matVec`, `matTVec`, `matMat`, `matTMat`) cost one multiply-add per stored entry
 * per column of the dense side and return float64.
 *
 * @example
 * ```ts
 * const X = CsrMatrix.fromTriplets([0, 1, 1], [2, 0, 2], [5, 1, 2], [2, 3]); // [[0, 0, 5], [1, 0, 2]]
 * X.nnz;                       // 3
 * X.matVec([1, 1, 1]);         // Float64Array [5, 3]
 * X.transpose().shape;         // [3, 2]
 * X.toDense().data;            // Float64Array [0, 0, 5, 1, 0, 2]
 * ```
 */
export class CsrMatrix {
  /** rows + 1 offsets into `indices` and `values`. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry, strictly increasing within a row. */
  readonly indices: Int32Array;
  /** Value of each stored entry. */
  readonly values: FloatArray;
  /** [rows, cols]. */
  readonly shape: readonly [number, number];

  /** Wraps validated CSR arrays; ShapeError/TypeError/NonFiniteError name the row at fault. */
  constructor(parts: CsrParts) {
    if (parts === null || typeof parts !== 'object') throw new TypeError(`CsrMatrix: expected { indptr, indices, values, shape } (got ${describeValue(parts)})`);
    validateCsr(parts, 'CsrMatrix');
    this.indptr = parts.indptr;
    this.indices = parts.indices;
    this.values = parts.values;
    this.shape = Object.freeze([parts.shape[0], parts.shape[1]] as [number, number]);
  }

  /**
   * From coordinate triplets (row[i], col[i], value[i]) in any order; duplicates are summed
   * (as SciPy's `coo → csr`), and entries that sum to exactly zero are kept as stored zeros.
   *
   * @example
   * ```ts
   * CsrMatrix.fromTriplets([0, 0], [1, 1], [2, 3], [1, 2]).values; // Float64Array [5]
   * ```
   */
  static fromTriplets(
    rows: ArrayLike<number>, cols: ArrayLike<number>, values: ArrayLike<number>, shape: readonly [number, number], options: CsrBuildOptions = {},
  ): CsrMatrix {
    const where = 'CsrMatrix.fromTriplets';
    const [m, n] = readShape(shape, where);
    const dtype = readDtype(options, where);
    const count = rows.length;
    if (cols.length !== count || values.length !== count) {
      throw new ShapeError(`${where}: rows, cols and values must have the same length (got ${rows.length}, ${cols.length}, ${values.length})`);
    }
    const rowCount = new Int32Array(m + 1);
    for (let t = 0; t < count; t++) {
      const r = rows[t];
      const c = cols[t];
      const v = values[t];
      if (!Number.isInteger(r) || r < 0 || r >= m) throw new ShapeError(`${where}: rows[${t}] = ${r} is not a row index in [0, ${m})`);
      if (!Number.isInteger(c) || c < 0 || c >= n) throw new ShapeError(`${where}: cols[${t}] = ${c} (row ${r}) is not a column index in [0, ${n})`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: values[${t}] (row ${r}, column ${c}) is ${describeValue(v)} (must be a finite number)`);
      rowCount[r + 1]++;
    }
    for (let i = 0; i < m; i++) rowCount[i + 1] += rowCount[i];
    // Bucket by row (a counting sort), then sort and merge each row's columns.
    const order = new Int32Array(count);
    const next = rowCount.slice(0, m);
    for (let t = 0; t < count; t++) order[next[rows[t]]++] = t;
    const indptr = new Int32Array(m + 1);
    const idx = new Int32Array(count);
    const acc = new Float64Array(count);
    let nnz = 0;
    for (let i = 0; i < m; i++) {
      const slice = Array.from(order.subarray(rowCount[i], rowCount[i + 1])).sort((a, b) => cols[a] - cols[b] || a - b);
      for (const t of slice) {
        const c = cols[t];
        if (nnz > indptr[i] && idx[nnz - 1] === c) acc[nnz - 1] += values[t];
        else {
          idx[nnz] = c;
          acc[nnz] = values[t];
          nnz++;
        }
      }
      indptr[i + 1] = nnz;
    }
    const vals = valuesOf(dtype, nnz);
    vals.set(acc.subarray(0, nnz));
    return new CsrMatrix({ indptr, indices: idx.slice(0, nnz), values: vals, shape: [m, n] });
  }

  /**
   * From a dense matrix (number[][], `{ data, shape }` or a Tensor), storing its non-zeros.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[0, 1], [2, 0]]).nnz; // 2
   * ```
   */
  static fromDense(X: MatrixInput, options: CsrBuildOptions = {}): CsrMatrix {
    const where = 'CsrMatrix.fromDense';
    const dtype = readDtype(options, where);
    const x = toMatrix(X, where, 'X');
    let nnz = 0;
    for (let i = 0; i < x.data.length; i++) if (x.data[i] !== 0) nnz++;
    const indptr = new Int32Array(x.rows + 1);
    const indices = new Int32Array(nnz);
    const values = valuesOf(dtype, nnz);
    let p = 0;
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) {
        const v = x.data[i * x.cols + j];
        if (v !== 0) {
          indices[p] = j;
          values[p++] = v;
        }
      }
      indptr[i + 1] = p;
    }
    return new CsrMatrix({ indptr, indices, values, shape: [x.rows, x.cols] });
  }

  /**
   * From one `{ column: value }` object or Map per row, with `nCols` columns. Keys may come in
   * any order; zeros are stored as given.
   *
   * @example
   * ```ts
   * CsrMatrix.fromRows([{ 2: 1 }, new Map([[0, 4]])], 3).toDense().data; // [0, 0, 1, 4, 0, 0]
   * ```
   */
  static fromRows(rows: readonly SparseRow[], nCols: number, options: CsrBuildOptions = {}): CsrMatrix {
    const where = 'CsrMatrix.fromRows';
    if (!Array.isArray(rows)) throw new TypeError(`${where}: rows must be an array of { column: value } objects or Maps (got ${describeValue(rows)})`);
    const [, n] = readShape([rows.length, nCols], where);
    const dtype = readDtype(options, where);
    const indptr = new Int32Array(rows.length + 1);
    const idx: number[] = [];
    const vals: number[] = [];
    rows.forEach((row, i) => {
      if (row === null || typeof row !== 'object') throw new TypeError(`${where}: row ${i} must be an object or a Map (got ${describeValue(row)})`);
      const entries: [number, number][] = row instanceof Map
        ? [...(row as ReadonlyMap<number, number>).entries()]
        : Object.entries(row).map(([k, v]) => [Number(k), v as number]);
      entries.sort((a, b) => a[0] - b[0]);
      for (const [c, v] of entries) {
        if (!Number.isInteger(c) || c < 0 || c >= n) throw new ShapeError(`${where}: row ${i}: key ${String(c)} is not a column index in [0, ${n})`);
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: row ${i}, column ${c}: value is ${describeValue(v)} (must be a finite number)`);
        idx.push(c);
        vals.push(v);
      }
      indptr[i + 1] = idx.length;
    });
    const values = valuesOf(dtype, vals.length);
    values.set(vals);
    return new CsrMatrix({ indptr, indices: Int32Array.from(idx), values, shape: [rows.length, n] });
  }

  /** Number of rows. */
  get rows(): number { return this.shape[0]; }

  /** Number of columns. */
  get cols(): number { return this.shape[1]; }

  /** Number of stored entries (explicit zeros included). */
  get nnz(): number { return this.indices.length; }

  /** nnz / (rows·cols); 0 for an empty shape. */
  get density(): number {
    const size = this.rows * this.cols;
    return size === 0 ? 0 : this.nnz / size;
  }

  /** `'float32'` or `'float64'`, the storage of `values`. */
  get dtype(): SparseDType { return this.values instanceof Float32Array ? 'float32' : 'float64'; }

  /**
   * The dense matrix: a Tensor `[rows, cols]` in the values' dtype.
   *
   * @example
   * ```ts
   * CsrMatrix.fromRows([{ 1: 3 }], 2).toDense().data; // Float64Array [0, 3]
   * ```
   */
  toDense(): Tensor {
    const [m, n] = this.shape;
    const out = valuesOf(this.dtype, m * n);
    for (let i = 0; i < m; i++) {
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) out[i * n + this.indices[p]] = this.values[p];
    }
    return new Tensor(out, [m, n]);
  }

  /**
   * Xᵀ as a new CsrMatrix (the CSC form of X), same dtype; its rows come out sorted.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[1, 2]]).transpose().shape; // [2, 1]
   * ```
   */
  transpose(): CsrMatrix {
    const [m, n] = this.shape;
    const indptr = new Int32Array(n + 1);
    for (let p = 0; p < this.nnz; p++) indptr[this.indices[p] + 1]++;
    for (let j = 0; j < n; j++) indptr[j + 1] += indptr[j];
    const next = indptr.slice(0, n);
    const indices = new Int32Array(this.nnz);
    const values = valuesOf(this.dtype, this.nnz);
    for (let i = 0; i < m; i++) {
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) {
        const q = next[this.indices[p]]++;
        indices[q] = i;
        values[q] = this.values[p];
      }
    }
    return new CsrMatrix({ indptr, indices, values, shape: [n, m] });
  }

  /**
   * X·x for a vector of length cols: Float64Array of length rows.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[1, 2]]).matVec([3, 4]); // Float64Array [11]
   * ```
   */
  matVec(x: ArrayLike<number>): Float64Array {
    const v = readVector(x, this.cols, 'CsrMatrix.matVec', 'x');
    const y = new Float64Array(this.rows);
    csrMatVec(this.rows, this.indptr, this.indices, this.values, v, y);
    return y;
  }

  /**
   * Xᵀ·x for a vector of length rows: Float64Array of length cols.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[1, 2]]).matTVec([3]); // Float64Array [3, 6]
   * ```
   */
  matTVec(x: ArrayLike<number>): Float64Array {
    const v = readVector(x, this.rows, 'CsrMatrix.matTVec', 'x');
    const y = new Float64Array(this.cols);
    csrMatTVec(this.rows, this.cols, this.indptr, this.indices, this.values, v, y);
    return y;
  }

  /**
   * X·B for a dense B `[cols, n]`: Tensor `[rows, n]`, float64.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[1, 2]]).matMat([[1, 0], [0, 1]]).data; // Float64Array [1, 2]
   * ```
   */
  matMat(B: MatrixInput): Tensor {
    const where = 'CsrMatrix.matMat';
    const b = toMatrix(B, where, 'B');
    if (b.rows !== this.cols) throw new ShapeError(`${where}: B has ${b.rows} rows, expected X's ${this.cols} columns (X ${formatShape(this.shape)}, B ${formatShape([b.rows, b.cols])})`);
    const c = new Float64Array(this.rows * b.cols);
    csrMatMat(this.rows, b.cols, this.indptr, this.indices, this.values, b.data, b.cols, c, b.cols);
    return new Tensor(c, [this.rows, b.cols]);
  }

  /**
   * Xᵀ·B for a dense B `[rows, n]`: Tensor `[cols, n]`, float64.
   *
   * @example
   * ```ts
   * CsrMatrix.fromDense([[1, 2]]).matTMat([[3]]).data; // Float64Array [3, 6]
   * ```
   */
  matTMat(B: MatrixInput): Tensor {
    const where = 'CsrMatrix.matTMat';
    const b = toMatrix(B, where, 'B');
    if (b.rows !== this.rows) throw new ShapeError(`${where}: B has ${b.rows} rows, expected X's ${this.rows} rows (X ${formatShape(this.shape)}, B ${formatShape([b.rows, b.cols])})`);
    const c = new Float64Array(this.cols * b.cols);
    csrMatTMat(this.rows, this.cols, b.cols, this.indptr, this.indices, this.values, b.data, b.cols, c, b.cols);
    return new Tensor(c, [this.cols, b.cols]);
  }
}

/**
 * Whether `x` is a {@link CsrMatrix} (the models branch on it to take their sparse path).
 *
 * @example
 * ```ts
 * isCsrMatrix(CsrMatrix.fromDense([[1]])); // true
 * ```
 */
export function isCsrMatrix(x: unknown): x is CsrMatrix {
  return x instanceof CsrMatrix;
}
