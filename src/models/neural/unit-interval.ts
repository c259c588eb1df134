/**
 * The check that data suit a Bernoulli decoder (VAE `likelihood: 'bernoulli'`, Autoencoder
 * `loss: 'bce'`): every value in [0, 1]. Outside it the cross-entropy is unbounded below, so
 * training "improves" without limit instead of failing.
 *
 * @module
 */
import { firstOutsideUnit, type DenseMatrix } from '../../validate.js';

/**
 * The model setting that needs the data in [0, 1], and the one to use instead.
 *
 * @example
 * ```ts
 * const setting: UnitSetting = { option: 'likelihood', value: 'bernoulli', alternative: 'gaussian' };
 * ```
 */
export interface UnitSetting {
  option: string;
  value: string;
  /** The setting that accepts any data, or '' when the model has none. */
  alternative: string;
}

/**
 * Throws a RangeError unless every value of the training matrix and of the validation matrix
 * (when there is one) is in [0, 1]. One pass over each; the message names the argument, the
 * range found, the first value outside (0-based row and column) and the two ways out.
 *
 * @example
 * ```ts
 * assertUnitData({ data, validation: null }, 'VAE.fit', { option: 'likelihood', value: 'bernoulli', alternative: 'gaussian' });
 * // RangeError: VAE.fit: likelihood 'bernoulli' needs X in [0, 1], but X has values in [-1.2, 255] (first outside: X[0][3] = 255); …
 * ```
 */
export function assertUnitData(m: { data: DenseMatrix; validation: DenseMatrix | null }, where: string, setting: UnitSetting): void {
  assertUnitMatrix(m.data, 'X', where, setting);
  if (m.validation !== null) assertUnitMatrix(m.validation, 'validationData', where, setting);
}

/**
 * The check of {@link assertUnitData} on one matrix, `firstRow` the index of its first row in
 * the whole data (a batch of a stream), so the message names the row of the stream.
 *
 * @example
 * ```ts
 * assertUnitMatrix({ data: batch.data, rows: batch.rows, cols: batch.cols }, 'X', 'VAE.fit', setting, batch.start);
 * ```
 */
export function assertUnitMatrix(m: DenseMatrix, arg: string, where: string, setting: UnitSetting, firstRow = 0): void {
  const { data, cols } = m;
  const first = firstOutsideUnit(data);
  if (first < 0) return;
  // The range for the message: a second pass, only on the way to the error.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const row = Math.floor(first / cols);
  const col = first - row * cols;
  const at = firstRow === 0 ? '' : ' in a batch of the stream';
  const show = data instanceof Float32Array ? shortestFloat32 : String;
  throw new RangeError(
    `${where}: ${setting.option} '${setting.value}' needs ${arg} in [0, 1], but ${arg} has values in [${show(lo)}, ${show(hi)}] ` +
      `(first outside${at}: ${arg}[${firstRow + row}][${col}] = ${show(data[first])}); scale the data to [0, 1] (e.g. divide pixel intensities by 255) ` +
      (setting.alternative === '' ? `(${where.split('.')[0]} has only this decoder)` : `or use ${setting.option}: '${setting.alternative}'`),
  );
}

/** A float32 value as the user wrote it (-0.001, not -0.0010000000474974513): the fewest digits that round back to it. */
function shortestFloat32(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}
