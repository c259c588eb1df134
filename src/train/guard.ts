import { NonFiniteError } from '../errors.js';

/** Where in training a quantity was computed, for error messages. */
export interface StepLocation {
  /** 1-based epoch number. */
  epoch: number;
  /** 1-based global step number. */
  step: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  batchesPerEpoch: number;
}

/**
 * Throws a NonFiniteError naming the quantity, epoch and step when `value` is NaN or ±Infinity.
 * Called before the optimizer step, so the message can promise untouched parameters.
 *
 * @example
 * ```ts
 * assertFiniteQuantity(loss.item(), 'loss', 'VAE.fit', { epoch: 1, step: 7, batch: 7, batchesPerEpoch: 469 });
 * ```
 */
export function assertFiniteQuantity(value: number, quantity: string, where: string, at: StepLocation): void {
  if (Number.isFinite(value)) return;
  throw new NonFiniteError(
    `${where}: the ${quantity} is ${value} at epoch ${at.epoch}, step ${at.step} (batch ${at.batch}${at.batchesPerEpoch > 0 ? ` of ${at.batchesPerEpoch}` : ''}); `
    + 'training stopped before the update, so the parameters and optimizer state are those before this step',
  );
}
