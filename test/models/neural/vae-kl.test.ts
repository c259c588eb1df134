/**
 * TESTING §3.1 items 16–18: the analytic KL against the general Gaussian KL and a Monte-Carlo
 * estimate, and the reparameterisation (pathwise) gradient.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianKl } from '../../../src/autodiff/functional.js';
import { addNegativeKl, reparameterize } from '../../../src/models/neural/vae-likelihood.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** KL(N(μ, Σ) ‖ N(0, I)) = ½[tr Σ + μᵀμ − k − ln|Σ|] for a diagonal Σ given by its log-variances. */
function generalKl(mu: number[], logVar: number[]): number {
  const k = mu.length;
  let tr = 0;
  let mm = 0;
  let logDet = 0;
  for (let j = 0; j < k; j++) {
    tr += Math.exp(logVar[j]);
    mm += mu[j] * mu[j];
    logDet += logVar[j];
  }
  return 0.5 * (tr + mm - k - logDet);
}

const vec = (k: number, min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: k, maxLength: k });

describe('analytic KL (item 16)', () => {
  it('equals the general Gaussian KL to 1e-12 and is ≥ 0', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }).chain((k) => fc.tuple(vec(k, -3, 3), vec(k, -4, 2))), ([mu, lv]) => {
      const kl = gaussianKl(Tensor.from([mu], { dtype: 'float64' }), Tensor.from([lv], { dtype: 'float64' }), { reduction: 'sum' }).item();
      const ref = generalKl(mu, lv);
      expect(Math.abs(kl - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref));
      expect(kl).toBeGreaterThanOrEqual(0);
      // The graph-free form used by VAE.elbo agrees.
      const acc = new Float64Array(1);
      addNegativeKl(Float64Array.from([...mu, ...lv]), 1, mu.length, 1, acc);
      expect(Math.abs(-acc[0] - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref));
    }), { seed: 16, numRuns: 200 });
  });

  it('is zero exactly at μ = 0, σ = 1 and positive elsewhere', () => {
    const kl = (mu: number[], lv: number[]) => gaussianKl(Tensor.from([mu], { dtype: 'float64' }), Tensor.from([lv], { dtype: 'float64' }), { reduction: 'sum' }).item();
    expect(kl([0, 0, 0], [0, 0, 0])).toBe(0);
    expect(kl([1e-4, 0, 0], [0, 0, 0])).toBeGreaterThan(0);
    expect(kl([0, 0, 0], [0, -1e-4, 0])).toBeGreaterThan(0);
  });
});

describe('Monte-Carlo KL (item 17)', () => {
  it('mean_s[ln q(z_s) − ln p(z_s)] with z_s = μ + σ·ε_s is within 5 standard errors of the analytic KL (S = 4096)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(vec(k, -3, 3), vec(k, -4, 2))), fc.integer({ min: 0, max: 1e6 }), ([mu, lv], seed) => {
      const k = mu.length;
      const S = 4096;
      const rng = new Rng(seed);
      const h = Float64Array.from([...mu, ...lv]);
      const eps = new Float64Array(k);
      const z = new Float64Array(k);
      let sum = 0;
      let sum2 = 0;
      for (let s = 0; s < S; s++) {
        rng.fillNormal(eps);
        const w = new Float64Array(1);
        reparameterize(h, eps, 1, k, z, w); // w = ln p(z) − ln q(z | x)
        // Cross-check the closed form of w against the densities written out.
        let lq = 0;
        let lp = 0;
        for (let j = 0; j < k; j++) {
          lq += -0.5 * (LOG_2PI + lv[j] + (z[j] - mu[j]) ** 2 / Math.exp(lv[j]));
          lp += -0.5 * (LOG_2PI + z[j] * z[j]);
        }
        expect(Math.abs(w[0] - (lp - lq))).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(lp - lq)));
        const v = -w[0];
        sum += v;
        sum2 += v * v;
      }
      const mean = sum / S;
      const se = Math.sqrt(Math.max(sum2 / S - mean * mean, 0) / S);
      expect(Math.abs(mean - generalKl(mu, lv))).toBeLessThanOrEqual(5 * se + 1e-12);
    }), { seed: 17, numRuns: 25 });
  });
});

describe('reparameterisation gradient (item 18)', () => {
  it('pathwise estimates of ∂/∂μ E‖z‖² and ∂/∂σ E‖z‖² match 2μ and 2σ within 5 standard errors', () => {
    fc.assert(fc.property(vec(3, -2, 2), vec(3, -2, 1), fc.integer({ min: 0, max: 1e6 }), (mu0, lv0, seed) => {
      const S = 4096;
      const k = 3;
      const rng = new Rng(seed);
      const mu = Tensor.from([mu0], { dtype: 'float64', requiresGrad: true });
      const logVar = Tensor.from([lv0], { dtype: 'float64', requiresGrad: true });
      const eps = Tensor.randn([S, k], rng, { dtype: 'float64' });
      // The same expression as the VAE: z = μ + exp(½ ln σ²) ⊙ ε, broadcast over S rows.
      const z = mu.add(logVar.mul(0.5).exp().mul(eps));
      z.square().sum().div(S).backward();
      for (let j = 0; j < k; j++) {
        const sigma = Math.exp(0.5 * lv0[j]);
        // Per-sample pathwise gradients: ∂‖z‖²/∂μ = 2z, ∂‖z‖²/∂σ = 2z·ε.
        let gm = 0; let gm2 = 0; let gs = 0; let gs2 = 0;
        for (let s = 0; s < S; s++) {
          const e = eps.data[s * k + j];
          const zz = mu0[j] + sigma * e;
          gm += 2 * zz; gm2 += 4 * zz * zz;
          gs += 2 * zz * e; gs2 += 4 * zz * zz * e * e;
        }
        const meanM = gm / S;
        const meanS = gs / S;
        const seM = Math.sqrt((gm2 / S - meanM * meanM) / S);
        const seS = Math.sqrt((gs2 / S - meanS * meanS) / S);
        // Autodiff computes the same estimator: ∂/∂μ directly, ∂/∂σ = ∂/∂lnσ² · 2/σ.
        expect(mu.grad!.data[j]).toBeCloseTo(meanM, 9);
        expect(logVar.grad!.data[j] * 2 / sigma).toBeCloseTo(meanS, 9);
        expect(Math.abs(meanM - 2 * mu0[j])).toBeLessThanOrEqual(5 * seM);
        expect(Math.abs(meanS - 2 * sigma)).toBeLessThanOrEqual(5 * seS);
      }
    }), { seed: 18, numRuns: 25 });
  });
});
