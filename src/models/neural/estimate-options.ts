/**
 * The options of the neural latent models' stochastic estimates (`elbo`, `scoreSamples`),
 * shared by {@link VAE} and {@link CategoricalVAE}.
 *
 * @module
 */

/**
 * Options of the stochastic estimates.
 *
 * @example
 * ```ts
 * const logPx = vae.scoreSamples(X, { samples: 100, seed: 3 });
 * ```
 */
export interface EstimateOptions {
  /** Number of z samples per row. */
  samples?: number;
  /** Seed of a fresh stream for the draws; without it the model's evaluation stream is used (and advances). */
  seed?: number | string;
}
