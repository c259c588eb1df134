/**
 * A seeded train/test split of documents: the test split's e-mails are the queries, the
 * training split's the database they search.
 *
 * @module
 */
import { Rng } from '../../src/random/rng.js';

/** Row indices of the two splits, each in increasing order. */
export interface DocumentSplit {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Puts `round(testFraction · n)` documents, drawn by a permutation seeded `seed:split`, in the
 * test split and the rest in the training split.
 *
 * @example
 * ```ts
 * const { train, test } = splitDocuments(6046, 0.2, 1); // 4837 and 1209 indices
 * ```
 */
export function splitDocuments(n: number, testFraction: number, seed: number | string): DocumentSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`splitDocuments: testFraction must be in (0, 1) (got ${String(testFraction)})`);
  const nTest = Math.round(testFraction * n);
  if (nTest < 1 || nTest >= n) throw new RangeError(`splitDocuments: ${n} documents cannot be split with testFraction ${testFraction}`);
  const perm = new Rng(`${seed}:split`).permutation(n);
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  return { train, test };
}

/** The entries of `xs` at `rows`, in that order. */
export function pick<T>(xs: ArrayLike<T>, rows: Int32Array): T[] {
  return Array.from(rows, (i) => xs[i]);
}
