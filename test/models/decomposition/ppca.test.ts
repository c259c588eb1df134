/**
 * PPCA identities, docs/testing.md §3.1 items 8–15: Woodbury, the determinant lemma, the posterior
 * as Gaussian conditioning, the likelihood against a dense Cholesky evaluation, the ML fixed
 * point, rotation invariance, the small-noise limit and sampling.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { eigh, logDet, solve } from '../../../src/linalg/index.js';
import { Rng } from '../../../src/random/rng.js';
import { seedArb } from '../../helpers/arbitraries.js';
import {
  allFinite, covarianceOf, denseLogDensity, matmul, maxAbs, maxAbsDiff, normalMatrix, orthogonal, ppcaFromParams, spectrumData,
  transposeOf,
} from './pca-fixtures.js';

/** A random PPCA: D ∈ [2, 8], 1 ≤ k < D, W ~ N(0, 1), μ ~ N(0, 4), σ² = 10^(e/4) ∈ [1e-3, 10]. */
const paramsArb = fc
  .record({ d: fc.integer({ min: 2, max: 8 }), kPick: fc.nat(), seed: seedArb, e: fc.integer({ min: -12, max: 4 }) })
  .map(({ d, kPick, seed, e }) => {
    const k = 1 + (kPick % (d - 1));
    const w = normalMatrix(d, k, `${seed}:w`).data;
    const mu = normalMatrix(1, d, `${seed}:mu`).data.map((x) => 2 * x);
    return { d, k, w, mu, sigma2: 10 ** (e / 4), seed };
  });

const eye = (n: number): Float64Array => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

/** M = WᵀW + σ²I. */
function mMatrix(w: Float64Array, sigma2: number, d: number, k: number): Float64Array {
  const m = matmul(transposeOf(w, d, k), w, k, d, k);
  for (let i = 0; i < k; i++) m[i * k + i] += sigma2;
  return m;
}

describe('PPCA identities (docs/testing.md §3.1, items 8–15)', () => {
  it('8: C·C⁻¹ = I with C⁻¹ = σ⁻²(I − W·M⁻¹·Wᵀ), to 1e-10·cond(C)', () => {
    fc.assert(
      fc.property(paramsArb, ({ d, k, w, mu, sigma2 }) => {
        const model = ppcaFromParams(w, mu, sigma2, d, k);
        const c = model.getCovariance().data as Float64Array;
        const p = model.getPrecision().data as Float64Array;
        const ev = eigh({ data: c, shape: [d, d] }, { k: 0 }).values;
        const cond = ev[0] / ev[d - 1];
        expect(maxAbsDiff(matmul(c, p, d, d, d), eye(d))).toBeLessThan(1e-10 * cond);
        // The lecture's σ⁻¹ form is wrong whenever σ ≠ 1: make sure we did not implement it.
        const mInv = solve({ data: mMatrix(w, sigma2, d, k), shape: [k, k] }, { data: eye(k), shape: [k, k] }).data as Float64Array;
        const wmw = matmul(matmul(w, mInv, d, k, k), transposeOf(w, d, k), d, k, d);
        const lecture = Float64Array.from(wmw, (x, i) => (i % (d + 1) === 0 ? 1 / Math.sqrt(sigma2) : 0) - x / sigma2);
        if (Math.abs(sigma2 - 1) > 0.1) expect(maxAbsDiff(lecture, p)).toBeGreaterThan(1e-6);
      }),
      { numRuns: 80, seed: 301 },
    );
  });

  it('9: ln|C| = (D − k)·ln σ² + ln|M| (read from ln p(μ) = −½[D ln 2π + ln|C|])', () => {
    fc.assert(
      fc.property(paramsArb, ({ d, k, w, mu, sigma2 }) => {
        const model = ppcaFromParams(w, mu, sigma2, d, k);
        const logDetC = logDet(model.getCovariance());
        const lemma = (d - k) * Math.log(sigma2) + logDet({ data: mMatrix(w, sigma2, d, k), shape: [k, k] });
        expect(Math.abs(lemma - logDetC)).toBeLessThan(1e-10 * Math.max(1, Math.abs(logDetC)));
        const atMean = model.scoreSamples({ data: mu, shape: [1, d] }).data[0];
        expect(Math.abs(atMean + 0.5 * (d * Math.log(2 * Math.PI) + logDetC))).toBeLessThan(1e-10 * Math.max(1, Math.abs(atMean)));
      }),
      { numRuns: 80, seed: 302 },
    );
  });

  it('10: the posterior is the Gaussian conditional of [z; x]: mean M⁻¹Wᵀ(x − μ) = WᵀC⁻¹(x − μ), covariance σ²M⁻¹ = I − WᵀC⁻¹W', () => {
    fc.assert(
      fc.property(paramsArb, ({ d, k, w, mu, sigma2, seed }) => {
        const model = ppcaFromParams(w, mu, sigma2, d, k);
        const X = normalMatrix(5, d, `${seed}:x`);
        const post = model.posterior(X);
        const c = model.getCovariance();
        const cInvW = solve(c, { data: w, shape: [d, k] }).data as Float64Array; // C⁻¹W, d×k
        const r = Float64Array.from(X.data, (x, i) => x - mu[i % d]);
        const mean = matmul(r, cInvW, 5, d, k);
        expect(post.mean.shape).toEqual([5, k]);
        expect(maxAbsDiff(post.mean.data, mean)).toBeLessThan(1e-9 * Math.max(1, maxAbs(mean)));
        const cov = eye(k).map((x, i) => x - matmul(transposeOf(w, d, k), cInvW, k, d, k)[i]);
        expect(post.covariance.shape).toEqual([k, k]);
        expect(maxAbsDiff(post.covariance.data, cov)).toBeLessThan(1e-9);
        // And not the lecture's σ⁻²M⁻¹.
        if (Math.abs(sigma2 - 1) > 0.1) expect(maxAbsDiff(post.covariance.data, cov.map((x) => x / sigma2 ** 2))).toBeGreaterThan(1e-9);
        expect(maxAbsDiff(model.transform(X).data, post.mean.data)).toBe(0);
      }),
      { numRuns: 80, seed: 303 },
    );
  });

  it('11: the Woodbury log-likelihood equals a dense Cholesky evaluation and −(N/2)[D ln 2π + ln|C| + tr(C⁻¹S)]', () => {
    fc.assert(
      fc.property(paramsArb, fc.integer({ min: 1, max: 12 }), ({ d, k, w, mu, sigma2, seed }, n) => {
        const model = ppcaFromParams(w, mu, sigma2, d, k);
        const X = normalMatrix(n, d, `${seed}:data`);
        const ll = model.scoreSamples(X).data;
        const c = model.getCovariance().data as Float64Array;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const ref = denseLogDensity(X.data.subarray(i * d, i * d + d), mu, c, d);
          expect(Math.abs(ll[i] - ref)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref)));
          sum += ll[i];
        }
        // S about μ (1/N).
        const s = new Float64Array(d * d);
        for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s[a * d + b] += ((X.data[i * d + a] - mu[a]) * (X.data[i * d + b] - mu[b])) / n;
        const cInvS = solve(model.getCovariance(), { data: s, shape: [d, d] }).data as Float64Array;
        let tr = 0;
        for (let a = 0; a < d; a++) tr += cInvS[a * d + a];
        const prml = -(n / 2) * (d * Math.log(2 * Math.PI) + logDet(model.getCovariance()) + tr);
        expect(Math.abs(sum - prml)).toBeLessThan(1e-9 * Math.max(1, Math.abs(prml)));
        expect(model.score(X)).toBeCloseTo(sum / n, 9);
      }),
      { numRuns: 60, seed: 304 },
    );
  });

  it('12: closed-form ML: σ² = mean of discarded eigenvalues, C has eigenvalues λ₁..λ_k then σ², zero gradient, a maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 30, max: 80 }), seedArb, (d, n, seed) => {
        const k = Math.max(1, d - 2);
        const X = spectrumData(n, d, seed, [9, 5, 3, 2, 1.5, 1.2, 1], 0.5);
        const model = new PPCA({ nComponents: k }).fit(X);
        const { mean, cov } = covarianceOf(X, 0);
        expect(maxAbsDiff(model.mean, mean)).toBeLessThan(1e-12 * Math.max(1, maxAbs(mean)));
        const lambda = eigh({ data: cov, shape: [d, d] }).values;
        const discarded = lambda.subarray(k).reduce((a, b) => a + b, 0) / (d - k);
        expect(Math.abs(model.noiseVariance - discarded)).toBeLessThan(1e-10 * lambda[0]);
        const cEig = eigh(model.getCovariance()).values;
        for (let i = 0; i < d; i++) expect(Math.abs(cEig[i] - (i < k ? lambda[i] : discarded))).toBeLessThan(1e-10 * lambda[0]);
        // Gradient of the mean log-likelihood by central differences, and a local maximum.
        const w = model.components.transpose().data as Float64Array;
        const s2 = model.noiseVariance;
        const f = (ww: Float64Array, ss: number): number => ppcaFromParams(ww, mean, ss, d, k).score(X);
        const l0 = f(w, s2);
        const h = 1e-5;
        let g2 = 0;
        for (let i = 0; i < w.length; i++) {
          const up = Float64Array.from(w);
          const dn = Float64Array.from(w);
          up[i] += h;
          dn[i] -= h;
          g2 += ((f(up, s2) - f(dn, s2)) / (2 * h)) ** 2;
        }
        g2 += ((f(w, s2 + h) - f(w, s2 - h)) / (2 * h)) ** 2;
        // The exact gradient is 0; central differences add rounding noise of about u·|ℓ|/h ≈ 1e-10.
        expect(Math.sqrt(g2)).toBeLessThan(1e-8);
        const rng = new Rng(seed);
        for (let t = 0; t < 4; t++) {
          const wp = Float64Array.from(w, (x) => x + 1e-3 * rng.normal());
          expect(f(wp, s2)).toBeLessThanOrEqual(l0 + 1e-12 * Math.abs(l0));
        }
        expect(f(w, s2 * 1.01)).toBeLessThan(l0);
        expect(f(w, s2 * 0.99)).toBeLessThan(l0);
      }),
      { numRuns: 20, seed: 305 },
    );
  });

  it('13: W·R for orthogonal R leaves C and the likelihood unchanged (PRML 12.39)', () => {
    fc.assert(
      fc.property(paramsArb, ({ d, k, w, mu, sigma2, seed }) => {
        const a = ppcaFromParams(w, mu, sigma2, d, k);
        const r = orthogonal(k, `${seed}:R`);
        const b = ppcaFromParams(matmul(w, r, d, k, k), mu, sigma2, d, k);
        const ca = a.getCovariance().data;
        expect(maxAbsDiff(b.getCovariance().data, ca)).toBeLessThan(1e-12 * Math.max(1, maxAbs(ca)));
        const X = normalMatrix(4, d, `${seed}:x`);
        const la = a.scoreSamples(X).data;
        expect(maxAbsDiff(b.scoreSamples(X).data, la)).toBeLessThan(1e-9 * Math.max(1, maxAbs(la)));
      }),
      { numRuns: 60, seed: 306 },
    );
  });

  it('14: as σ² → 0 with W_ML (R = I) the posterior mean tends to the whitened PCA scores, with error ∝ σ²/λ_k', () => {
    const d = 5;
    const k = 2;
    const X = spectrumData(200, d, 'small-noise', [16, 4, 1, 0.5, 0.25]);
    const { mean, cov } = covarianceOf(X, 0);
    const { values, vectors } = eigh({ data: cov, shape: [d, d] }, { k });
    const u = vectors.data as Float64Array;
    const r = Float64Array.from(X.data, (x, i) => x - mean[i % d]);
    const whitened = matmul(r, u, 200, d, k).map((x, i) => x / Math.sqrt(values[i % k]));
    const ratios: number[] = [];
    for (const t of [1e-2, 1e-3, 1e-4, 1e-5]) {
      const sigma2 = t * values[k - 1];
      const w = Float64Array.from(u, (x, i) => x * Math.sqrt(values[i % k] - sigma2));
      const z = ppcaFromParams(w, mean, sigma2, d, k).transform(X).data;
      const err = maxAbsDiff(z, whitened);
      ratios.push(err / t);
      expect(err).toBeLessThanOrEqual(0.5 * t * maxAbs(whitened) * 1.001);
    }
    // Linear in σ²: the ratio settles to a constant.
    expect(Math.abs(ratios[3] / ratios[2] - 1)).toBeLessThan(0.01);
  });

  it('15: sample(20000) has mean μ and covariance C within 5 standard errors; a seed replays exactly', () => {
    const d = 4;
    const k = 2;
    const w = Float64Array.from([1, 0.5, -0.3, 2, 0.7, 0, 0.1, -1]);
    const mu = Float64Array.from([1, -2, 0.5, 3]);
    const model = ppcaFromParams(w, mu, 0.3, d, k);
    const n = 20000;
    const s = model.sample(n, { seed: 7 });
    expect(s.shape).toEqual([n, d]);
    expect(s.data).toEqual(model.sample(n, { seed: 7 }).data);
    const c = model.getCovariance().data as Float64Array;
    const x = s.data as Float64Array;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + j] / n;
      expect(Math.abs(m - mu[j])).toBeLessThan(5 * Math.sqrt(c[j * d + j] / n));
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let e = 0;
        for (let i = 0; i < n; i++) e += ((x[i * d + a] - mu[a]) * (x[i * d + b] - mu[b])) / n;
        const se = Math.sqrt((c[a * d + a] * c[b * d + b] + c[a * d + b] ** 2) / n);
        expect(Math.abs(e - c[a * d + b])).toBeLessThan(5 * se);
      }
    }
    expect(allFinite(x)).toBe(true);
  });
});
