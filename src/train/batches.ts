import { ShapeError, describeValue, formatShape } from '../errors.js';
import { Rng, type RngState } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { assertFiniteMatrix, toMatrix, type DenseMatrix, type FloatArray } from '../validate.js';
import type { LabelledRows } from './types.js';

/**
 * Checks a training matrix and returns it in `dtype`. A float32 `{ data, shape }` or Tensor is
 * used without a copy when `dtype` is float32 (a 60,000 × 784 set is 188 MB): it is only read,
 * and must not be changed while `fit` runs. Anything else is converted by `toMatrix`.
 *
 * @example
 * ```ts
 * const X = trainingMatrix({ data, shape: [n, 784] }, 'VAE.fit', 'float32');
 * ```
 */
export function trainingMatrix(x: unknown, where: string, dtype: 'float32' | 'float64', arg = 'X'): DenseMatrix {
  const v = x as { data?: unknown; shape?: unknown } | null;
  const same = dtype === 'float32' ? v?.data instanceof Float32Array : v?.data instanceof Float64Array;
  if (v !== null && typeof v === 'object' && same && Array.isArray(v.shape) && v.shape.length === 2) {
    const [rows, cols] = v.shape as number[];
    const data = v.data as FloatArray;
    if (Number.isInteger(rows) && Number.isInteger(cols) && rows >= 1 && cols >= 1 && data.length === rows * cols) {
      const m = { data, rows, cols };
      assertFiniteMatrix(m, where, arg);
      return m;
    }
  }
  return dtype === 'float32' ? toMatrix(x, where, arg, { dtype: 'float32' }) : toMatrix(x, where, arg, { dtype: 'float64' });
}

/**
 * Throws a ShapeError unless the matrix has `cols` features.
 *
 * @example
 * ```ts
 * assertCols(X, 784, 'VAE.fit', 'VAE'); // ShapeError when X has another width
 * ```
 */
export function assertCols(m: DenseMatrix, cols: number, where: string, model: string, arg = 'X'): void {
  if (m.cols !== cols) {
    throw new ShapeError(`${where}: ${arg} has ${m.cols} features, but ${model} was built with inputDim ${cols} (shape ${formatShape([m.rows, m.cols])})`);
  }
}

/**
 * Rows `index[start..end)` of a row-major matrix, copied into a new tensor (into `out` when
 * given: an array of the matrix's storage type and (end − start)·cols elements).
 *
 * @example
 * ```ts
 * const batch = gatherRows(X, order, 0, 128); // Tensor [128, cols]
 * ```
 */
export function gatherRows(m: DenseMatrix, index: Int32Array | null, start: number, end: number, out?: FloatArray): Tensor {
  const { data, cols } = m;
  const n = end - start;
  out ??= data instanceof Float64Array ? new Float64Array(n * cols) : new Float32Array(n * cols);
  if (index === null) {
    out.set(data.subarray(start * cols, end * cols));
  } else {
    for (let i = 0; i < n; i++) {
      const r = index[start + i];
      out.set(data.subarray(r * cols, (r + 1) * cols), i * cols);
    }
  }
  return new Tensor(out, [n, cols]);
}

/**
 * A seeded random split of `rows` into training and validation row indices (both sorted).
 *
 * @example
 * ```ts
 * const { train, validation } = splitRows(1000, 0.1, 42, 'VAE.fit'); // 900 and 100 row indices
 * ```
 */
export function splitRows(rows: number, fraction: number, seed: number | string, where: string): { train: Int32Array; validation: Int32Array } {
  const nVal = Math.min(rows - 1, Math.max(1, Math.round(rows * fraction)));
  if (rows < 2 || nVal < 1) {
    throw new RangeError(`${where}: validationSplit ${fraction} needs at least 2 samples (got ${rows})`);
  }
  const perm = new Rng(`${seed}:validation-split`).permutation(rows);
  const validation = perm.slice(0, nVal).sort();
  const train = perm.slice(nVal).sort();
  return { train, validation };
}

/**
 * The matrix restricted to the given rows (a copy).
 *
 * @example
 * ```ts
 * const held = selectRows(X, validation);
 * ```
 */
export function selectRows(m: DenseMatrix, rows: Int32Array): DenseMatrix {
  const t = gatherRows(m, rows, 0, rows.length);
  return { data: t.data, rows: rows.length, cols: m.cols };
}

/**
 * The rows of a possibly labelled matrix (a copy), their labels with them.
 *
 * @example
 * ```ts
 * const held = selectLabelledRows({ ...X, labels }, validation); // held.labels[i] = labels[validation[i]]
 * ```
 */
export function selectLabelledRows(m: LabelledRows, rows: Int32Array): LabelledRows {
  const out = selectRows(m, rows);
  return m.labels === undefined ? out : { ...out, labels: gatherLabels(m.labels, rows, 0, rows.length) };
}

/**
 * Labels `index[start..end)` (or `start..end` in order when `index` is null), copied: the
 * labels of the rows {@link gatherRows} gathers with the same arguments.
 *
 * @example
 * ```ts
 * const y = gatherLabels(labels, order, 0, 128);
 * ```
 */
export function gatherLabels(labels: Int32Array, index: Int32Array | null, start: number, end: number): Int32Array {
  if (index === null) return labels.slice(start, end);
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = labels[index[start + i]];
  return out;
}

/**
 * The visiting order of an epoch: a permutation drawn from a copy of `state` (the shuffle
 * stream as it was when the epoch began), or null for the natural order.
 *
 * @example
 * ```ts
 * const order = epochOrder(X.rows, shuffleStateAtEpochStart);
 * ```
 */
export function epochOrder(rows: number, state: RngState | null): Int32Array | null {
  return state === null ? null : Rng.fromState(state).permutation(rows);
}

/**
 * The checked training and validation matrices of a model's `fit` call, and its callbacks
 * checked to be functions: the argument handling every estimator's `fit` shares.
 */
export function fitMatrices(
  X: unknown,
  options: { validationData?: unknown; onEpochEnd?: unknown; onBatchEnd?: unknown },
  where: string, model: string, inputDim: number, dtype: 'float32' | 'float64',
): { data: DenseMatrix; validation: DenseMatrix | null } {
  const data = trainingMatrix(X, where, dtype);
  assertCols(data, inputDim, where, model);
  let validation: DenseMatrix | null = null;
  if (options.validationData !== undefined) {
    validation = trainingMatrix(options.validationData, where, dtype, 'validationData');
    assertCols(validation, inputDim, where, model, 'validationData');
  }
  for (const k of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') {
      throw new TypeError(`${where}: ${k} must be a function (got ${describeValue(options[k])})`);
    }
  }
  return { data, validation };
}

/** A model input `[n, cols]` converted to the model's dtype, with a ShapeError naming `model` otherwise. */
export function modelMatrix(X: unknown, where: string, cols: number, model: string, dtype: 'float32' | 'float64', arg = 'X'): DenseMatrix {
  const m = dtype === 'float64' ? toMatrix(X, where, arg, { dtype: 'float64' }) : toMatrix(X, where, arg, { dtype: 'float32' });
  assertCols(m, cols, where, model, arg);
  return m;
}
