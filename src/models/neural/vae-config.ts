import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { INIT_NAMES, type InitName } from '../../nn/init.js';
import type { DType } from '../../tensor/tensor.js';
import { resolveTraining, trainingToJSON, type TrainingOptions } from '../../train/options.js';
import { describeValue } from '../../errors.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { TRAINING_KEYS } from './option-keys.js';
import type { Likelihood } from './vae-likelihood.js';
import { architectureToJSON, resolveArchitecture, type ConvArchitecture, type ConvArchitectureConfig } from './conv-architecture.js';

/**
 * Options of {@link VAE}. Training options given here are the defaults of every `fit`.
 *
 * @example
 * ```ts
 * const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, likelihood: 'bernoulli', beta: 1, seed: 1 });
 * ```
 */
export interface VAEOptions extends TrainingOptions {
  /** Number of features of the data. */
  inputDim: number;
  /** Widths of the hidden layers of the encoder; the decoder mirrors them. Default `[]` (linear maps). */
  hiddenDims?: readonly number[];
  /** Dimension of z. */
  latentDim: number;
  /** Hidden-layer nonlinearity. Default `'relu'`. */
  activation?: Activation;
  /** Decoder likelihood. Default `'bernoulli'` (data in [0, 1]). */
  likelihood?: Likelihood;
  /** Gaussian decoder variance: a fixed σ² > 0, or `'learned'` (one log-variance per feature). Default 1. */
  decoderVariance?: number | 'learned';
  /** Weight of the KL term (β-VAE). Default 1. */
  beta?: number;
  /** Epochs over which the KL weight rises linearly from 0 to β, step by step. Default 0 (off). */
  klWarmup?: number;
  /** Weight initialisation. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters and outputs. Default `'float32'`. */
  dtype?: DType;
  /** Seed of every random stream (init, shuffling, ε, evaluation). Default 0. */
  seed?: number | string;
  /**
   * A convolutional encoder and mirror decoder for image rows (see {@link ConvArchitecture});
   * `hiddenDims` are then dense layers between the conv stack and the code. Default none (an MLP).
   */
  architecture?: ConvArchitecture | null;
}

/**
 * The checked, complete configuration of a VAE (plain JSON).
 *
 * @example
 * ```ts
 * const config: VAEConfig = vae.config;
 * console.log(config.likelihood);
 * ```
 */
export interface VAEConfig {
  inputDim: number;
  hiddenDims: number[];
  latentDim: number;
  activation: Activation;
  likelihood: Likelihood;
  decoderVariance: number | 'learned';
  beta: number;
  klWarmup: number;
  init: InitName;
  dtype: DType;
  seed: number | string;
  /** The training defaults of every `fit`, each filled in. */
  training: Required<TrainingOptions>;
  /** The convolutional architecture; absent for an MLP. */
  architecture?: ConvArchitectureConfig;
}

const MODEL_KEYS: Record<Exclude<keyof VAEOptions, keyof TrainingOptions>, true> = {
  inputDim: true, hiddenDims: true, latentDim: true, activation: true, likelihood: true, decoderVariance: true, beta: true,
  klWarmup: true, init: true, dtype: true, seed: true, architecture: true,
};
const KNOWN = [...Object.keys(MODEL_KEYS), ...TRAINING_KEYS];

/**
 * Checks VAE options, throwing a RangeError (TypeError for a bad seed or an unknown name, with a
 * "did you mean" suggestion) that names the option.
 *
 * @example
 * ```ts
 * const config = resolveVAEConfig({ inputDim: 784, hiddenDims: [400], latentDim: 20 });
 * ```
 */
export function resolveVAEConfig(options: VAEOptions): VAEConfig {
  const where = 'VAE';
  if (options === null || typeof options !== 'object') throw new TypeError(`VAE: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const hidden = options.hiddenDims ?? [];
  if (!Array.isArray(hidden)) throw new RangeError(`VAE: hiddenDims must be an array of positive integers (got ${describeValue(hidden)})`);
  const likelihood = assertOneOf(options.likelihood ?? 'bernoulli', ['bernoulli', 'gaussian'] as const, 'likelihood', where);
  const dv = options.decoderVariance ?? 1;
  const seed = assertSeed(options.seed ?? 0, where);
  const inputDim = assertInt(options.inputDim, 'inputDim', where, 1);
  const architecture = resolveArchitecture(options.architecture, inputDim, where);
  return {
    inputDim,
    hiddenDims: hidden.map((h, i) => assertInt(h, `hiddenDims[${i}]`, where, 1)),
    latentDim: assertInt(options.latentDim, 'latentDim', where, 1),
    activation: assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', where),
    likelihood,
    decoderVariance: dv === 'learned' ? dv : assertNumber(dv, 'decoderVariance', where, { min: 0, minExclusive: true }),
    beta: assertNumber(options.beta ?? 1, 'beta', where, { min: 0 }),
    klWarmup: assertNumber(options.klWarmup ?? 0, 'klWarmup', where, { min: 0 }),
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
 * const json = vaeConfigToJSON(resolveVAEConfig({ inputDim: 784, latentDim: 20 }));
 * ```
 */
export function vaeConfigToJSON(c: VAEConfig): Record<string, unknown> {
  const arch = c.architecture === undefined ? {} : { architecture: architectureToJSON(c.architecture) };
  return { ...c, hiddenDims: c.hiddenDims.slice(), training: trainingToJSON(c.training), ...arch };
}
