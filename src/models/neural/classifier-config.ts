import { describeValue } from '../../errors.js';
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { INIT_NAMES, type InitName } from '../../nn/init.js';
import type { DType } from '../../tensor/tensor.js';
import { resolveTraining, trainingToJSON, type TrainingOptions } from '../../train/options.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { TRAINING_KEYS } from './option-keys.js';

/**
 * Options of {@link Classifier}. Training options given here are the defaults of every `fit`.
 *
 * @example
 * ```ts
 * const clf = new Classifier({ inputDim: 784, hiddenDims: [256, 64], nClasses: 10, seed: 1, epochs: 20 });
 * ```
 */
export interface ClassifierOptions extends TrainingOptions {
  /** Number of features of the data. */
  inputDim: number;
  /** Widths of the hidden layers (the encoder); `[]` is multinomial logistic regression. Default `[]`. */
  hiddenDims?: readonly number[];
  /** Number of classes; labels are 0..nClasses−1. */
  nClasses: number;
  /** Nonlinearity between hidden layers. Default `'relu'`. */
  activation?: Activation;
  /**
   * Nonlinearity after the last hidden layer, before the head: the code layer of a pre-trained
   * encoder keeps its own (an autoencoder's `latentActivation`, `'identity'` for a VAE's μ).
   * Default `activation`.
   */
  codeActivation?: Activation;
  /** Train the head only, the encoder's parameters stay fixed (a linear probe). Default false. */
  freeze?: boolean;
  /** Learning rate of the encoder's parameters (e.g. smaller for pre-trained layers). Default: the fit's `learningRate`. */
  encoderLearningRate?: number | null;
  /** Weight initialisation. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters and outputs. Default `'float32'`. */
  dtype?: DType;
  /** Seed of every random stream (init, shuffling). Default 0. */
  seed?: number | string;
}

/**
 * The checked configuration of a Classifier (plain JSON).
 *
 * @example
 * ```ts
 * const config: ClassifierConfig = clf.config;
 * console.log(config.nClasses, config.hiddenDims);
 * ```
 */
export interface ClassifierConfig {
  inputDim: number;
  hiddenDims: number[];
  nClasses: number;
  activation: Activation;
  codeActivation: Activation;
  freeze: boolean;
  encoderLearningRate: number | null;
  init: InitName;
  dtype: DType;
  seed: number | string;
  /** The training defaults of every `fit`, each filled in. */
  training: Required<TrainingOptions>;
}

const MODEL_KEYS: Record<Exclude<keyof ClassifierOptions, keyof TrainingOptions>, true> = {
  inputDim: true, hiddenDims: true, nClasses: true, activation: true, codeActivation: true, freeze: true,
  encoderLearningRate: true, init: true, dtype: true, seed: true,
};
const KNOWN = [...Object.keys(MODEL_KEYS), ...TRAINING_KEYS];

/**
 * Checks Classifier options, throwing a RangeError (TypeError for a bad seed or an unknown
 * name, with a "did you mean" suggestion) naming the option.
 *
 * @example
 * ```ts
 * const config = resolveClassifierConfig({ inputDim: 64, hiddenDims: [32], nClasses: 10 });
 * ```
 */
export function resolveClassifierConfig(options: ClassifierOptions, where = 'Classifier'): ClassifierConfig {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const hidden = options.hiddenDims ?? [];
  if (!Array.isArray(hidden)) throw new RangeError(`${where}: hiddenDims must be an array of positive integers (got ${describeValue(hidden)})`);
  const activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', where);
  const freeze = options.freeze ?? false;
  if (typeof freeze !== 'boolean') throw new RangeError(`${where}: freeze must be a boolean (got ${describeValue(freeze)})`);
  const lr = options.encoderLearningRate ?? null;
  return {
    inputDim: assertInt(options.inputDim, 'inputDim', where, 1),
    hiddenDims: hidden.map((h, i) => assertInt(h, `hiddenDims[${i}]`, where, 1)),
    nClasses: assertInt(options.nClasses, 'nClasses', where, 2),
    activation,
    codeActivation: assertOneOf(options.codeActivation ?? activation, ACTIVATIONS, 'codeActivation', where),
    freeze,
    encoderLearningRate: lr === null ? null : assertNumber(lr, 'encoderLearningRate', where, { min: 0, minExclusive: true }),
    init: assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', where),
    dtype: assertOneOf(options.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', where),
    seed: assertSeed(options.seed ?? 0, where),
    training: resolveTraining(options, where),
  };
}

/**
 * The configuration as plain JSON for a saved state.
 *
 * @example
 * ```ts
 * const json = classifierConfigToJSON(resolveClassifierConfig({ inputDim: 4, nClasses: 3 }));
 * ```
 */
export function classifierConfigToJSON(c: ClassifierConfig): Record<string, unknown> {
  return { ...c, hiddenDims: c.hiddenDims.slice(), training: trainingToJSON(c.training) };
}
