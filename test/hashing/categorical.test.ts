import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { categoricalCodes } from '../../src/hashing/categorical-codes.js';
import { CategoricalIndex } from '../../src/hashing/categorical-index.js';
import { binaryCodes } from '../../src/hashing/binary-codes.js';
import { HammingIndex } from '../../src/hashing/hamming-index.js';
import { precisionAtK } from '../../src/hashing/precision.js';
import { NonFiniteError } from '../../src/errors.js';

/** Random codes: n codes of v symbols in [0, k), few categories so ties in distance are common. */
const codesArb = fc
  .record({ n: fc.integer({ min: 1, max: 30 }), v: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 2, max: 4 }) })
  .chain(({ n, v, k }) =>
    fc.record({
      v: fc.constant(v),
      k: fc.constant(k),
      symbols: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n * v, maxLength: n * v }),
    }),
  );

function bruteNearest(rows: number[][], q: number[], k: number, skip = -1) {
  const all = rows
    .map((r, i) => ({ i, d: r.reduce((a, s, j) => a + (s !== q[j] ? 1 : 0), 0) }))
    .filter(({ i }) => i !== skip)
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, k);
  return { indices: all.map((x) => x.i), distances: all.map((x) => x.d) };
}

const rowsOf = (symbols: number[], v: number) => Array.from({ length: symbols.length / v }, (_, i) => symbols.slice(i * v, (i + 1) * v));

describe('categoricalCodes', () => {
  it('takes the arg-max of each group of nCategories columns, ties to the lower category', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.nat(), (n, v, k, seed) => {
        const Z = Array.from({ length: n }, (_, i) => Array.from({ length: v * k }, (_, j) => ((i * 31 + j * 17 + seed) % 7) - 3));
        const c = categoricalCodes(Z, k);
        expect([c.nCodes, c.nVariables, c.nCategories]).toEqual([n, v, k]);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < v; j++) {
            const group = Z[i].slice(j * k, (j + 1) * k);
            expect(c.codes[i * v + j]).toBe(group.indexOf(Math.max(...group)));
          }
        }
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('rejects bad input', () => {
    expect(() => categoricalCodes([[1, 2, 3]], 2)).toThrow(/3 columns, which is not a multiple of nCategories = 2/);
    expect(() => categoricalCodes([[1, 2]], 1)).toThrow(/nCategories must be an integer >= 2 \(got 1\)/);
    expect(() => categoricalCodes([[1, NaN]], 2)).toThrow(NonFiniteError);
  });
});

describe('CategoricalIndex', () => {
  it('matches a brute-force search by symbol-wise Hamming distance, ties by lower index', () => {
    fc.assert(
      fc.property(codesArb, fc.integer({ min: 1, max: 40 }), fc.nat(), ({ v, k, symbols }, kNn, qSeed) => {
        const rows = rowsOf(symbols, v);
        const index = new CategoricalIndex(Int32Array.from(symbols), v, k);
        expect(index.nCodes).toBe(rows.length);
        const q = qSeed % rows.length;
        const expected = bruteNearest(rows, rows[q], kNn);
        for (const got of [index.query(q, kNn), index.query(Int32Array.from(rows[q]), kNn)]) {
          expect(Array.from(got.indices)).toEqual(expected.indices);
          expect(Array.from(got.distances)).toEqual(expected.distances);
        }
        const without = bruteNearest(rows, rows[q], kNn, q);
        const got = index.query(q, kNn, { excludeSelf: true });
        expect(Array.from(got.indices)).toEqual(without.indices);
        expect(Array.from(got.distances)).toEqual(without.distances);
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it('equals a HammingIndex on one-bit-per-variable codes (K = 2)', () => {
    const Z = Array.from({ length: 40 }, (_, i) => Array.from({ length: 11 }, (_, j) => Math.sin(i * 3.7 + j * 1.9)));
    const bin = binaryCodes(Z, { threshold: 'zero' });
    const symbols = Int32Array.from(Z.flat(), (x) => (x > 0 ? 1 : 0));
    const cat = new CategoricalIndex(symbols, 11, 2);
    const ham = new HammingIndex(bin);
    expect(cat.nBits).toBe(11);
    for (let q = 0; q < 40; q++) expect(Array.from(cat.distances(q))).toEqual(Array.from(ham.distances(q)));
  });

  it('does not alias its codes and rejects bad arguments', () => {
    const codes = new Int32Array([0, 1, 2, 2, 1, 0]);
    const index = new CategoricalIndex(codes, 3, 3);
    codes.fill(0);
    expect(Array.from(index.query(1, 2).indices)).toEqual([1, 0]);
    expect(index.nBits).toBeCloseTo(3 * Math.log2(3), 12);
    expect(() => index.query(0, 0)).toThrow(/k must be an integer >= 1/);
    expect(() => index.query(2, 1)).toThrow(/query index must be an integer in \[0, 1\]/);
    expect(() => index.query(new Int32Array(2), 1)).toThrow(/Int32Array of 3 symbols \(got 2 symbols\)/);
    expect(() => index.query(new Int32Array(3), 1, { excludeSelf: true })).toThrow(/excludeSelf needs the query as a code index/);
    expect(() => new CategoricalIndex(new Int32Array([0, 3]), 2, 3)).toThrow(/symbol 1 of code 0 is 3, outside \[0, 2\]/);
    expect(() => new CategoricalIndex(new Int32Array([0, -1]), 1, 3)).toThrow(/symbol 0 of code 1 is -1/);
    expect(() => new CategoricalIndex(new Int32Array(5), 2, 3)).toThrow(/5 symbols, which is not a multiple of nVariables = 2/);
    expect(() => new CategoricalIndex(new Int32Array(4), 0, 3)).toThrow(/nVariables must be an integer >= 1/);
    expect(() => new CategoricalIndex(new Int32Array(4), 2, 1)).toThrow(/nCategories must be an integer >= 2/);
    expect(() => new CategoricalIndex([0, 1] as unknown as Int32Array, 2, 2)).toThrow(/must be an Int32Array .* \(got Array\)/);
  });
});

describe('precisionAtK with categorical codes', () => {
  it('matches a brute-force mean precision, with and without excludeSelf', () => {
    fc.assert(
      fc.property(codesArb, fc.integer({ min: 1, max: 12 }), fc.boolean(), ({ v, k, symbols }, kNn, loo) => {
        const rows = rowsOf(symbols, v);
        if (loo && rows.length < 2) return;
        const n = rows.length;
        const labels = rows.map((_, i) => i % 3);
        // Queries: the database itself (leave-one-out) or its codes shifted by one symbol value.
        const qSymbols = loo ? Int32Array.from(symbols) : Int32Array.from(symbols, (s) => (s + 1) % k);
        const qRows = rowsOf(Array.from(qSymbols), v);
        const qLabels = loo ? labels : qRows.map((_, i) => (i * 7) % 3);
        let sum = 0;
        for (let q = 0; q < n; q++) {
          const { indices } = bruteNearest(rows, qRows[q], kNn, loo ? q : -1);
          sum += indices.filter((i) => labels[i] === qLabels[q]).length / indices.length;
        }
        const index = new CategoricalIndex(Int32Array.from(symbols), v, k);
        const queries = { codes: qSymbols, nCodes: n, nVariables: v, nCategories: k };
        expect(precisionAtK(index, queries, qLabels, labels, kNn, { excludeSelf: loo })).toBeCloseTo(sum / n, 12);
      }),
      { numRuns: 150, seed: 27 },
    );
  });

  it('rejects queries of the other kind or size', () => {
    const c = categoricalCodes([[1, 0, 0, 1], [0, 1, 1, 0]], 2);
    const index = new CategoricalIndex(c.codes, 2, 2);
    const labels = [0, 1];
    expect(precisionAtK(index, c, labels, labels, 1)).toBe(1);
    const bin = binaryCodes([[1, -1], [-1, 1]], { threshold: 'zero' });
    expect(() => precisionAtK(index, bin, labels, labels, 1)).toThrow(/a CategoricalIndex needs categorical queries/);
    expect(() => precisionAtK(new HammingIndex(bin), c, labels, labels, 1)).toThrow(TypeError);
    expect(() => precisionAtK(index, { ...c, nCategories: 3 }, labels, labels, 1)).toThrow(/queries have 2 variables of 3 categories, but the index has 2 of 2/);
    expect(() => precisionAtK(index, { ...c, nCodes: 3 }, labels, labels, 1)).toThrow(/queries have 2 codes of symbols, but nCodes is 3/);
  });
});
