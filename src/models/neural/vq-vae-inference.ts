/**
 * The VQ-VAE's inference paths (codes of rows, rows of codes), the start of its codebook from
 * encoder outputs, and the saved form of its EMA averages.
 *
 * @module
 */
import { describeValue, FormatError, ShapeError, formatShape } from '../../errors.js';
import type { TensorRecord } from '../../io/model-state.js';
import { nearestCodesInto } from '../../kernels/nearest-code.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { toMatrix, type DenseMatrix } from '../../validate.js';
import { sigmoid } from '../../kernels/stable.js';
import type { EmaState } from './vq-codebook.js';
import type { VQVAEConfig } from './vq-vae-config.js';
import type { VQVAENetwork } from './vq-vae-network.js';

const NO_GRAD = { grad: false } as const;
/** Rows per forward pass at inference: bounds the activations' memory. */
const CHUNK = 1024;

/**
 * f applied to chunks of the rows of x, written into one Tensor `[rows, width]` of `dtype`.
 *
 * @example
 * ```ts
 * const ze = mapRows(x, M * d, 'float32', (rows) => net.encoder.forward(rows, { grad: false }).data);
 * ```
 */
export function mapRows(x: DenseMatrix, width: number, dtype: 'float32' | 'float64', f: (rows: Tensor) => ArrayLike<number>): Tensor {
  const out = dtype === 'float64' ? new Float64Array(x.rows * width) : new Float32Array(x.rows * width);
  for (let s = 0; s < x.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, x.rows);
    out.set(f(new Tensor(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols])), s * width);
  }
  return new Tensor(out, [x.rows, width]);
}

/**
 * The nearest codes `[rows·M]` of the encoder outputs of x (−1 where an output is not finite).
 *
 * @example
 * ```ts
 * const codes = codesOf(net, x, config); // Int32Array(rows·M)
 * ```
 */
export function codesOf(net: VQVAENetwork, x: DenseMatrix, config: VQVAEConfig): Int32Array {
  const { nLatents: M, nCodes: K, codeDim: d } = config;
  const codes = new Int32Array(x.rows * M);
  const book = net.codebook.data;
  for (let s = 0; s < x.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, x.rows);
    const ze = net.encoder.forward(new Tensor(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols]), NO_GRAD);
    nearestCodesInto(ze.data, (e - s) * M, book, K, d, codes.subarray(s * M, e * M));
  }
  return codes;
}

/** Codes `[n, M]` checked: M columns, every value an integer in 0..K−1. */
function checkedCodes(codes: unknown, config: VQVAEConfig, where: string): { data: Int32Array; rows: number } {
  const { nLatents: M, nCodes: K } = config;
  const m = toMatrix(codes, where, 'codes');
  if (m.cols !== M) throw new ShapeError(`${where}: codes has ${m.cols} columns, but VQVAE was built with nLatents ${M} (shape ${formatShape([m.rows, m.cols])})`);
  const data = new Int32Array(m.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = m.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= K) {
      throw new RangeError(`${where}: codes[${Math.floor(i / M)}][${i % M}] must be an integer code index in 0..${K - 1} (got ${describeValue(v)})`);
    }
    data[i] = v;
  }
  return { data, rows: m.rows };
}

/**
 * The decoder at the code vectors of `codes` `[n, M]`: reconstructions, or probabilities for
 * 'bce'. Codes are checked first (M columns, integers in 0..K−1), with errors naming `where`.
 *
 * @example
 * ```ts
 * const images = decodeCodes(net, { data: Int32Array.from([3, 0]), shape: [1, 2] }, config, 'VQVAE.decode');
 * ```
 */
export function decodeCodes(net: VQVAENetwork, codes: unknown, config: VQVAEConfig, where: string): Tensor {
  const { nLatents: M, codeDim: d, inputDim, dtype } = config;
  const c = checkedCodes(codes, config, where);
  const book = net.codebook.data;
  const zq = dtype === 'float64' ? new Float64Array(c.rows * M * d) : new Float32Array(c.rows * M * d);
  for (let i = 0; i < c.data.length; i++) zq.set(book.subarray(c.data[i] * d, (c.data[i] + 1) * d), i * d);
  const bce = config.loss === 'bce';
  return mapRows({ data: zq, rows: c.rows, cols: M * d }, inputDim, dtype, (rows) => {
    const out = net.decoder.forward(rows, NO_GRAD).data;
    if (bce) for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
    return out;
  });
}

/**
 * Starts the codebook from encoder outputs (`codebookInit: 'encoder'`): code k becomes row
 * π(k) of z_e `[rows, d]` for a random permutation π of the rows drawn from `rng`, for
 * k < min(K, rows); codes beyond the batch keep their uniform start.
 *
 * @example
 * ```ts
 * startCodebook(ze, net.codebook, trainer.rng('codebook'));
 * ```
 */
export function startCodebook(ze: Tensor, codebook: Tensor, rng: Rng): void {
  const [rows, d] = ze.shape;
  const K = codebook.shape[0];
  const order = rng.permutation(rows);
  for (let k = 0; k < Math.min(K, rows); k++) codebook.data.set(ze.data.subarray(order[k] * d, (order[k] + 1) * d), k * d);
}

const EMA_KEYS = { clusterSize: 'ema.clusterSize', embedSum: 'ema.embedSum', updates: 'ema.updates' } as const;

/**
 * The EMA averages as named float64 tensors of a saved state.
 *
 * @example
 * ```ts
 * Object.assign(state.tensors, writeEma(ema)); // ema.clusterSize, ema.embedSum, ema.updates
 * ```
 */
export function writeEma(ema: EmaState): Record<string, TensorRecord> {
  const K = ema.clusterSize.length;
  return {
    [EMA_KEYS.clusterSize]: { shape: [K], data: ema.clusterSize.slice() },
    [EMA_KEYS.embedSum]: { shape: [K, K === 0 ? 0 : ema.embedSum.length / K], data: ema.embedSum.slice() },
    [EMA_KEYS.updates]: { shape: [1], data: Float64Array.of(ema.updates) },
  };
}

/**
 * The EMA averages read back from a saved state's tensors, checked (names, shapes, a
 * non-negative integer count); a FormatError names `where` and the tensor.
 *
 * @example
 * ```ts
 * const ema = readEma(state.tensors, K, d, 'VQVAE.fromState');
 * ```
 */
export function readEma(tensors: Record<string, TensorRecord>, K: number, d: number, where: string): EmaState {
  const get = (key: string, shape: number[]): Float64Array => {
    const t = tensors[key];
    if (t === undefined) throw new FormatError(`${where}: tensor '${key}' is missing (the EMA codebook's averages)`);
    if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
      throw new FormatError(`${where}: tensor '${key}' has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
    }
    return Float64Array.from(t.data);
  };
  const updates = get(EMA_KEYS.updates, [1])[0];
  if (!Number.isInteger(updates) || updates < 0) throw new FormatError(`${where}: tensor '${EMA_KEYS.updates}' must hold a non-negative integer (got ${updates})`);
  return { clusterSize: get(EMA_KEYS.clusterSize, [K]), embedSum: get(EMA_KEYS.embedSum, [K, d]), updates };
}
