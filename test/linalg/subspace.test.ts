/**
 * Block subspace iteration (src/linalg/subspace.ts) against the dense eigensolver on random
 * symmetric positive semi-definite matrices with a gap after the wanted eigenvalues, and its
 * refusals (no gap, rank deficient, block too wide), which send callers to the dense solver.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { symmetricEigen } from '../../src/linalg/index.js';
import { subspaceEigen } from '../../src/linalg/subspace.js';
import { seedArb } from '../helpers/arbitraries.js';
import { orthogonal } from '../models/decomposition/pca-fixtures.js';

/** Q·diag(λ)·Qᵀ for a random orthogonal Q. */
function withSpectrum(values: readonly number[], seed: number): Float64Array {
  const n = values.length;
  const q = orthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += q[i * n + t] * values[t] * q[j * n + t];
      a[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  return a;
}

/** Largest sine of the principal angles between span(x) and span(y), both n×k orthonormal. */
function maxSinAngle(x: Float64Array, y: Float64Array, n: number, kx: number, ky: number, k: number): number {
  let worst = 0;
  for (let c = 0; c < k; c++) {
    // ‖(I − YYᵀ)x_c‖ for column c of x.
    const proj = new Float64Array(ky);
    for (let i = 0; i < n; i++) for (let q = 0; q < ky; q++) proj[q] += y[i * ky + q] * x[i * kx + c];
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let yi = 0;
      for (let q = 0; q < ky; q++) yi += y[i * ky + q] * proj[q];
      r2 += (x[i * kx + c] - yi) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r2));
  }
  return worst;
}

const N = 160;

describe('subspaceEigen', () => {
  it('matches the dense eigensolver on spectra with a gap (fast-check)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 8 }), fc.double({ min: 0.2, max: 0.6, noNaN: true }), (seed, k, ratio) => {
        const p = k + 5;
        // Top k: 10 down to 1 geometrically; then a drop by `ratio` and a slow decay.
        const values = Array.from({ length: N }, (_, i) =>
          i < k ? 10 * 0.8 ** i : 10 * 0.8 ** (k - 1) * ratio * 0.98 ** (i - k));
        const a = withSpectrum(values, seed);
        const copy = Float64Array.from(a);
        const r = subspaceEigen(a, N, p, k);
        expect(a).toEqual(copy); // input untouched
        expect(r).not.toBeNull();
        const dense = symmetricEigen(Float64Array.from(a), N, k);
        for (let i = 0; i < k; i++) expect(Math.abs(r!.values[i] / dense.values[i] - 1)).toBeLessThan(1e-5);
        // The top k eigenvectors lie in the span of the returned p vectors…
        expect(maxSinAngle(dense.vectors, r!.vectors, N, k, p, k)).toBeLessThan(1e-5);
        // …and the returned unit vectors are nearly orthogonal.
        for (let c = 0; c < p; c++) {
          for (let d = 0; d <= c; d++) {
            let s = 0;
            for (let i = 0; i < N; i++) s += r!.vectors[i * p + c] * r!.vectors[i * p + d];
            expect(Math.abs(s - (c === d ? 1 : 0))).toBeLessThan(c === d ? 1e-12 : 1e-2);
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const values = Array.from({ length: N }, (_, i) => (i < 6 ? 5 - i * 0.5 : 0.5 * 0.97 ** i));
    const a = withSpectrum(values, 7);
    const r1 = subspaceEigen(a, N, 10, 6)!;
    const r2 = subspaceEigen(Float64Array.from(a), N, 10, 6)!;
    expect(new Uint8Array(r1.vectors.buffer)).toEqual(new Uint8Array(r2.vectors.buffer));
    expect(r1.values).toEqual(r2.values);
  });

  it('gives up without a gap, on a rank-deficient block, and when the block is not small next to n', () => {
    const flat = withSpectrum(Array.from({ length: N }, (_, i) => 1 + 1e-3 * Math.sin(i)), 3);
    expect(subspaceEigen(flat, N, 10, 8)).toBeNull();
    const lowRank = withSpectrum(Array.from({ length: N }, (_, i) => (i < 20 ? 10 - i * 0.3 : 0)), 4);
    expect(subspaceEigen(lowRank, N, 10, 8)).toBeNull();
    const wide = withSpectrum(Array.from({ length: 60 }, (_, i) => 0.8 ** i), 5);
    expect(subspaceEigen(wide, 60, 10, 8)).toBeNull();
  });
});
