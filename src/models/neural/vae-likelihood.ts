/**
 * The VAE's densities on raw arrays, for the graph-free estimates (`elbo`, `logLikelihood`).
 * Every function adds one value per row into a Float64Array accumulator.
 *
 * @module
 */
import { LN_2PI, log1pexp, sigmoid } from '../../kernels/stable.js';
import type { FloatArray } from '../../validate.js';

/**
 * Decoder likelihoods: Bernoulli on logits (data in [0, 1]) or Gaussian with mean output.
 *
 * @example
 * ```ts
 * const likelihood: Likelihood = 'gaussian';
 * new VAE({ inputDim: 10, latentDim: 2, likelihood });
 * ```
 */
export type Likelihood = 'bernoulli' | 'gaussian';


/**
 * acc[r] += scale · ln p(x_r | decoder output_r). Bernoulli: Σ x·l − softplus(l) (stable);
 * Gaussian: −½ Σ [ln 2π + lv + (x − m)² e^{−lv}] with `logVar` of length 1 (shared) or d.
 *
 * @example
 * ```ts
 * const acc = new Float64Array(n);
 * addLogLikelihood('bernoulli', logits, x, n, d, null, 1, acc);
 * ```
 */
export function addLogLikelihood(
  likelihood: Likelihood, out: FloatArray, x: FloatArray, n: number, d: number,
  logVar: FloatArray | null, scale: number, acc: Float64Array,
): void {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let s = 0;
    if (likelihood === 'bernoulli') {
      for (let j = 0; j < d; j++) {
        const l = out[o + j];
        s += x[o + j] * l - log1pexp(l);
      }
    } else {
      const shared = logVar!.length === 1;
      for (let j = 0; j < d; j++) {
        const lv = shared ? logVar![0] : logVar![j];
        const e = x[o + j] - out[o + j];
        s -= 0.5 * (LN_2PI + lv + e * e * Math.exp(-lv));
      }
    }
    acc[r] += scale * s;
  }
}

/**
 * acc[r] −= scale · KL(N(μ_r, diag e^{lv_r}) ‖ N(0, I)) = scale · ½ Σ (1 + lv − μ² − e^{lv}),
 * with μ and lv the two halves of each row of the encoder output `h` [n, 2k].
 *
 * @example
 * ```ts
 * addNegativeKl(h, n, k, 1, acc);
 * ```
 */
export function addNegativeKl(h: FloatArray, n: number, k: number, scale: number, acc: Float64Array): void {
  for (let r = 0; r < n; r++) {
    const o = r * 2 * k;
    let s = 0;
    for (let j = 0; j < k; j++) {
      const m = h[o + j];
      const lv = h[o + k + j];
      s += 1 + lv - m * m - Math.exp(lv);
    }
    acc[r] += scale * 0.5 * s;
  }
}

/**
 * Draws z = μ + e^{lv/2} ⊙ ε for the rows of `h` [n, 2k] (ε from `eps`, [n, k]) into `z`, and
 * adds ln p(z) − ln q(z | x) per row to `acc` (the importance-weight terms), if given.
 *
 * @example
 * ```ts
 * reparameterize(h, eps, n, k, z, logWeights);
 * ```
 */
export function reparameterize(h: FloatArray, eps: FloatArray, n: number, k: number, z: FloatArray, acc: Float64Array | null): void {
  for (let r = 0; r < n; r++) {
    const o = r * 2 * k;
    let s = 0;
    for (let j = 0; j < k; j++) {
      const lv = h[o + k + j];
      const e = eps[r * k + j];
      z[r * k + j] = h[o + j] + Math.exp(0.5 * lv) * e;
      const v = z[r * k + j]; // the stored (possibly float32-rounded) value the decoder sees
      // ln N(z; 0, 1) − ln N(z; μ, σ²) = −½z² + ½ε² + ½lv  (the ln 2π terms cancel).
      s += 0.5 * (e * e - v * v + lv);
    }
    if (acc !== null) acc[r] += s;
  }
}

/**
 * The mean of p(x | z) from the decoder output, in place: σ(l) for Bernoulli logits; the
 * Gaussian mean is the output itself.
 *
 * @example
 * ```ts
 * decoderMeanInPlace('bernoulli', logits.data);
 * ```
 */
export function decoderMeanInPlace(likelihood: Likelihood, out: FloatArray): FloatArray {
  if (likelihood === 'bernoulli') for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
  return out;
}
