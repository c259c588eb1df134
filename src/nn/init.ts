/**
 * Weight initialisers. Each takes the `Rng` to draw from (there is no global generator) and
 * returns a fresh tensor laid out as `[fanOut, fanIn]`, the PyTorch layout of a Linear weight.
 *
 * @module
 */
import type { Rng } from '../random/rng.js';
import { Tensor, type DType } from '../tensor/tensor.js';

/**
 * The initialisation schemes of {@link Linear}:
 * - `'pytorch'`: PyTorch's `nn.Linear` default, weight and bias ~ U(−1/√fanIn, 1/√fanIn)
 *   (kaiming_uniform with a = √5).
 * - `'xavierUniform'` / `'xavierNormal'`: Glorot & Bengio (2010), variance 2/(fanIn + fanOut);
 *   zero bias.
 * - `'heUniform'` / `'heNormal'`: He et al. (2015) for ReLU, variance 2/fanIn; zero bias.
 *
 * @example
 * ```ts
 * const init: InitName = 'xavierNormal';
 * new Linear(8, 4, { rng: new Rng(0), init });
 * ```
 */
export type InitName = 'pytorch' | 'xavierUniform' | 'xavierNormal' | 'heUniform' | 'heNormal';

/**
 * The names accepted by {@link initLinear}, for validation.
 *
 * @example
 * ```ts
 * INIT_NAMES.includes('heNormal'); // true
 * ```
 */
export const INIT_NAMES: readonly InitName[] = ['pytorch', 'xavierUniform', 'xavierNormal', 'heUniform', 'heNormal'];

function uniform(shape: number[], bound: number, rng: Rng, dtype: DType): Tensor {
  return Tensor.rand(shape, rng, { dtype, low: -bound, high: bound });
}

function normal(shape: number[], std: number, rng: Rng, dtype: DType): Tensor {
  return Tensor.randn(shape, rng, { dtype, std });
}

/**
 * Xavier/Glorot uniform: U(−a, a) with a = gain·√(6/(fanIn + fanOut)).
 *
 * @example
 * ```ts
 * const w = xavierUniform(784, 400, new Rng(0)); // shape [400, 784]
 * ```
 */
export function xavierUniform(fanIn: number, fanOut: number, rng: Rng, options: { gain?: number; dtype?: DType } = {}): Tensor {
  const gain = options.gain ?? 1;
  return uniform([fanOut, fanIn], gain * Math.sqrt(6 / (fanIn + fanOut)), rng, options.dtype ?? 'float32');
}

/**
 * Xavier/Glorot normal: N(0, gain²·2/(fanIn + fanOut)).
 *
 * @example
 * ```ts
 * const w = xavierNormal(20, 400, new Rng(0)); // shape [400, 20]
 * ```
 */
export function xavierNormal(fanIn: number, fanOut: number, rng: Rng, options: { gain?: number; dtype?: DType } = {}): Tensor {
  const gain = options.gain ?? 1;
  return normal([fanOut, fanIn], gain * Math.sqrt(2 / (fanIn + fanOut)), rng, options.dtype ?? 'float32');
}

/**
 * He/Kaiming uniform for ReLU layers: U(−a, a) with a = √(6/fanIn).
 *
 * @example
 * ```ts
 * const w = heUniform(784, 400, new Rng(0)); // shape [400, 784]
 * ```
 */
export function heUniform(fanIn: number, fanOut: number, rng: Rng, options: { dtype?: DType } = {}): Tensor {
  return uniform([fanOut, fanIn], Math.sqrt(6 / fanIn), rng, options.dtype ?? 'float32');
}

/**
 * He/Kaiming normal for ReLU layers: N(0, 2/fanIn).
 *
 * @example
 * ```ts
 * const w = heNormal(784, 400, new Rng(0)); // shape [400, 784]
 * ```
 */
export function heNormal(fanIn: number, fanOut: number, rng: Rng, options: { dtype?: DType } = {}): Tensor {
  return normal([fanOut, fanIn], Math.sqrt(2 / fanIn), rng, options.dtype ?? 'float32');
}

/**
 * A weight `[fanOut, fanIn]` and bias `[fanOut]` drawn by the named scheme, weight first.
 *
 * @example
 * ```ts
 * const { weight, bias } = initLinear('heNormal', 784, 400, new Rng(0));
 * ```
 */
export function initLinear(
  scheme: InitName, fanIn: number, fanOut: number, rng: Rng, dtype: DType = 'float32',
): { weight: Tensor; bias: Tensor } {
  const bound = 1 / Math.sqrt(Math.max(fanIn, 1));
  switch (scheme) {
    case 'pytorch': {
      const weight = uniform([fanOut, fanIn], bound, rng, dtype);
      return { weight, bias: uniform([fanOut], bound, rng, dtype) };
    }
    case 'xavierUniform': return { weight: xavierUniform(fanIn, fanOut, rng, { dtype }), bias: Tensor.zeros([fanOut], { dtype }) };
    case 'xavierNormal': return { weight: xavierNormal(fanIn, fanOut, rng, { dtype }), bias: Tensor.zeros([fanOut], { dtype }) };
    case 'heUniform': return { weight: heUniform(fanIn, fanOut, rng, { dtype }), bias: Tensor.zeros([fanOut], { dtype }) };
    case 'heNormal': return { weight: heNormal(fanIn, fanOut, rng, { dtype }), bias: Tensor.zeros([fanOut], { dtype }) };
  }
}
