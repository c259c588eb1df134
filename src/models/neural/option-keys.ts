/**
 * The option names the neural models accept, listed once per source type: a `Record` over
 * `keyof` each options type, so a new training option or hook that is not added here fails to
 * compile instead of being rejected as unknown at run time.
 *
 * @module
 */
import type { TrainingOptions } from '../../train/options.js';
import type { FitHooks } from '../../train/trainer.js';
import { assertKnownOptions } from '../options.js';

const TRAINING: Record<keyof TrainingOptions, true> = {
  epochs: true, batchSize: true, learningRate: true, optimizer: true, optimizerOptions: true, maxGradNorm: true,
  shuffle: true, validationSplit: true, patience: true, minDelta: true, restoreBest: true,
};
const HOOKS: Record<keyof FitHooks<unknown>, true> = {
  onEpochEnd: true, onBatchEnd: true, signal: true, verbose: true, yieldEveryMs: true,
};

/**
 * The training option names (accepted by the constructors, as defaults, and by `fit`).
 *
 * @example
 * ```ts
 * TRAINING_KEYS.includes('batchSize'); // true
 * ```
 */
export const TRAINING_KEYS: readonly string[] = Object.keys(TRAINING);

/** What `fit` accepts: training overrides, hooks, held-out data, and a streamed fit's buffer. */
const FIT_KEYS: readonly string[] = [...TRAINING_KEYS, ...Object.keys(HOOKS), 'validationData', 'shuffleBuffer'];

/**
 * Rejects a misspelled `fit` option (TypeError with a "did you mean" suggestion); `extra` names a
 * model's own `fit` options (a supervised model's `validationLabels`). Anything that is not an
 * object is left to the checks of the values.
 *
 * @example
 * ```ts
 * assertFitOptions({ epoch: 1 }, 'VAE.fit'); // TypeError: VAE.fit: unknown option 'epoch'; did you mean 'epochs'? ...
 * ```
 */
export function assertFitOptions(options: unknown, where: string, extra: readonly string[] = []): void {
  if (options !== null && typeof options === 'object') assertKnownOptions(options, extra.length === 0 ? FIT_KEYS : [...FIT_KEYS, ...extra], where);
}

/** What a saved neural state's config holds besides the constructor options (see train/model-checkpoint.ts). */
const STATE_KEYS = ['training', 'fitted', 'rng', 'trainer', 'history'];

/**
 * The constructor options in a saved config: without the bookkeeping fields that the
 * unknown-option check would reject.
 *
 * @example
 * ```ts
 * savedOptions({ inputDim: 4, latentDim: 2, fitted: true, history: [] }); // { inputDim: 4, latentDim: 2 }
 * ```
 */
export function savedOptions(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !STATE_KEYS.includes(k)));
}
