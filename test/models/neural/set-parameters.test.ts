import { describe, expect, it } from 'vitest';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { VAE } from '../../../src/models/neural/vae.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { unitData } from '../../train/fixtures.js';

// Issue 13 item 10: weights given by hand stay trainable, and a model whose weights were
// loaded (through the model or through one of its MLPs) counts as fitted.
const X = unitData(64, 6, 3);
const opts = { inputDim: 6, hiddenDims: [5], latentDim: 2, batchSize: 16, learningRate: 1e-2, seed: 4 } as const;
const models = [
  ['VAE', () => new VAE(opts)],
  ['Autoencoder', () => new Autoencoder(opts)],
] as const;

describe.each(models)('%s: weights set by hand', (_name, make) => {
  it('setParameter with a plain tensor (no requiresGrad) keeps the parameter trainable', async () => {
    const model = make();
    const name = 'encoder.layers.0.weight';
    const given = new Tensor(Float32Array.from({ length: 30 }, (_, i) => (i % 7) / 10 - 0.3), [5, 6]);
    model.setParameter(name, given);
    expect(model.parameters().get(name)!.requiresGrad).toBe(true);
    const before = model.parameters().get(name)!.data.slice();
    await model.fit(X, { epochs: 3 });
    const after = model.parameters().get(name)!.data;
    let moved = 0;
    for (let i = 0; i < after.length; i++) moved = Math.max(moved, Math.abs(after[i] - before[i]));
    expect(moved).toBeGreaterThan(1e-3);
  });

  it('a graph output given to setParameter becomes a fresh leaf, its producer untouched', () => {
    const model = make();
    const w = Tensor.ones([5, 6], { requiresGrad: true });
    const made = w.mul(2);
    model.setParameter('encoder.layers.0.weight', made);
    const bound = model.parameters().get('encoder.layers.0.weight')!;
    expect(bound.requiresGrad).toBe(true);
    expect(bound.node).toBeNull();
    expect(made.node).not.toBeNull();
    expect(Array.from(bound.data)).toEqual(Array.from(made.data));
  });

  it('loading parameters into the encoder or decoder MLP makes the model fitted', () => {
    for (const part of ['encoder', 'decoder'] as const) {
      const model = make();
      expect(model.isFitted).toBe(false);
      const mlp = model[part];
      const values = Object.fromEntries([...mlp.parameters()].map(([k, p]) => [k, { shape: p.shape.slice(), data: p.data.map((v) => v * 0.5) }]));
      mlp.loadParameters(values);
      expect(model.isFitted).toBe(true);
      expect(() => model.encode(X)).not.toThrow();
    }
  });

  it('a failed load leaves the model as it was, not fitted', () => {
    const model = make();
    expect(() => model.encoder.loadParameters({})).toThrow(/tensor 'layers\.0\.weight' is missing/);
    expect(model.isFitted).toBe(false);
  });

  it('a saved model that was never fitted loads as not fitted; a fitted one as fitted', async () => {
    const fresh = make();
    const Cls = fresh.constructor as unknown as { fromBytes(b: Uint8Array): { isFitted: boolean } };
    expect(Cls.fromBytes(fresh.toBytes()).isFitted).toBe(false);
    fresh.decoder.loadParameters(Object.fromEntries([...fresh.decoder.parameters()].map(([k, p]) => [k, { shape: p.shape.slice(), data: p.data }])));
    expect(Cls.fromBytes(fresh.toBytes()).isFitted).toBe(true);
  });
});
