/**
 * Builds and fits one model of a given kind for `latent-ts fit`.
 *
 * @module
 */
import { Autoencoder } from '../models/neural/autoencoder.js';
import { PCA } from '../models/decomposition/pca.js';
import { PPCA } from '../models/decomposition/ppca.js';
import { NMF } from '../models/decomposition/nmf.js';
import { FastICA } from '../models/decomposition/fast-ica.js';
import { IncrementalPCA } from '../models/decomposition/incremental-pca.js';
import { TruncatedSVD } from '../models/decomposition/truncated-svd.js';
import { VAE } from '../models/neural/vae.js';
import { VQVAE } from '../models/neural/vq-vae.js';
import { CategoricalVAE } from '../models/neural/categorical-vae.js';
import { FactorAnalysis } from '../models/decomposition/factor-analysis.js';
import type { Matrix } from '../app/matrix.js';
import type { AnyModel, ModelKind } from '../models/registry.js';
import { lossUnit } from '../models/neural/loss-unit.js';
import { EpochClock, formatEpochLine } from '../train/progress.js';
import { UsageError } from './args.js';

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
  /** vqvae: codes in the codebook (K; `latent` is the number of latent vectors M). Default 16. */
  codes?: number;
  /** cvae: categories per variable (`--latent` is the number of variables). Default 4. */
  categories?: number;
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
 * Throws a {@link UsageError} when the settings cannot work on data of this shape: more PCA
 * (or factor analysis) components than min(rows, features), PPCA components not below the feature count, or a
 * Bernoulli VAE on data outside [0, 1]. Checked before fitting so that they are usage errors
 * (exit code 2) naming the option.
 *
 * @example
 * ```ts
 * checkSettings('pca', { data, shape: [60, 16] }, { ...settings, latent: 99 }); // UsageError: --latent 99 ...
 * ```
 */
export function checkSettings(kind: ModelKind, X: Matrix, s: FitSettings): void {
  const [rows, cols] = X.shape;
  const data = `the data (${rows} × ${cols})`;
  if ((kind === 'pca' || kind === 'ipca' || kind === 'tsvd' || kind === 'ica') && s.latent > Math.min(rows, cols)) {
    throw new UsageError('fit', `--latent ${s.latent} is more than ${kind} can find in ${data}: at most min(rows, features) = ${Math.min(rows, cols)}`);
  }
  if (kind === 'fa' && s.latent > Math.min(rows, cols)) {
    throw new UsageError('fit', `--latent ${s.latent} is more than fa can fit in ${data}: at most min(rows, features) = ${Math.min(rows, cols)}`);
  }
  if (kind === 'ppca' && s.latent >= cols) {
    throw new UsageError('fit', `--latent ${s.latent} is too large for ppca on ${data}: it must be below the ${cols} features`);
  }
  if (kind === 'nmf' && s.latent > Math.min(rows, cols)) {
    throw new UsageError('fit', `--latent ${s.latent} is more than nmf's default start (nndsvda) allows in ${data}: at most min(rows, features) = ${Math.min(rows, cols)}`);
  }
  if (kind === 'vae' && s.likelihood === 'bernoulli' && !inUnitInterval(X.data)) {
    throw new UsageError('fit', '--likelihood bernoulli needs every data value in [0, 1]; scale the data or use --likelihood gaussian');
  }
  if (kind === 'cvae' && !inUnitInterval(X.data)) {
    throw new UsageError('fit', 'cvae (a Bernoulli decoder) needs every data value in [0, 1]; scale the data to [0, 1]');
  }
}

/**
 * Fits a model of `kind` to X and returns it. `log` receives one line per epoch of the
 * neural models (the library's epoch line: loss and its unit, throughput, elapsed, ETA), or
 * nothing when null.
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
  const report = (name: string, config: Parameters<typeof lossUnit>[0]) => {
    const clock = new EpochClock(s.epochs);
    return (e: { epoch: number; loss: number; valLoss?: number; seconds: number; samplesPerSecond: number }) => log?.(`${name}: ${formatEpochLine({
      epoch: e.epoch, epochs: s.epochs, loss: e.loss, unit: lossUnit(config), valLoss: e.valLoss,
      seconds: e.seconds, samplesPerSecond: e.samplesPerSecond, ...clock.lap(),
    })}`);
  };
  switch (kind) {
    case 'pca':
      return new PCA({ nComponents: s.latent }).fit(X);
    case 'ppca':
      return new PPCA({ nComponents: s.latent }).fit(X);
    case 'ipca':
      return new IncrementalPCA({ nComponents: s.latent }).fit(X);
    case 'tsvd':
      return new TruncatedSVD({ nComponents: s.latent, seed: s.seed }).fit(X);
    case 'ae': {
      const ae = new Autoencoder({ inputDim, hiddenDims: s.hiddenDims, latentDim: s.latent, activation: 'relu', loss: unit ? 'bce' : 'mse', seed: s.seed });
      await ae.fit(X, { ...training, onEpochEnd: report('ae', ae.config) });
      return ae;
    }
    case 'ica':
      return new FastICA({ nComponents: s.latent, seed: s.seed }).fit(X);
    case 'vae': {
      const likelihood = s.likelihood ?? (unit ? 'bernoulli' : 'gaussian');
      const vae = new VAE({ inputDim, hiddenDims: s.hiddenDims, latentDim: s.latent, likelihood, seed: s.seed });
      await vae.fit(X, { ...training, onEpochEnd: report('vae', vae.config) });
      return vae;
    }
    case 'cvae': {
      const cvae = new CategoricalVAE({ inputDim, hiddenDims: s.hiddenDims, nVariables: s.latent, nCategories: s.categories ?? 4, seed: s.seed });
      await cvae.fit(X, { ...training, onEpochEnd: report('cvae', { likelihood: 'bernoulli' }) });
      return cvae;
    }
    case 'nmf':
      return new NMF({ nComponents: s.latent, seed: s.seed }).fit(X);
    case 'fa':
      return new FactorAnalysis({ nComponents: s.latent, svdMethod: 'lapack' }).fit(X);
    case 'vqvae': {
      const vq = new VQVAE({ inputDim, hiddenDims: s.hiddenDims, nLatents: s.latent, nCodes: s.codes ?? 16, codeDim: 8, loss: unit ? 'bce' : 'mse', seed: s.seed });
      await vq.fit(X, { ...training, onEpochEnd: report('vqvae', vq.config) });
      return vq;
    }
  }
}
