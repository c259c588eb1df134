/**
 * Builds and fits one model of a given kind for `latent-ts fit`.
 *
 * @module
 */
import { Autoencoder } from '../models/neural/autoencoder.js';
import { PCA } from '../models/decomposition/pca.js';
import { PPCA } from '../models/decomposition/ppca.js';
import { VAE } from '../models/neural/vae.js';
import type { Matrix } from '../app/matrix.js';
import type { AnyModel, ModelKind } from '../models/registry.js';

/**
 * Settings of one `fit` command after parsing.
 *
 * @example
 * ```ts
 * const s: FitSettings = { latent: 2, epochs: 10, hiddenDims: [256], batchSize: 128, learningRate: 1e-3, seed: 0 };
 * ```
 */
export interface FitSettings {
  latent: number;
  epochs: number;
  hiddenDims: number[];
  batchSize: number;
  learningRate: number;
  likelihood?: 'bernoulli' | 'gaussian';
  seed: number | string;
}

/**
 * True when every value is in [0, 1] (pixel intensities, probabilities): the data a Bernoulli
 * decoder and a sigmoid output can model.
 *
 * @example
 * ```ts
 * inUnitInterval(new Float32Array([0, 0.5, 1])); // true
 * ```
 */
export function inUnitInterval(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!(data[i] >= 0 && data[i] <= 1)) return false;
  return true;
}

/**
 * Fits a model of `kind` to X and returns it. `log` receives one line per epoch of the
 * neural models (or nothing when null).
 *
 * @throws whatever the model throws for bad data or settings (RangeError, ShapeError, ...).
 * @example
 * ```ts
 * const model = await fitModel('vae', X, settings, console.error);
 * ```
 */
export async function fitModel(kind: ModelKind, X: Matrix, s: FitSettings, log: ((line: string) => void) | null): Promise<AnyModel> {
  const inputDim = X.shape[1];
  const unit = inUnitInterval(X.data);
  const training = { epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate };
  const report = (name: string) => (e: { epoch: number; loss: number }) => log?.(`${name}: epoch ${e.epoch}/${s.epochs}  loss ${e.loss.toFixed(4)}`);
  switch (kind) {
    case 'pca':
      return new PCA({ nComponents: s.latent }).fit(X);
    case 'ppca':
      return new PPCA({ nComponents: s.latent }).fit(X);
    case 'ae': {
      const ae = new Autoencoder({ inputDim, hiddenDims: s.hiddenDims, latentDim: s.latent, activation: 'relu', loss: unit ? 'bce' : 'mse', seed: s.seed });
      await ae.fit(X, { ...training, onEpochEnd: report('ae') });
      return ae;
    }
    case 'vae': {
      const likelihood = s.likelihood ?? (unit ? 'bernoulli' : 'gaussian');
      if (likelihood === 'bernoulli' && !unit) throw new RangeError('a Bernoulli VAE needs every data value in [0, 1]; use --likelihood gaussian');
      const vae = new VAE({ inputDim, hiddenDims: s.hiddenDims, latentDim: s.latent, likelihood, seed: s.seed });
      await vae.fit(X, { ...training, onEpochEnd: report('vae') });
      return vae;
    }
  }
}
