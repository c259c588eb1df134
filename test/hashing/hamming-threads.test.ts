/**
 * HammingIndex.queryMany: each result is the one query() gives, on small batches (one thread)
 * and on batches large enough to be split across the pool's workers by query, with the same
 * results on 1, 2, 3 and 4 threads; the workers' JavaScript (worker-source.ts, `hamming`)
 * answers chunks and agrees with this thread's; bad input is rejected by name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { HammingIndex } from '../../src/hashing/hamming-index.js';
import { binaryCodes } from '../../src/hashing/binary-codes.js';
import { precisionAtK } from '../../src/hashing/precision.js';
import { hammingParallel } from '../../src/kernels/threads/hamming-parallel.js';
import { setThreads, threadPool, threadsSupported } from '../../src/kernels/threads/threads.js';
import { Rng } from '../../src/random/rng.js';

/** Codes of `bits` bits from a few noisy centres, so distances tie often. */
function codesOf(rng: Rng, n: number, bits: number) {
  const centres = Array.from({ length: 5 }, () => Array.from({ length: bits }, () => rng.uniform() - 0.5));
  const data = new Float64Array(n * bits);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(0, 5)];
    for (let j = 0; j < bits; j++) data[i * bits + j] = c[j] + 0.4 * (rng.uniform() - 0.5);
  }
  return binaryCodes({ data, shape: [n, bits] }, { threshold: 'zero' });
}

const flat = (rs: Array<{ indices: Int32Array; distances: Int32Array }>) => rs.map((r) => [Array.from(r.indices), Array.from(r.distances)]);

describe('HammingIndex.queryMany', () => {
  afterAll(() => setThreads(1));

  it('gives what query() gives, one query at a time, with and without excludeSelf', () => {
    setThreads(1);
    const rng = new Rng('hamming-many:small');
    const db = codesOf(rng, 200, 45);
    const q = codesOf(rng, 30, 45);
    const index = new HammingIndex(db);
    const many = index.queryMany(q.words, 7);
    expect(flat(many)).toEqual(flat(Array.from({ length: 30 }, (_, i) => index.query(q.words.subarray(i * 2, i * 2 + 2), 7))));
    const self = index.queryMany(null, 250, { excludeSelf: true });
    expect(self[3].indices.length).toBe(199);
    expect(flat(self)).toEqual(flat(Array.from({ length: 200 }, (_, i) => index.query(i, 250, { excludeSelf: true }))));
  });

  it('rejects bad input by name', () => {
    const index = new HammingIndex(codesOf(new Rng('hamming-many:bad'), 10, 40));
    expect(() => index.queryMany(new Uint32Array(3), 2)).toThrow(/queryMany: queries must be null or a Uint32Array of whole 2-word codes \(got 3 words\)/);
    expect(() => index.queryMany(new Uint32Array(4), 0)).toThrow(/queryMany: k must be an integer >= 1 \(got 0\)/);
    expect(() => index.queryMany(new Uint32Array(4), 1, { excludeSelf: true })).toThrow(/excludeSelf needs one query per code of the index \(2 queries, 10 codes\)/);
  });

  it('gives the same results on 1, 2, 3 and 4 threads for a batch split across the workers', async () => {
    const rng = new Rng('hamming-many:large');
    const db = codesOf(rng, 2200, 64);
    const q = codesOf(rng, 1000, 64);
    const index = new HammingIndex(db);
    const labels = Int32Array.from({ length: 2200 }, (_, i) => i % 7);
    const qLabels = Int32Array.from({ length: 1000 }, (_, i) => i % 7);
    setThreads(1);
    const one = flat(index.queryMany(q.words, 20));
    const oneSelf = flat(index.queryMany(null, 20, { excludeSelf: true }));
    const p1 = precisionAtK(index, q, qLabels, labels, 20);
    expect(one.slice(0, 50)).toEqual(flat(Array.from({ length: 50 }, (_, i) => index.query(q.words.subarray(i * 2, i * 2 + 2), 20))));
    for (const threads of [2, 3, 4]) {
      setThreads(threads);
      if (threadsSupported()) await threadPool(threads, 0)?.ready();
      expect(flat(index.queryMany(q.words, 20)), `${threads} threads`).toEqual(one);
      expect(flat(index.queryMany(null, 20, { excludeSelf: true })), `${threads} threads, excludeSelf`).toEqual(oneSelf);
      expect(precisionAtK(index, q, qLabels, labels, 20)).toBe(p1);
    }
  }, 60_000);

  it.skipIf(!threadsSupported())('has the workers answer chunks, with the answers of this thread', async () => {
    const rng = new Rng('hamming-many:workers');
    const db = codesOf(rng, 2000, 70);
    const q = codesOf(rng, 400, 70);
    const index = new HammingIndex(db);
    setThreads(1);
    const expected = index.queryMany(q.words, 9, {});
    const batch = { words: db.words, nCodes: 2000, wordsPerCode: 3, nBits: 70, queries: q.words, perQuery: 9, excludeSelf: false };
    for (const threads of [2, 4]) {
      await threadPool(threads, 0)?.ready();
      const mine: number[] = [];
      const got = hammingParallel(threads, batch, (q0, q1, _words, _qs, indices, distances) => {
        for (let i = q0; i < q1; i++) {
          mine.push(i);
          const r = index.query(q.words.subarray(i * 3, i * 3 + 3), 9);
          indices.set(r.indices, i * 9);
          distances.set(r.distances, i * 9);
        }
      });
      expect(got).not.toBeNull();
      expect(got!.byWorkers).toBeGreaterThan(0);
      expect(mine.length).toBeLessThan(400);
      expect(Array.from(got!.indices)).toEqual(expected.flatMap((r) => Array.from(r.indices)));
      expect(Array.from(got!.distances)).toEqual(expected.flatMap((r) => Array.from(r.distances)));
    }
  }, 60_000);
});
