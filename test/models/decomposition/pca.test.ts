/**
 * PCA identities, docs/testing.md §3.1 items 1–7, as fast-check properties over small shapes and
 * seeds (matrices from Rng.normal), plus agreement of every solver with the full float64 SVD.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PCA, type PCASolver } from '../../../src/models/decomposition/pca.js';
import { seedArb } from '../../helpers/arbitraries.js';
import {
  allFinite, bytesOf, denseLogDensity, lowRankData, matmul, maxAbs, maxAbsDiff, normalMatrix, orthogonal, spectrumData, transposeOf,
  type Mat,
} from './pca-fixtures.js';

const EXACT: PCASolver[] = ['full', 'covariance'];

/** n ∈ [2, 30], d ∈ [1, 9], k ∈ [1, min(n, d)], a seed and an exact solver. */
const caseArb = fc
  .record({ n: fc.integer({ min: 2, max: 30 }), d: fc.integer({ min: 1, max: 9 }), kPick: fc.nat(), seed: seedArb, solver: fc.constantFrom(...EXACT) })
  .map((c) => ({ ...c, k: 1 + (c.kPick % Math.min(c.n, c.d)) }));

function centredSumSq(x: Mat): number {
  const [n, d] = x.shape;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) s += (x.data[i * d + j] - mean[j]) ** 2;
  return s;
}

describe('PCA identities (docs/testing.md §3.1, items 1–7)', () => {
  it('1–2: reconstruction error equals the discarded variance; variances sum to the total; ratios are sane', () => {
    fc.assert(
      fc.property(caseArb, ({ n, d, k, seed, solver }) => {
        const X = normalMatrix(n, d, seed);
        const total = centredSumSq(X) / (n - 1);
        const all = new PCA({ solver }).fit(X);
        const ev = all.explainedVariance;
        expect(ev.length).toBe(Math.min(n, d));
        expect(Math.abs(ev.reduce((a, b) => a + b, 0) - total)).toBeLessThanOrEqual(1e-10 * total + 1e-300);
        const ratio = all.explainedVarianceRatio;
        for (let i = 0; i < ratio.length; i++) {
          expect(ratio[i]).toBeGreaterThanOrEqual(0);
          expect(ratio[i]).toBeLessThanOrEqual(1 + 1e-12);
          if (i > 0) expect(ratio[i]).toBeLessThanOrEqual(ratio[i - 1] + 1e-12 * ratio[0]);
        }
        expect(Math.abs(ratio.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-10);
        const pca = new PCA({ nComponents: k, solver }).fit(X);
        const xhat = pca.inverseTransform(pca.transform(X)).data;
        let err = 0;
        for (let i = 0; i < X.data.length; i++) err += (X.data[i] - xhat[i]) ** 2;
        const discarded = ev.subarray(k).reduce((a, b) => a + b, 0);
        expect(Math.abs(err / (n - 1) - discarded)).toBeLessThanOrEqual(1e-9 * total + 1e-300);
        expect(allFinite(xhat)).toBe(true);
      }),
      { numRuns: 60, seed: 101 },
    );
  });

  it('3–4: orthonormal components, uncorrelated scores with variances λ, and transform∘inverseTransform = id', () => {
    fc.assert(
      fc.property(caseArb, ({ n, d, k, seed, solver }) => {
        const X = normalMatrix(n, d, seed);
        const pca = new PCA({ nComponents: k, solver }).fit(X);
        const v = pca.components.data as Float64Array;
        const vvt = matmul(v, transposeOf(v, k, d), k, d, k);
        const ev = pca.explainedVariance;
        // Components of zero variance (k > rank) are still orthonormal.
        expect(maxAbsDiff(vvt, Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)))).toBeLessThan(1e-12);
        const z = pca.transform(X).data as Float64Array;
        const cov = matmul(transposeOf(z, n, k), z, k, n, k).map((x) => x / (n - 1));
        const diag = Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? ev[i / (k + 1)] : 0));
        expect(maxAbsDiff(cov, diag)).toBeLessThan(1e-10 * Math.max(ev[0], 1e-300));
        const z2 = pca.transform(pca.inverseTransform({ data: z, shape: [n, k] })).data;
        expect(maxAbsDiff(z2, z)).toBeLessThan(1e-12 * Math.max(1, maxAbs(z)));
      }),
      { numRuns: 60, seed: 102 },
    );
  });

  it('5: equivariance under a shift (same components, shifted mean) and a rotation (components Vₖ·Q)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 30 }), fc.integer({ min: 2, max: 7 }), seedArb, fc.constantFrom(...EXACT), (n, d, seed, solver) => {
        const X = spectrumData(n, d, seed, [40, 20, 10, 5, 2.5, 1.2, 0.6]);
        const k = Math.min(3, d);
        const base = new PCA({ nComponents: k, solver }).fit(X);
        const c = Float64Array.from({ length: d }, (_, j) => 1000 * (j - 2.5));
        const shifted = new PCA({ nComponents: k, solver }).fit({ data: X.data.map((x, i) => x + c[i % d]), shape: X.shape });
        expect(maxAbsDiff(shifted.explainedVariance, base.explainedVariance)).toBeLessThan(1e-9 * base.explainedVariance[0]);
        expect(maxAbsDiff(shifted.mean, base.mean.map((m, j) => m + c[j]))).toBeLessThan(1e-9 * 1000);
        const q = orthogonal(d, `${seed}:Q`);
        const rotated = new PCA({ nComponents: k, solver }).fit({ data: matmul(X.data, q, n, d, d), shape: X.shape });
        const ev = base.explainedVariance;
        expect(maxAbsDiff(rotated.explainedVariance, ev)).toBeLessThan(1e-9 * ev[0]);
        const expected = matmul(base.components.data as Float64Array, q, k, d, d);
        const all = new PCA({ solver }).fit(X).explainedVariance;
        for (let i = 0; i < k; i++) {
          const gap = Math.min(i > 0 ? all[i - 1] - all[i] : Infinity, i + 1 < all.length ? all[i] - all[i + 1] : Infinity);
          if (gap < 1e-3 * all[0]) continue; // an ill-determined direction: nothing to compare
          let dot = 0;
          for (let j = 0; j < d; j++) dot += rotated.components.data[i * d + j] * expected[i * d + j];
          expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-8 * (all[0] / gap));
        }
      }),
      { numRuns: 40, seed: 103 },
    );
  });

  it('6: largest-magnitude entry of each component is positive; row order does not matter; refits are bit-identical', () => {
    fc.assert(
      fc.property(caseArb, seedArb, ({ n, d, k, seed, solver }, permSeed) => {
        const X = normalMatrix(n, d, seed);
        const a = new PCA({ nComponents: k, solver }).fit(X);
        const v = a.components.data;
        for (let i = 0; i < k; i++) {
          let at = 0;
          for (let j = 1; j < d; j++) if (Math.abs(v[i * d + j]) > Math.abs(v[i * d + at])) at = j;
          expect(v[i * d + at]).toBeGreaterThanOrEqual(0);
        }
        const b = new PCA({ nComponents: k, solver }).fit(X);
        expect(bytesOf(b.components)).toEqual(bytesOf(a.components));
        expect(bytesOf(b.explainedVariance)).toEqual(bytesOf(a.explainedVariance));
        expect(bytesOf(a.fit(X).transform(X))).toEqual(bytesOf(b.transform(X)));
        // Row permutation: same model up to rounding (when the spectrum is not degenerate).
        const perm = Array.from({ length: n }, (_, i) => i).sort((p, q) => ((p * 7919 + permSeed) % n) - ((q * 7919 + permSeed) % n) || p - q);
        const Xp = { data: new Float64Array(n * d), shape: [n, d] as [number, number] };
        perm.forEach((src, dst) => Xp.data.set(X.data.subarray(src * d, src * d + d), dst * d));
        const p = new PCA({ nComponents: k, solver }).fit(Xp);
        const ev = a.explainedVariance;
        expect(maxAbsDiff(p.explainedVariance, ev)).toBeLessThan(1e-10 * Math.max(ev[0], 1e-300));
        expect(maxAbsDiff(p.mean, a.mean)).toBeLessThan(1e-12 * Math.max(1, maxAbs(a.mean)));
      }),
      { numRuns: 50, seed: 104 },
    );
  });

  it('7: fit, transform and score never mutate their input (typed arrays and nested arrays)', () => {
    fc.assert(
      fc.property(caseArb, ({ n, d, k, seed, solver }) => {
        const X = normalMatrix(n, d, seed);
        const before = bytesOf(X.data);
        const nested = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * d, i * d + d)));
        const nestedBefore = JSON.stringify(nested);
        const pca = new PCA({ nComponents: k, solver, whiten: true }).fit(X);
        pca.transform(X);
        pca.fit(nested).transform(nested);
        if (k < Math.min(n, d) && pca.totalVariance > 0) pca.score(nested);
        const z = pca.transform(X);
        const zb = bytesOf(z);
        pca.inverseTransform(z);
        expect(bytesOf(z)).toEqual(zb);
        expect(bytesOf(X.data)).toEqual(before);
        expect(JSON.stringify(nested)).toBe(nestedBefore);
      }),
      { numRuns: 30, seed: 105 },
    );
  });
});

describe('every solver agrees with the full float64 SVD', () => {
  it('covariance (float64 and mixed) and randomized on data with a clear spectrum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 120 }), fc.integer({ min: 5, max: 24 }), seedArb, (n, d, seed) => {
        const X = spectrumData(n, d, seed, [100, 60, 30, 15, 8], 0.01, 50);
        const k = 4;
        const full = new PCA({ nComponents: k, solver: 'full' }).fit(X);
        const ref = full.explainedVariance;
        const cases: [PCASolver, 'float64' | 'mixed', number][] = [
          ['covariance', 'float64', 1e-10], ['covariance', 'mixed', 1e-6], ['randomized', 'float64', 1e-9], ['randomized', 'mixed', 1e-6],
        ];
        for (const [solver, precision, tol] of cases) {
          const p = new PCA({ nComponents: k, solver, precision, seed }).fit(X);
          expect(p.fittedWith).toEqual({ solver, precision });
          for (let i = 0; i < k; i++) expect(Math.abs(p.explainedVariance[i] / ref[i] - 1)).toBeLessThan(tol);
          expect(Math.abs(p.noiseVariance / full.noiseVariance - 1)).toBeLessThan(solver === 'covariance' && precision === 'float64' ? 1e-8 : 1e-4);
          // Components agree up to the direction tolerance that the eigengaps allow.
          expect(maxAbsDiff(p.components.data, full.components.data)).toBeLessThan(precision === 'mixed' ? 1e-4 : 1e-7);
        }
      }),
      { numRuns: 15, seed: 106 },
    );
  });

  it('covariance works when nSamples < nFeatures, and randomized recovers exactly low-rank data', () => {
    const X = normalMatrix(6, 15, 'wide');
    const full = new PCA({ nComponents: 5, solver: 'full' }).fit(X);
    const cov = new PCA({ nComponents: 5, solver: 'covariance' }).fit(X);
    expect(maxAbsDiff(cov.explainedVariance, full.explainedVariance)).toBeLessThan(1e-10 * full.explainedVariance[0]);
    const L = lowRankData(200, 30, 3, 'lr');
    const f = new PCA({ nComponents: 3, solver: 'full' }).fit(L);
    const r = new PCA({ nComponents: 3, solver: 'randomized', nPowerIterations: 2 }).fit(L);
    expect(maxAbsDiff(r.explainedVariance, f.explainedVariance)).toBeLessThan(1e-9 * f.explainedVariance[0]);
    expect(f.noiseVariance).toBeLessThan(1e-20 * f.explainedVariance[0] + 1e-18);
  });

  it('auto follows scikit-learn’s rule', () => {
    expect(new PCA({ nComponents: 2 }).fit(normalMatrix(100, 5, 1)).fittedWith.solver).toBe('covariance');
    expect(new PCA({ nComponents: 2 }).fit(normalMatrix(30, 20, 1)).fittedWith.solver).toBe('full');
    expect(new PCA({ nComponents: 2 }).fit(normalMatrix(40, 600, 1)).fittedWith.solver).toBe('randomized');
    expect(new PCA({ nComponents: 0.9 }).fit(normalMatrix(40, 600, 1)).fittedWith.solver).toBe('full');
    expect(new PCA({ nComponents: 2 }).fit(normalMatrix(100, 5, 1)).fittedWith.precision).toBe('float64');
  });
});

describe('PCA features', () => {
  it('a fractional nComponents keeps the fewest components whose ratios sum past it', () => {
    const X = spectrumData(200, 8, 'frac', [50, 30, 10, 5, 3, 1, 0.5, 0.5]);
    for (const solver of ['full', 'covariance', 'auto'] as const) {
      const all = new PCA({ solver: 'full' }).fit(X).explainedVarianceRatio;
      const p = new PCA({ nComponents: 0.85, solver }).fit(X);
      let cum = 0;
      let expected = 0;
      while (cum <= 0.85) cum += all[expected++];
      expect(p.nComponentsFitted).toBe(expected);
    }
  });

  it('whitening: unit-variance scores and an exact inverse', () => {
    const X = spectrumData(300, 6, 'white', [9, 4, 1, 0.25]);
    const pca = new PCA({ nComponents: 3, whiten: true }).fit(X);
    const z = pca.transform(X).data as Float64Array;
    const cov = matmul(transposeOf(z, 300, 3), z, 3, 300, 3).map((x) => x / 299);
    expect(maxAbsDiff(cov, [1, 0, 0, 0, 1, 0, 0, 0, 1])).toBeLessThan(1e-12);
    const plain = new PCA({ nComponents: 3 }).fit(X);
    const back = pca.inverseTransform({ data: z, shape: [300, 3] }).data;
    expect(maxAbsDiff(back, plain.inverseTransform(plain.transform(X)).data)).toBeLessThan(1e-12 * maxAbs(X.data));
    // encode/decode are transform/inverseTransform under the LatentModel names, whitening included.
    expect(bytesOf(pca.encode(X).data)).toEqual(bytesOf(z));
    expect(bytesOf(pca.decode({ data: z, shape: [300, 3] }).data)).toEqual(bytesOf(back));
    expect(bytesOf(pca.reconstruct(X).data)).toEqual(bytesOf(back));
  });

  it('constant and duplicated (rank-deficient) features: ratio 0, nothing NaN, whitening finite', () => {
    const n = 50;
    const X = normalMatrix(n, 4, 'rd');
    const data = new Float64Array(n * 6);
    for (let i = 0; i < n; i++) {
      data.set(X.data.subarray(i * 4, i * 4 + 4), i * 6);
      data[i * 6 + 4] = 7; // constant
      data[i * 6 + 5] = X.data[i * 4]; // duplicate of feature 0
    }
    for (const solver of ['full', 'covariance', 'randomized'] as const) {
      const pca = new PCA({ nComponents: 6, solver, whiten: true }).fit({ data, shape: [n, 6] });
      const ratio = pca.explainedVarianceRatio;
      expect(Math.abs(ratio[4])).toBeLessThan(1e-14);
      expect(Math.abs(ratio[5])).toBeLessThan(1e-14);
      for (const a of [ratio, pca.explainedVariance, pca.singularValues, pca.components.data, pca.transform({ data, shape: [n, 6] }).data]) {
        expect(allFinite(a)).toBe(true);
      }
      expect(pca.noiseVariance).toBe(0);
    }
    const constant = new PCA({ nComponents: 2 }).fit([[1, 2], [1, 2], [1, 2]]);
    expect(Array.from(constant.explainedVarianceRatio)).toEqual([0, 0]);
    expect(allFinite(constant.transform([[1, 2], [3, 4]]).data)).toBe(true);
  });

  it('score equals the PPCA likelihood with σ² = mean discarded variance; precision inverts covariance', () => {
    const X = spectrumData(150, 7, 'score', [20, 8, 3]);
    const pca = new PCA({ nComponents: 2 }).fit(X);
    const c = pca.getCovariance().data as Float64Array;
    const p = pca.getPrecision().data as Float64Array;
    expect(maxAbsDiff(matmul(c, p, 7, 7, 7), Float64Array.from({ length: 49 }, (_, i) => (i % 8 === 0 ? 1 : 0)))).toBeLessThan(1e-12);
    const ll = pca.scoreSamples(X).data as Float64Array;
    expect(ll.length).toBe(150);
    expect(pca.score(X)).toBeCloseTo(ll.reduce((a, b) => a + b, 0) / 150, 12);
    for (let i = 0; i < 5; i++) {
      const ref = denseLogDensity(X.data.subarray(i * 7, i * 7 + 7), pca.mean, c, 7);
      expect(Math.abs(ll[i] - ref)).toBeLessThan(1e-10 * Math.abs(ref));
    }
    expect(allFinite(ll)).toBe(true);
  });
});
