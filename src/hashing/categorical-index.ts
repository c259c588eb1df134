/**
 * Exact k-nearest-neighbour search over categorical codes by symbol-wise Hamming distance.
 *
 * @module
 */
import { checkCategoricalCodes } from './categorical-codes.js';
import { selectNearest, type HammingResult } from './select-nearest.js';
import type { HammingQueryOptions } from './hamming-index.js';

/**
 * An index over integer codes of `nVariables` symbols in `[0, nCategories)` each (a categorical
 * VAE's arg-max codes, a VQ-VAE's codebook indices), answering exact k-nearest-neighbour queries
 * by the number of positions where two codes differ. A query scans all codes once and selects
 * with a counting pass over the nVariables + 1 possible distances, so ties go to the lower index
 * with no sort. {@link precisionAtK} accepts it as it does a {@link HammingIndex}.
 *
 * @example
 * ```ts
 * const { codes } = cvae.encode(X); // Int32Array [n, nVariables]
 * const index = new CategoricalIndex(codes, cvae.nVariables, cvae.nCategories);
 * const { indices, distances } = index.query(0, 10, { excludeSelf: true });
 * ```
 */
export class CategoricalIndex {
  readonly nCodes: number;
  readonly nVariables: number;
  readonly nCategories: number;
  private readonly codes: Int32Array;

  /** Copies and checks `codes`: `[nCodes, nVariables]` symbols, row-major. */
  constructor(codes: Int32Array, nVariables: number, nCategories: number) {
    this.nCodes = checkCategoricalCodes(codes, nVariables, nCategories, 'CategoricalIndex');
    this.nVariables = nVariables;
    this.nCategories = nCategories;
    this.codes = codes.slice();
  }

  /** The information in one code, nVariables · log2(nCategories) bits. */
  get nBits(): number {
    return this.nVariables * Math.log2(this.nCategories);
  }

  /** Symbol-wise Hamming distance from the query to every code, in index order. */
  distances(query: number | Int32Array): Int32Array {
    const q = this.querySymbols(query, 'CategoricalIndex.distances');
    const v = this.nVariables;
    const codes = this.codes;
    const out = new Int32Array(this.nCodes);
    for (let i = 0; i < this.nCodes; i++) {
      const base = i * v;
      let d = 0;
      for (let j = 0; j < v; j++) if (codes[base + j] !== q[j]) d++;
      out[i] = d;
    }
    return out;
  }

  /**
   * The `k` codes nearest to `query` (a code index into this index, or the `nVariables` symbols
   * of a code). Returns fewer than `k` when fewer codes are available.
   */
  query(query: number | Int32Array, k: number, options: HammingQueryOptions = {}): HammingResult {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`CategoricalIndex.query: k must be an integer >= 1 (got ${String(k)})`);
    const excludeSelf = options.excludeSelf ?? false;
    if (excludeSelf && typeof query !== 'number') {
      throw new TypeError('CategoricalIndex.query: excludeSelf needs the query as a code index, not as symbols');
    }
    const dist = this.distances(query);
    return selectNearest(dist, this.nVariables, k, excludeSelf ? (query as number) : -1);
  }

  private querySymbols(query: number | Int32Array, where: string): Int32Array {
    const v = this.nVariables;
    if (typeof query === 'number') {
      if (!Number.isInteger(query) || query < 0 || query >= this.nCodes) {
        throw new RangeError(`${where}: query index must be an integer in [0, ${this.nCodes - 1}] (got ${query})`);
      }
      return this.codes.subarray(query * v, (query + 1) * v);
    }
    if (!(query instanceof Int32Array) || query.length !== v) {
      const got = query instanceof Int32Array ? `${query.length} symbols` : typeof query;
      throw new TypeError(`${where}: query must be a code index or an Int32Array of ${v} symbols (got ${got})`);
    }
    return query;
  }
}
