/**
 * Drawing samples from a loaded model for `latent-ts sample`.
 *
 * @module
 */
import type { PCA } from '../models/decomposition/pca.js';
import type { IncrementalPCA } from '../models/decomposition/incremental-pca.js';
import { Rng } from '../random/rng.js';
import { UsageError } from './args.js';
import { asMatrix, rowValues, type Matrix } from '../app/matrix.js';
import type { AnyModel } from '../models/registry.js';

/**
 * `n` samples from `model` as rows. VAE, VQVAE (uniform codes), PPCA and FactorAnalysis use their own `sample`. PCA has no sampler of
 * its own; it is read as the noise-free probabilistic PCA: z ~ N(0, diag(explained variance))
 * (N(0, I) when whitened), decoded by `inverseTransform`. An Autoencoder has no prior.
 *
 * @throws Error for a model without a prior: an Autoencoder, NMF, TruncatedSVD or FastICA.
 * @example
 * ```ts
 * sampleRows(vae, 64, 0).shape; // [64, 784]
 * ```
 */
export function sampleRows(model: AnyModel, n: number, seed: number | string): Matrix {
  if (model.type === 'Autoencoder') {
    throw new Error('an Autoencoder has no prior to sample from; fit a vae, ppca, fa or pca model to sample');
  }
  if (model.type === 'NMF') {
    throw new Error('an NMF model has no prior to sample from; fit a vae, ppca, fa or pca model to sample');
  }
  if (model.type === 'TruncatedSVD') {
    throw new Error('a TruncatedSVD has no prior to sample from; fit a vae, ppca, fa or pca model to sample');
  }
  if (model.type === 'FastICA') {
    throw new Error('a FastICA model has no prior to sample from (its sources are only known to be non-Gaussian); fit a vae, ppca, fa or pca model to sample');
  }
  if (model.type === 'PCA' || model.type === 'IncrementalPCA') return samplePCA(model, n, seed);
  return asMatrix(model.sample(n, { seed }));
}

function samplePCA(model: PCA | IncrementalPCA, n: number, seed: number | string): Matrix {
  const variance = rowValues(model.explainedVariance);
  const k = variance.length;
  const whiten = model.options.whiten;
  const rng = new Rng(seed);
  const Z = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) Z[i * k + j] = rng.normal() * (whiten ? 1 : Math.sqrt(Math.max(variance[j], 0)));
  }
  return asMatrix(model.inverseTransform({ data: Z, shape: [n, k] }));
}

/**
 * `[height, width]` for images of `size` pixels: the given shape when it fits, else the
 * square root when `size` is a perfect square.
 *
 * @throws UsageError (a bad or missing `--image-shape`) when neither works.
 * @example
 * ```ts
 * imageShapeFor(784); // [28, 28]
 * ```
 */
export function imageShapeFor(size: number, given?: [number, number]): [number, number] {
  if (given) {
    if (given[0] * given[1] !== size) throw new UsageError('sample', `--image-shape ${given.join('x')} has ${given[0] * given[1]} pixels, but each sample has ${size} values`);
    return given;
  }
  const side = Math.round(Math.sqrt(size));
  if (side * side !== size) throw new UsageError('sample', `samples have ${size} values, not a square image; pass --image-shape HxW (or --out FILE.csv)`);
  return [side, side];
}

/**
 * The value range of an image grid: [0, 1] when the values lie in it (pixels, probabilities),
 * else their minimum and maximum.
 *
 * @example
 * ```ts
 * displayRange(new Float32Array([-2, 3])); // [-2, 3]
 * ```
 */
export function displayRange(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  if (lo >= -0.05 && hi <= 1.05) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}
