import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cholesky, eigh, logDet, solve, spdInverse } from '../../src/linalg/index.js';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { dimArb, seedArb } from '../helpers/arbitraries.js';
import { matmul, maxAbs, maxAbsDiff, normalMatrix, transposeOf } from '../models/decomposition/pca-fixtures.js';

/** A = BᵀB + n·I: symmetric positive definite and well conditioned. */
function spd(n: number, seed: number): Float64Array {
  const b = normalMatrix(n, n, seed).data;
  const a = matmul(transposeOf(b, n, n), b, n, n, n);
  for (let i = 0; i < n; i++) a[i * n + i] += n;
  return a;
}

describe('cholesky, solve, logDet', () => {
  it('L·Lᵀ = A with L lower triangular; logDet = Σ ln λ; solve gives A·X = B', () => {
    fc.assert(
      fc.property(dimArb({ max: 20 }), dimArb({ max: 5 }), seedArb, (n, m, seed) => {
        const a = spd(n, seed);
        const before = a.slice();
        const l = cholesky({ data: a, shape: [n, n] }).data as Float64Array;
        expect(a).toEqual(before);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
        expect(maxAbsDiff(matmul(l, transposeOf(l, n, n), n, n, n), a)).toBeLessThan(1e-13 * maxAbs(a));
        const ev = eigh({ data: a, shape: [n, n] }).values;
        const expected = ev.reduce((s, x) => s + Math.log(x), 0);
        expect(Math.abs(logDet({ data: a, shape: [n, n] }) - expected)).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
        const b = normalMatrix(n, m, seed + 1);
        const x = solve({ data: a, shape: [n, n] }, b).data as Float64Array;
        expect(maxAbsDiff(matmul(a, x, n, n, m), b.data)).toBeLessThan(1e-12 * maxAbs(a) * Math.max(1, maxAbs(x)));
        const inv = spdInverse(a, n)!;
        expect(maxAbsDiff(matmul(a, inv, n, n, n), Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)))).toBeLessThan(1e-12);
      }),
      { numRuns: 50, seed: 5 },
    );
  });

  it('solve pivots on general (non-symmetric) matrices', () => {
    const x = solve([[0, 1], [1, 0]], [[2], [3]]).toArray();
    expect(x).toEqual([[3], [2]]);
  });

  it('rejects non-positive-definite, singular, mis-shaped and NaN input', () => {
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/cholesky: A is not positive definite \(pivot 1/);
    expect(() => logDet([[0, 0], [0, 1]])).toThrow(RangeError);
    expect(spdInverse(new Float64Array([1, 2, 2, 1]), 2)).toBeNull();
    expect(() => solve([[1, 2], [2, 4]], [[1], [1]])).toThrow(/singular/);
    expect(() => solve([[1, 0], [0, 1]], [[1], [1], [1]])).toThrow(ShapeError);
    expect(() => cholesky([[NaN]])).toThrow(NonFiniteError);
  });
});
