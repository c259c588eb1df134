/**
 * Boundary checks shared by every public entry point. Hot code below this layer trusts its
 * inputs; everything a user passes is checked once here.
 *
 * @module
 */
import { NonFiniteError, ShapeError, describeValue, formatShape } from './errors.js';

/**
 * Storage types accepted for dense data.
 *
 * @example
 * ```ts
 * const buffer: FloatArray = new Float32Array(4);
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * Numeric typed arrays accepted as input data (converted on entry).
 *
 * @example
 * ```ts
 * const pixels: NumericArray = new Uint8Array(784);
 * ```
 */
export type NumericArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray
  | Int16Array | Uint16Array | Int32Array | Uint32Array;

/**
 * A 2-D data matrix as users pass it: nested arrays, a typed array with its shape, or anything
 * shaped like a {@link Tensor} (`{ data, shape }`). Rows are samples.
 *
 * @example
 * ```ts
 * pca.fit([[1, 2], [3, 4], [5, 7]]);
 * pca.fit({ data: new Float32Array(6), shape: [3, 2] });
 * ```
 */
export type MatrixInput =
  | readonly (readonly number[])[]
  | { readonly data: NumericArray | readonly number[]; readonly shape: readonly number[] };

/**
 * A validated dense row-major matrix: what the models make of a {@link MatrixInput} once it is
 * checked (float32 or float64 data, row `i` at `data[i·cols … (i+1)·cols)`).
 *
 * @example
 * ```ts
 * const m: DenseMatrix<Float64Array> = { data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };
 * ```
 */
export interface DenseMatrix<T extends FloatArray = FloatArray> {
  data: T;
  rows: number;
  cols: number;
}

/** Options for {@link toMatrix}. */
export interface ToMatrixOptions {
  /** Storage of the returned copy. Default `'float64'`. */
  dtype?: 'float32' | 'float64';
  /** Let NaN through (missing values). ±Infinity is still an error. Default false. */
  allowNaN?: boolean;
  /** Minimum number of rows. Default 1. */
  minRows?: number;
}

/**
 * Converts and checks a user matrix, returning a fresh copy (the input is never mutated or
 * aliased). `where` names the calling method in messages, e.g. `'PCA.fit'`.
 */
export function toMatrix(x: unknown, where: string, arg: string, options: ToMatrixOptions & { dtype: 'float32' }): DenseMatrix<Float32Array>;
export function toMatrix(x: unknown, where: string, arg?: string, options?: ToMatrixOptions): DenseMatrix<Float64Array>;
export function toMatrix(x: unknown, where: string, arg = 'X', options: ToMatrixOptions = {}): DenseMatrix {
  const dtype = options.dtype ?? 'float64';
  const minRows = options.minRows ?? 1;
  const out = Array.isArray(x) ? fromNested(x, where, arg, dtype) : fromShaped(x, where, arg, dtype);
  if (out.rows < minRows || out.rows === 0) {
    const need = Math.max(minRows, 1);
    throw new ShapeError(
      `${where}: ${arg} must have at least ${need} sample${need === 1 ? '' : 's'} (got shape ${formatShape([out.rows, out.cols])})`,
    );
  }
  if (out.cols === 0) {
    throw new ShapeError(`${where}: ${arg} must have at least 1 feature (got shape ${formatShape([out.rows, out.cols])})`);
  }
  assertFiniteMatrix(out, where, arg, options.allowNaN ?? false);
  return out;
}

/** A row of a nested matrix: a plain array or a numeric typed array (not a DataView). */
function isRow(r: unknown): r is ArrayLike<unknown> {
  return Array.isArray(r) || (ArrayBuffer.isView(r) && !(r instanceof DataView));
}

function fromNested(x: readonly unknown[], where: string, arg: string, dtype: 'float32' | 'float64'): DenseMatrix {
  const rows = x.length;
  if (rows > 0 && !isRow(x[0])) {
    throw new ShapeError(
      `${where}: ${arg} must be 2-D [nSamples, nFeatures]; got 1-D of length ${rows}. Wrap one sample as [[…]]`,
    );
  }
  const cols = rows === 0 ? 0 : (x[0] as ArrayLike<unknown>).length;
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = x[i];
    if (!isRow(row)) throw new ShapeError(`${where}: ${arg}[${i}] is not an array (got ${describeValue(row)})`);
    if (row.length !== cols) throw new ShapeError(`${where}: ${arg}[${i}] has length ${row.length}, expected ${cols}`);
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new TypeError(`${where}: ${arg}[${i}][${j}] is not a finite number (got ${describeValue(v)})`);
      }
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols };
}

function fromShaped(x: unknown, where: string, arg: string, dtype: 'float32' | 'float64'): DenseMatrix {
  if (x === null || typeof x !== 'object') {
    throw new TypeError(`${where}: ${arg} must be number[][], { data, shape } or a Tensor (got ${describeValue(x)})`);
  }
  const { data, shape } = x as { data?: unknown; shape?: unknown };
  if (data === undefined || !(ArrayBuffer.isView(data) || Array.isArray(data))) {
    if (ArrayBuffer.isView(x)) {
      throw new ShapeError(
        `${where}: ${arg} must be 2-D [nSamples, nFeatures]; got a flat typed array of length ${(x as unknown as ArrayLike<number>).length} without a shape. Pass { data, shape: [nSamples, nFeatures] }`,
      );
    }
    throw new TypeError(`${where}: ${arg} must be number[][], { data, shape } or a Tensor (got ${describeValue(x)})`);
  }
  if (!Array.isArray(shape) || shape.length !== 2) {
    const got = Array.isArray(shape) ? `${shape.length}-D shape ${formatShape(shape as number[])}` : 'no shape';
    throw new ShapeError(`${where}: ${arg} must be 2-D [nSamples, nFeatures]; got ${got}`);
  }
  const [rows, cols] = shape as number[];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`${where}: ${arg}.shape must hold two non-negative integers (got ${formatShape(shape as number[])})`);
  }
  const src = data as ArrayLike<unknown>;
  if (src.length !== rows * cols) {
    throw new ShapeError(
      `${where}: ${arg}.data has ${src.length} elements, but shape ${formatShape([rows, cols])} needs ${rows * cols}`,
    );
  }
  const out = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  if (ArrayBuffer.isView(src)) {
    out.set(src as unknown as ArrayLike<number>);
  } else {
    for (let i = 0; i < out.length; i++) {
      const v = src[i];
      if (typeof v !== 'number') {
        throw new TypeError(`${where}: ${arg}[${Math.floor(i / cols)}][${i % cols}] is not a finite number (got ${describeValue(v)})`);
      }
      out[i] = v;
    }
  }
  return { data: out, rows, cols };
}

/** Throws {@link NonFiniteError} at the first NaN or ±Infinity (NaN allowed when asked). */
export function assertFiniteMatrix(m: DenseMatrix, where: string, arg: string, allowNaN = false): void {
  const { data, cols } = m;
  const i = allowNaN ? firstInfinite(data) : firstNonFinite(data);
  if (i < 0) return;
  const v = data[i];
  const what = v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  throw new NonFiniteError(`${where}: ${arg} contains ${what} at [row ${Math.floor(i / cols)}, col ${i % cols}]`);
}

// The scans below run over every value of a training set (47 million for 60,000 × 784) before a
// fit, on one thread. One loop per array type keeps each loop's element loads monomorphic: on a
// 60,000 × 784 float32 matrix, after calls with float64 data, the finiteness scan takes 74-86 ms
// this way and took 128-168 ms as one loop for both types.

/** Index of the first NaN or ±Infinity in `data`, or -1. */
function firstNonFinite(data: FloatArray): number {
  return data instanceof Float32Array ? firstNonFinite32(data) : firstNonFinite64(data);
}

function firstNonFinite32(data: Float32Array): number {
  for (let i = 0, n = data.length; i < n; i++) {
    const v = data[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

function firstNonFinite64(data: Float64Array): number {
  for (let i = 0, n = data.length; i < n; i++) {
    const v = data[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Index of the first ±Infinity in `data` (NaN allowed), or -1. */
function firstInfinite(data: FloatArray): number {
  for (let i = 0; i < data.length; i++) if (data[i] === Infinity || data[i] === -Infinity) return i;
  return -1;
}

/** Index of the first value of `data` outside [0, 1] (NaN included), or -1. */
export function firstOutsideUnit(data: FloatArray): number {
  return data instanceof Float32Array ? firstOutsideUnit32(data) : firstOutsideUnit64(data);
}

function firstOutsideUnit32(data: Float32Array): number {
  for (let i = 0, n = data.length; i < n; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1)) return i;
  }
  return -1;
}

function firstOutsideUnit64(data: Float64Array): number {
  for (let i = 0, n = data.length; i < n; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1)) return i;
  }
  return -1;
}

/** Throws a ShapeError unless `cols` matches what the model was fitted with. */
export function assertFeatures(cols: number, expected: number, where: string, model: string, arg = 'X'): void {
  if (cols !== expected) {
    throw new ShapeError(`${where}: ${arg} has ${cols} features, but ${model} was fitted with ${expected}`);
  }
}

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function assertInt(value: unknown, name: string, where: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const bound = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${where}: ${name} must be an integer ${bound} (got ${describeValue(value)})`);
  }
  return value;
}

/** Throws a RangeError unless `value` is a finite number in the given (open or closed) range. */
export function assertNumber(
  value: unknown, name: string, where: string,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (minExclusive ? value > min : value >= min) && (maxExclusive ? value < max : value <= max);
  if (!ok) {
    const lo = min === -Infinity ? '' : `${minExclusive ? '>' : '>='} ${min}`;
    const hi = max === Infinity ? '' : `${maxExclusive ? '<' : '<='} ${max}`;
    const bound = [lo, hi].filter(Boolean).join(' and ');
    throw new RangeError(`${where}: ${name} must be a finite number${bound ? ' ' + bound : ''} (got ${describeValue(value)})`);
  }
  return value as number;
}

/** Throws a RangeError unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(`${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describeValue(value)})`);
  }
  return value as T;
}

/**
 * Throws TypeError unless `seed` is an integer or a string (what {@link Rng} accepts); returns it.
 *
 * @example
 * ```ts
 * assertSeed(1.5, 'PCA'); // TypeError: PCA: seed must be an integer or a string (got 1.5)
 * ```
 */
export function assertSeed(seed: unknown, where: string): number | string {
  if (typeof seed === 'string' || (typeof seed === 'number' && Number.isInteger(seed))) return seed;
  throw new TypeError(`${where}: seed must be an integer or a string (got ${describeValue(seed)})`);
}

/**
 * Class labels checked and copied into an Int32Array: `labels` must be an Int32Array or an
 * array of numbers, hold `rows` entries (one per row of `rowsArg`), and each must be an integer
 * in 0..classes−1. Errors name `where`, `arg`, the expected and the actual value.
 *
 * @example
 * ```ts
 * toLabels([0, 2, 1], 'Classifier.fit', 'labels', { rows: 3, classes: 3 }); // Int32Array [0, 2, 1]
 * toLabels([0, 3], 'Classifier.fit', 'labels', { rows: 2, classes: 3 });
 * // RangeError: Classifier.fit: labels[1] must be an integer class index in 0..2 (got 3)
 * ```
 */
export function toLabels(
  labels: unknown, where: string, arg: string, { rows, classes, rowsArg = 'X' }: { rows: number; classes: number; rowsArg?: string },
): Int32Array {
  if (!(labels instanceof Int32Array) && !Array.isArray(labels)) {
    throw new TypeError(`${where}: ${arg} must be an Int32Array or an array of class indices (got ${describeValue(labels)})`);
  }
  const n = labels.length;
  if (n !== rows) throw new RangeError(`${where}: ${arg} has ${n} entries, but ${rowsArg} has ${rows} rows`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= classes) {
      throw new RangeError(`${where}: ${arg}[${i}] must be an integer class index in 0..${classes - 1} (got ${describeValue(v)})`);
    }
    out[i] = v;
  }
  return out;
}
