/**
 * Binary codes for semantic hashing: continuous codes thresholded per bit and packed 32 bits
 * to a `Uint32Array` word.
 *
 * @module
 */
import { toMatrix, type MatrixInput } from '../validate.js';

/**
 * Packed binary codes. Code `i` occupies `words[i * wordsPerCode, (i + 1) * wordsPerCode)`; bit
 * `j` of the code is bit `j % 32` of word `floor(j / 32)`. Unused high bits of the last word are 0.
 *
 * @example
 * ```ts
 * const codes = binaryCodes([[0.3, -1], [-2, 0.5]], { threshold: 'zero' });
 * codes.words; // Uint32Array [1, 2]
 * ```
 */
export interface BinaryCodes {
  words: Uint32Array;
  nCodes: number;
  nBits: number;
  wordsPerCode: number;
  /** The threshold of each bit; pass it back to code new data the same way. */
  thresholds: Float64Array;
}

/**
 * How each bit is thresholded: `'median'` (of that column of Z, so about half the codes have the
 * bit set; fewer when many values tie at the median, as with ReLU codes), `'zero'` (the sign),
 * or explicit per-bit thresholds, e.g. `codes.thresholds` of codes made earlier.
 *
 * @example
 * ```ts
 * binaryCodes(Ztest, { threshold: trainCodes.thresholds });
 * ```
 */
export type ThresholdRule = 'median' | 'zero' | ArrayLike<number>;

/**
 * Options for {@link binaryCodes}.
 *
 * @example
 * ```ts
 * binaryCodes(Z, { threshold: 'zero' });
 * ```
 */
export interface BinaryCodesOptions {
  /** Default `'median'`. */
  threshold?: ThresholdRule;
}

/**
 * Thresholds a `[nSamples, nBits]` code matrix into packed binary codes: bit `j` of code `i` is
 * set when `Z[i][j] > threshold[j]`.
 *
 * @throws ShapeError, TypeError or NonFiniteError for a bad `Z` (it needs at least one row);
 * RangeError for bad thresholds.
 * @example
 * ```ts
 * const train = binaryCodes(pca.transform(Xtrain), { threshold: 'median' });
 * const test = binaryCodes(pca.transform(Xtest), { threshold: train.thresholds });
 * ```
 */
export function binaryCodes(Z: MatrixInput, options: BinaryCodesOptions = {}): BinaryCodes {
  const { data, rows, cols } = toMatrix(Z, 'binaryCodes', 'Z', { dtype: 'float64' });
  const thresholds = resolveThresholds(options.threshold ?? 'median', data, rows, cols);
  const wordsPerCode = Math.ceil(cols / 32);
  const words = new Uint32Array(rows * wordsPerCode);
  for (let i = 0; i < rows; i++) {
    const base = i * wordsPerCode;
    for (let j = 0; j < cols; j++) {
      if (data[i * cols + j] > thresholds[j]) words[base + (j >>> 5)] |= 1 << (j & 31);
    }
  }
  return { words, nCodes: rows, nBits: cols, wordsPerCode, thresholds };
}

/**
 * The words of code `i`, as a copy, to use as a query.
 *
 * @example
 * ```ts
 * const hits = index.query(codeWords(queryCodes, 0), 10);
 * ```
 */
export function codeWords(codes: BinaryCodes, i: number): Uint32Array {
  if (!Number.isInteger(i) || i < 0 || i >= codes.nCodes) {
    throw new RangeError(`codeWords: i must be an integer in [0, ${codes.nCodes - 1}] (got ${String(i)})`);
  }
  return codes.words.slice(i * codes.wordsPerCode, (i + 1) * codes.wordsPerCode);
}

function resolveThresholds(rule: ThresholdRule, data: Float64Array, rows: number, cols: number): Float64Array {
  if (rule === 'zero') return new Float64Array(cols);
  if (rule === 'median') return columnMedians(data, rows, cols);
  if (typeof rule === 'string' || rule === null || typeof rule !== 'object' || typeof rule.length !== 'number') {
    throw new RangeError(`binaryCodes: threshold must be 'median', 'zero' or an array of ${cols} numbers (got ${JSON.stringify(rule)})`);
  }
  if (rule.length !== cols) {
    throw new RangeError(`binaryCodes: threshold has ${rule.length} values, but Z has ${cols} columns (bits)`);
  }
  const out = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const v = rule[j];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new RangeError(`binaryCodes: threshold[${j}] must be a number (got ${String(v)})`);
    }
    out[j] = v;
  }
  return out;
}

/** Median of each column (the mean of the two middle values for an even count). */
function columnMedians(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  const column = new Float64Array(rows);
  const mid = rows >> 1;
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j];
    column.sort();
    out[j] = rows % 2 === 1 ? column[mid] : (column[mid - 1] + column[mid]) / 2;
  }
  return out;
}
