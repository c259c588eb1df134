/**
 * TESTING §3.1 items 19–20: the ELBO with fixed noise passes float64 gradcheck, and a
 * linear-Gaussian VAE whose encoder is set to the exact posterior has ELBO = PPCA ln p(x).
 * The PPCA quantities are computed here directly with small float64 linear algebra.
 */
import { EigenvalueDecomposition, Matrix, determinant, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../../src/autodiff/gradcheck.js';
import { VAE } from '../../../src/models/neural/vae.js';
import type { VAEOptions } from '../../../src/models/neural/vae-config.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';

function unitData(rows: number, cols: number, seed: number): Tensor {
  return Tensor.rand([rows, cols], new Rng(seed), { dtype: 'float64', low: 0.05, high: 0.95 });
}

describe('ELBO gradient (item 19)', () => {
  const variants: [string, Partial<VAEOptions>][] = [
    ['Bernoulli', { likelihood: 'bernoulli' }],
    ['Gaussian, fixed variance', { likelihood: 'gaussian', decoderVariance: 0.3 }],
    ['Gaussian, learned variance', { likelihood: 'gaussian', decoderVariance: 'learned' }],
    ['Bernoulli, β = 0.25', { likelihood: 'bernoulli', beta: 0.25 }],
  ];
  for (const [name, extra] of variants) {
    it(`with ε fixed the ELBO is deterministic and passes gradcheck in float64 (${name})`, () => {
      const vae = new VAE({ inputDim: 5, hiddenDims: [4, 3], latentDim: 2, activation: 'tanh', dtype: 'float64', seed: 3, ...extra });
      if (extra.decoderVariance === 'learned') {
        vae.setParameter('decoderLogVar', Tensor.from([0.1, -0.2, 0.3, 0, -0.4], { dtype: 'float64' }));
      }
      const X = unitData(3, 5, 1);
      const eps = Tensor.randn([3, 2], new Rng(2), { dtype: 'float64' });
      const a = vae.objective(X, { eps });
      const b = vae.objective(X, { eps });
      expect(a.loss.item()).toBe(b.loss.item());
      expect(a.loss.item()).toBeCloseTo(a.reconstruction.item() + (extra.beta ?? 1) * a.kl.item(), 12);
      const names = [...vae.parameters().keys()];
      const inputs = names.map((n) => vae.parameters().get(n)!);
      const result = gradcheck((...ps) => {
        ps.forEach((p, i) => vae.setParameter(names[i], p));
        return vae.objective(X, { eps }).loss;
      }, inputs, { fullLimit: 64 });
      expect(result.passed).toBe(true);
    });
  }
});

/** PPCA by its closed form (PRML 12.45–12.46 with R = I) and log p(x) by the dense covariance. */
function ppca(X: number[][], k: number) {
  const N = X.length;
  const D = X[0].length;
  const mu = X[0].map((_, j) => X.reduce((s, r) => s + r[j], 0) / N);
  const Xc = new Matrix(X.map((r) => r.map((v, j) => v - mu[j])));
  const S = Xc.transpose().mmul(Xc).div(N);
  const evd = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
  const lambda = order.map(([v]) => v);
  const sigma2 = lambda.slice(k).reduce((a, b) => a + b, 0) / (D - k);
  const W = new Matrix(D, k);
  for (let c = 0; c < k; c++) {
    const col = evd.eigenvectorMatrix.getColumn(order[c][1]);
    const scale = Math.sqrt(lambda[c] - sigma2);
    for (let r = 0; r < D; r++) W.set(r, c, col[r] * scale);
  }
  const C = W.mmul(W.transpose()).add(Matrix.eye(D).mul(sigma2));
  const Cinv = inverse(C);
  const logDetC = Math.log(determinant(C));
  const logp = X.map((x) => {
    const d = Matrix.columnVector(x.map((v, j) => v - mu[j]));
    return -0.5 * (D * Math.log(2 * Math.PI) + logDetC + d.transpose().mmul(Cinv).mmul(d).get(0, 0));
  });
  // M = WᵀW + σ²I is diagonal (= Λ_k) because W's columns are orthogonal.
  const M = W.transpose().mmul(W).add(Matrix.eye(k).mul(sigma2));
  return { mu, W, sigma2, M, logp, lambda };
}

function linearVae(fit: ReturnType<typeof ppca>, D: number, k: number, varianceFactor = 1): VAE {
  const { mu, W, sigma2, M } = fit;
  const vae = new VAE({ inputDim: D, hiddenDims: [], latentDim: k, likelihood: 'gaussian', decoderVariance: sigma2, dtype: 'float64', seed: 0 });
  const A = inverse(M).mmul(W.transpose()); // posterior mean map M⁻¹Wᵀ, k × D
  const encW = new Float64Array(2 * k * D);
  const encB = new Float64Array(2 * k);
  for (let i = 0; i < k; i++) {
    let b = 0;
    for (let j = 0; j < D; j++) {
      encW[i * D + j] = A.get(i, j);
      b -= A.get(i, j) * mu[j];
    }
    encB[i] = b;
    // Posterior variance σ²·M⁻¹ (diagonal), independent of x: a bias with zero weights.
    encB[k + i] = Math.log((varianceFactor * sigma2) / M.get(i, i));
  }
  vae.setParameter('encoder.layers.0.weight', new Tensor(encW, [2 * k, D]));
  vae.setParameter('encoder.layers.0.bias', new Tensor(encB, [2 * k]));
  vae.setParameter('decoder.layers.0.weight', new Tensor(Float64Array.from(W.to1DArray()), [D, k]));
  vae.setParameter('decoder.layers.0.bias', new Tensor(Float64Array.from(mu), [D]));
  return vae;
}

/** mean_i (logp_i − est_i). */
function meanGap(logp: number[], est: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < logp.length; i++) s += logp[i] - est[i];
  return s / logp.length;
}

describe('linear-Gaussian VAE equals PPCA at the exact posterior (item 20)', () => {
  const D = 6;
  const k = 2;
  const N = 20;
  const rng = new Rng(20);
  const Wtrue = Array.from({ length: D }, () => [rng.normal(0, 2), rng.normal(0, 1)]);
  const X = Array.from({ length: N }, () => {
    const z = [rng.normal(), rng.normal()];
    return Wtrue.map((w, j) => w[0] * z[0] + w[1] * z[1] + 0.5 * j + rng.normal(0, 0.6));
  });
  const fit = ppca(X, k);
  const Xt = Tensor.from(X, { dtype: 'float64' });

  it('the set-up is PPCA at its ML point: M is diagonal with the top eigenvalues', () => {
    expect(Math.abs(fit.M.get(0, 1))).toBeLessThan(1e-12);
    expect(fit.M.get(0, 0)).toBeCloseTo(fit.lambda[0], 10);
    expect(fit.M.get(1, 1)).toBeCloseTo(fit.lambda[1], 10);
  });

  it('every importance weight equals p(x): the K-sample estimate is ln p(x) for K = 1 and K = 50, to 1e-10', () => {
    const vae = linearVae(fit, D, k);
    for (const samples of [1, 50]) {
      const ll = vae.scoreSamples(Xt, { samples, seed: 5 });
      expect(ll.dtype).toBe('float64');
      for (let i = 0; i < N; i++) expect(Math.abs(ll.data[i] - fit.logp[i])).toBeLessThan(1e-10 * Math.abs(fit.logp[i]));
    }
  });

  it('the ELBO (analytic KL, sampled reconstruction) is unbiased for ln p(x) there: within 5 standard errors', () => {
    const vae = linearVae(fit, D, k);
    const R = 400;
    const sums = new Float64Array(N);
    const sq = new Float64Array(N);
    for (let s = 0; s < R; s++) {
      const e = vae.elbo(Xt, { seed: 1000 + s }).data;
      for (let i = 0; i < N; i++) { sums[i] += e[i]; sq[i] += e[i] * e[i]; }
    }
    for (let i = 0; i < N; i++) {
      const mean = sums[i] / R;
      const se = Math.sqrt((sq[i] / R - mean * mean) / R);
      expect(Math.abs(mean - fit.logp[i])).toBeLessThanOrEqual(5 * se + 1e-12);
    }
    // Averaging inside elbo() is the same estimator.
    const many = vae.elbo(Xt, { samples: 4000, seed: 9 }).data;
    const gap = meanGap(fit.logp, many) * -1;
    expect(Math.abs(gap)).toBeLessThan(0.05);
  });

  it('any other q is strictly worse: doubling the posterior variance lowers the ELBO by k·½(1 − ln 2) ≈ 0.307', () => {
    const vae = linearVae(fit, D, k, 2);
    const expectedGap = k * 0.5 * (1 - Math.log(2));
    const R = 400;
    let sum = 0;
    let sq = 0;
    for (let s = 0; s < R; s++) {
      const gap = meanGap(fit.logp, vae.elbo(Xt, { seed: 5000 + s }).data);
      sum += gap;
      sq += gap * gap;
    }
    const mean = sum / R;
    const se = Math.sqrt((sq / R - mean * mean) / R);
    expect(Math.abs(mean - expectedGap)).toBeLessThanOrEqual(5 * se);
    expect(mean).toBeGreaterThan(0.3);
    // The importance-weighted bound tightens towards ln p(x) as K grows.
    const k1 = vae.scoreSamples(Xt, { samples: 1, seed: 1 }).data;
    const k500 = vae.scoreSamples(Xt, { samples: 500, seed: 1 }).data;
    const mean1 = meanGap(fit.logp, k1);
    const mean500 = meanGap(fit.logp, k500);
    expect(mean500).toBeLessThan(mean1);
    expect(mean500).toBeGreaterThanOrEqual(-1e-3);
    expect(mean500).toBeLessThan(0.02);
  });
});
