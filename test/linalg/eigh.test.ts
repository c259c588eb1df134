import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Matrix, EVD } from 'ml-matrix';
import { eigh, symmetricEigen, tridiagonalEigen } from '../../src/linalg/index.js';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { dimArb, seedArb } from '../helpers/arbitraries.js';
import { matmul, maxAbs, maxAbsDiff, normalMatrix, transposeOf } from '../models/decomposition/pca-fixtures.js';

function symmetric(n: number, seed: number): Float64Array {
  const a = normalMatrix(n, n, seed).data;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = a[i * n + j] + a[j * n + i];
  return s;
}

describe('eigh', () => {
  it('A·V = V·diag(λ), VᵀV = I, λ descending, signs fixed, input untouched', () => {
    fc.assert(
      fc.property(dimArb({ max: 40 }), seedArb, fc.integer({ min: 0, max: 100 }), (n, seed, kPct) => {
        const a = symmetric(n, seed);
        const before = a.slice();
        const k = Math.round((kPct / 100) * n);
        const { values, vectors } = eigh({ data: a, shape: [n, n] }, { k });
        expect(a).toEqual(before);
        expect(vectors.shape).toEqual([n, k]);
        const v = vectors.data as Float64Array;
        const av = matmul(a, v, n, n, k);
        const vl = Float64Array.from(v, (x, i) => x * values[i % k]);
        const scale = Math.max(1, maxAbs(a)) * n;
        expect(maxAbsDiff(av, vl)).toBeLessThan(1e-13 * scale);
        const vtv = matmul(transposeOf(v, n, k), v, k, n, k);
        expect(maxAbsDiff(vtv, Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)))).toBeLessThan(1e-13 * n);
        for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
        let trace = 0;
        for (let i = 0; i < n; i++) trace += a[i * n + i];
        expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
        for (let q = 0; q < k; q++) {
          let at = 0;
          for (let i = 1; i < n; i++) if (Math.abs(v[i * k + q]) > Math.abs(v[at * k + q])) at = i;
          expect(v[at * k + q]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('agrees with ml-matrix EVD', () => {
    const n = 30;
    const a = symmetric(n, 9);
    const ref = new EVD(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n)))), { assumeSymmetric: true });
    const expected = ref.realEigenvalues.slice().sort((x, y) => y - x);
    expect(maxAbsDiff(eigh({ data: a, shape: [n, n] }, { k: 0 }).values, expected)).toBeLessThan(1e-12 * maxAbs(expected));
  });

  it('handles repeated eigenvalues: identity, zero and rank-one matrices', () => {
    const eye = eigh([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(Array.from(eye.values)).toEqual([1, 1, 1]);
    const vv = eye.vectors.data as Float64Array;
    expect(maxAbsDiff(matmul(transposeOf(vv, 3, 3), vv, 3, 3, 3), [1, 0, 0, 0, 1, 0, 0, 0, 1])).toBeLessThan(1e-15);
    const zero = eigh({ data: new Float64Array(16), shape: [4, 4] });
    expect(Array.from(zero.values)).toEqual([0, 0, 0, 0]);
    const r1 = eigh([[1, 2, 3], [2, 4, 6], [3, 6, 9]]);
    expect(r1.values[0]).toBeCloseTo(14, 13);
    expect(maxAbs(r1.values.subarray(1))).toBeLessThan(1e-14);
  });

  it('diagonal and 1×1 input', () => {
    expect(Array.from(eigh([[5]]).values)).toEqual([5]);
    const d = eigh([[1, 0], [0, 3]]);
    expect(Array.from(d.values)).toEqual([3, 1]);
    expect(Array.from(d.vectors.data)).toEqual([0, 1, 1, 0]);
  });

  it('the vector count may be chosen from the eigenvalues', () => {
    const n = 12;
    const a = symmetric(n, 4);
    const res = symmetricEigen(a.slice(), n, (values) => values.filter((x) => x > 0).length);
    const positives = eigh({ data: a, shape: [n, n] }).values.filter((x) => x > 0).length;
    expect(res.vectors.length).toBe(n * positives);
    const t = tridiagonalEigen(new Float64Array([2, 2]), new Float64Array([1, 0]), 2, () => 1);
    expect(Array.from(t.values)).toEqual([3, 1]);
    expect(Math.abs(t.vectors[0] - Math.SQRT1_2)).toBeLessThan(1e-15);
  });

  it('rejects asymmetric, non-square, NaN input and a bad k', () => {
    expect(() => eigh([[1, 2], [3, 1]])).toThrow(/eigh: A must be symmetric/);
    expect(() => eigh([[1, 2, 3], [2, 1, 0]])).toThrow(ShapeError);
    expect(() => eigh([[1, NaN], [NaN, 1]])).toThrow(NonFiniteError);
    expect(() => eigh([[1, 0], [0, 1]], { k: 3 })).toThrow(RangeError);
  });
});
