/**
 * The one interface of issue 14 §4: every model is a LatentModel, the registry rebuilds each
 * from its state, and the decomposition aliases are one method under two names.
 */
import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../../src/errors.js';
import { NMF } from '../../src/models/decomposition/nmf.js';
import { PCA } from '../../src/models/decomposition/pca.js';
import { PPCA } from '../../src/models/decomposition/ppca.js';
import { TruncatedSVD } from '../../src/models/decomposition/truncated-svd.js';
import { FactorAnalysis } from '../../src/models/decomposition/factor-analysis.js';
import { FastICA } from '../../src/models/decomposition/fast-ica.js';
import type { LatentModel } from '../../src/models/model.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { VAE } from '../../src/models/neural/vae.js';
import { CategoricalVAE } from '../../src/models/neural/categorical-vae.js';
import { IncrementalPCA } from '../../src/models/decomposition/incremental-pca.js';
import { VQVAE } from '../../src/models/neural/vq-vae.js';
import { MODEL_KINDS, MODEL_TYPES, TYPE_TAGS, modelFromState } from '../../src/models/registry.js';

const X = { data: Float64Array.from({ length: 60 }, (_, i) => (Math.sin(i * 1.7) + 1) / 2), shape: [12, 5] };
const bytes = (t: { data: Float32Array | Float64Array | Int32Array }) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

function models(): LatentModel[] {
  return [
    new PCA({ nComponents: 2 }),
    new PPCA({ nComponents: 2 }),
    new Autoencoder({ inputDim: 5, latentDim: 2, epochs: 1, seed: 1 }),
    new VAE({ inputDim: 5, latentDim: 2, epochs: 1, seed: 1 }),
    new NMF({ nComponents: 2 }),
    new TruncatedSVD({ nComponents: 2 }),
    new IncrementalPCA({ nComponents: 2 }),
    new FactorAnalysis({ nComponents: 2 }),
    new FastICA({ nComponents: 2, seed: 1 }),
    new CategoricalVAE({ inputDim: 5, nVariables: 1, nCategories: 2, epochs: 1, seed: 1 }),
    new VQVAE({ inputDim: 5, nLatents: 2, nCodes: 4, codeDim: 2, epochs: 1, seed: 1 }),
  ];
}

describe('LatentModel', () => {
  it('every model fits, encodes, decodes and reconstructs through the interface', async () => {
    for (const m of models()) {
      expect(m.isFitted, m.type).toBe(false);
      await m.fit(X);
      expect(m.isFitted, m.type).toBe(true);
      expect([m.nFeatures, m.latentDim], m.type).toEqual([5, 2]);
      const z = m.encode(X);
      expect(z.shape, m.type).toEqual([12, 2]);
      expect(m.decode(z).shape, m.type).toEqual([12, 5]);
      expect(bytes(m.reconstruct(X)), m.type).toEqual(bytes(m.decode(z)));
      const again = modelFromState(m.toState());
      expect(again.type).toBe(m.type);
      expect(bytes(again.encode(X)), m.type).toEqual(bytes(z));
      expect(m.toBytes()).toEqual(again.toBytes());
    }
  });

  it('the type tags match the registry, the saved states and the CLI kinds', () => {
    expect(models().map((m) => m.type)).toEqual([...MODEL_TYPES]);
    expect(models().map((m) => m.toState().type)).toEqual([...MODEL_TYPES]);
    expect(MODEL_KINDS.map((k) => TYPE_TAGS[k])).toEqual([...MODEL_TYPES]);
    expect(() => modelFromState({ type: 'KMeans', version: 1, config: {}, tensors: {} })).toThrow(/unknown model type "KMeans" \(latent-ts reads PCA, PPCA, Autoencoder, VAE, NMF, TruncatedSVD, IncrementalPCA, FactorAnalysis, FastICA, CategoricalVAE, VQVAE\)/);
    expect(() => modelFromState({ type: 'toString', version: 1, config: {}, tensors: {} })).toThrow(/unknown model type "toString"/);
  });

  it('the VQ-VAE encodes to integer codes [n, nLatents] that decode takes back', async () => {
    const m: LatentModel = new VQVAE({ inputDim: 5, nLatents: 2, nCodes: 4, codeDim: 2, epochs: 1, seed: 1 });
    await m.fit(X);
    const z = m.encode(X);
    expect(z.data).toBeInstanceOf(Int32Array);
    expect(Array.from(z.data).every((c) => Number.isInteger(c) && c >= 0 && c < 4)).toBe(true);
  });

  it('PCA and PPCA know nFeatures and latentDim once fitted', () => {
    expect(() => new PCA({ nComponents: 2 }).nFeatures).toThrow(NotFittedError);
    expect(() => new PPCA({ nComponents: 2 }).latentDim).toThrow(NotFittedError);
    expect(new VAE({ inputDim: 5, latentDim: 2 }).nFeatures).toBe(5);
  });
});

describe('the decomposition aliases', () => {
  it('encode is transform and decode is inverseTransform, bit for bit, with and without whitening', () => {
    for (const m of [new PCA({ nComponents: 2 }), new PCA({ nComponents: 2, whiten: true }), new PPCA({ nComponents: 2 }), new FactorAnalysis({ nComponents: 2 })]) {
      m.fit(X);
      const z = m.transform(X);
      expect(bytes(m.encode(X))).toEqual(bytes(z));
      expect(bytes(m.decode(z))).toEqual(bytes(m.inverseTransform(z)));
      expect(bytes(m.reconstruct(X))).toEqual(bytes(m.inverseTransform(z)));
      expect(bytes(m.fitTransform(X))).toEqual(bytes(z));
    }
  });

  it('errors name the method called', () => {
    const m = new PCA({ nComponents: 2 }).fit(X);
    expect(() => m.encode([[1]])).toThrow(/^PCA\.encode: X has 1 features/);
    expect(() => m.transform([[1]])).toThrow(/^PCA\.transform: X has 1 features/);
    expect(() => m.reconstruct([[1]])).toThrow(/^PCA\.reconstruct: X has 1 features/);
  });

  it('PPCA.components is Wᵀ, and getCovariance is W·Wᵀ + σ²I', () => {
    const m = new PPCA({ nComponents: 2 }).fit(X);
    const c = m.components;
    expect(c.shape).toEqual([2, 5]);
    const cov = m.getCovariance().data;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const wwt = c.data[i] * c.data[j] + c.data[5 + i] * c.data[5 + j];
        expect(cov[i * 5 + j]).toBeCloseTo(wwt + (i === j ? m.noiseVariance : 0), 12);
      }
    }
  });

  it('scoreSamples is a Tensor [nSamples] for PCA, PPCA and the VAE', async () => {
    const vae = new VAE({ inputDim: 5, latentDim: 2, epochs: 1 });
    await vae.fit(X);
    for (const t of [new PCA({ nComponents: 2 }).fit(X).scoreSamples(X), new PPCA({ nComponents: 2 }).fit(X).scoreSamples(X), vae.scoreSamples(X, { samples: 2, seed: 0 })]) {
      expect(t.shape).toEqual([12]);
    }
  });
});
