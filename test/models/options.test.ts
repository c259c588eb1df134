/**
 * Issue 13, items 5 and 8: a misspelled option is an error with a "did you mean" suggestion in
 * every constructor and every `fit`, and a decoder given codes of the wrong width names latentDim.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import { PCA } from '../../src/models/decomposition/pca.js';
import { PPCA } from '../../src/models/decomposition/ppca.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { VAE } from '../../src/models/neural/vae.js';
import { assertKnownOptions, closestName } from '../../src/models/options.js';

const X = { data: Float32Array.from({ length: 40 }, (_, i) => ((i * 7) % 10) / 10), shape: [10, 4] };

describe('closestName', () => {
  it('finds a misspelling, a missing or extra letter, a swap, snake_case and wrong case', () => {
    const known = ['inputDim', 'latentDim', 'likelihood', 'epochs', 'batchSize', 'nComponents', 'learningRate'];
    expect(closestName('likelyhood', known)).toBe('likelihood');
    expect(closestName('epoch', known)).toBe('epochs');
    expect(closestName('batchsize', known)).toBe('batchSize');
    expect(closestName('n_components', known)).toBe('nComponents');
    expect(closestName('laerningRate', known)).toBe('learningRate');
    expect(closestName('latentdims', known)).toBe('latentDim');
  });

  it('suggests nothing for a name far from every known one', () => {
    expect(closestName('colour', ['epochs', 'batchSize'])).toBeNull();
    expect(closestName('x', ['epochs'])).toBeNull();
    expect(closestName('anything', [])).toBeNull();
  });

  it('assertKnownOptions passes known names and names the first unknown one', () => {
    expect(() => assertKnownOptions({ epochs: 1 }, ['epochs'], 'f')).not.toThrow();
    expect(() => assertKnownOptions({ epochs: 1, colour: 2 }, ['epochs'], 'f')).toThrow(/^f: unknown option 'colour' \(known: epochs\)$/);
  });
});

describe('every model rejects misspelled options', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['PCA constructor', () => new PCA({ ncomponents: 2 } as never), /^PCA: unknown option 'ncomponents'; did you mean 'nComponents'\? \(known: nComponents, /],
    ['PPCA constructor', () => new PPCA({ nComponents: 1, methd: 'em' } as never), /^PPCA: unknown option 'methd'; did you mean 'method'\?/],
    ['Autoencoder constructor', () => new Autoencoder({ inputDim: 4, latentDim: 2, los: 'bce' } as never), /^Autoencoder: unknown option 'los'; did you mean 'loss'\?/],
    ['Autoencoder constructor, training option', () => new Autoencoder({ inputDim: 4, latentDim: 2, epoch: 3 } as never), /^Autoencoder: unknown option 'epoch'; did you mean 'epochs'\?/],
    ['VAE constructor', () => new VAE({ inputDim: 4, latentDim: 2, likelyhood: 'gaussian' } as never), /^VAE: unknown option 'likelyhood'; did you mean 'likelihood'\? \(known: inputDim, /],
    ['VAE constructor, no suggestion', () => new VAE({ inputDim: 4, latentDim: 2, colour: 1 } as never), /^VAE: unknown option 'colour' \(known: /],
  ];
  it.each(cases)('%s', (_, make, message) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  it('Autoencoder.fit and VAE.fit reject a misspelled option before training', async () => {
    const ae = new Autoencoder({ inputDim: 4, latentDim: 2 });
    await expect(ae.fit(X, { epoch: 1 } as never)).rejects.toThrow(/^Autoencoder\.fit: unknown option 'epoch'; did you mean 'epochs'\?/);
    const vae = new VAE({ inputDim: 4, latentDim: 2 });
    await expect(vae.fit(X, { batchsize: 4 } as never)).rejects.toThrow(/^VAE\.fit: unknown option 'batchsize'; did you mean 'batchSize'\?/);
    await expect(vae.fit(X, { onEpochend: () => undefined } as never)).rejects.toThrow(/did you mean 'onEpochEnd'\?/);
    await expect(vae.fit(X, { validationdata: X } as never)).rejects.toThrow(/did you mean 'validationData'\?/);
    expect(ae.step + vae.step).toBe(0);
  });

  it('every documented fit option and hook is accepted', async () => {
    const vae = new VAE({ inputDim: 4, latentDim: 2, epochs: 1, seed: 1 });
    const history = await vae.fit(X, {
      epochs: 1, batchSize: 5, learningRate: 1e-3, optimizer: 'adam', optimizerOptions: {}, maxGradNorm: null, shuffle: true,
      validationSplit: 0, patience: null, minDelta: 0, restoreBest: true, onEpochEnd: () => undefined, onBatchEnd: () => undefined,
      signal: new AbortController().signal, verbose: false, yieldEveryMs: 50, validationData: X,
    });
    expect(history).toHaveLength(1);
  });

  it('a saved neural model loads back (its saved config is not mistaken for unknown options)', async () => {
    const ae = new Autoencoder({ inputDim: 4, latentDim: 2, epochs: 1 });
    await ae.fit(X);
    expect(Autoencoder.fromJSON(JSON.stringify(ae)).step).toBe(ae.step);
    const vae = new VAE({ inputDim: 4, latentDim: 2, epochs: 1 });
    await vae.fit(X);
    expect(VAE.fromBytes(vae.toBytes()).step).toBe(vae.step);
  });
});

describe('decode with codes of the wrong width names latentDim', () => {
  it('VAE and Autoencoder', async () => {
    const vae = new VAE({ inputDim: 4, latentDim: 2, epochs: 1 });
    await vae.fit(X);
    expect(() => vae.decode([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => vae.decode([[1, 2, 3]])).toThrow(/^VAE\.decode: Z has 3 columns, but VAE was built with latentDim 2 \(shape \[1, 3\]\)$/);
    expect(() => vae.objective(X, { eps: [[0]] })).toThrow(/^VAE\.objective: eps has 1 columns, but VAE was built with latentDim 2/);
    const ae = new Autoencoder({ inputDim: 4, latentDim: 3, epochs: 1 });
    await ae.fit(X);
    expect(() => ae.decode([[1, 2]])).toThrow(/^Autoencoder\.decode: Z has 2 columns, but Autoencoder was built with latentDim 3 \(shape \[1, 2\]\)$/);
  });

  it('PCA and PPCA (decode and inverseTransform)', () => {
    const pca = new PCA({ nComponents: 2 }).fit(X);
    const ppca = new PPCA({ nComponents: 2 }).fit(X);
    expect(() => pca.decode([[1, 2, 3]])).toThrow(/^PCA\.decode: Z has 3 columns, but PCA was fitted with nComponents = 2, so codes have latentDim 2 \(shape \[1, 3\]\)$/);
    expect(() => ppca.inverseTransform([[1]])).toThrow(/^PPCA\.inverseTransform: Z has 1 columns, but PPCA was fitted with nComponents = 2, so codes have latentDim 2/);
  });
});
