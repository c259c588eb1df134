/**
 * A batch of Hamming k-nearest queries (hashing/hamming-index.ts) on the shared pool: the codes
 * and the queries are copied into the pool's memory once, the queries are cut into chunks, and
 * this thread and the ready workers claim chunks until none is left (`ThreadPool.share`, control.ts
 * `COMMAND_HAMMING`). Each query is answered whole by one thread, into its own rows of the
 * results, with the scan and the counting selection of the one-thread query (repeated in the
 * worker script, which runs plain JavaScript for it: popcounts and a counting pass need no
 * WebAssembly), so the results do not depend on the thread count.
 *
 * @module
 */
import { COMMAND_HAMMING } from './control.js';
import { threadPool } from './threads.js';

/** What {@link hammingParallel} searches. */
export interface HammingBatch {
  /** The database: `nCodes` codes of `wordsPerCode` words. */
  readonly words: Uint32Array;
  readonly nCodes: number;
  readonly wordsPerCode: number;
  readonly nBits: number;
  /** The queries, `wordsPerCode` words each. */
  readonly queries: Uint32Array;
  /** Results per query: min(k, the codes available to each query). */
  readonly perQuery: number;
  /** Query q leaves code q out (the queries are the database). */
  readonly excludeSelf: boolean;
}

/**
 * Answers queries q0 … q1 − 1 on this thread: reads the codes and queries from `words` and
 * `queries` and writes each query's `perQuery` indices and distances at q·perQuery.
 */
export type HammingChunk = (q0: number, q1: number, words: Uint32Array, queries: Uint32Array, indices: Int32Array, distances: Int32Array) => void;

/** Queries per chunk: a few per thread and call, so a descheduled worker holds up little. */
const CHUNKS_PER_THREAD = 8;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * The `perQuery` nearest codes of every query, as [queries × perQuery] indices and distances,
 * computed on up to `threads` threads; `own` answers the chunks this thread claims. Returns
 * null, computing nothing, where threads cannot run or the pool's memory cannot hold the batch
 * (the caller then answers the queries one by one); `byWorkers` says how many chunks the
 * workers answered. Throws if a worker fails.
 */
export function hammingParallel(
  threads: number, batch: HammingBatch, own: HammingChunk,
): { indices: Int32Array; distances: Int32Array; byWorkers: number } | null {
  const { words, nCodes, wordsPerCode: w, nBits, queries, perQuery: m, excludeSelf } = batch;
  const nq = queries.length / w;
  if (threads < 2 || nq < 2) return null;
  const scratchBytes = align((nCodes + 3 * (nBits + 1)) * 4);
  const dbBytes = align(words.length * 4);
  const qBytes = align(queries.length * 4);
  const outBytes = align(nq * m * 4);
  const bytes = (threads - 1) * scratchBytes + dbBytes + qBytes + 2 * outBytes;
  const pool = threadPool(threads, bytes);
  if (pool === null || !pool.reserve(pool.dataAt + bytes)) return null;
  const scratchAt = pool.dataAt;
  const dbAt = scratchAt + (threads - 1) * scratchBytes;
  const qAt = dbAt + dbBytes;
  const idxAt = qAt + qBytes;
  const distAt = idxAt + outBytes;
  const buffer = pool.memory.buffer;
  const db = new Uint32Array(buffer, dbAt, words.length);
  const qs = new Uint32Array(buffer, qAt, queries.length);
  const indices = new Int32Array(buffer, idxAt, nq * m);
  const distances = new Int32Array(buffer, distAt, nq * m);
  db.set(words);
  qs.set(queries);
  const per = Math.max(1, Math.ceil(nq / (threads * CHUNKS_PER_THREAD)));
  const count = Math.ceil(nq / per);
  const byWorkers = pool.share(count, COMMAND_HAMMING, (ctl, _ctlF, i, worker) => {
    ctl[i] = nCodes;
    ctl[i + 1] = w;
    ctl[i + 2] = nBits;
    ctl[i + 3] = m;
    ctl[i + 4] = nq;
    ctl[i + 5] = per;
    ctl[i + 6] = dbAt;
    ctl[i + 7] = qAt;
    ctl[i + 8] = idxAt;
    ctl[i + 9] = distAt;
    ctl[i + 10] = scratchAt + worker * scratchBytes;
    ctl[i + 11] = excludeSelf ? 1 : 0;
  }, (c) => own(c * per, Math.min(nq, (c + 1) * per), db, qs, indices, distances));
  return { indices: indices.slice(), distances: distances.slice(), byWorkers };
}
