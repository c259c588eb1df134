/**
 * Exact k-nearest-neighbour search in Hamming space over packed binary codes.
 *
 * @module
 */
import type { BinaryCodes } from './binary-codes.js';
import { hammingDistance } from './popcount.js';
import { selectNearest, type HammingResult } from './select-nearest.js';

export type { HammingResult } from './select-nearest.js';

/**
 * Options for {@link HammingIndex.query}.
 *
 * @example
 * ```ts
 * const hits = index.query(0, 10, { excludeSelf: true });
 * ```
 */
export interface HammingQueryOptions {
  /** Leave the query's own code out of the results (only for a query given by index). */
  excludeSelf?: boolean;
}

/**
 * An index over binary codes answering exact k-nearest-neighbour queries by Hamming distance
 * (popcount of XOR). A query scans all codes once and selects with a counting pass over the
 * nBits + 1 possible distances, so it costs O(nCodes · wordsPerCode + nBits) and ties are broken
 * by the lower index with no sort.
 *
 * @example
 * ```ts
 * const codes = binaryCodes(Z, { threshold: 'median' });
 * const index = new HammingIndex(codes);
 * const { indices, distances } = index.query(0, 10, { excludeSelf: true });
 * ```
 */
export class HammingIndex {
  readonly nCodes: number;
  readonly nBits: number;
  readonly wordsPerCode: number;
  private readonly words: Uint32Array;

  /** Copies and checks `codes` (from {@link binaryCodes}). */
  constructor(codes: BinaryCodes) {
    checkCodes(codes, 'HammingIndex');
    this.nCodes = codes.nCodes;
    this.nBits = codes.nBits;
    this.wordsPerCode = codes.wordsPerCode;
    this.words = codes.words.slice();
  }

  /** Hamming distance from the query to every code, in index order. */
  distances(query: number | Uint32Array): Int32Array {
    const q = this.queryWords(query, 'HammingIndex.distances');
    const w = this.wordsPerCode;
    const out = new Int32Array(this.nCodes);
    for (let i = 0; i < this.nCodes; i++) out[i] = hammingDistance(this.words, i * w, q, 0, w);
    return out;
  }

  /**
   * The `k` codes nearest to `query` (a code index into this index, or the words of a code of
   * the same length). Returns fewer than `k` when fewer codes are available.
   */
  query(query: number | Uint32Array, k: number, options: HammingQueryOptions = {}): HammingResult {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`HammingIndex.query: k must be an integer >= 1 (got ${String(k)})`);
    const excludeSelf = options.excludeSelf ?? false;
    if (excludeSelf && typeof query !== 'number') {
      throw new TypeError('HammingIndex.query: excludeSelf needs the query as a code index, not as words');
    }
    const dist = this.distances(query);
    const skip = excludeSelf ? (query as number) : -1;
    return selectNearest(dist, this.nBits, k, skip);
  }

  private queryWords(query: number | Uint32Array, where: string): Uint32Array {
    const w = this.wordsPerCode;
    if (typeof query === 'number') {
      if (!Number.isInteger(query) || query < 0 || query >= this.nCodes) {
        throw new RangeError(`${where}: query index must be an integer in [0, ${this.nCodes - 1}] (got ${query})`);
      }
      return this.words.subarray(query * w, (query + 1) * w);
    }
    if (!(query instanceof Uint32Array) || query.length !== w) {
      const got = query instanceof Uint32Array ? `${query.length} words` : typeof query;
      throw new TypeError(`${where}: query must be a code index or a Uint32Array of ${w} words (got ${got})`);
    }
    return query;
  }
}

/** Throws unless `codes` is a consistent {@link BinaryCodes} value. */
export function checkCodes(codes: BinaryCodes, where: string): void {
  if (codes === null || typeof codes !== 'object' || !(codes.words instanceof Uint32Array)) {
    throw new TypeError(`${where}: codes must come from binaryCodes() ({ words: Uint32Array, nCodes, nBits, wordsPerCode })`);
  }
  const { nCodes, nBits, wordsPerCode, words } = codes;
  if (!Number.isInteger(nCodes) || nCodes < 0 || !Number.isInteger(nBits) || nBits < 1 || wordsPerCode !== Math.ceil(nBits / 32)) {
    throw new RangeError(`${where}: inconsistent codes (nCodes ${nCodes}, nBits ${nBits}, wordsPerCode ${wordsPerCode})`);
  }
  if (words.length !== nCodes * wordsPerCode) {
    throw new RangeError(`${where}: codes have ${words.length} words, but ${nCodes} codes of ${wordsPerCode} words need ${nCodes * wordsPerCode}`);
  }
  const spare = nBits % 32 === 0 ? 0 : ~((1 << (nBits % 32)) - 1) >>> 0;
  for (let i = 0; spare !== 0 && i < nCodes; i++) {
    if ((words[(i + 1) * wordsPerCode - 1] & spare) !== 0) {
      throw new RangeError(`${where}: code ${i} has bits set beyond nBits = ${nBits}`);
    }
  }
}
