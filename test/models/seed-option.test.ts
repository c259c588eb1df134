import { describe, expect, it } from 'vitest';
import { Autoencoder, PCA, PPCA, VAE } from '../../src/index.js';
import { assertSeed } from '../../src/validate.js';

// One seed rule (integer or string, as Rng accepts) for every model, checked at construction.
describe('seed option', () => {
  it('assertSeed accepts integers and strings and names the caller otherwise', () => {
    expect(assertSeed(3, 'X')).toBe(3);
    expect(assertSeed('a', 'X')).toBe('a');
    expect(() => assertSeed(1.5, 'PCA')).toThrow(/^PCA: seed must be an integer or a string \(got 1\.5\)$/);
    expect(() => assertSeed(null, 'VAE')).toThrow(TypeError);
  });

  it.each([
    ['PCA', () => new PCA({ nComponents: 2, seed: 0.5 as unknown as number })],
    ['PPCA', () => new PPCA({ nComponents: 2, seed: {} as unknown as number })],
    ['Autoencoder', () => new Autoencoder({ inputDim: 4, latentDim: 2, seed: 1.25 })],
    ['VAE', () => new VAE({ inputDim: 4, latentDim: 2, seed: NaN })],
  ])('%s rejects a bad seed with a TypeError naming the model', (name, make) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(new RegExp(`^${name}.*seed must be an integer or a string`));
  });
});
