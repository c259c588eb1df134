/**
 * The mixed-precision covariance solver with an integer nComponents finds its subspace by block
 * subspace iteration (src/linalg/subspace.ts) when the spectrum has a gap, and falls back to
 * the dense eigensolver otherwise; either way the explained variances match the float64 full
 * SVD to 1e-6 relative and the components span the same directions. Data large enough
 * (d = 200) that the block (k + oversampling + 32) is small next to d.
 */
import { describe, expect, it } from 'vitest';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { spectrumData } from './pca-fixtures.js';

function float32(m: { data: Float64Array; shape: [number, number] }): { data: Float32Array; shape: [number, number] } {
  return { data: Float32Array.from(m.data), shape: m.shape };
}

function check(x: { data: Float32Array; shape: [number, number] }, k: number): void {
  const d = x.shape[1];
  const mixed = new PCA({ nComponents: k, solver: 'covariance', precision: 'mixed' }).fit(x);
  const full = new PCA({ nComponents: k, solver: 'full' }).fit(x);
  expect(mixed.fittedWith).toEqual({ solver: 'covariance', precision: 'mixed' });
  const a = mixed.explainedVariance;
  const b = full.explainedVariance;
  for (let i = 0; i < k; i++) expect(Math.abs(a[i] / b[i] - 1)).toBeLessThan(1e-6);
  const ca = mixed.components.data as Float64Array;
  const cb = full.components.data as Float64Array;
  for (let i = 0; i < k; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += ca[i * d + j] * cb[i * d + j];
    expect(Math.sqrt(Math.max(0, 1 - dot * dot))).toBeLessThan(1e-4);
  }
  const again = new PCA({ nComponents: k, solver: 'covariance', precision: 'mixed' }).fit(x);
  expect(new Uint8Array((again.components.data as Float64Array).buffer)).toEqual(new Uint8Array(ca.buffer));
}

describe('PCA covariance/mixed with subspace iteration', () => {
  it('matches the float64 full SVD on data with a gap after k', () => {
    const variances = [40, 25, 16, 9, 6, 4, 3, 2.5, 2, 1.6].concat(Array.from({ length: 30 }, (_, i) => 0.3 * 0.95 ** i));
    check(float32(spectrumData(3000, 200, 11, variances, 0.05, 3)), 10);
  });

  it('matches it without a gap too (dense fallback)', () => {
    const variances = Array.from({ length: 150 }, (_, i) => 1 + 0.001 * i);
    check(float32(spectrumData(3000, 150, 12, variances, 1, 0)), 8);
  });
});
