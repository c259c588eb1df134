/**
 * Row sources: data that arrive as batches of rows instead of one matrix (a file read in chunks,
 * a stream from a socket or a worker, a matrix cut into batches). A source is any sync or async
 * iterable of {@link RowBatch}es; the models that can fit from one (`IncrementalPCA`, `PCA`,
 * `PPCA`) read it through {@link readRowBatches}, which checks every batch as it arrives.
 *
 * The types live here, below the models, so that models and the trainer can accept a source;
 * the file readers that produce sources (`idxSource`, `csvSource`) are in `data/`.
 *
 * @module
 */
import { NonFiniteError, ShapeError, describeValue, formatShape } from '../errors.js';
import { assertInt, toMatrix, type MatrixInput } from '../validate.js';

/**
 * One batch of rows: `data` row-major, `shape` `[rows, cols]`. Consumers read a batch and never
 * modify it; a producer may reuse its array once the consumer asks for the next batch.
 *
 * @example
 * ```ts
 * const batch: RowBatch = { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] };
 * ```
 */
export interface RowBatch {
  readonly data: Float32Array | Float64Array;
  readonly shape: readonly [number, number] | readonly number[];
}

/**
 * Anything that yields row batches: an array or generator of batches, an async generator, a web
 * `ReadableStream` of batches, or a reader such as `idxSource` or `csvSource`. Every batch must
 * have the same number of columns. A source that is an object with a `[Symbol.iterator]` or
 * `[Symbol.asyncIterator]` method returning a fresh iterator each call (arrays,
 * {@link matrixSource}, the file readers) can be read more than once; a generator object can
 * be read once.
 *
 * @example
 * ```ts
 * async function* batches(): AsyncGenerator<RowBatch> {
 *   for (let i = 0; i < 10; i++) yield { data: new Float64Array(64 * 8), shape: [64, 8] };
 * }
 * await new IncrementalPCA({ nComponents: 2 }).fit(batches());
 * ```
 */
export type RowSource = Iterable<RowBatch> | AsyncIterable<RowBatch>;

/**
 * A batch as {@link readRowBatches} hands it on: checked, with its position in the stream.
 *
 * @example
 * ```ts
 * for await (const b of readRowBatches(source, 'PCA.fit')) console.log(b.start, b.rows, b.cols);
 * ```
 */
export interface CheckedBatch {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Index of the batch's first row in the whole stream. */
  readonly start: number;
  /** Index of the batch in the stream (0-based, counting empty batches too). */
  readonly index: number;
}

/**
 * True when `x` is a row source rather than a matrix: an async iterable, or a sync iterable
 * that is not a matrix (an array whose first element is a batch `{ data, shape }` rather than
 * a row, or a non-array iterable such as a generator). Matrices (`number[][]`, `{ data, shape }`,
 * a Tensor) are not sources.
 *
 * @example
 * ```ts
 * isRowSource([[1, 2], [3, 4]]);                                // false: a matrix
 * isRowSource([{ data: new Float64Array(4), shape: [2, 2] }]);  // true: one batch
 * ```
 */
export function isRowSource(x: unknown): x is RowSource {
  if (x === null || typeof x !== 'object') return false;
  if (Array.isArray(x)) {
    const first: unknown = x[0];
    return first !== null && typeof first === 'object' && !Array.isArray(first) && !ArrayBuffer.isView(first) && 'shape' in first;
  }
  if (ArrayBuffer.isView(x) || 'shape' in x) return false;
  return Symbol.asyncIterator in x || Symbol.iterator in x;
}

/**
 * Options of {@link matrixSource}.
 *
 * @example
 * ```ts
 * matrixSource(X, { batchSize: 256 });
 * ```
 */
export interface MatrixSourceOptions {
  /** Rows per batch (the last batch may be shorter). Default 1024. */
  batchSize?: number;
}

/**
 * An in-memory matrix as a source of row batches. X is validated and copied once (float64);
 * the batches are views of that copy, so iterating costs no further memory. It can be iterated
 * any number of times.
 *
 * @example
 * ```ts
 * const source = matrixSource([[1, 2], [3, 4], [5, 7]], { batchSize: 2 });
 * for (const b of source) console.log(b.shape); // [2, 2] then [1, 2]
 * ```
 */
export function matrixSource(X: MatrixInput, options: MatrixSourceOptions = {}): Iterable<RowBatch> {
  const where = 'matrixSource';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'batchSize') throw new TypeError(`${where}: unknown option '${key}' (known: batchSize)`);
  }
  const batchSize = assertInt(options.batchSize ?? 1024, 'batchSize', where, 1);
  const m = toMatrix(X, where, 'X');
  const { data, rows, cols } = m;
  return {
    *[Symbol.iterator](): Iterator<RowBatch> {
      for (let r0 = 0; r0 < rows; r0 += batchSize) {
        const r = Math.min(batchSize, rows - r0);
        yield { data: data.subarray(r0 * cols, (r0 + r) * cols), shape: [r, cols] };
      }
    },
  };
}

/**
 * Reads a source batch by batch, checking each one as it arrives: `shape` two non-negative
 * integers, `data` a Float32Array or Float64Array of `rows·cols` values, every value finite,
 * and the same number of columns as the first non-empty batch. Errors name `where`, the batch
 * and the row in the whole stream. Empty batches (0 rows) are skipped. Returning early (a
 * `break`, or an error in the consumer) closes the source's iterator.
 *
 * @example
 * ```ts
 * let n = 0;
 * for await (const b of readRowBatches(source, 'PCA.fit')) n += b.rows;
 * ```
 */
export async function* readRowBatches(source: RowSource, where: string): AsyncGenerator<CheckedBatch> {
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
    throw new TypeError(`${where}: expected a row source (an iterable or async iterable of { data, shape } batches), got ${describeValue(source)}`);
  }
  let cols = -1;
  let start = 0;
  let index = 0;
  for await (const batch of source as AsyncIterable<RowBatch>) {
    const b = checkBatch(batch as unknown, where, index, start);
    if (b.rows > 0) {
      if (cols < 0) cols = b.cols;
      else if (b.cols !== cols) {
        throw new ShapeError(`${where}: batch ${index} (rows ${start}…${start + b.rows - 1}) has ${b.cols} columns, but the earlier batches have ${cols}`);
      }
      yield b;
      start += b.rows;
    }
    index++;
  }
}

function checkBatch(batch: unknown, where: string, index: number, start: number): CheckedBatch {
  const at = `${where}: batch ${index}`;
  if (batch === null || typeof batch !== 'object') throw new TypeError(`${at} must be { data, shape } (got ${describeValue(batch)})`);
  const { data, shape } = batch as { data?: unknown; shape?: unknown };
  if (!Array.isArray(shape) || shape.length !== 2) {
    const got = Array.isArray(shape) ? `${shape.length}-D shape ${formatShape(shape as number[])}` : 'no shape';
    throw new ShapeError(`${at} must have a 2-D shape [rows, cols]; got ${got}`);
  }
  const [rows, cols] = shape as unknown[];
  if (typeof rows !== 'number' || typeof cols !== 'number' || !Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1) {
    throw new ShapeError(`${at}: shape must hold a row count >= 0 and a column count >= 1 (got ${formatShape(shape as number[])})`);
  }
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new TypeError(`${at}: data must be a Float32Array or Float64Array (got ${describeValue(data)})`);
  }
  if (data.length !== rows * cols) {
    throw new ShapeError(`${at}: data has ${data.length} values, but shape ${formatShape([rows, cols])} needs ${rows * cols}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      const what = v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      throw new NonFiniteError(`${at} contains ${what} at [row ${start + Math.floor(i / cols)}, col ${i % cols}] of the stream`);
    }
  }
  return { data, rows, cols, start, index };
}
