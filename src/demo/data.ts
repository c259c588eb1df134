/**
 * The demo's data: the built-in digits, cut to the requested subset sizes.
 *
 * @module
 */
import { loadDigits, type DigitsSplit } from '../data/digits.js';

/**
 * The train and test digits of one demo run.
 *
 * @example
 * ```ts
 * const { train, test } = await demoData(8000, 2000, 0);
 * ```
 */
export interface DemoData {
  train: DigitsSplit;
  test: DigitsSplit;
  imageShape: [number, number];
}

/**
 * Loads the digits with a seeded split and keeps the first `trainSize` and `testSize` rows of
 * each part. The split is already shuffled, so a prefix has about the class proportions of the
 * whole. Sizes larger than a part keep all of it.
 *
 * @example
 * ```ts
 * const small = await demoData(1000, 300, 0); // small.train.shape = [1000, 784]
 * ```
 */
export async function demoData(trainSize: number, testSize: number, seed: number): Promise<DemoData> {
  const digits = await loadDigits({ testFraction: 0.2, seed });
  return {
    train: head(digits.train, trainSize),
    test: head(digits.test, testSize),
    imageShape: digits.imageShape,
  };
}

/** The first `n` rows of a split (copies). */
export function head(split: DigitsSplit, n: number): DigitsSplit {
  const rows = Math.min(n, split.shape[0]);
  const d = split.shape[1];
  return { data: split.data.slice(0, rows * d), shape: [rows, d], labels: split.labels.slice(0, rows) };
}
