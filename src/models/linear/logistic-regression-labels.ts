/**
 * Class labels at logistic regression's boundary: checked (integers, one per row), and encoded
 * as indices into the sorted distinct labels, scikit-learn's `classes_`.
 *
 * @module
 */
import { ShapeError, describeValue } from '../../errors.js';

/** Integer class labels, one per row: any integers (int32 range), not necessarily 0..K−1. */
type LabelInput = readonly number[] | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The labels as an Int32Array after checking that there are `rows` of them and that each is an
 * integer in the int32 range. `arg` names them in messages.
 *
 * @example
 * ```ts
 * readLabels([0, 2, 2], 3, 'LogisticRegression.fit'); // Int32Array [0, 2, 2]
 * ```
 */
export function readLabels(y: unknown, rows: number, where: string, arg = 'y'): Int32Array {
  const isTyped = ArrayBuffer.isView(y) && !(y instanceof DataView) && !(y instanceof Float32Array) && !(y instanceof Float64Array)
    && !(y instanceof BigInt64Array) && !(y instanceof BigUint64Array) && !(y instanceof Uint8ClampedArray) && !(y instanceof Uint32Array);
  if (!Array.isArray(y) && !isTyped) {
    throw new TypeError(`${where}: ${arg} must be an Int32Array or an array of integers (got ${describeValue(y)})`);
  }
  const labels = y as ArrayLike<unknown>;
  if (labels.length !== rows) {
    throw new ShapeError(`${where}: ${arg} has ${labels.length} labels, but X has ${rows} rows`);
  }
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new TypeError(`${where}: ${arg}[${i}] must be an integer class label (got ${describeValue(v)})`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * The sorted distinct labels and each row's index into them.
 *
 * @example
 * ```ts
 * encodeLabels(Int32Array.of(7, -3, 7)); // { classes: [-3, 7], target: [1, 0, 1] }
 * ```
 */
export function encodeLabels(labels: Int32Array): { classes: Int32Array; target: Int32Array } {
  const classes = Int32Array.from(new Set(labels)).sort();
  const index = new Map<number, number>();
  classes.forEach((c, k) => index.set(c, k));
  const target = labels.map((v) => index.get(v) as number);
  return { classes, target };
}

export type { LabelInput };
