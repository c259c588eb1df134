/**
 * Greedy layer-wise pre-training (models/neural/autoencoder-pretrain.ts): level 0 is exactly a
 * shallow Autoencoder, the stacked weights are those of the shallow autoencoders until `fit`
 * fine-tunes them, and fine-tuning does not raise the objective.
 */
import { describe, expect, it } from 'vitest';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { mlpStack } from '../../../src/models/neural/mlp-stack.js';
import { Rng } from '../../../src/random/rng.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

const rng = new Rng(21);
// Rows near a 2-D curve in [0, 1]^8, so deep codes have something to find.
const X = Array.from({ length: 64 }, () => {
  const t = rng.uniform();
  return Array.from({ length: 8 }, (_, j) => Math.min(1, Math.max(0, 0.5 + 0.4 * Math.sin(3 * t + j) + 0.05 * rng.normal())));
});
const bytes = (t: Tensor) => new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));

describe('Autoencoder.pretrainLayerwise', () => {
  it('stacks the shallow autoencoders: encoder layer i and decoder layer L−1−i are their weights, bit for bit', async () => {
    const ae = new Autoencoder({ inputDim: 8, hiddenDims: [6, 4], latentDim: 2, loss: 'bce', seed: 'p', batchSize: 16 });
    expect(ae.isFitted).toBe(false);
    const levels = await ae.pretrainLayerwise(X, { epochs: 3, learningRate: 1e-2 });
    expect(levels.map((l) => l.sizes)).toEqual([[8, 6], [6, 4], [4, 2]]);
    expect(ae.isFitted).toBe(true);
    for (const l of levels) {
      expect(l.history.map((e) => e.epoch)).toEqual([1, 2, 3]);
      expect(l.history[2].loss).toBeLessThan(l.history[0].loss);
      const enc = mlpStack(ae.encoder, 'test', 'encoder').layers[l.level];
      const dec = mlpStack(ae.decoder, 'test', 'decoder').layers[2 - l.level];
      expect(bytes(enc.weight)).toEqual(bytes(l.encoder.weight));
      expect(bytes(enc.bias!)).toEqual(bytes(l.encoder.bias!));
      expect(bytes(dec.weight)).toEqual(bytes(l.decoder.weight));
      expect(bytes(dec.bias!)).toEqual(bytes(l.decoder.bias!));
      expect(enc.weight.data).not.toBe(l.encoder.weight.data); // copies
    }
  });

  it('level 0 is exactly a shallow Autoencoder on the data, seeded `${seed}:pretrain:0`', async () => {
    const deep = new Autoencoder({ inputDim: 8, hiddenDims: [5], latentDim: 2, loss: 'bce', seed: 4, batchSize: 16 });
    const levels = await deep.pretrainLayerwise(X, { epochs: 2 });
    const shallow = new Autoencoder({ inputDim: 8, latentDim: 5, latentActivation: 'relu', loss: 'bce', seed: '4:pretrain:0', batchSize: 16 });
    const history = await shallow.fit(X, { epochs: 2 });
    expect(bytes(levels[0].encoder.weight)).toEqual(bytes(mlpStack(shallow.encoder, 'test', 'encoder').layers[0].weight));
    expect(bytes(levels[0].decoder.weight)).toEqual(bytes(mlpStack(shallow.decoder, 'test', 'decoder').layers[0].weight));
    expect(levels[0].history.map((e) => e.loss)).toEqual(history.map((e) => e.loss));
  });

  it('fine-tuning the stack does not raise the objective; pre-training after training is refused', async () => {
    const ae = new Autoencoder({ inputDim: 8, hiddenDims: [6, 4], latentDim: 2, loss: 'bce', seed: 9, batchSize: 16, learningRate: 3e-3 });
    await ae.pretrainLayerwise(X, { epochs: 20 });
    const before = ae.objective(X).loss.item();
    const pretrained = [...mlpStack(ae.encoder, 'test', 'encoder').layers[0].parameters().values()].map(bytes);
    await ae.fit(X, { epochs: 20 });
    const after = ae.objective(X).loss.item();
    expect(after).toBeLessThanOrEqual(before);
    expect([...mlpStack(ae.encoder, 'test', 'encoder').layers[0].parameters().values()].map(bytes)).not.toEqual(pretrained);
    await expect(ae.pretrainLayerwise(X)).rejects.toThrow(/Autoencoder\.pretrainLayerwise: the model has already trained \d+ steps/);
  });

  it('checks its options and data', async () => {
    const ae = new Autoencoder({ inputDim: 8, hiddenDims: [4], latentDim: 2, loss: 'bce' });
    await expect(ae.pretrainLayerwise(X, { epochsPerLayer: 2 } as never)).rejects.toThrow(/Autoencoder\.pretrainLayerwise: unknown option 'epochsPerLayer'/);
    await expect(ae.pretrainLayerwise([[1, 2]])).rejects.toThrow(/X has 2 features, but Autoencoder was built with inputDim 8/);
    await expect(ae.pretrainLayerwise(X.map((r) => r.map((v) => v * 3)))).rejects.toThrow(/loss 'bce' needs X in \[0, 1\]/);
  });
});
