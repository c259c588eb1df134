/**
 * The demo's training runs: each fits one model, times it and reports progress lines.
 *
 * @module
 */
import { Autoencoder } from '../models/neural/autoencoder.js';
import { PCA } from '../models/decomposition/pca.js';
import { PPCA } from '../models/decomposition/ppca.js';
import { NMF } from '../models/decomposition/nmf.js';
import { VAE } from '../models/neural/vae.js';
import { lossUnit } from '../models/neural/loss-unit.js';
import { EpochClock, formatEpochLine } from '../train/progress.js';
import type { Matrix } from '../app/matrix.js';
import type { DemoPlan } from './options.js';
import type { DemoProgress } from './progress.js';

/**
 * A fitted model, its display name (`'VAE-16'`), code size and fit time.
 *
 * @example
 * ```ts
 * const { model, seconds } = fitPCA(2, train, progress);
 * ```
 */
export interface Fitted<M> {
  name: string;
  model: M;
  latentDim: number;
  seconds: number;
}

function timed<M>(name: string, latentDim: number, progress: DemoProgress, fit: () => M): Fitted<M> {
  progress.line(`${name}: fitting`);
  const t0 = performance.now();
  const model = fit();
  const seconds = (performance.now() - t0) / 1000;
  progress.line(`${name}: fitted in ${seconds.toFixed(2)} s`);
  return { name, model, latentDim, seconds };
}

/**
 * PCA with `k` components.
 *
 * @example
 * ```ts
 * fitPCA(16, train, progress).model.explainedVarianceRatio;
 * ```
 */
export function fitPCA(k: number, train: Matrix, progress: DemoProgress): Fitted<PCA> {
  return timed(`PCA-${k}`, k, progress, () => new PCA({ nComponents: k }).fit(train));
}

/**
 * Probabilistic PCA (closed-form maximum likelihood) with `k` components.
 *
 * @example
 * ```ts
 * fitPPCA(16, train, progress).model.score(test);
 * ```
 */
export function fitPPCA(k: number, train: Matrix, progress: DemoProgress): Fitted<PPCA> {
  return timed(`PPCA-${k}`, k, progress, () => new PPCA({ nComponents: k }).fit(train));
}

/** Training settings shared by the neural models of one run. */
function training(plan: DemoPlan, latentDim: number) {
  return {
    hiddenDims: latentDim === 2 ? plan.hiddenDims2d : plan.hiddenDimsWide,
    epochs: latentDim === 2 ? plan.epochs2d : plan.epochsWide,
    batchSize: plan.batchSize,
    learningRate: plan.learningRate,
  };
}

function architecture(inputDim: number, hiddenDims: number[], latentDim: number): string {
  return [inputDim, ...hiddenDims, latentDim].join('-');
}

/**
 * An Autoencoder (ReLU MLP, mirrored decoder; Bernoulli cross-entropy on logits, since pixels
 * are in [0, 1], so reconstructions are probabilities) with a `latentDim` code. The 2-D one is
 * deeper (`plan.ae2d`) and greedily pre-trained layer by layer before it is fine-tuned: its codes
 * carry panel [B] of the code figure, as Hinton & Salakhutdinov's deep autoencoder's do in the
 * lecture's figure. The fit time includes the pre-training.
 *
 * @example
 * ```ts
 * const ae = await fitAutoencoder(2, train, plan, progress);
 * ```
 */
export async function fitAutoencoder(latentDim: number, train: Matrix, plan: DemoPlan, progress: DemoProgress): Promise<Fitted<Autoencoder>> {
  const name = `AE-${latentDim}`;
  const deep = latentDim === 2 ? plan.ae2d : null;
  const { hiddenDims, ...opts } = deep === null ? training(plan, latentDim) : { ...training(plan, latentDim), hiddenDims: deep.hiddenDims, epochs: deep.epochs };
  // Pre-training keeps the plan's rate; only the whole stack's fine-tuning takes the deep plan's.
  const fineTune = deep?.learningRate === undefined ? opts : { ...opts, learningRate: deep.learningRate };
  const inputDim = train.shape[1];
  const model = new Autoencoder({ inputDim, hiddenDims, latentDim, activation: 'relu', loss: 'bce', seed: plan.seed });
  const t0 = performance.now();
  if (deep !== null) {
    progress.line(`${name}: pre-training ${architecture(inputDim, hiddenDims, latentDim)} layer by layer, ${deep.pretrainEpochs} epochs per level`);
    const levels = await model.pretrainLayerwise(train, { ...opts, epochs: deep.pretrainEpochs });
    for (const l of levels) progress.line(`${name}: level ${l.level} (${l.sizes.join('→')}) loss ${l.history.at(-1)?.loss.toFixed(3) ?? '–'}`);
  }
  progress.line(`${name}: training ${architecture(inputDim, hiddenDims, latentDim)} for ${opts.epochs} epochs on ${train.shape[0]} digits`);
  const clock = new EpochClock(opts.epochs);
  await model.fit(train, {
    ...fineTune,
    onEpochEnd: (e) => {
      const times = clock.lap();
      if (!progress.reportsEpoch(e.epoch, opts.epochs)) return;
      progress.line(`${name}: ${formatEpochLine({ ...e, epochs: opts.epochs, unit: lossUnit(model.config), ...times })}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  progress.line(`${name}: done in ${seconds.toFixed(1)} s`);
  return { name, model, latentDim, seconds };
}

/**
 * A Bernoulli VAE (ReLU MLP encoder and decoder) with a `latentDim` latent space.
 *
 * @example
 * ```ts
 * const vae = await fitVAE(16, train, plan, progress);
 * ```
 */
export async function fitVAE(latentDim: number, train: Matrix, plan: DemoPlan, progress: DemoProgress): Promise<Fitted<VAE>> {
  const name = `VAE-${latentDim}`;
  const { hiddenDims, ...opts } = training(plan, latentDim);
  const inputDim = train.shape[1];
  progress.line(`${name}: training ${architecture(inputDim, hiddenDims, latentDim)} for ${opts.epochs} epochs on ${train.shape[0]} digits`);
  const model = new VAE({ inputDim, hiddenDims, latentDim, likelihood: 'bernoulli', seed: plan.seed });
  const t0 = performance.now();
  const clock = new EpochClock(opts.epochs);
  await model.fit(train, {
    ...opts,
    onEpochEnd: (e) => {
      const times = clock.lap();
      if (!progress.reportsEpoch(e.epoch, opts.epochs)) return;
      const detail = `(−ELBO = reconstruction ${e.reconstruction.toFixed(1)} + KL ${e.kl.toFixed(1)})`;
      progress.line(`${name}: ${formatEpochLine({ ...e, epochs: opts.epochs, unit: lossUnit(model.config), detail, ...times })}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  progress.line(`${name}: done in ${seconds.toFixed(1)} s`);
  return { name, model, latentDim, seconds };
}

/**
 * NMF with `k` parts on the first `plan.nmfRows` training digits, for the parts figure (not in
 * the metrics table: its codes are amounts of parts, not a Gaussian latent).
 *
 * @example
 * ```ts
 * fitNMF(16, train, plan, progress).model.components; // [16, 784], every entry ≥ 0
 * ```
 */
export function fitNMF(k: number, train: Matrix, plan: DemoPlan, progress: DemoProgress): Fitted<NMF> {
  const rows = Math.min(plan.nmfRows, train.shape[0]);
  const d = train.shape[1];
  const X = { data: train.data.subarray(0, rows * d), shape: [rows, d] };
  return timed(`NMF-${k}`, k, progress, () => new NMF({ nComponents: k, maxIter: plan.nmfIterations, seed: plan.seed }).fit(X));
}
