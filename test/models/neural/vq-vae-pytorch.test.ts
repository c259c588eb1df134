/**
 * The VQ-VAE's objective and gradients equal PyTorch 1.13's in float64 for the same weights,
 * codebook and batch (straight-through decoder input, codebook and commitment losses; BCE and
 * MSE; the EMA variant, where the codebook gets no gradient), and two EMA codebook updates
 * equal the Sonnet formulas run in PyTorch. Fixture: scripts/fixtures/vq_vae.py (tests never
 * run Python).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VQVAE } from '../../../src/models/neural/vq-vae.js';
import { assignmentStats, emaState, emaUpdate } from '../../../src/models/neural/vq-codebook.js';
import { Tensor } from '../../../src/tensor/tensor.js';

interface Fixture {
  config: { N: number; D: number; H: number; M: number; DIM: number; K: number; beta: number };
  params: Record<string, { shape: number[]; data: number[] }>;
  x: number[];
  cases: { loss: 'bce' | 'mse'; update: 'loss' | 'ema'; values: Record<string, number>; codes: number[]; grads: Record<string, number[] | null> }[];
  ema: { decay: number; epsilon: number; ze: number[][]; codes: number[][]; steps: { clusterSize: number[]; codebook: number[] }[] };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/vq-vae.json', import.meta.url), 'utf8')) as Fixture;
const { N, D, H, M, DIM, K, beta } = fixture.config;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-12): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i])));
  }
}

describe('VQVAE against PyTorch (float64)', () => {
  for (const c of fixture.cases) {
    it(`loss, terms, codes and every gradient: ${c.loss}, codebookUpdate '${c.update}'`, () => {
      const vq = new VQVAE({ inputDim: D, hiddenDims: [H], nLatents: M, codeDim: DIM, nCodes: K, commitment: beta, loss: c.loss, codebookUpdate: c.update, dtype: 'float64' });
      for (const [name, p] of Object.entries(fixture.params)) vq.setParameter(name, new Tensor(Float64Array.from(p.data), p.shape));
      const t = vq.objective({ data: Float64Array.from(fixture.x), shape: [N, D] });
      expect(Array.from(t.codes)).toEqual(c.codes);
      expectClose([t.loss.item(), t.reconstruction.item(), t.codebook.item(), t.commitment.item()], [c.values.loss, c.values.reconstruction, c.values.codebook, c.values.commitment], 'values');
      t.loss.backward();
      for (const [name, p] of vq.parameters()) {
        const want = c.grads[name];
        if (want === null) expect(p.grad, name).toBeNull();
        else expectClose(p.grad!.data, want, name);
      }
    });
  }

  it('two EMA updates equal the Sonnet formulas in PyTorch', () => {
    const { decay, epsilon, ze, codes, steps } = fixture.ema;
    const state = emaState(K, DIM);
    const book = new Float64Array(K * DIM);
    steps.forEach((want, s) => {
      emaUpdate(state, assignmentStats(Float64Array.from(ze[s]), Int32Array.from(codes[s]), K, DIM), book, decay, epsilon);
      expectClose(state.clusterSize, want.clusterSize, `step ${s + 1} cluster sizes`);
      expectClose(book, want.codebook, `step ${s + 1} codebook`);
    });
  });
});
