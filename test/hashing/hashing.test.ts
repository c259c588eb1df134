import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binaryCodes, codeWords, type BinaryCodes } from '../../src/hashing/binary-codes.js';
import { HammingIndex } from '../../src/hashing/hamming-index.js';
import { popcount32 } from '../../src/hashing/popcount.js';
import { precisionAtK } from '../../src/hashing/precision.js';
import { NonFiniteError, ShapeError } from '../../src/errors.js';

/** Random [n, bits] matrices of small integers, so ties in values and in distances are common. */
const matrix = fc
  .record({ n: fc.integer({ min: 1, max: 30 }), bits: fc.integer({ min: 1, max: 70 }) })
  .chain(({ n, bits }) =>
    fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: bits, maxLength: bits }), { minLength: n, maxLength: n }),
  );

/** The bits of code i read back one at a time. */
function bitsOf(codes: BinaryCodes, i: number): boolean[] {
  return Array.from({ length: codes.nBits }, (_, j) => ((codes.words[i * codes.wordsPerCode + (j >>> 5)] >>> (j & 31)) & 1) === 1);
}

function bruteNearest(bits: boolean[][], q: boolean[], k: number, skip = -1) {
  const all = bits
    .map((b, i) => ({ i, d: b.reduce((a, v, j) => a + (v !== q[j] ? 1 : 0), 0) }))
    .filter(({ i }) => i !== skip)
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k);
  return { indices: all.map((x) => x.i), distances: all.map((x) => x.d) };
}

describe('popcount32', () => {
  it('counts bits like a loop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (x) => {
        let n = 0;
        for (let b = 0; b < 32; b++) n += (x >>> b) & 1;
        expect(popcount32(x)).toBe(n);
      }),
    );
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(-1)).toBe(32);
    expect(popcount32(0)).toBe(0);
  });
});

describe('binaryCodes', () => {
  it('sets bit j of code i exactly when Z[i][j] > threshold[j]', () => {
    fc.assert(
      fc.property(matrix, fc.constantFrom('median', 'zero', 'explicit'), (Z, rule) => {
        const explicit = Z[0].map((_, j) => (j % 3) - 1);
        const codes = binaryCodes(Z, { threshold: rule === 'explicit' ? explicit : (rule as 'median' | 'zero') });
        expect(codes.nCodes).toBe(Z.length);
        expect(codes.nBits).toBe(Z[0].length);
        expect(codes.wordsPerCode).toBe(Math.ceil(Z[0].length / 32));
        expect(codes.words.length).toBe(codes.nCodes * codes.wordsPerCode);
        for (let j = 0; j < codes.nBits; j++) {
          const col = Z.map((r) => r[j]).sort((a, b) => a - b);
          const m = col.length >> 1;
          const median = col.length % 2 ? col[m] : (col[m - 1] + col[m]) / 2;
          const t = rule === 'median' ? median : rule === 'zero' ? 0 : explicit[j];
          expect(codes.thresholds[j]).toBe(t);
        }
        Z.forEach((row, i) => expect(bitsOf(codes, i)).toEqual(row.map((v, j) => v > codes.thresholds[j])));
        // Unused high bits stay clear (HammingIndex checks this).
        expect(() => new HammingIndex(codes)).not.toThrow();
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('sets about half the bits with the median on distinct values', () => {
    const Z = Array.from({ length: 101 }, (_, i) => Array.from({ length: 40 }, (_, j) => Math.sin(i * 7.1 + j * 1.3) + i * 1e-6));
    const codes = binaryCodes(Z);
    for (let j = 0; j < 40; j++) expect(Z.reduce((a, _, i) => a + (bitsOf(codes, i)[j] ? 1 : 0), 0)).toBe(50);
  });

  it('codes new data with stored thresholds', () => {
    const train = binaryCodes([[0, 10], [2, 20], [4, 30]]);
    expect(Array.from(train.thresholds)).toEqual([2, 20]);
    const test = binaryCodes({ data: new Float32Array([3, 5, 1, 25]), shape: [2, 2] }, { threshold: train.thresholds });
    expect(bitsOf(test, 0)).toEqual([true, false]);
    expect(bitsOf(test, 1)).toEqual([false, true]);
  });

  it('returns a copy of one code with codeWords', () => {
    const codes = binaryCodes([[1, -1], [-1, 1]], { threshold: 'zero' });
    expect(Array.from(codeWords(codes, 1))).toEqual([2]);
    expect(() => codeWords(codes, 2)).toThrow(RangeError);
  });

  it('rejects bad input', () => {
    expect(() => binaryCodes([[1, NaN]])).toThrow(NonFiniteError);
    expect(() => binaryCodes([])).toThrow(ShapeError);
    expect(() => binaryCodes([[1, 2]], { threshold: [0] })).toThrow(/threshold has 1 values, but Z has 2 columns/);
    expect(() => binaryCodes([[1, 2]], { threshold: [0, NaN] })).toThrow(/threshold\[1\] must be a number/);
    expect(() => binaryCodes([[1, 2]], { threshold: 'mean' as never })).toThrow(/must be 'median', 'zero' or an array/);
  });
});

describe('HammingIndex', () => {
  it('matches a brute-force search, by index and by words, with and without excludeSelf', () => {
    fc.assert(
      fc.property(matrix, fc.integer({ min: 1, max: 40 }), fc.nat(), (Z, k, qSeed) => {
        const codes = binaryCodes(Z, { threshold: 'zero' });
        const bits = Z.map((_, i) => bitsOf(codes, i));
        const index = new HammingIndex(codes);
        const q = qSeed % codes.nCodes;
        const expected = bruteNearest(bits, bits[q], k);
        for (const got of [index.query(q, k), index.query(codeWords(codes, q), k)]) {
          expect(Array.from(got.indices)).toEqual(expected.indices);
          expect(Array.from(got.distances)).toEqual(expected.distances);
        }
        const without = bruteNearest(bits, bits[q], k, q);
        const got = index.query(q, k, { excludeSelf: true });
        expect(Array.from(got.indices)).toEqual(without.indices);
        expect(Array.from(got.distances)).toEqual(without.distances);
        expect(Array.from(index.distances(q))).toEqual(bits.map((b) => b.reduce((a, v, j) => a + (v !== bits[q][j] ? 1 : 0), 0)));
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('breaks ties by lower index and returns fewer than k when the index is small', () => {
    const codes = binaryCodes([[1, 1], [-1, -1], [1, 1], [1, -1]], { threshold: 'zero' });
    const r = new HammingIndex(codes).query(0, 10);
    expect(Array.from(r.indices)).toEqual([0, 2, 3, 1]);
    expect(Array.from(r.distances)).toEqual([0, 0, 1, 2]);
  });

  it('does not alias the codes it was built from', () => {
    const codes = binaryCodes([[1], [-1]], { threshold: 'zero' });
    const index = new HammingIndex(codes);
    codes.words.fill(0);
    expect(Array.from(index.query(0, 2).indices)).toEqual([0, 1]);
  });

  it('rejects bad arguments', () => {
    const codes = binaryCodes([[1, -1], [-1, 1]], { threshold: 'zero' });
    const index = new HammingIndex(codes);
    expect(() => index.query(0, 0)).toThrow(/k must be an integer >= 1/);
    expect(() => index.query(2, 1)).toThrow(/query index must be an integer in \[0, 1\]/);
    expect(() => index.query(new Uint32Array(2), 1)).toThrow(/Uint32Array of 1 words \(got 2 words\)/);
    expect(() => index.query(new Uint32Array(1), 1, { excludeSelf: true })).toThrow(/excludeSelf needs the query as a code index/);
    expect(() => new HammingIndex({ ...codes, words: new Uint32Array([4, 0]) })).toThrow(/code 0 has bits set beyond nBits = 2/);
    expect(() => new HammingIndex({ ...codes, nCodes: 3 })).toThrow(/need 3/);
    expect(() => new HammingIndex({} as BinaryCodes)).toThrow(TypeError);
  });
});

describe('precisionAtK', () => {
  it('matches a brute-force mean precision', () => {
    fc.assert(
      fc.property(matrix, matrix, fc.integer({ min: 1, max: 12 }), fc.boolean(), (Zdb, Zq, k, loo) => {
        const bitsN = Math.min(Zdb[0].length, Zq[0].length);
        const db = binaryCodes(Zdb.map((r) => r.slice(0, bitsN)), { threshold: 'zero' });
        const qs = loo ? db : binaryCodes(Zq.map((r) => r.slice(0, bitsN)), { threshold: 'zero' });
        if (loo && db.nCodes < 2) return;
        const dbLabels = Zdb.map((_, i) => i % 3);
        const qLabels = loo ? dbLabels : Array.from({ length: qs.nCodes }, (_, i) => (i * 7) % 3);
        const dbBits = Zdb.map((_, i) => bitsOf(db, i));
        let sum = 0;
        for (let q = 0; q < qs.nCodes; q++) {
          const { indices } = bruteNearest(dbBits, bitsOf(qs, q), k, loo ? q : -1);
          sum += indices.filter((i) => dbLabels[i] === qLabels[q]).length / indices.length;
        }
        const got = precisionAtK(new HammingIndex(db), qs, qLabels, dbLabels, k, { excludeSelf: loo });
        expect(got).toBeCloseTo(sum / qs.nCodes, 12);
      }),
      { numRuns: 150, seed: 25 },
    );
  });

  it('is 1 for perfectly separated classes and rejects inconsistent arguments', () => {
    const Z = [[5, 5], [4, 6], [-5, -5], [-6, -4]];
    const codes = binaryCodes(Z, { threshold: 'zero' });
    const labels = [0, 0, 1, 1];
    const index = new HammingIndex(codes);
    expect(precisionAtK(index, codes, labels, labels, 1, { excludeSelf: true })).toBe(1);
    expect(precisionAtK(index, codes, labels, labels, 4)).toBe(0.5);
    expect(() => precisionAtK(index, codes, [0], labels, 1)).toThrow(/queryLabels has 1 entries, but there are 4 queries/);
    expect(() => precisionAtK(index, codes, labels, [0], 1)).toThrow(/databaseLabels has 1 entries/);
    expect(() => precisionAtK(index, binaryCodes([[1]]), [0], labels, 1)).toThrow(/queries have 1 bits, but the index has 2/);
    expect(() => precisionAtK(index, codes, labels, labels, 0)).toThrow(/k must be an integer >= 1/);
    const one = binaryCodes([[1, 2]]);
    expect(() => precisionAtK(new HammingIndex(one), one, [0], [0], 1, { excludeSelf: true })).toThrow(/no codes to retrieve/);
  });
});
