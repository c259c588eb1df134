/**
 * One history entry of a trained model from the trainer's epoch log: the same fields, in the same
 * order, for every model (epoch, loss, the model's own terms, times, then the validation loss and
 * the validation values of the named parts), so the five models' records differ only in their terms.
 *
 * @module
 */
import type { EpochLog } from '../../train/types.js';

/** The fields every model's epoch entry has. @internal */
export interface EpochBase {
  epoch: number;
  loss: number;
  seconds: number;
  samplesPerSecond: number;
  valLoss?: number;
}

/**
 * `{ epoch, loss, ...terms, seconds, samplesPerSecond }`, and with a validation log `valLoss` and
 * `val<Part>` for each of `validationParts` (e.g. 'reconstruction' → `valReconstruction`).
 *
 * @example
 * ```ts
 * const e = epochEntry(log, { reconstruction: log.parts.reconstruction, kl: log.parts.kl }, ['reconstruction', 'kl']);
 * ```
 * @internal
 */
export function epochEntry<T extends object>(log: EpochLog, terms: T, validationParts: readonly string[]): EpochBase & T {
  const e: Record<string, number> = { epoch: log.epoch, loss: log.loss, ...(terms as Record<string, number>), seconds: log.seconds, samplesPerSecond: log.samplesPerSecond };
  if (log.validation !== null) {
    e.valLoss = log.validation.loss;
    for (const part of validationParts) e[`val${part[0].toUpperCase()}${part.slice(1)}`] = log.validation.parts[part];
  }
  return e as unknown as EpochBase & T;
}
