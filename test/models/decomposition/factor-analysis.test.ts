/**
 * FactorAnalysis against scikit-learn 1.2.1 (test/fixtures/sklearn/factor-analysis.json, written
 * by scripts/fixtures/factor-analysis.py: 200 × 10 rows with 3 factors and heteroscedastic
 * noise), and its reduction to PPCA when Ψ is isotropic.
 *
 * Sign convention: each component's largest-magnitude loading is positive (the script flips
 * scikit-learn's components_ the same way before calling transform), so components and codes
 * are compared directly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FactorAnalysis, type FactorAnalysisOptions } from '../../../src/models/decomposition/factor-analysis.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { denseLogDensity, maxAbs, maxAbsDiff, spectrumData } from './pca-fixtures.js';

interface Case {
  name: string;
  options: { rotation?: 'varimax' | 'quartimax'; noise_variance_init?: number[]; max_iter?: number; tol?: number };
  loglike: number[];
  nIter: number;
  noiseVariance: number[];
  components: number[][];
  mean: number[];
  score: number;
  scoreSamples: number[];
  transform: number[][];
  precision: number[][] | null;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/sklearn/factor-analysis.json', import.meta.url), 'utf8')) as {
  X: number[][]; nComponents: number; cases: Case[]; digits: { X: number[][]; nComponents: number; case: Case };
};
const X = fixture.X;

function optionsOf(c: Case): FactorAnalysisOptions {
  const o: FactorAnalysisOptions = { nComponents: fixture.nComponents, svdMethod: 'lapack' };
  if (c.options.rotation !== undefined) o.rotation = c.options.rotation;
  if (c.options.noise_variance_init !== undefined) o.noiseVarianceInit = c.options.noise_variance_init;
  if (c.options.max_iter !== undefined) o.maxIter = c.options.max_iter;
  if (c.options.tol !== undefined) o.tol = c.options.tol;
  return o;
}

/** max |a − e| / max |e|. */
function relErr(a: ArrayLike<number>, e: ArrayLike<number>): number {
  return maxAbsDiff(a, e) / maxAbs(e);
}

describe('FactorAnalysis matches scikit-learn (svd_method lapack)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const fa = new FactorAnalysis(optionsOf(c)).fit(X);
    expect(fa.nIter).toBe(c.nIter);
    expect(fa.converged).toBe(c.name !== 'init-short');
    const ll = fa.loglike;
    expect(ll.length).toBe(c.loglike.length);
    for (let i = 0; i < ll.length; i++) expect(Math.abs(ll[i] - c.loglike[i]) / Math.abs(c.loglike[i]), `iteration ${i}`).toBeLessThan(1e-10);
    expect(relErr(fa.noiseVariance, c.noiseVariance)).toBeLessThan(1e-9);
    expect(fa.components.shape).toEqual([3, 10]);
    expect(relErr(fa.components.data, c.components.flat())).toBeLessThan(1e-9);
    expect(maxAbsDiff(fa.mean, c.mean)).toBeLessThan(1e-12);
    expect(Math.abs(fa.score(X) - c.score) / Math.abs(c.score)).toBeLessThan(1e-12);
    expect(relErr(fa.scoreSamples(X).data, c.scoreSamples)).toBeLessThan(1e-11);
    expect(relErr(fa.transform(X.slice(0, 20)).data, c.transform.flat())).toBeLessThan(1e-9);
    if (c.precision !== null) expect(relErr(fa.getPrecision().data, c.precision.flat())).toBeLessThan(1e-11);
  });

  it('on 150 digits (constant pixels: Ψ at the 1e-12 floor), the same iterations, likelihoods and Ψ', () => {
    const { X: digits, nComponents, case: c } = fixture.digits;
    const fa = new FactorAnalysis({ nComponents, svdMethod: 'lapack' }).fit(digits);
    expect(fa.nIter).toBe(c.nIter);
    const ll = fa.loglike;
    expect(ll.length).toBe(c.loglike.length);
    for (let i = 0; i < ll.length; i++) expect(Math.abs(ll[i] - c.loglike[i]) / Math.abs(c.loglike[i]), `iteration ${i}`).toBeLessThan(1e-10);
    const psi = fa.noiseVariance;
    for (let j = 0; j < psi.length; j++) {
      const e = c.noiseVariance[j];
      if (e === 1e-12) expect(psi[j], `feature ${j}`).toBe(1e-12);
      else expect(Math.abs(psi[j] - e) / e, `feature ${j}`).toBeLessThan(1e-10);
    }
    expect(relErr(fa.components.data, c.components.flat())).toBeLessThan(1e-10);
    expect(Math.abs(fa.score(digits) - c.score) / Math.abs(c.score)).toBeLessThan(1e-10);
    expect(relErr(fa.transform(digits.slice(0, 20)).data, c.transform.flat())).toBeLessThan(1e-10);
  });

  it('varimax and quartimax change the loadings but not the model: same Ψ, likelihood and covariance', () => {
    const plain = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack' }).fit(X);
    const cov = plain.getCovariance().data;
    for (const rotation of ['varimax', 'quartimax'] as const) {
      const r = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack', rotation }).fit(X);
      expect(maxAbsDiff(r.components.data, plain.components.data)).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(r.noiseVariance, plain.noiseVariance)).toBe(0);
      expect(relErr(r.getCovariance().data, cov)).toBeLessThan(1e-12);
      expect(Math.abs(r.score(X) - plain.score(X))).toBeLessThan(1e-12 * Math.abs(plain.score(X)));
    }
  });

  it('the randomized SVD (seeded) gives the same fit to ~1e-9 on this well-separated spectrum', () => {
    const exact = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack' }).fit(X);
    const a = new FactorAnalysis({ nComponents: 3, seed: 4 }).fit(X);
    const b = new FactorAnalysis({ nComponents: 3, seed: 4 }).fit(X);
    expect(a.options.svdMethod).toBe('randomized');
    expect(Array.from(a.loglike)).toEqual(Array.from(b.loglike));
    expect(relErr(a.loglike, exact.loglike)).toBeLessThan(1e-9);
    expect(relErr(a.components.data, exact.components.data)).toBeLessThan(1e-6);
  });
});

describe('FactorAnalysis definitions', () => {
  const fa = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack', tol: 1e-8 }).fit(X);
  const d = 10;

  it('getCovariance is WᵀW + diag(Ψ), and scoreSamples is the dense log-density under it', () => {
    const w = fa.components.data;
    const psi = fa.noiseVariance;
    const cov = fa.getCovariance().data;
    const expected = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = i === j ? psi[i] : 0;
        for (let q = 0; q < 3; q++) s += w[q * d + i] * w[q * d + j];
        expected[i * d + j] = s;
      }
    }
    expect(relErr(cov, expected)).toBeLessThan(1e-13);
    const ll = fa.scoreSamples(X).data;
    for (let n = 0; n < 20; n++) expect(ll[n]).toBeCloseTo(denseLogDensity(X[n], fa.mean, expected, d), 10);
  });

  it('at convergence, N·score(X) is the last loglike', () => {
    const last = fa.loglike[fa.loglike.length - 1];
    expect(Math.abs(X.length * fa.score(X) - last) / Math.abs(last)).toBeLessThan(1e-8);
  });

  it('transform is (I + WΨ⁻¹Wᵀ)⁻¹WΨ⁻¹(x − μ), decode is Wᵀz + μ, fitTransform is fit then transform', () => {
    const z = fa.transform(X).data;
    const w = fa.components.data;
    const psi = fa.noiseVariance;
    // Check the normal equations (I + WΨ⁻¹Wᵀ)·z = WΨ⁻¹(x − μ) for a few rows.
    for (let n = 0; n < 5; n++) {
      for (let p = 0; p < 3; p++) {
        let lhs = z[n * 3 + p];
        for (let q = 0; q < 3; q++) {
          let m = 0;
          for (let j = 0; j < d; j++) m += (w[p * d + j] * w[q * d + j]) / psi[j];
          lhs += m * z[n * 3 + q];
        }
        let rhs = 0;
        for (let j = 0; j < d; j++) rhs += (w[p * d + j] * (X[n][j] - fa.mean[j])) / psi[j];
        expect(lhs).toBeCloseTo(rhs, 10);
      }
    }
    const back = fa.inverseTransform({ data: Float64Array.of(1, -2, 0.5), shape: [1, 3] }).data;
    for (let j = 0; j < d; j++) expect(back[j]).toBeCloseTo(fa.mean[j] + w[j] - 2 * w[d + j] + 0.5 * w[2 * d + j], 12);
    const again = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack', tol: 1e-8 });
    expect(Array.from(again.fitTransform(X).data)).toEqual(Array.from(z));
  });

  it('sample draws from N(μ, WᵀW + Ψ): deterministic per seed, moments close for many draws', () => {
    const a = fa.sample(4000, { seed: 3 });
    expect(Array.from(fa.sample(5, { seed: 3 }).data)).toEqual(Array.from(a.data.subarray(0, 50)));
    const cov = fa.getCovariance().data;
    for (let j = 0; j < d; j++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < 4000; i++) {
        const v = a.data[i * d + j] - fa.mean[j];
        s += v;
        s2 += v * v;
      }
      const sd = Math.sqrt(cov[j * d + j]);
      expect(Math.abs(s / 4000)).toBeLessThan(5 * sd / Math.sqrt(4000));
      expect(Math.abs(s2 / 4000 / cov[j * d + j] - 1)).toBeLessThan(0.15);
    }
  });
});

describe('FactorAnalysis reduces to PPCA when Ψ is isotropic', () => {
  it('with Ψ = σ²·1 and PPCA\'s W, the likelihood, covariance, precision and codes are PPCA\'s', () => {
    const data = spectrumData(80, 6, 'fa-ppca', [9, 4, 1], 0.3, 2);
    const ppca = new PPCA({ nComponents: 2 }).fit(data);
    const fitted = new FactorAnalysis({ nComponents: 2, svdMethod: 'lapack' }).fit(data);
    const state = fitted.toState();
    state.tensors.components = { shape: [2, 6], data: Float64Array.from(ppca.components.data) };
    state.tensors.noiseVariance = { shape: [6], data: new Float64Array(6).fill(ppca.noiseVariance) };
    state.tensors.mean = { shape: [6], data: ppca.mean };
    const fa = FactorAnalysis.fromState(state);
    expect(relErr(fa.scoreSamples(data).data, ppca.scoreSamples(data).data)).toBeLessThan(1e-13);
    expect(relErr(fa.getCovariance().data, ppca.getCovariance().data)).toBeLessThan(1e-13);
    expect(relErr(fa.getPrecision().data, ppca.getPrecision().data)).toBeLessThan(1e-12);
    expect(relErr(fa.transform(data).data, ppca.transform(data).data)).toBeLessThan(1e-12);
    // And the fitted FA, free to use a diagonal Ψ, explains the data at least as well.
    expect(fitted.score(data)).toBeGreaterThanOrEqual(ppca.score(data) - 1e-9);
  });
});
