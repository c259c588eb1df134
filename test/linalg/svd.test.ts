import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Matrix, SVD } from 'ml-matrix';
import { svd, thinSvd } from '../../src/linalg/index.js';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { dimArb, seedArb } from '../helpers/arbitraries.js';
import { matmul, maxAbs, maxAbsDiff, normalMatrix, transposeOf } from '../models/decomposition/pca-fixtures.js';

/** ‖U·diag(s)·Vᵀ − A‖max, ‖UᵀU − I‖max and ‖VVᵀ − I‖max. */
function check(a: Float64Array, m: number, n: number, u: Float64Array, s: Float64Array, vt: Float64Array) {
  const r = s.length;
  const us = Float64Array.from(u, (x, i) => x * s[i % r]);
  const rec = maxAbsDiff(matmul(us, vt, m, r, n), a);
  const eye = (p: number) => Float64Array.from({ length: p * p }, (_, i) => (i % (p + 1) === 0 ? 1 : 0));
  const uu = maxAbsDiff(matmul(transposeOf(u, m, r), u, r, m, r), eye(r));
  const vv = maxAbsDiff(matmul(vt, transposeOf(vt, r, n), r, n, r), eye(r));
  return { rec, uu, vv };
}

describe('svd', () => {
  it('reconstructs A with orthonormal factors, descending values and fixed signs, for tall, wide and square A', () => {
    fc.assert(
      fc.property(dimArb({ max: 40 }), dimArb({ max: 13 }), seedArb, fc.boolean(), (m0, n0, seed, wide) => {
        const [m, n] = wide ? [n0, m0] : [m0, n0];
        const A = normalMatrix(m, n, seed);
        const before = A.data.slice();
        const { u, s, vt } = svd(A);
        expect(A.data).toEqual(before);
        const r = Math.min(m, n);
        expect(u!.shape).toEqual([m, r]);
        expect(vt.shape).toEqual([r, n]);
        const scale = Math.max(1, maxAbs(A.data));
        const { rec, uu, vv } = check(A.data, m, n, u!.data as Float64Array, s, vt.data as Float64Array);
        expect(rec).toBeLessThan(1e-12 * scale * Math.max(m, n));
        expect(uu).toBeLessThan(1e-12 * Math.max(m, n));
        expect(vv).toBeLessThan(1e-12 * Math.max(m, n));
        for (let i = 1; i < r; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
        for (let i = 0; i < r; i++) {
          const row = Array.from(vt.data.subarray(i * n, i * n + n));
          const at = row.reduce((best, x, j) => (Math.abs(x) > Math.abs(row[best]) ? j : best), 0);
          expect(row[at]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('uses the QR reduction for tall input and agrees with ml-matrix on the singular values', () => {
    const A = normalMatrix(300, 20, 5);
    const ours = svd(A, { computeU: true });
    const ref = new SVD(new Matrix(Array.from({ length: 300 }, (_, i) => Array.from(A.data.subarray(i * 20, i * 20 + 20)))));
    expect(maxAbsDiff(ours.s, ref.diagonal)).toBeLessThan(1e-12 * ref.diagonal[0]);
    const { rec, uu } = check(A.data, 300, 20, ours.u!.data as Float64Array, ours.s, ours.vt.data as Float64Array);
    expect(rec).toBeLessThan(1e-12 * 300);
    expect(uu).toBeLessThan(1e-12 * 300);
  });

  it('handles rank-deficient and zero matrices without NaN', () => {
    const z = svd({ data: new Float64Array(12), shape: [4, 3] });
    expect(Array.from(z.s)).toEqual([0, 0, 0]);
    expect(z.vt.data.every(Number.isFinite)).toBe(true);
    const ones = svd([[1, 1], [1, 1], [1, 1]]);
    expect(ones.s[0]).toBeCloseTo(Math.sqrt(6), 14);
    expect(Math.abs(ones.s[1])).toBeLessThan(1e-15);
  });

  it('skips U when asked and gives the same s and Vᵀ', () => {
    const A = normalMatrix(9, 5, 3);
    const a = svd(A);
    const b = svd(A, { computeU: false });
    expect(b.u).toBeNull();
    expect(b.s).toEqual(a.s);
    expect(b.vt.data).toEqual(a.vt.data);
  });

  it('the unchecked core equals the public function', () => {
    const A = normalMatrix(6, 4, 8);
    const core = thinSvd(A.data.slice(), 6, 4, false);
    expect(core.s).toEqual(svd(A).s);
  });

  it('rejects NaN, ±Infinity and non-2-D input', () => {
    expect(() => svd([[1, NaN], [0, 1]])).toThrow(NonFiniteError);
    expect(() => svd([[1, 2], [3, Infinity]])).toThrow(/svd: A contains Infinity at \[row 1, col 1\]/);
    expect(() => svd([1, 2, 3] as unknown as number[][])).toThrow(ShapeError);
  });
});
