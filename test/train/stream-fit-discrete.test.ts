/**
 * The discrete-latent models fit from a row source through the same trainer path as the VAE:
 * a shuffle buffer that holds the whole pass gives the in-memory fit's bytes (parameters,
 * codebook, EMA averages, optimizer state, counters, losses), and a smaller buffer is still
 * deterministic with a seed.
 */
import { describe, expect, it } from 'vitest';
import { matrixSource } from '../../src/io/row-source.js';
import { CategoricalVAE } from '../../src/models/neural/categorical-vae.js';
import { VQVAE } from '../../src/models/neural/vq-vae.js';
import { tensorBytes, unitData } from './fixtures.js';

const X = unitData(90, 16, 5);

function fingerprint(m: CategoricalVAE | VQVAE): unknown {
  const losses = m.history.map((e) => Object.entries(e).filter(([k]) => k !== 'seconds' && k !== 'samplesPerSecond'));
  return { tensors: tensorBytes(m.toState()), epoch: m.epoch, step: m.step, losses };
}

const models = {
  CategoricalVAE: () => new CategoricalVAE({ inputDim: 16, hiddenDims: [12], nVariables: 3, nCategories: 4, seed: 7, learningRate: 5e-3 }),
  VQVAE: () => new VQVAE({ inputDim: 16, hiddenDims: [12], nLatents: 2, nCodes: 4, codeDim: 3, seed: 7, learningRate: 5e-3 }),
};

describe.each(Object.entries(models))('%s.fit from a row source', (_name, make) => {
  it('with a buffer holding the whole pass equals the in-memory fit byte for byte', async () => {
    const a = make();
    await a.fit(X, { epochs: 2, batchSize: 16 });
    const b = make();
    await b.fit(matrixSource(X, { batchSize: 7 }), { epochs: 2, batchSize: 16, shuffleBuffer: 90 });
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('with a small buffer is deterministic with a seed and differs from the full shuffle', async () => {
    const run = async (buffer: number) => {
      const m = make();
      await m.fit(matrixSource(X, { batchSize: 7 }), { epochs: 2, batchSize: 16, shuffleBuffer: buffer });
      return fingerprint(m);
    };
    const small = await run(20);
    expect(await run(20)).toEqual(small);
    expect(small).not.toEqual(await run(90));
  });
});
