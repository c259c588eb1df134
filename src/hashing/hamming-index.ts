/**
 * Exact k-nearest-neighbour search in Hamming space over packed binary codes.
 *
 * @module
 */
import type { BinaryCodes } from './binary-codes.js';
import { hammingDistance } from './popcount.js';
import { selectInto, selectNearest, type HammingResult } from './select-nearest.js';
import { getThreads } from '../kernels/threads/threads.js';
import { hammingParallel } from '../kernels/threads/hamming-parallel.js';

/**
 * Batches with fewer code-word comparisons (queries × codes × words) than this, some 10 ms of
 * work, stay on one thread, where copying the codes into the pool's memory and dispatching
 * would cost a good part of what a second thread saves (bench/README.md, "Elementwise kernels,
 * Rayleigh–Ritz and Hamming search on threads", measured 1.46× at 2 threads on 4·10⁷).
 */
const PARALLEL_COMPARISONS = 1 << 22;

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

  /**
   * The `k` nearest codes of each of several queries at once: `queries` holds their words one
   * code after another (`wordsPerCode` each, as {@link BinaryCodes} `words`), or is null for
   * every code of this index in order. With `excludeSelf`, query q leaves code q out (it needs
   * as many queries as codes: null, or the index's own codes). Returns one result per query, each what {@link HammingIndex.query} returns for it.
   * Large batches are split across the thread pool's workers by query (`setThreads`), with the
   * same results on any thread count.
   *
   * @example
   * ```ts
   * const results = index.queryMany(testCodes.words, 10);
   * results[0].indices; // the 10 nearest codes to the first test code
   * ```
   */
  queryMany(queries: Uint32Array | null, k: number, options: HammingQueryOptions = {}): HammingResult[] {
    const where = 'HammingIndex.queryMany';
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`${where}: k must be an integer >= 1 (got ${String(k)})`);
    const w = this.wordsPerCode;
    if (queries === null) queries = this.words;
    if (!(queries instanceof Uint32Array) || queries.length % w !== 0) {
      const got = queries instanceof Uint32Array ? `${queries.length} words` : typeof queries;
      throw new TypeError(`${where}: queries must be null or a Uint32Array of whole ${w}-word codes (got ${got})`);
    }
    const nq = queries.length / w;
    const excludeSelf = options.excludeSelf ?? false;
    if (excludeSelf && nq !== this.nCodes) {
      throw new RangeError(`${where}: excludeSelf needs one query per code of the index (${nq} queries, ${this.nCodes} codes)`);
    }
    const m = Math.max(0, Math.min(k, this.nCodes - (excludeSelf ? 1 : 0)));
    const qs = queries;
    const answer = (q0: number, q1: number, words: Uint32Array, from: Uint32Array, indices: Int32Array, distances: Int32Array): void => {
      const dist = new Int32Array(this.nCodes);
      for (let q = q0; q < q1; q++) {
        for (let i = 0; i < this.nCodes; i++) dist[i] = hammingDistance(words, i * w, from, q * w, w);
        selectInto(dist, this.nBits, m, excludeSelf ? q : -1, indices, distances, q * m);
      }
    };
    const threads = getThreads();
    const shared = threads > 1 && nq * this.nCodes * w >= PARALLEL_COMPARISONS
      ? hammingParallel(threads, { words: this.words, nCodes: this.nCodes, wordsPerCode: w, nBits: this.nBits, queries: qs, perQuery: m, excludeSelf }, answer)
      : null;
    let indices: Int32Array;
    let distances: Int32Array;
    if (shared !== null) ({ indices, distances } = shared);
    else {
      indices = new Int32Array(nq * m);
      distances = new Int32Array(nq * m);
      answer(0, nq, this.words, qs, indices, distances);
    }
    const out: HammingResult[] = [];
    for (let q = 0; q < nq; q++) out.push({ indices: indices.subarray(q * m, (q + 1) * m), distances: distances.subarray(q * m, (q + 1) * m) });
    return out;
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
