/**
 * Layer-wise pre-training and Classifier.fromEncoder work on MLP layers: a conv architecture is
 * refused with a message that says so, before any training starts.
 */
import { describe, expect, it } from 'vitest';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { Classifier } from '../../../src/models/neural/classifier.js';
import { VAE } from '../../../src/models/neural/vae.js';

const conv = { kind: 'conv', imageShape: [1, 8, 8], channels: [4] } as const;

describe('MLP-only features on a conv architecture', () => {
  it('pretrainLayerwise refuses before training, naming the conv architecture', async () => {
    const ae = new Autoencoder({ inputDim: 64, latentDim: 2, architecture: conv, seed: 1 });
    const X = { data: new Float32Array(64 * 4).fill(0.5), shape: [4, 64] };
    await expect(ae.pretrainLayerwise(X, { epochs: 1 })).rejects.toThrow(/Autoencoder\.pretrainLayerwise: the encoder is a conv architecture/);
    expect(ae.step).toBe(0);
  });

  it('Classifier.fromEncoder refuses a conv VAE', async () => {
    const vae = new VAE({ inputDim: 64, latentDim: 2, architecture: conv, seed: 1 });
    await vae.fit({ data: new Float32Array(64 * 4).fill(0.5), shape: [4, 64] }, { epochs: 1, batchSize: 4 });
    expect(() => Classifier.fromEncoder(vae, { nClasses: 3 })).toThrow(/fromEncoder: the model's encoder is a conv architecture/);
  });
});
