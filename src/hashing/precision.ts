/**
 * Retrieval quality of binary codes: precision at k against class labels.
 *
 * @module
 */
import type { BinaryCodes } from './binary-codes.js';
import { checkCodes, type HammingIndex } from './hamming-index.js';

/**
 * Options for {@link precisionAtK}.
 *
 * @example
 * ```ts
 * precisionAtK(index, codes, labels, labels, 100, { excludeSelf: true });
 * ```
 */
export interface PrecisionAtKOptions {
  /**
   * Query `i` leaves database code `i` out of its results: for leave-one-out evaluation where
   * the queries are the database itself. Default false.
   */
  excludeSelf?: boolean;
}

/**
 * Mean precision at k: for each query code, the fraction of its k nearest database codes (by
 * Hamming distance, ties by lower index) whose label equals the query's label, averaged over
 * queries. When fewer than k codes are available, the fraction is over those returned.
 *
 * @param index the database codes.
 * @param queries query codes with the same number of bits.
 * @param queryLabels one label per query code.
 * @param databaseLabels one label per code in `index`.
 * @example
 * ```ts
 * const db = binaryCodes(Ztrain);
 * const q = binaryCodes(Ztest, { threshold: db.thresholds });
 * precisionAtK(new HammingIndex(db), q, test.labels, train.labels, 100); // e.g. 0.71
 * // Leave-one-out on one set:
 * precisionAtK(new HammingIndex(db), db, train.labels, train.labels, 100, { excludeSelf: true });
 * ```
 */
export function precisionAtK(
  index: HammingIndex,
  queries: BinaryCodes,
  queryLabels: ArrayLike<number>,
  databaseLabels: ArrayLike<number>,
  k: number,
  options: PrecisionAtKOptions = {},
): number {
  const where = 'precisionAtK';
  checkCodes(queries, where);
  if (queries.nBits !== index.nBits) {
    throw new RangeError(`${where}: queries have ${queries.nBits} bits, but the index has ${index.nBits}`);
  }
  if (queryLabels?.length !== queries.nCodes) {
    throw new RangeError(`${where}: queryLabels has ${queryLabels?.length} entries, but there are ${queries.nCodes} queries`);
  }
  if (databaseLabels?.length !== index.nCodes) {
    throw new RangeError(`${where}: databaseLabels has ${databaseLabels?.length} entries, but the index has ${index.nCodes} codes`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${where}: k must be an integer >= 1 (got ${String(k)})`);
  const excludeSelf = options.excludeSelf ?? false;
  if (excludeSelf && queries.nCodes !== index.nCodes) {
    throw new RangeError(`${where}: excludeSelf needs the queries to be the database codes (${queries.nCodes} queries, ${index.nCodes} codes)`);
  }
  if (queries.nCodes === 0) throw new RangeError(`${where}: there are no queries`);
  if (index.nCodes - (excludeSelf ? 1 : 0) < 1) throw new RangeError(`${where}: the index has no codes to retrieve`);
  let total = 0;
  // One batch, split across the thread pool for large sets (the same results on any count).
  const results = index.queryMany(excludeSelf ? null : queries.words, k, { excludeSelf });
  for (let q = 0; q < queries.nCodes; q++) {
    const { indices } = results[q];
    let hits = 0;
    for (const i of indices) if (databaseLabels[i] === queryLabels[q]) hits++;
    total += hits / indices.length;
  }
  return total / queries.nCodes;
}
