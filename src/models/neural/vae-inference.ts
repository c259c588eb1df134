/**
 * The VAE's graph-free computations on validated matrices: encoding, decoding and the
 * per-row ELBO and importance-weighted log-likelihood. Rows are processed in chunks so that
 * memory stays bounded on large inputs.
 *
 * @module
 */
import { logSumExp } from '../../kernels/stable.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import type { DenseMatrix, FloatArray } from '../../validate.js';
import { addLogLikelihood, addNegativeKl, decoderMeanInPlace, reparameterize, type Likelihood } from './vae-likelihood.js';
import type { VAENetwork } from './vae-network.js';

const NO_GRAD = { grad: false } as const;
/**
 * Rows per chunk of the inference paths.
 *
 * @example
 * ```ts
 * for (let s = 0; s < rows; s += CHUNK) console.log(s);
 * ```
 */
export const CHUNK = 1024;

function alloc(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Rows [start, end) of a matrix as a tensor sharing its storage.
 *
 * @example
 * ```ts
 * const first = rowsOf(X, 0, 10); // Tensor [10, cols] over X's storage
 * ```
 */
export function rowsOf(m: DenseMatrix, start: number, end: number): Tensor {
  return new Tensor(m.data.subarray(start * m.cols, end * m.cols), [end - start, m.cols]);
}

/**
 * The encoder output [n, 2k] (μ then ln σ² in each row), computed chunk by chunk.
 *
 * @example
 * ```ts
 * const h = encodeRaw(net, X, 20); // [n, 40]: μ then ln σ² per row
 * ```
 */
export function encodeRaw(net: VAENetwork, x: DenseMatrix, k: number): FloatArray {
  const out = alloc(x.data, x.rows * 2 * k);
  for (let s = 0; s < x.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, x.rows);
    out.set(net.encoder.forward(rowsOf(x, s, e), NO_GRAD).data, s * 2 * k);
  }
  return out;
}

/**
 * Splits an encoder output [n, 2k] into mean and log-variance tensors [n, k].
 *
 * @example
 * ```ts
 * const { mean, logVar } = splitHalves(h, n, 20);
 * ```
 */
export function splitHalves(h: FloatArray, n: number, k: number): { mean: Tensor; logVar: Tensor } {
  const mean = alloc(h, n * k);
  const logVar = alloc(h, n * k);
  for (let r = 0; r < n; r++) {
    mean.set(h.subarray(r * 2 * k, r * 2 * k + k), r * k);
    logVar.set(h.subarray(r * 2 * k + k, (r + 1) * 2 * k), r * k);
  }
  return { mean: new Tensor(mean, [n, k]), logVar: new Tensor(logVar, [n, k]) };
}

/**
 * The decoder mean E[x | z] for each row of z [n, k], chunk by chunk.
 *
 * @example
 * ```ts
 * const images = decodeRaw(net, Z, 'bernoulli', 784); // probabilities [n, 784]
 * ```
 */
export function decodeRaw(net: VAENetwork, z: DenseMatrix, likelihood: Likelihood, d: number): Tensor {
  const out = alloc(z.data, z.rows * d);
  for (let s = 0; s < z.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, z.rows);
    out.set(decoderMeanInPlace(likelihood, net.decoder.forward(rowsOf(z, s, e), NO_GRAD).data), s * d);
  }
  return new Tensor(out, [z.rows, d]);
}

interface EstimateSpec {
  net: VAENetwork;
  likelihood: Likelihood;
  latentDim: number;
  samples: number;
  rng: Rng;
}

/**
 * Per-row ELBO = E_q[ln p(x | z)] − KL(q ‖ p), the expectation estimated with `samples` draws
 * of z and the KL analytic. Returns nats per row (a lower bound on ln p(x)).
 *
 * @example
 * ```ts
 * const elbo = elboRows(X, { net, likelihood: 'bernoulli', latentDim: 20, samples: 1, rng: new Rng(0) });
 * ```
 */
export function elboRows(x: DenseMatrix, spec: EstimateSpec): Float64Array {
  const { net, likelihood, latentDim: k, samples, rng } = spec;
  const result = new Float64Array(x.rows);
  const logVar = net.decoderLogVar(NO_GRAD)?.data ?? null;
  for (let s = 0; s < x.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, x.rows);
    const n = e - s;
    const xc = rowsOf(x, s, e);
    const h = net.encoder.forward(xc, NO_GRAD).data;
    const acc = new Float64Array(n);
    const eps = alloc(h, n * k);
    const z = alloc(h, n * k);
    for (let t = 0; t < samples; t++) {
      rng.fillNormal(eps);
      reparameterize(h, eps, n, k, z, null);
      const out = net.decoder.forward(new Tensor(z, [n, k]), NO_GRAD).data;
      addLogLikelihood(likelihood, out, xc.data, n, x.cols, logVar, 1 / samples, acc);
    }
    addNegativeKl(h, n, k, 1, acc);
    result.set(acc, s);
  }
  return result;
}

/**
 * Per-row importance-weighted estimate of ln p(x) (Burda et al. 2016):
 * logsumexp_k[ln p(x | z_k) + ln p(z_k) − ln q(z_k | x)] − ln K with z_k ~ q(z | x).
 * With K = 1 it is the single-sample ELBO with the KL sampled; it increases towards ln p(x)
 * as K grows.
 *
 * @example
 * ```ts
 * const ll = logLikelihoodRows(X, { net, likelihood: 'bernoulli', latentDim: 20, samples: 100, rng: new Rng(0) });
 * ```
 */
export function logLikelihoodRows(x: DenseMatrix, spec: EstimateSpec): Float64Array {
  const { net, likelihood, latentDim: k, samples: K, rng } = spec;
  const result = new Float64Array(x.rows);
  const logVar = net.decoderLogVar(NO_GRAD)?.data ?? null;
  const chunk = Math.max(1, Math.min(CHUNK, Math.floor(4_000_000 / K)));
  for (let s = 0; s < x.rows; s += chunk) {
    const e = Math.min(s + chunk, x.rows);
    const n = e - s;
    const xc = rowsOf(x, s, e);
    const h = net.encoder.forward(xc, NO_GRAD).data;
    const weights = new Float64Array(K * n);
    const eps = alloc(h, n * k);
    const z = alloc(h, n * k);
    const acc = new Float64Array(n);
    for (let t = 0; t < K; t++) {
      rng.fillNormal(eps);
      acc.fill(0);
      reparameterize(h, eps, n, k, z, acc);
      const out = net.decoder.forward(new Tensor(z, [n, k]), NO_GRAD).data;
      addLogLikelihood(likelihood, out, xc.data, n, x.cols, logVar, 1, acc);
      weights.set(acc, t * n);
    }
    const lnK = Math.log(K);
    for (let r = 0; r < n; r++) result[s + r] = logSumExp(weights, r, K, n) - lnK;
  }
  return result;
}
