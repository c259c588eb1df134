/**
 * Retrieval quality of binary or categorical codes: precision at k against class labels.
 *
 * @module
 */
import type { BinaryCodes } from './binary-codes.js';
import { checkCategoricalCodes, type CategoricalCodes } from './categorical-codes.js';
import { CategoricalIndex } from './categorical-index.js';
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
 * The index is either a {@link HammingIndex} with {@link BinaryCodes} queries of the same number
 * of bits, or a {@link CategoricalIndex} with {@link CategoricalCodes} queries of the same
 * number of variables and categories (distance: the number of differing symbols).
 *
 * @param index the database codes.
 * @param queries query codes of the index's kind and size.
 * @param queryLabels one label per query code.
 * @param databaseLabels one label per code in `index`.
 * @example
 * ```ts
 * const db = binaryCodes(Ztrain);
 * const q = binaryCodes(Ztest, { threshold: db.thresholds });
 * precisionAtK(new HammingIndex(db), q, test.labels, train.labels, 100); // e.g. 0.71
 * // Leave-one-out on one set:
 * precisionAtK(new HammingIndex(db), db, train.labels, train.labels, 100, { excludeSelf: true });
 * // Categorical codes:
 * const cat = categoricalCodes(cvae.encode(Xtrain), cvae.nCategories);
 * const catIndex = new CategoricalIndex(cat.codes, cat.nVariables, cat.nCategories);
 * precisionAtK(catIndex, cat, train.labels, train.labels, 100, { excludeSelf: true });
 * ```
 */
export function precisionAtK(
  index: HammingIndex | CategoricalIndex,
  queries: BinaryCodes | CategoricalCodes,
  queryLabels: ArrayLike<number>,
  databaseLabels: ArrayLike<number>,
  k: number,
  options: PrecisionAtKOptions = {},
): number {
  const where = 'precisionAtK';
  const query = queryOf(index, queries, where);
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
  for (let q = 0; q < queries.nCodes; q++) {
    const { indices } = query(q, k, excludeSelf);
    let hits = 0;
    for (const i of indices) if (databaseLabels[i] === queryLabels[q]) hits++;
    total += hits / indices.length;
  }
  return total / queries.nCodes;
}

/** Query `q`'s nearest codes: by its index into the database when excluding self, else by its code. */
type Query = (q: number, k: number, excludeSelf: boolean) => { indices: Int32Array };

/** Checks that the queries fit the index, and returns how to run one query. */
function queryOf(index: HammingIndex | CategoricalIndex, queries: BinaryCodes | CategoricalCodes, where: string): Query {
  if (index instanceof CategoricalIndex) {
    const c = queries as Partial<CategoricalCodes> | null;
    if (c === null || typeof c !== 'object' || !(c.codes instanceof Int32Array)) {
      throw new TypeError(`${where}: a CategoricalIndex needs categorical queries ({ codes: Int32Array, nCodes, nVariables, nCategories })`);
    }
    if (c.nVariables !== index.nVariables || c.nCategories !== index.nCategories) {
      throw new RangeError(
        `${where}: queries have ${c.nVariables} variables of ${c.nCategories} categories, but the index has ${index.nVariables} of ${index.nCategories}`,
      );
    }
    const n = checkCategoricalCodes(c.codes, index.nVariables, index.nCategories, where);
    if (n !== c.nCodes) throw new RangeError(`${where}: queries have ${n} codes of symbols, but nCodes is ${c.nCodes}`);
    const v = index.nVariables;
    const symbols = c.codes;
    return (q, k, excludeSelf) => index.query(excludeSelf ? q : symbols.subarray(q * v, (q + 1) * v), k, { excludeSelf });
  }
  const b = queries as BinaryCodes;
  checkCodes(b, where);
  if (b.nBits !== index.nBits) {
    throw new RangeError(`${where}: queries have ${b.nBits} bits, but the index has ${index.nBits}`);
  }
  // One batch for all queries (k and excludeSelf are the call's), split across the thread pool
  // for large sets by HammingIndex.queryMany, with the results of one query at a time.
  let batch: Array<{ indices: Int32Array }> | undefined;
  return (q, k, excludeSelf) => (batch ??= index.queryMany(excludeSelf ? null : b.words, k, { excludeSelf }))[q];
}
