import type { FloatArray } from '../validate.js';

/**
 * The Gumbel-softmax relaxation and the KL of a categorical to the uniform one, over groups of
 * K contiguous values (one group per categorical variable). Each group is reduced in double
 * and max-shifted, so no exp overflows and float32 storage costs one rounding per output.
 *
 * @module
 */

/**
 * y = softmax((x + g) / τ) in each of the `groups` groups of `k` values (Jang et al. 2016,
 * eq. 1), written to `soft`. With `hard` set, the arg-max of each soft group (the lower index on
 * ties) is written as an exact one-hot into `out`; otherwise `out` gets the soft values (it may
 * be `soft`).
 */
export function gumbelSoftmaxGroups(
  x: FloatArray, noise: ArrayLike<number>, tau: number, groups: number, k: number, hard: boolean, soft: FloatArray, out: FloatArray,
): void {
  const z = new Float64Array(k);
  for (let gi = 0; gi < groups; gi++) {
    const base = gi * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = (x[base + c] + noise[base + c]) / tau;
      z[c] = v;
      if (v > m || v !== v) m = v;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[c] - m);
    const logS = Math.log(s);
    let best = 0;
    for (let c = 0; c < k; c++) {
      soft[base + c] = Math.exp(z[c] - m - logS);
      if (soft[base + c] > soft[base + best]) best = c;
    }
    if (hard) {
      // NaN logits stay NaN (the trainer's guard sees them) rather than becoming a one-hot.
      const bad = m !== m;
      for (let c = 0; c < k; c++) out[base + c] = bad ? NaN : c === best ? 1 : 0;
    } else if (out !== soft) {
      for (let c = 0; c < k; c++) out[base + c] = soft[base + c];
    }
  }
}

/**
 * KL(q ‖ uniform K) = Σ_c q_c log q_c + log K of each group, q = softmax(x), with log q from the
 * max-shifted log-softmax (finite where log of a rounded q would be −∞). Group sums go to
 * `perGroup`; ∂KL/∂x_c = q_c (log q_c − Σ q log q) to `partials`. Returns the total in double.
 */
export function categoricalKlGroups(x: FloatArray, groups: number, k: number, perGroup: Float64Array, partials: FloatArray): number {
  const logK = Math.log(k);
  const logq = new Float64Array(k);
  let total = 0;
  for (let gi = 0; gi < groups; gi++) {
    const base = gi * k;
    let m = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = x[base + c];
      if (v > m || v !== v) m = v;
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(x[base + c] - m);
    const logS = Math.log(s);
    let negEntropy = 0;
    for (let c = 0; c < k; c++) {
      logq[c] = x[base + c] - m - logS;
      negEntropy += Math.exp(logq[c]) * logq[c];
    }
    for (let c = 0; c < k; c++) partials[base + c] = Math.exp(logq[c]) * (logq[c] - negEntropy);
    perGroup[gi] = negEntropy + logK;
    total += perGroup[gi];
  }
  return total;
}
