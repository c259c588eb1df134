import { describeValue } from '../../errors.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { INIT_NAMES, type InitName } from '../../nn/init.js';
import type { DType } from '../../tensor/tensor.js';
import { resolveTraining, trainingToJSON, type TrainingOptions } from '../../train/options.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { TRAINING_KEYS } from './option-keys.js';

/**
 * Options of {@link VQVAE}. Training options given here are the defaults of every `fit`.
 *
 * @example
 * ```ts
 * const vq = new VQVAE({ inputDim: 784, hiddenDims: [256], nLatents: 8, nCodes: 16, codeDim: 16, loss: 'bce', seed: 1 });
 * ```
 */
export interface VQVAEOptions extends TrainingOptions {
  /** Number of features of the data. */
  inputDim: number;
  /** Widths of the encoder's hidden layers; the decoder mirrors them. Default `[]` (linear maps). */
  hiddenDims?: readonly number[];
  /** M: latent vectors per sample, each quantised to one code (a code row of M indices). */
  nLatents: number;
  /** K: codes in the codebook (each latent carries log2 K bits). */
  nCodes: number;
  /** d: dimension of each latent vector and code. Default 16. */
  codeDim?: number;
  /** Hidden-layer nonlinearity. Default `'relu'`. */
  activation?: Activation;
  /**
   * Reconstruction loss per sample, as the Autoencoder's: `'mse'` (squared error summed over
   * features) or `'bce'` (cross-entropy on decoder logits, for data in [0, 1]; `decode` then
   * returns probabilities). Default `'mse'`.
   */
  loss?: 'mse' | 'bce';
  /** β, the weight of the commitment loss β‖z_e − sg[e]‖². Default 0.25 (the paper's). */
  commitment?: number;
  /**
   * How the codes learn: `'loss'`, the codebook loss ‖sg[z_e] − e‖² through the optimizer, or
   * `'ema'`, exponential moving averages of the encoder outputs assigned to each code (the
   * paper's appendix; no codebook loss, the codebook gets no gradient). Default `'ema'`: on the
   * digits with Adam at 1e-3 the encoder outputs ran away from codes that learn through the
   * loss (the codebook loss grew to thousands of nats per sample in the first epochs, 4–11 of 16
   * codes used), while the EMA codebook followed them (perplexity 13.9 of 16 after 5 epochs).
   */
  codebookUpdate?: 'loss' | 'ema';
  /** γ, the EMA decay (`'ema'` only). Default 0.99. */
  decay?: number;
  /** ε, the Laplace smoothing of the EMA cluster sizes (`'ema'` only). Default 1e-5. */
  epsilon?: number;
  /**
   * The codebook's start: `'encoder'`, K encoder outputs of the first training batch drawn
   * without replacement (seeded; codes beyond the batch's n·M vectors keep the uniform start),
   * or `'uniform'`, U(−1/K, 1/K) per value, drawn when the model is built. Default `'encoder'`.
   */
  codebookInit?: 'encoder' | 'uniform';
  /** Weight initialisation of the encoder and decoder. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters and outputs. Default `'float32'`. */
  dtype?: DType;
  /** Seed of every random stream (init, shuffling, codebook start). Default 0. */
  seed?: number | string;
}

/**
 * The checked configuration of a VQVAE (plain JSON). `latentDim` is M, the width of the code
 * rows `encode` returns.
 *
 * @example
 * ```ts
 * const config: VQVAEConfig = vq.config;
 * console.log(config.nCodes, config.nLatents, config.codeDim);
 * ```
 */
export interface VQVAEConfig {
  inputDim: number;
  hiddenDims: number[];
  nLatents: number;
  nCodes: number;
  codeDim: number;
  latentDim: number;
  activation: Activation;
  loss: 'mse' | 'bce';
  commitment: number;
  codebookUpdate: 'loss' | 'ema';
  decay: number;
  epsilon: number;
  codebookInit: 'encoder' | 'uniform';
  init: InitName;
  dtype: DType;
  seed: number | string;
  /** The training defaults of every `fit`, each filled in. */
  training: Required<TrainingOptions>;
}

const MODEL_KEYS: Record<Exclude<keyof VQVAEOptions, keyof TrainingOptions>, true> = {
  inputDim: true, hiddenDims: true, nLatents: true, nCodes: true, codeDim: true, activation: true, loss: true, commitment: true,
  codebookUpdate: true, decay: true, epsilon: true, codebookInit: true, init: true, dtype: true, seed: true,
};
const KNOWN = [...Object.keys(MODEL_KEYS), ...TRAINING_KEYS];

/**
 * Checks VQVAE options, throwing a RangeError (TypeError for a bad seed or an unknown name,
 * with a "did you mean" suggestion) naming the option and the value.
 *
 * @example
 * ```ts
 * resolveVQVAEConfig({ inputDim: 64, nLatents: 4, nCodes: 1 }); // RangeError: VQVAE: nCodes must be an integer >= 2 ...
 * ```
 */
export function resolveVQVAEConfig(options: VQVAEOptions): VQVAEConfig {
  const where = 'VQVAE';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const hidden = options.hiddenDims ?? [];
  if (!Array.isArray(hidden)) throw new RangeError(`${where}: hiddenDims must be an array of positive integers (got ${describeValue(hidden)})`);
  const nLatents = assertInt(options.nLatents, 'nLatents', where, 1);
  return {
    inputDim: assertInt(options.inputDim, 'inputDim', where, 1),
    hiddenDims: hidden.map((h, i) => assertInt(h, `hiddenDims[${i}]`, where, 1)),
    nLatents,
    nCodes: assertInt(options.nCodes, 'nCodes', where, 2),
    codeDim: assertInt(options.codeDim ?? 16, 'codeDim', where, 1),
    latentDim: nLatents,
    activation: assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', where),
    loss: assertOneOf(options.loss ?? 'mse', ['mse', 'bce'] as const, 'loss', where),
    commitment: assertNumber(options.commitment ?? 0.25, 'commitment', where, { min: 0 }),
    codebookUpdate: assertOneOf(options.codebookUpdate ?? 'ema', ['loss', 'ema'] as const, 'codebookUpdate', where),
    decay: assertNumber(options.decay ?? 0.99, 'decay', where, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
    epsilon: assertNumber(options.epsilon ?? 1e-5, 'epsilon', where, { min: 0, minExclusive: true }),
    codebookInit: assertOneOf(options.codebookInit ?? 'encoder', ['encoder', 'uniform'] as const, 'codebookInit', where),
    init: assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', where),
    dtype: assertOneOf(options.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', where),
    seed: assertSeed(options.seed ?? 0, where),
    training: resolveTraining(options, where),
  };
}

/**
 * The configuration as plain JSON for a saved state: the constructor options (without the
 * derived `latentDim`).
 *
 * @example
 * ```ts
 * const json = vqvaeConfigToJSON(resolveVQVAEConfig({ inputDim: 10, nLatents: 2, nCodes: 8 }));
 * ```
 */
export function vqvaeConfigToJSON(c: VQVAEConfig): Record<string, unknown> {
  const { latentDim: _derived, ...rest } = c;
  return { ...rest, hiddenDims: c.hiddenDims.slice(), training: trainingToJSON(c.training) };
}
