/**
 * The categorical VAE's graph-free computations on validated matrices: category
 * probabilities, one-hot codes, decoding and the per-row ELBO and importance-weighted
 * log-likelihood with codes drawn from q(z | x) by the Gumbel-max trick. Rows are processed in
 * chunks so that memory stays bounded on large inputs.
 *
 * @module
 */
import { log1pexp, sigmoid } from '../../kernels/stable.js';
import { categoricalKlGroups } from '../../kernels/categorical.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import type { DenseMatrix, FloatArray } from '../../validate.js';
import type { CategoricalVAENetwork } from './categorical-vae-network.js';

const NO_GRAD = { grad: false } as const;
const CHUNK = 1024;

function alloc(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function rowsOf(m: DenseMatrix, start: number, end: number): Tensor {
  return new Tensor(m.data.subarray(start * m.cols, end * m.cols), [end - start, m.cols]);
}

/** Shapes of one model: N variables of K categories, D features. */
export interface CategoricalShape {
  nVariables: number;
  nCategories: number;
  inputDim: number;
}

/**
 * The category probabilities `[n, N·K]` (softmax of each variable's logits, in double, rounded
 * once) and the arg-max codes `[n, N]` (ties to the lower category).
 */
export function encodeCategories(net: CategoricalVAENetwork, x: DenseMatrix, s: CategoricalShape): { probabilities: FloatArray; codes: Int32Array } {
  const { nVariables: nv, nCategories: k } = s;
  const probabilities = alloc(x.data, x.rows * nv * k);
  const codes = new Int32Array(x.rows * nv);
  for (let start = 0; start < x.rows; start += CHUNK) {
    const end = Math.min(start + CHUNK, x.rows);
    const logits = net.encoder.forward(rowsOf(x, start, end), NO_GRAD).data;
    for (let g = 0; g < (end - start) * nv; g++) {
      const base = g * k;
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[base + c] > logits[base + best]) best = c;
      const m = logits[base + best];
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(logits[base + c] - m);
      for (let c = 0; c < k; c++) probabilities[start * nv * k + base + c] = Math.exp(logits[base + c] - m) / sum;
      codes[start * nv + g] = best;
    }
  }
  return { probabilities, codes };
}

/** The one-hot rows `[n, N·K]` of integer codes `[n, N]` (checked by the caller). */
export function oneHot(codes: Int32Array, nCategories: number, dtype: 'float32' | 'float64'): FloatArray {
  const out = dtype === 'float64' ? new Float64Array(codes.length * nCategories) : new Float32Array(codes.length * nCategories);
  for (let g = 0; g < codes.length; g++) out[g * nCategories + codes[g]] = 1;
  return out;
}

/** The decoder's Bernoulli means for each row of z `[n, N·K]`, chunk by chunk. */
export function decodeRows(net: CategoricalVAENetwork, z: DenseMatrix, d: number): Tensor {
  const out = alloc(z.data, z.rows * d);
  for (let s = 0; s < z.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, z.rows);
    const logits = net.decoder.forward(rowsOf(z, s, e), NO_GRAD).data;
    for (let i = 0; i < logits.length; i++) out[s * d + i] = sigmoid(logits[i]);
  }
  return new Tensor(out, [z.rows, d]);
}

/** What the stochastic estimates need. */
export interface CategoricalEstimate extends CategoricalShape {
  net: CategoricalVAENetwork;
  samples: number;
  rng: Rng;
}

/**
 * For each of `samples` draws, a one-hot code z ~ q(z | x) by the Gumbel-max trick (the arg-max
 * of logits + Gumbel noise is distributed as softmax(logits)), the decoder's ln p(x | z) and
 * ln q(z | x); `visit` receives them per draw. Returns the rows' logits' KL to the prior.
 */
function forEachDraw(
  xc: Tensor, spec: CategoricalEstimate, visit: (t: number, logPx: Float64Array, logQ: Float64Array) => void,
): Float64Array {
  const { net, nVariables: nv, nCategories: k, inputDim: d, samples, rng } = spec;
  const n = xc.shape[0];
  const logits = net.encoder.forward(xc, NO_GRAD).data;
  const noise = new Float64Array(n * nv * k);
  const z = alloc(logits, n * nv * k);
  const logPx = new Float64Array(n);
  const logQ = new Float64Array(n);
  for (let t = 0; t < samples; t++) {
    rng.fillGumbel(noise);
    z.fill(0);
    logQ.fill(0);
    for (let g = 0; g < n * nv; g++) {
      const base = g * k;
      let best = 0;
      let m = -Infinity;
      for (let c = 0; c < k; c++) {
        const v = logits[base + c] + noise[base + c];
        if (v > m) { m = v; best = c; }
      }
      z[base + best] = 1;
      let mx = -Infinity;
      for (let c = 0; c < k; c++) mx = Math.max(mx, logits[base + c]);
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(logits[base + c] - mx);
      logQ[Math.floor(g / nv)] += logits[base + best] - mx - Math.log(s);
    }
    const out = net.decoder.forward(new Tensor(z, [n, nv * k]), NO_GRAD).data;
    const x = xc.data;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[r * d + j] * out[r * d + j] - log1pexp(out[r * d + j]);
      logPx[r] = s;
    }
    visit(t, logPx, logQ);
  }
  const perGroup = new Float64Array(n * nv);
  categoricalKlGroups(logits, n * nv, k, perGroup, new Float64Array(n * nv * k));
  const kl = new Float64Array(n);
  for (let g = 0; g < n * nv; g++) kl[Math.floor(g / nv)] += perGroup[g];
  return kl;
}

/**
 * Per-row ELBO = E_q[ln p(x | z)] − KL(q(z | x) ‖ uniform) of the discrete model, the
 * expectation over `samples` codes drawn from q, the KL exact. Nats per row.
 */
export function categoricalElboRows(x: DenseMatrix, spec: CategoricalEstimate): Float64Array {
  const result = new Float64Array(x.rows);
  for (let s = 0; s < x.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, x.rows);
    const acc = new Float64Array(e - s);
    const kl = forEachDraw(rowsOf(x, s, e), spec, (_t, logPx) => {
      for (let r = 0; r < acc.length; r++) acc[r] += logPx[r] / spec.samples;
    });
    for (let r = 0; r < acc.length; r++) result[s + r] = acc[r] - kl[r];
  }
  return result;
}

/**
 * Per-row importance-weighted estimate of ln p(x) (Burda et al. 2016) with codes z_k ~ q(z | x):
 * logsumexp_k[ln p(x | z_k) + ln p(z_k) − ln q(z_k | x)] − ln K, ln p(z) = −N ln K_categories.
 */
export function categoricalLogLikelihoodRows(x: DenseMatrix, spec: CategoricalEstimate): Float64Array {
  const { samples: S, nVariables: nv, nCategories: k } = spec;
  const result = new Float64Array(x.rows);
  const logPrior = -nv * Math.log(k);
  const chunk = Math.max(1, Math.min(CHUNK, Math.floor(4_000_000 / S)));
  for (let s = 0; s < x.rows; s += chunk) {
    const e = Math.min(s + chunk, x.rows);
    const n = e - s;
    const w = new Float64Array(S * n);
    forEachDraw(rowsOf(x, s, e), spec, (t, logPx, logQ) => {
      for (let r = 0; r < n; r++) w[t * n + r] = logPx[r] + logPrior - logQ[r];
    });
    for (let r = 0; r < n; r++) {
      let m = -Infinity;
      for (let t = 0; t < S; t++) m = Math.max(m, w[t * n + r]);
      let sum = 0;
      for (let t = 0; t < S; t++) sum += Math.exp(w[t * n + r] - m);
      result[s + r] = m + Math.log(sum) - Math.log(S);
    }
  }
  return result;
}
