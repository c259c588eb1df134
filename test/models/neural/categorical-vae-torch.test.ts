/**
 * The categorical VAE's objective and gradients against PyTorch 1.13 in float64, for the same
 * weights, data and Gumbel noise (scripts/fixtures/categorical_vae.py: F.gumbel_softmax, soft
 * and hard, BCE with logits, the KL to the uniform categorical).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { categoricalKl, gumbelSoftmax } from '../../../src/autodiff/functional.js';
import { CategoricalVAE } from '../../../src/models/neural/categorical-vae.js';
import { Tensor } from '../../../src/tensor/tensor.js';

interface Case {
  noise: number[]; sample: number[]; reconstruction: number; kl: number; loss: number; grads: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/categorical/cvae.json', import.meta.url), 'utf8')) as {
  config: { inputDim: number; hiddenDims: number[]; nVariables: number; nCategories: number; temperature: number };
  x: number[]; shape: [number, number];
  params: Record<string, { shape: number[]; data: number[] }>;
  soft: Case; hard: Case;
  extreme: { logits: number[]; kl: number; grad: number[] };
};

/** |a − b| ≤ 1e-12 · max(1, |b|), elementwise. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    const tol = 1e-12 * Math.max(1, Math.abs(b[i]));
    if (!(Math.abs(a[i] - b[i]) <= tol)) expect.fail(`${what}[${i}]: ${a[i]} vs PyTorch ${b[i]}`);
  }
}

function model(hard: boolean): CategoricalVAE {
  const { config } = fixture;
  const m = new CategoricalVAE({ ...config, hard, dtype: 'float64', annealRate: 0 });
  for (const [name, p] of Object.entries(fixture.params)) m.setParameter(name, new Tensor(Float64Array.from(p.data), p.shape, { requiresGrad: true }));
  return m;
}

describe('CategoricalVAE against PyTorch (float64, the same weights and Gumbel noise)', () => {
  for (const hard of [false, true]) {
    it(`${hard ? 'hard (straight-through)' : 'soft'}: sample, reconstruction, KL, loss and every parameter gradient to 1e-12`, () => {
      const c = hard ? fixture.hard : fixture.soft;
      const m = model(hard);
      const X = { data: Float64Array.from(fixture.x), shape: fixture.shape };
      const n = fixture.shape[0];
      const noise = { data: Float64Array.from(c.noise), shape: [n, m.latentDim] };
      const t = m.objective(X, { noise, temperature: fixture.config.temperature });
      expect(Math.abs(t.reconstruction.item() - c.reconstruction)).toBeLessThanOrEqual(1e-12 * Math.abs(c.reconstruction));
      expect(Math.abs(t.kl.item() - c.kl)).toBeLessThanOrEqual(1e-12 * Math.max(1, c.kl));
      expect(Math.abs(t.loss.item() - c.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(c.loss));
      t.loss.backward();
      for (const [name, p] of m.parameters()) expectClose(p.grad!.data, c.grads[name], name);
      // The sample itself, from the encoder's logits and the same noise.
      const logits = m.encoder.forward(new Tensor(X.data, X.shape));
      const z = gumbelSoftmax(logits, { tau: fixture.config.temperature, hard, nCategories: m.nCategories, noise: noise.data });
      expectClose(z.data, c.sample, 'sample');
      if (hard) expect(Array.from(z.data).every((v) => v === 0 || v === 1)).toBe(true);
    });
  }

  it('the KL and its gradient at logits of ±1000', () => {
    const x = new Tensor(Float64Array.from(fixture.extreme.logits), [1, 8], { requiresGrad: true });
    const kl = categoricalKl(x, { nCategories: 4, reduction: 'sum' });
    kl.backward();
    expect(Math.abs(kl.item() - fixture.extreme.kl)).toBeLessThanOrEqual(1e-12 * fixture.extreme.kl);
    expectClose(x.grad!.data, fixture.extreme.grad, 'grad');
  });
});
