/**
 * PPCA by EM: it reaches the closed-form fixed point (from S when D ≤ N, from the data when D is
 * large), never lowers the likelihood, and with `missing: 'nan'` fits data with holes, with the
 * likelihood and posteriors of each row taken over its observed entries only.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { solve } from '../../../src/linalg/index.js';
import { Rng } from '../../../src/random/rng.js';
import { NonFiniteError } from '../../../src/errors.js';
import { seedArb } from '../../helpers/arbitraries.js';
import { allFinite, bytesOf, denseLogDensity, lowRankData, matmul, maxAbs, maxAbsDiff, spectrumData, transposeOf, type Mat } from './pca-fixtures.js';

function relFrob(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function nonDecreasing(h: Float64Array, slack: number): boolean {
  for (let i = 1; i < h.length; i++) if (h[i] < h[i - 1] - slack * Math.abs(h[i - 1])) return false;
  return true;
}

/** A copy of X with each entry NaN with probability p (seeded). */
function withHoles(x: Mat, p: number, seed: string): Mat {
  const rng = new Rng(seed);
  return { data: Float64Array.from(x.data, (v) => (rng.uniform() < p ? NaN : v)), shape: x.shape };
}

describe('PPCA EM (complete data)', () => {
  it('reaches the closed-form fixed point: same C, σ², likelihood and canonical W; likelihood never decreases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 8 }), seedArb, fc.boolean(), (d, seed, wide) => {
        // wide: N < D, so EM runs on the data instead of S.
        const n = wide ? d - 1 + 2 : 120;
        const X = spectrumData(Math.max(n, 3), d, seed, [20, 8, 2], 0.1);
        const k = wide ? 1 : 2;
        const cf = new PPCA({ nComponents: k }).fit(X);
        const em = new PPCA({ nComponents: k, method: 'em', tol: 1e-14, maxIter: 20000, seed }).fit(X);
        expect(em.converged).toBe(true);
        expect(nonDecreasing(em.logLikelihoodHistory, 1e-13)).toBe(true);
        expect(Math.abs(em.noiseVariance / cf.noiseVariance - 1)).toBeLessThan(1e-5);
        // EM stops on the change of ℓ, which is quadratic in the parameter error: parameters
        // are good to about √tol relative, so 1e-5 leaves a margin over the 1e-6 seen.
        expect(relFrob(em.getCovariance().data, cf.getCovariance().data)).toBeLessThan(1e-5);
        expect(Math.abs(em.score(X) - cf.score(X))).toBeLessThan(1e-9 * Math.abs(cf.score(X)));
        expect(maxAbsDiff(em.components.transpose().data, cf.components.transpose().data)).toBeLessThan(1e-3 * maxAbs(cf.components.transpose().data));
        expect(maxAbsDiff(em.mean, cf.mean)).toBeLessThan(1e-12 * Math.max(1, maxAbs(cf.mean)));
      }),
      { numRuns: 12, seed: 401 },
    );
  });

  it('stops at maxIter with converged = false and keeps a usable model', () => {
    const X = spectrumData(60, 5, 'iter', [5, 2]);
    const m = new PPCA({ nComponents: 2, method: 'em', maxIter: 3, tol: 0 }).fit(X);
    expect(m.nIter).toBe(3);
    expect(m.converged).toBe(false);
    expect(m.logLikelihoodHistory.length).toBe(3);
    expect(allFinite(m.scoreSamples(X).data)).toBe(true);
    const cf = new PPCA({ nComponents: 2 }).fit(X);
    expect(cf.nIter).toBe(0);
    expect(cf.converged).toBe(true);
    expect(cf.logLikelihoodHistory.length).toBe(0);
  });

  it('W comes out canonical: orthogonal columns of decreasing norm, largest entry of each column positive', () => {
    const X = spectrumData(100, 6, 'canon', [10, 4, 1]);
    const W = new PPCA({ nComponents: 3, method: 'em', seed: 5 }).fit(X).components.transpose().data as Float64Array;
    const g = matmul(transposeOf(W, 6, 3), W, 3, 6, 3);
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) if (p !== q) expect(Math.abs(g[p * 3 + q])).toBeLessThan(1e-10 * g[0]);
    expect(g[0]).toBeGreaterThanOrEqual(g[4]);
    expect(g[4]).toBeGreaterThanOrEqual(g[8]);
    for (let q = 0; q < 3; q++) {
      let at = 0;
      for (let j = 1; j < 6; j++) if (Math.abs(W[j * 3 + q]) > Math.abs(W[at * 3 + q])) at = j;
      expect(W[at * 3 + q]).toBeGreaterThan(0);
    }
  });
});

describe('PPCA EM with missing values (missing: "nan")', () => {
  const complete = (() => {
    const base = lowRankData(400, 8, 2, 'miss');
    const rng = new Rng('noise');
    return { data: base.data.map((v) => v + 0.1 * rng.normal()), shape: base.shape } as Mat;
  })();

  it('without any NaN it is exactly the complete-data EM', () => {
    const a = new PPCA({ nComponents: 2, method: 'em', missing: 'nan', seed: 3 }).fit(complete);
    const b = new PPCA({ nComponents: 2, method: 'em', seed: 3 }).fit(complete);
    expect(bytesOf(a.components.transpose())).toEqual(bytesOf(b.components.transpose()));
    expect(a.noiseVariance).toBe(b.noiseVariance);
  });

  it('recovers the complete-data fit from 10% missing entries on low-rank data; the likelihood never decreases', () => {
    const holes = withHoles(complete, 0.1, 'holes');
    const cf = new PPCA({ nComponents: 2 }).fit(complete);
    // EM converges linearly at a rate near 1 − σ²/λ_k, slow for this low-noise data: tol 1e-10
    // is reached in a few thousand iterations (1e-12 is not within 5000).
    const m = new PPCA({ nComponents: 2, method: 'em', missing: 'nan', tol: 1e-10, maxIter: 5000 }).fit(holes);
    expect(m.converged).toBe(true);
    expect(nonDecreasing(m.logLikelihoodHistory, 1e-12)).toBe(true);
    expect(relFrob(m.getCovariance().data, cf.getCovariance().data)).toBeLessThan(0.02);
    expect(Math.abs(m.noiseVariance / cf.noiseVariance - 1)).toBeLessThan(0.1);
    expect(maxAbsDiff(m.mean, cf.mean)).toBeLessThan(0.05 * maxAbs(cf.mean));
    // Imputing the holes with the posterior means lands close to the true values.
    const z = m.transform(holes);
    const xhat = m.inverseTransform(z).data;
    let err = 0;
    let count = 0;
    holes.data.forEach((v, i) => {
      if (v !== v) {
        err += (xhat[i] - complete.data[i]) ** 2;
        count++;
      }
    });
    expect(Math.sqrt(err / count)).toBeLessThan(0.3);
    expect(allFinite(m.components.transpose().data)).toBe(true);
  });

  it('logLikelihood of a row is the dense Gaussian marginal over its observed entries', () => {
    const holes = withHoles(complete, 0.25, 'marginal');
    const m = new PPCA({ nComponents: 2, method: 'em', missing: 'nan', maxIter: 50 }).fit(holes);
    const c = m.getCovariance().data as Float64Array;
    const mu = m.mean;
    const ll = m.scoreSamples(holes).data;
    const d = 8;
    for (let i = 0; i < 20; i++) {
      const obs: number[] = [];
      for (let j = 0; j < d; j++) if (holes.data[i * d + j] === holes.data[i * d + j]) obs.push(j);
      const co = new Float64Array(obs.length ** 2);
      obs.forEach((a, p) => obs.forEach((b, q) => { co[p * obs.length + q] = c[a * d + b]; }));
      const ref = obs.length === 0 ? 0 : denseLogDensity(obs.map((j) => holes.data[i * d + j]), obs.map((j) => mu[j]), co, obs.length);
      expect(Math.abs(ll[i] - ref)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref)));
    }
    const complete20 = { data: complete.data.subarray(0, 20 * d), shape: [20, d] };
    expect(allFinite(m.scoreSamples(complete20).data)).toBe(true);
  });

  it('per-row posteriors condition on the observed entries; an all-NaN row gets the prior and ln p = 0', () => {
    const m = new PPCA({ nComponents: 2, method: 'em', missing: 'nan', maxIter: 30 }).fit(withHoles(complete, 0.1, 'post'));
    const d = 8;
    const row = Float64Array.from(complete.data.subarray(0, d));
    row[1] = NaN;
    row[5] = NaN;
    const empty = new Float64Array(d).fill(NaN);
    const X = { data: Float64Array.from([...row, ...empty]), shape: [2, d] };
    const post = m.posterior(X);
    expect(post.covariance.shape).toEqual([2, 2, 2]);
    const obs = [0, 2, 3, 4, 6, 7];
    const W = m.components.transpose().data as Float64Array;
    const c = m.getCovariance().data as Float64Array;
    const wo = new Float64Array(obs.length * 2);
    obs.forEach((j, p) => { wo[p * 2] = W[j * 2]; wo[p * 2 + 1] = W[j * 2 + 1]; });
    const co = new Float64Array(obs.length ** 2);
    obs.forEach((a, p) => obs.forEach((b, q) => { co[p * obs.length + q] = c[a * d + b]; }));
    const cInvW = solve({ data: co, shape: [obs.length, obs.length] }, { data: wo, shape: [obs.length, 2] }).data as Float64Array;
    const r = obs.map((j) => row[j] - m.mean[j]);
    const mean = matmul(Float64Array.from(r), cInvW, 1, obs.length, 2);
    expect(maxAbsDiff(post.mean.data.subarray(0, 2), mean)).toBeLessThan(1e-9 * Math.max(1, maxAbs(mean)));
    const wc = matmul(transposeOf(wo, obs.length, 2), cInvW, 2, obs.length, 2);
    expect(maxAbsDiff(post.covariance.data.subarray(0, 4), [1 - wc[0], -wc[1], -wc[2], 1 - wc[3]])).toBeLessThan(1e-9);
    expect(Array.from(post.mean.data.subarray(2, 4))).toEqual([0, 0]);
    expect(maxAbsDiff(post.covariance.data.subarray(4, 8), [1, 0, 0, 1])).toBeLessThan(1e-15);
    expect(m.scoreSamples(X).data[1]).toBe(0);
  });

  it('errors: NaN without missing: "nan", Infinity even with it, an unobserved column, the closed form with missing', () => {
    const holes = withHoles(complete, 0.1, 'err');
    expect(() => new PPCA({ nComponents: 2, method: 'em' }).fit(holes)).toThrow(NonFiniteError);
    expect(() => new PPCA({ nComponents: 2 }).fit(holes)).toThrow(/PPCA\.fit: X contains NaN at \[row \d+, col \d+\]/);
    const inf = { data: Float64Array.from(holes.data), shape: holes.shape };
    inf.data[3] = Infinity;
    expect(() => new PPCA({ nComponents: 2, method: 'em', missing: 'nan' }).fit(inf)).toThrow(/X contains Infinity at \[row 0, col 3\]/);
    const col = { data: Float64Array.from(complete.data), shape: complete.shape };
    for (let i = 0; i < 400; i++) col.data[i * 8 + 6] = NaN;
    expect(() => new PPCA({ nComponents: 2, method: 'em', missing: 'nan' }).fit(col)).toThrow(/PPCA\.fit: X column 6 has no observed \(non-NaN\) values/);
    expect(() => new PPCA({ nComponents: 2, missing: 'nan' })).toThrow(/missing: 'nan' needs method: 'em'/);
    const fitted = new PPCA({ nComponents: 2 }).fit(complete);
    expect(() => fitted.scoreSamples(holes).data).toThrow(NonFiniteError);
  });
});
