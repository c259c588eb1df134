import { describeValue } from '../../errors.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { INIT_NAMES, type InitName } from '../../nn/init.js';
import type { DType } from '../../tensor/tensor.js';
import { resolveTraining, trainingToJSON, type TrainingOptions } from '../../train/options.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { TRAINING_KEYS } from './option-keys.js';
import { architectureToJSON, resolveArchitecture, type ConvArchitecture, type ConvArchitectureConfig } from './conv-architecture.js';

/**
 * Input corruption of a denoising autoencoder (applied to training inputs; targets stay clean).
 *
 * @example
 * ```ts
 * new Autoencoder({ inputDim: 784, latentDim: 32, denoising: { type: 'masking', rate: 0.3 } });
 * ```
 */
export type Denoising =
  /** x̃ = x + std·ε, ε ~ N(0, 1). */
  | { type: 'gaussian'; std: number }
  /** Each value is set to 0 with probability `rate` (Vincent et al. 2008). */
  | { type: 'masking'; rate: number };

/**
 * Options of {@link Autoencoder}. Training options given here are the defaults of every `fit`.
 *
 * @example
 * ```ts
 * const ae = new Autoencoder({ inputDim: 784, hiddenDims: [256], latentDim: 16, loss: 'bce', sparsity: 1e-3, seed: 1 });
 * ```
 */
export interface AutoencoderOptions extends TrainingOptions {
  /** Number of features of the data. */
  inputDim: number;
  /** Widths of the encoder's hidden layers; the decoder mirrors them. Default `[]` (linear maps). */
  hiddenDims?: readonly number[];
  /** Size of the code. */
  latentDim: number;
  /** Hidden-layer nonlinearity. Default `'relu'`. */
  activation?: Activation;
  /** Nonlinearity of the code layer. Default `'identity'` (`'sigmoid'` when `binarize` > 0). */
  latentActivation?: Activation;
  /**
   * Reconstruction loss per sample: `'mse'`, the squared error summed over features, or `'bce'`,
   * the binary cross-entropy on decoder logits for data in [0, 1] (then `decode` returns
   * probabilities). Default `'mse'`.
   */
  loss?: 'mse' | 'bce';
  /** Weight λ of the L1 penalty λ·Σ|z| on the codes (per sample). Default 0. */
  sparsity?: number;
  /** Corrupt training inputs (denoising autoencoder). Default none. */
  denoising?: Denoising | null;
  /** Weight λ of the L2 penalty (λ/2)·Σ W² on the weight matrices (not the biases). Default 0. */
  weightDecay?: number;
  /**
   * Weight μ of the penalty μ·Σ z(1 − z) that pushes sigmoid codes toward 0 or 1, for semantic
   * hashing. Forces a sigmoid code layer. Default 0 (off).
   */
  binarize?: number;
  /** Weight initialisation. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters and outputs. Default `'float32'`. */
  dtype?: DType;
  /** Seed of every random stream (init, shuffling, noise). Default 0. */
  seed?: number | string;
  /**
   * A convolutional encoder and mirror decoder for image rows (see {@link ConvArchitecture});
   * `hiddenDims` are then dense layers between the conv stack and the code. Default none (an MLP).
   */
  architecture?: ConvArchitecture | null;
}

/**
 * The checked configuration of an Autoencoder (plain JSON).
 *
 * @example
 * ```ts
 * const config: AutoencoderConfig = ae.config;
 * console.log(config.latentDim);
 * ```
 */
export interface AutoencoderConfig {
  inputDim: number;
  hiddenDims: number[];
  latentDim: number;
  activation: Activation;
  latentActivation: Activation;
  loss: 'mse' | 'bce';
  sparsity: number;
  denoising: Denoising | null;
  weightDecay: number;
  binarize: number;
  init: InitName;
  dtype: DType;
  seed: number | string;
  /** The training defaults of every `fit`, each filled in. */
  training: Required<TrainingOptions>;
  /** The convolutional architecture; absent for an MLP. */
  architecture?: ConvArchitectureConfig;
}

const MODEL_KEYS: Record<Exclude<keyof AutoencoderOptions, keyof TrainingOptions>, true> = {
  inputDim: true, hiddenDims: true, latentDim: true, activation: true, latentActivation: true, loss: true, sparsity: true,
  denoising: true, weightDecay: true, binarize: true, init: true, dtype: true, seed: true, architecture: true,
};
const KNOWN = [...Object.keys(MODEL_KEYS), ...TRAINING_KEYS];

function checkDenoising(d: unknown, where: string): Denoising | null {
  if (d === undefined || d === null) return null;
  const v = d as Denoising;
  if (typeof v !== 'object' || (v.type !== 'gaussian' && v.type !== 'masking')) {
    throw new RangeError(`${where}: denoising must be { type: 'gaussian', std } or { type: 'masking', rate } (got ${describeValue(d)})`);
  }
  if (v.type === 'gaussian') return { type: 'gaussian', std: assertNumber(v.std, 'denoising.std', where, { min: 0, minExclusive: true }) };
  return { type: 'masking', rate: assertNumber(v.rate, 'denoising.rate', where, { min: 0, max: 1, maxExclusive: true }) };
}

/**
 * Checks Autoencoder options, throwing a RangeError (TypeError for a bad seed or an unknown
 * name, with a "did you mean" suggestion) naming the option.
 *
 * @example
 * ```ts
 * const config = resolveAutoencoderConfig({ inputDim: 784, latentDim: 32, loss: 'bce' });
 * ```
 */
export function resolveAutoencoderConfig(options: AutoencoderOptions): AutoencoderConfig {
  const where = 'Autoencoder';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const hidden = options.hiddenDims ?? [];
  if (!Array.isArray(hidden)) throw new RangeError(`${where}: hiddenDims must be an array of positive integers (got ${describeValue(hidden)})`);
  const seed = assertSeed(options.seed ?? 0, where);
  const binarize = assertNumber(options.binarize ?? 0, 'binarize', where, { min: 0 });
  const latentActivation = assertOneOf(options.latentActivation ?? (binarize > 0 ? 'sigmoid' : 'identity'), ACTIVATIONS, 'latentActivation', where);
  if (binarize > 0 && latentActivation !== 'sigmoid') {
    throw new RangeError(`${where}: binarize needs latentActivation 'sigmoid' (got '${latentActivation}')`);
  }
  const inputDim = assertInt(options.inputDim, 'inputDim', where, 1);
  const architecture = resolveArchitecture(options.architecture, inputDim, where);
  return {
    inputDim,
    hiddenDims: hidden.map((h, i) => assertInt(h, `hiddenDims[${i}]`, where, 1)),
    latentDim: assertInt(options.latentDim, 'latentDim', where, 1),
    activation: assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', where),
    latentActivation,
    loss: assertOneOf(options.loss ?? 'mse', ['mse', 'bce'] as const, 'loss', where),
    sparsity: assertNumber(options.sparsity ?? 0, 'sparsity', where, { min: 0 }),
    denoising: checkDenoising(options.denoising, where),
    weightDecay: assertNumber(options.weightDecay ?? 0, 'weightDecay', where, { min: 0 }),
    binarize,
    init: assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', where),
    dtype: assertOneOf(options.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', where),
    seed,
    training: resolveTraining(options, where),
    ...(architecture === null ? {} : { architecture }),
  };
}

/**
 * The configuration as plain JSON for a saved state.
 *
 * @example
 * ```ts
 * const json = autoencoderConfigToJSON(resolveAutoencoderConfig({ inputDim: 10, latentDim: 2 }));
 * ```
 */
export function autoencoderConfigToJSON(c: AutoencoderConfig): Record<string, unknown> {
  return { ...c, hiddenDims: c.hiddenDims.slice(), denoising: c.denoising === null ? null : { ...c.denoising }, training: trainingToJSON(c.training), ...(c.architecture === undefined ? {} : { architecture: architectureToJSON(c.architecture) }) };
}
