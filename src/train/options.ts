import { Adam, AdamW } from '../optim/adam.js';
import type { Optimizer, ParamsInput } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { describeValue } from '../errors.js';
import { assertInt, assertNumber, assertOneOf } from '../validate.js';

/**
 * The optimizers `fit` can use.
 *
 * @example
 * ```ts
 * const name: OptimizerName = 'adam';
 * await vae.fit(X, { optimizer: name });
 * ```
 */
export type OptimizerName = 'adam' | 'adamw' | 'sgd';

/**
 * Optimizer hyper-parameters beyond the learning rate (PyTorch defaults when omitted).
 *
 * @example
 * ```ts
 * await ae.fit(X, { optimizer: 'sgd', optimizerOptions: { momentum: 0.9, nesterov: true } });
 * ```
 */
export interface OptimizerSettings {
  /** Adam(W) β₁. Default 0.9. */
  beta1?: number;
  /** Adam(W) β₂. Default 0.999. */
  beta2?: number;
  /** Adam(W) ε. Default 1e-8. */
  eps?: number;
  /** L2 (Adam, SGD) or decoupled (AdamW) weight decay. Default 0 (AdamW: 1e-2). */
  weightDecay?: number;
  /** SGD momentum. Default 0. */
  momentum?: number;
  /** SGD dampening. Default 0. */
  dampening?: number;
  /** SGD Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Training hyper-parameters. Models accept them in their constructor (checked there, as
 * defaults) and in `fit` (overrides, checked before any training).
 *
 * @example
 * ```ts
 * new VAE({ inputDim: 784, latentDim: 8, epochs: 10, batchSize: 128, optimizer: 'adamw', maxGradNorm: 5 });
 * ```
 */
export interface TrainingOptions {
  /** Passes over the data in one `fit` call. Default 10. 0 returns at once. */
  epochs?: number;
  /** Samples per step. Default 128. The last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Default `'adam'`. */
  optimizer?: OptimizerName;
  /** Further optimizer hyper-parameters. */
  optimizerOptions?: OptimizerSettings;
  /** Clip the global gradient norm to this value before each step. Default: no clipping. */
  maxGradNorm?: number | null;
  /** Shuffle the rows every epoch (seeded). Default true. */
  shuffle?: boolean;
  /** Fraction of the rows held out (a seeded random subset) for validation. Default 0. */
  validationSplit?: number;
  /**
   * Early stopping: stop after this many epochs without improvement of the monitored loss
   * (validation loss when there is validation data, else training loss). Default: off.
   */
  patience?: number | null;
  /** Smallest decrease that counts as an improvement. Default 0. */
  minDelta?: number;
  /** With early stopping, end with the parameters of the best epoch. Default true. */
  restoreBest?: boolean;
}

/**
 * {@link TrainingOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const settings: ResolvedTraining = vae.config.training;
 * console.log(settings.batchSize);
 * ```
 */
export interface ResolvedTraining {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  optimizerOptions: OptimizerSettings;
  maxGradNorm: number | null;
  shuffle: boolean;
  validationSplit: number;
  patience: number | null;
  minDelta: number;
  restoreBest: boolean;
}

const DEFAULTS: ResolvedTraining = {
  epochs: 10, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', optimizerOptions: {},
  maxGradNorm: null, shuffle: true, validationSplit: 0, patience: null, minDelta: 0, restoreBest: true,
};

function assertBool(v: unknown, name: string, where: string): boolean {
  if (typeof v !== 'boolean') throw new RangeError(`${where}: ${name} must be a boolean (got ${describeValue(v)})`);
  return v;
}

function checkSettings(s: OptimizerSettings, where: string): OptimizerSettings {
  if (s === null || typeof s !== 'object') throw new RangeError(`${where}: optimizerOptions must be an object (got ${describeValue(s)})`);
  const known = ['beta1', 'beta2', 'eps', 'weightDecay', 'momentum', 'dampening', 'nesterov'];
  for (const k of Object.keys(s)) {
    if (!known.includes(k)) throw new RangeError(`${where}: optimizerOptions.${k} is not a known option (${known.join(', ')})`);
  }
  return { ...s };
}

/**
 * Fills defaults from `base` (or the library defaults) and checks every value, throwing a
 * RangeError that names the option. The optimizer settings are also checked by building a
 * throwaway optimizer, so a bad β₁ fails here and not at the first step.
 *
 * @example
 * ```ts
 * const opts = resolveTraining({ epochs: 5, learningRate: 3e-4 }, 'VAE.fit'); // others default
 * ```
 */
export function resolveTraining(options: TrainingOptions | undefined, where: string, base: ResolvedTraining = DEFAULTS): ResolvedTraining {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(o)})`);
  const pick = <K extends keyof ResolvedTraining>(k: K): ResolvedTraining[K] => (o[k] === undefined ? base[k] : (o[k] as ResolvedTraining[K]));
  const r: ResolvedTraining = {
    epochs: assertInt(pick('epochs'), 'epochs', where, 0),
    batchSize: assertInt(pick('batchSize'), 'batchSize', where, 1),
    learningRate: assertNumber(pick('learningRate'), 'learningRate', where, { min: 0, minExclusive: true }),
    optimizer: assertOneOf(pick('optimizer'), ['adam', 'adamw', 'sgd'] as const, 'optimizer', where),
    optimizerOptions: checkSettings(pick('optimizerOptions'), where),
    maxGradNorm: pick('maxGradNorm') === null ? null : assertNumber(pick('maxGradNorm'), 'maxGradNorm', where, { min: 0, minExclusive: true }),
    shuffle: assertBool(pick('shuffle'), 'shuffle', where),
    validationSplit: assertNumber(pick('validationSplit'), 'validationSplit', where, { min: 0, max: 1, maxExclusive: true }),
    patience: pick('patience') === null ? null : assertInt(pick('patience'), 'patience', where, 0),
    minDelta: assertNumber(pick('minDelta'), 'minDelta', where, { min: 0 }),
    restoreBest: assertBool(pick('restoreBest'), 'restoreBest', where),
  };
  try {
    createOptimizer(r.optimizer, [], r.learningRate, r.optimizerOptions);
  } catch (e) {
    throw new RangeError(`${where}: ${(e as Error).message}`, { cause: e });
  }
  return r;
}

/**
 * Builds the named optimizer over `params`.
 *
 * @example
 * ```ts
 * const opt = createOptimizer('adamw', model.parameters(), 1e-3, { weightDecay: 0.01 });
 * ```
 */
export function createOptimizer(name: OptimizerName, params: ParamsInput, learningRate: number, s: OptimizerSettings = {}): Optimizer {
  switch (name) {
    case 'adam': return new Adam(params, { learningRate, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay });
    case 'adamw': return new AdamW(params, { learningRate, beta1: s.beta1, beta2: s.beta2, eps: s.eps, weightDecay: s.weightDecay });
    case 'sgd': return new SGD(params, { learningRate, momentum: s.momentum, dampening: s.dampening, weightDecay: s.weightDecay, nesterov: s.nesterov });
  }
}

/**
 * The resolved options as plain JSON (for model configs).
 *
 * @example
 * ```ts
 * const json = trainingToJSON(resolveTraining({}, 'VAE'));
 * ```
 */
export function trainingToJSON(r: ResolvedTraining): Record<string, unknown> {
  return { ...r, optimizerOptions: { ...r.optimizerOptions } };
}

/**
 * Freezes a configuration and every object or array inside it, so that `model.config` cannot be
 * changed after construction (fitting never changes hyper-parameters either).
 *
 * @example
 * ```ts
 * const config = deepFreeze({ hiddenDims: [400], training: resolveTraining({}, 'VAE') });
 * Object.isFrozen(config.training); // true
 * ```
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
