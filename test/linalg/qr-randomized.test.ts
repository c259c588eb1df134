import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gram, householderQR, randomizedRangeFinder, randomizedSvd, svd, syrk, thinQ } from '../../src/linalg/index.js';
import { gemmReference } from '../../src/kernels/gemm-reference.js';
import { dimArb, seedArb } from '../helpers/arbitraries.js';
import { lowRankData, matmul, maxAbs, maxAbsDiff, normalMatrix, transposeOf } from '../models/decomposition/pca-fixtures.js';

describe('householderQR', () => {
  it('A = Q·R with R upper triangular and Q orthonormal (several panels)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 40 }), seedArb, (n, extra, seed) => {
        const m = n + extra;
        const a = normalMatrix(m, n, seed).data;
        const { r } = householderQR(a.slice(), m, n);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
        const q = thinQ(a.slice(), m, n);
        expect(maxAbsDiff(matmul(q, r, m, n, n), a)).toBeLessThan(1e-12 * m);
        const qtq = matmul(transposeOf(q, m, n), q, n, m, n);
        expect(maxAbsDiff(qtq, Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)))).toBeLessThan(1e-12 * m);
      }),
      { numRuns: 25, seed: 2 },
    );
  });
});

describe('randomized SVD', () => {
  it('recovers an exactly low-rank matrix to rounding (range finder is orthonormal)', () => {
    const A = lowRankData(120, 30, 4, 'rsvd');
    const full = svd(A, { computeU: false });
    const r = randomizedSvd(A, 4, { seed: 3 });
    expect(maxAbsDiff(r.s, full.s.subarray(0, 4))).toBeLessThan(1e-10 * full.s[0]);
    expect(maxAbsDiff(r.vt.data, full.vt.data.subarray(0, 4 * 30))).toBeLessThan(1e-8);
    const q = randomizedRangeFinder(A, 6, { seed: 1 }).data as Float64Array;
    const qtq = matmul(transposeOf(q, 120, 6), q, 6, 120, 6);
    expect(maxAbsDiff(qtq, Float64Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 1 : 0)))).toBeLessThan(1e-13);
  });

  it('is deterministic for a seed and validates k', () => {
    const A = normalMatrix(50, 12, 4);
    expect(randomizedSvd(A, 3, { seed: 'x' }).s).toEqual(randomizedSvd(A, 3, { seed: 'x' }).s);
    expect(() => randomizedSvd(A, 13)).toThrow(RangeError);
    expect(() => randomizedSvd(A, 0)).toThrow(RangeError);
  });
});

describe('syrk and gram', () => {
  it('syrk equals the reference gemm on both triangles, for both layouts', () => {
    fc.assert(
      fc.property(dimArb({ max: 140, specials: [1, 3, 64, 127, 128, 129] }), dimArb({ max: 20 }), seedArb, fc.boolean(), (n, k, seed, trans) => {
        const a = normalMatrix(trans ? k : n, trans ? n : k, seed).data;
        const c = new Float64Array(n * n).fill(NaN);
        syrk(trans, n, k, 0.5, a, trans ? n : k, 0, c, n);
        const ref = new Float64Array(n * n);
        gemmReference(trans, !trans, n, n, k, 0.5, a, trans ? n : k, a, trans ? n : k, 0, ref, n);
        expect(maxAbsDiff(c, ref)).toBeLessThan(1e-12 * k);
      }),
      { numRuns: 30, seed: 8 },
    );
  });

  it('the float32 Gram matrix sums chunks in float64 and stays within float32 rounding', () => {
    const x = normalMatrix(3000, 17, 6).data;
    const g64 = gram(x, 3000, 17);
    const g32 = gram(Float32Array.from(x), 3000, 17, { chunkRows: 256 });
    // Inputs rounded to float32 (u = 6e-8) and sums of 256 float32 products.
    expect(maxAbsDiff(g32, g64)).toBeLessThan(1e-5 * maxAbs(g64));
    const ref = new Float64Array(17 * 17);
    gemmReference(true, false, 17, 17, 3000, 1, x, 17, x, 17, 0, ref, 17);
    expect(maxAbsDiff(g64, ref)).toBeLessThan(1e-12 * maxAbs(ref));
  });
});
