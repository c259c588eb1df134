import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { INIT_NAMES, type InitName } from '../../nn/init.js';
import type { DType } from '../../tensor/tensor.js';
import { resolveTraining, trainingToJSON, type TrainingOptions } from '../../train/options.js';
import { describeValue } from '../../errors.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { TRAINING_KEYS } from './option-keys.js';

/**
 * Options of {@link CategoricalVAE}. Training options given here are the defaults of every `fit`.
 *
 * @example
 * ```ts
 * const cvae = new CategoricalVAE({ inputDim: 784, hiddenDims: [512, 256], nVariables: 30, nCategories: 10, hard: false, seed: 1 });
 * ```
 */
export interface CategoricalVAEOptions extends TrainingOptions {
  /** Number of features of the data (in [0, 1]: the decoder is Bernoulli). */
  inputDim: number;
  /** Widths of the hidden layers of the encoder; the decoder mirrors them. Default `[]`. */
  hiddenDims?: readonly number[];
  /** N: the number of categorical latent variables. */
  nVariables: number;
  /** K: the number of categories of each variable (≥ 2). */
  nCategories: number;
  /** The temperature τ₀ at step 0. Default 1. */
  temperature?: number;
  /** The floor τ_min of the annealed temperature. Default 0.5 (Jang et al. 2016). */
  minTemperature?: number;
  /** r in τ = max(τ_min, τ₀·exp(−r·step)), per optimizer step. Default 3e-5 (Jang et al.'s MNIST run); 0 keeps τ₀. */
  annealRate?: number;
  /** Straight-through Gumbel-softmax: the decoder sees one-hot samples. Default false (the relaxed sample). */
  hard?: boolean;
  /** Weight of the KL term. Default 1. */
  beta?: number;
  /** Hidden-layer nonlinearity. Default `'relu'`. */
  activation?: Activation;
  /** Weight initialisation. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters and outputs. Default `'float32'`. */
  dtype?: DType;
  /** Seed of every random stream (init, shuffling, Gumbel noise, evaluation). Default 0. */
  seed?: number | string;
}

/**
 * The checked, complete configuration of a CategoricalVAE (plain JSON).
 *
 * @example
 * ```ts
 * const { nVariables, nCategories, temperature }: CategoricalVAEConfig = cvae.config;
 * ```
 */
export interface CategoricalVAEConfig {
  inputDim: number;
  hiddenDims: number[];
  nVariables: number;
  nCategories: number;
  /** N·K, the width of the one-hot codes. */
  latentDim: number;
  temperature: number;
  minTemperature: number;
  annealRate: number;
  hard: boolean;
  beta: number;
  activation: Activation;
  init: InitName;
  dtype: DType;
  seed: number | string;
  /** The training defaults of every `fit`, each filled in. */
  training: Required<TrainingOptions>;
}

const MODEL_KEYS: Record<Exclude<keyof CategoricalVAEOptions, keyof TrainingOptions>, true> = {
  inputDim: true, hiddenDims: true, nVariables: true, nCategories: true, temperature: true, minTemperature: true,
  annealRate: true, hard: true, beta: true, activation: true, init: true, dtype: true, seed: true,
};
const KNOWN = [...Object.keys(MODEL_KEYS), ...TRAINING_KEYS];

/**
 * Checks CategoricalVAE options, throwing a RangeError (TypeError for a bad seed, a non-boolean
 * `hard` or an unknown name, with a "did you mean" suggestion) that names the option.
 *
 * @example
 * ```ts
 * const config = resolveCategoricalVAEConfig({ inputDim: 64, nVariables: 8, nCategories: 4 });
 * ```
 */
export function resolveCategoricalVAEConfig(options: CategoricalVAEOptions): CategoricalVAEConfig {
  const where = 'CategoricalVAE';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const hidden = options.hiddenDims ?? [];
  if (!Array.isArray(hidden)) throw new RangeError(`${where}: hiddenDims must be an array of positive integers (got ${describeValue(hidden)})`);
  const hard = options.hard ?? false;
  if (typeof hard !== 'boolean') throw new TypeError(`${where}: hard must be a boolean (got ${describeValue(hard)})`);
  const nVariables = assertInt(options.nVariables, 'nVariables', where, 1);
  const nCategories = assertInt(options.nCategories, 'nCategories', where, 2);
  const temperature = assertNumber(options.temperature ?? 1, 'temperature', where, { min: 0, minExclusive: true });
  const minTemperature = assertNumber(options.minTemperature ?? Math.min(0.5, temperature), 'minTemperature', where, { min: 0, minExclusive: true });
  if (minTemperature > temperature) {
    throw new RangeError(`${where}: minTemperature (${minTemperature}) must not exceed temperature (${temperature})`);
  }
  return {
    inputDim: assertInt(options.inputDim, 'inputDim', where, 1),
    hiddenDims: hidden.map((h, i) => assertInt(h, `hiddenDims[${i}]`, where, 1)),
    nVariables,
    nCategories,
    latentDim: nVariables * nCategories,
    temperature,
    minTemperature,
    annealRate: assertNumber(options.annealRate ?? 3e-5, 'annealRate', where, { min: 0 }),
    hard,
    beta: assertNumber(options.beta ?? 1, 'beta', where, { min: 0 }),
    activation: assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', where),
    init: assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', where),
    dtype: assertOneOf(options.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', where),
    seed: assertSeed(options.seed ?? 0, where),
    training: resolveTraining(options, where),
  };
}

/**
 * The configuration as plain JSON for a saved state (the constructor's options: `latentDim`
 * is derived and left out).
 *
 * @example
 * ```ts
 * const json = categoricalVAEConfigToJSON(cvae.config);
 * ```
 */
export function categoricalVAEConfigToJSON(c: CategoricalVAEConfig): Record<string, unknown> {
  const { latentDim: _derived, ...rest } = c;
  return { ...rest, hiddenDims: c.hiddenDims.slice(), training: trainingToJSON(c.training) };
}

/**
 * The annealed temperature at an optimizer step (Jang et al. 2016, §4):
 * τ = max(τ_min, τ₀·exp(−r·step)).
 *
 * @example
 * ```ts
 * temperatureAt({ temperature: 1, minTemperature: 0.5, annealRate: 1e-3 }, 1000); // 0.5
 * ```
 */
export function temperatureAt(c: Pick<CategoricalVAEConfig, 'temperature' | 'minTemperature' | 'annealRate'>, step: number): number {
  return Math.max(c.minTemperature, c.temperature * Math.exp(-c.annealRate * step));
}
