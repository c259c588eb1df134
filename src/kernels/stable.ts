/**
 * Numerically stable scalar formulas. Each avoids overflow of exp for large |x| and keeps
 * full relative precision near zero.
 *
 * @module
 */

/**
 * ln(2π), the constant of every Gaussian log-density in latent-ts (the VAE's Gaussian decoder
 * loss, PPCA's likelihoods): defined once so they all use the same double.
 */
export const LN_2PI = Math.log(2 * Math.PI);

/** log(1 + exp(x)) without overflow; equals softplus. */
export function log1pexp(x: number): number {
  // For x > 0: x + log1p(exp(-x)); exp(-x) underflows harmlessly for large x.
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** softplus(x) = log(1 + eᕽ). NaN in, NaN out. */
export function softplus(x: number): number {
  return log1pexp(x);
}

/** log σ(x) = −softplus(−x). */
export function logSigmoid(x: number): number {
  return -log1pexp(-x);
}

/** σ(x) = 1 / (1 + e⁻ˣ), evaluated on the side where exp cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The two parts of a max-shifted log Σ exp over `x[offset], x[offset+stride], …` (n terms):
 * the shift m = max xᵢ and log Σ exp(xᵢ − m), so that logSumExp = m + the second part. Kept
 * apart because m + log Σ loses log Σ entirely when |m| is huge (m = 3e38), while the softmax
 * exp((xᵢ − m) − log Σ) needs it. NaN anywhere gives [NaN, NaN]; m = ±∞ gives [m, 0].
 */
export function logSumExpParts(x: ArrayLike<number>, offset = 0, n = x.length, stride = 1): [number, number] {
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[offset + i * stride];
    if (v !== v) return [NaN, NaN];
    if (v > m) m = v;
  }
  if (m === -Infinity || m === Infinity) return [m, 0];
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[offset + i * stride] - m);
  return [m, Math.log(s)];
}

/** log Σ exp(xᵢ) over `x[offset], x[offset+stride], …` (n terms), shifted by the max. */
export function logSumExp(x: ArrayLike<number>, offset = 0, n = x.length, stride = 1): number {
  const [m, logSum] = logSumExpParts(x, offset, n, stride);
  return m + logSum;
}
