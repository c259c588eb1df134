/**
 * The codebook of a vector-quantised latent (van den Oord, Vinyals & Kavukcuoglu 2017, "Neural
 * Discrete Representation Learning"): nearest-code quantisation, the codebook and commitment
 * losses, the exponential-moving-average update that can replace the codebook loss (the
 * paper's appendix A.1, as DeepMind's Sonnet `VectorQuantizerEMA` implements it), and the
 * usage statistics that show codebook collapse.
 *
 * Shapes: the encoder's output z_e is read as rows of dimension d (`[n·M, d]` for n samples of
 * M latent vectors each), the codebook E as `[K, d]`.
 *
 * @module
 */
import { gatherRows, mse } from '../../autodiff/functional.js';
import { nearestCodesInto } from '../../kernels/nearest-code.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { FloatArray } from '../../validate.js';

/**
 * The nearest code of every row of `ze` `[rows, d]` in `codebook` `[K, d]` (squared Euclidean
 * distance, ties to the lowest index; see kernels/nearest-code.ts), and the quantised rows
 * z_q = E[codes] `[rows, d]` with a graph to the codebook when it requires a gradient. A row
 * with a NaN or ±∞ has no nearest code: its code is −1 and its z_q row is code 0's (so the
 * losses, which read z_e too, come out NaN and the trainer's guard reports the step).
 *
 * @example
 * ```ts
 * const { codes, zq } = quantize(ze, codebook); // Int32Array [rows], Tensor [rows, d]
 * ```
 */
export function quantize(ze: Tensor, codebook: Tensor): { codes: Int32Array; zq: Tensor } {
  const [rows, d] = ze.shape;
  const K = codebook.shape[0];
  const codes = nearestCodesInto(ze.data, rows, codebook.data, K, d, new Int32Array(rows));
  let gather = codes;
  if (codes.includes(-1)) gather = codes.map((c) => Math.max(c, 0));
  return { codes, zq: gatherRows(codebook, gather) };
}

/**
 * The two VQ terms per sample (summed over the M·d latent values, averaged over the n samples,
 * as the reconstruction is): the codebook loss ‖sg[z_e] − e‖², whose gradient moves the codes
 * toward the encoder outputs, and the commitment loss β‖z_e − sg[e]‖², whose gradient keeps
 * the encoder near its codes (eq. 3 of the paper). Their values are equal up to β; their
 * gradients go to different sides.
 *
 * @example
 * ```ts
 * const { codebook, commitment } = vqLosses(ze, zq, n, 0.25);
 * ```
 */
export function vqLosses(ze: Tensor, zq: Tensor, n: number, beta: number): { codebook: Tensor; commitment: Tensor } {
  const codebook = mse(zq, ze.detach(), { reduction: 'sum' }).mul(1 / n);
  const commitment = mse(ze, zq.detach(), { reduction: 'sum' }).mul(beta / n);
  return { codebook, commitment };
}

/**
 * The moving averages behind an EMA codebook: the hidden (not yet de-biased) averages of the
 * cluster sizes N_k `[K]` and of the sums m_k of the encoder outputs assigned to each code
 * `[K, d]`, and the number of updates t. Float64 whatever the model's dtype, so a resumed fit
 * continues bit for bit.
 *
 * @example
 * ```ts
 * const ema: EmaState = emaState(512, 64);
 * ```
 */
export interface EmaState {
  clusterSize: Float64Array;
  embedSum: Float64Array;
  updates: number;
}

/**
 * A fresh {@link EmaState}: zeros and no updates.
 *
 * @example
 * ```ts
 * const ema = emaState(K, d);
 * ```
 */
export function emaState(K: number, d: number): EmaState {
  return { clusterSize: new Float64Array(K), embedSum: new Float64Array(K * d), updates: 0 };
}

/**
 * One batch's assignment statistics: how many rows chose each code, n_k, and the sum of those
 * rows, Σ_{i: code i = k} z_e,i, in double (rows with code −1 are left out).
 *
 * @example
 * ```ts
 * const { counts, sums } = assignmentStats(ze.data, codes, K, d);
 * ```
 */
export function assignmentStats(ze: FloatArray, codes: Int32Array, K: number, d: number): { counts: Float64Array; sums: Float64Array } {
  const counts = new Float64Array(K);
  const sums = new Float64Array(K * d);
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    if (k < 0) continue;
    counts[k] += 1;
    for (let j = 0; j < d; j++) sums[k * d + j] += ze[i * d + j];
  }
  return { counts, sums };
}

/**
 * The EMA codebook update, in place: with decay γ and Laplace smoothing ε,
 *
 *   N_k ← N_k − (N_k − n_k)(1 − γ),  m_k ← m_k − (m_k − Σz_k)(1 − γ),  t ← t + 1,
 *   N̂_k = N_k / (1 − γᵗ),  m̂_k = m_k / (1 − γᵗ)        (zero-debiased, as Sonnet's EMA),
 *   Ñ_k = (N̂_k + ε) / (Σ_j N̂_j + Kε) · Σ_j N̂_j        (Laplace smoothing),
 *   e_k = m̂_k / Ñ_k.
 *
 * Without the de-biasing the first updates would shrink every code toward zero by 1 − γ; with
 * it the first update sets each used code to the mean of its rows. A code no row has chosen
 * yet gets e_k = 0; smoothing keeps Ñ_k > 0, so nothing divides by zero. The codebook
 * `[K, d]` is written in its own storage type.
 *
 * @example
 * ```ts
 * emaUpdate(ema, assignmentStats(ze.data, codes, K, d), codebook.data, 0.99, 1e-5);
 * ```
 */
export function emaUpdate(state: EmaState, stats: { counts: Float64Array; sums: Float64Array }, codebook: FloatArray, decay: number, epsilon: number): void {
  const { clusterSize, embedSum } = state;
  const K = clusterSize.length;
  const d = K === 0 ? 0 : embedSum.length / K;
  const rate = 1 - decay;
  for (let k = 0; k < K; k++) clusterSize[k] -= (clusterSize[k] - stats.counts[k]) * rate;
  for (let i = 0; i < embedSum.length; i++) embedSum[i] -= (embedSum[i] - stats.sums[i]) * rate;
  state.updates += 1;
  const debias = 1 - decay ** state.updates;
  let total = 0;
  for (let k = 0; k < K; k++) total += clusterSize[k] / debias;
  for (let k = 0; k < K; k++) {
    const smoothed = ((clusterSize[k] / debias + epsilon) / (total + K * epsilon)) * total;
    for (let j = 0; j < d; j++) codebook[k * d + j] = embedSum[k * d + j] / debias / smoothed;
  }
}

/**
 * How evenly codes are used: the count of each code, the number of codes used at least once,
 * and the perplexity exp(−Σ p_k ln p_k) of the code frequencies p_k (K when all are used
 * equally, 1 when one code takes every row; van den Oord et al. report it to show that the
 * codebook is not collapsing). Codes −1 are not counted.
 *
 * @example
 * ```ts
 * const { perplexity, used } = codeUsage(vq.encode(X).data, vq.nCodes);
 * ```
 */
export function codeUsage(codes: Int32Array, K: number): { counts: Float64Array; used: number; perplexity: number } {
  const counts = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] >= 0) {
      counts[codes[i]] += 1;
      total += 1;
    }
  }
  let entropy = 0;
  let used = 0;
  for (let k = 0; k < K; k++) {
    if (counts[k] === 0) continue;
    used += 1;
    const p = counts[k] / total;
    entropy -= p * Math.log(p);
  }
  return { counts, used, perplexity: total === 0 ? 0 : Math.exp(entropy) };
}
