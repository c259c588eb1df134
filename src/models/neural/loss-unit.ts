/**
 * The unit of a neural model's training loss, for progress lines (`fit`'s `verbose` output and
 * the command line): both are per-sample means over the batch, summed over features.
 *
 * @module
 */

/**
 * `'nats/sample'` for a VAE (−ELBO) and a BCE autoencoder (cross-entropy summed over
 * features), `'squared error/sample'` for an MSE autoencoder (squared error summed over
 * features, not averaged over them).
 *
 * @example
 * ```ts
 * lossUnit({ loss: 'mse' }); // 'squared error/sample'
 * lossUnit({ likelihood: 'gaussian' }); // 'nats/sample'
 * ```
 */
export function lossUnit(config: { loss?: 'mse' | 'bce'; likelihood?: string }): string {
  if (config.likelihood !== undefined || config.loss === 'bce') return 'nats/sample';
  return 'squared error/sample';
}
