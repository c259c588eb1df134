import { apply } from '../autodiff/functional.js';
import { ops } from '../autodiff/ops/index.js';
import { ShapeError, formatShape } from '../errors.js';
import type { Rng } from '../random/rng.js';
import type { Tensor, DType } from '../tensor/tensor.js';
import { assertInt, assertOneOf } from '../validate.js';
import { INIT_NAMES, initLinear, type InitName } from './init.js';
import { Module, type ForwardOptions } from './module.js';

/**
 * Options of {@link Linear}.
 *
 * @example
 * ```ts
 * const layer = new Linear(784, 400, { rng: new Rng(0), init: 'heUniform' });
 * ```
 */
export interface LinearOptions {
  /** The stream the initial weights are drawn from (required: there is no global generator). */
  rng: Rng;
  /** Initialisation scheme. Default `'pytorch'` (U(±1/√inFeatures) for weight and bias). */
  init?: InitName;
  /** Learn a bias. Default true. */
  bias?: boolean;
  /** Storage type of the parameters. Default `'float32'`. */
  dtype?: DType;
}

/**
 * A dense layer y = x·Wᵀ + b with W `[outFeatures, inFeatures]` (PyTorch layout) and b
 * `[outFeatures]`, computed by one fused gemm. Parameters: `weight`, `bias`.
 *
 * @example
 * ```ts
 * const layer = new Linear(784, 400, { rng: new Rng(0) });
 * const h = layer.forward(Tensor.zeros([128, 784])); // [128, 400]
 * ```
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly hasBias: boolean;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    super();
    this.inFeatures = assertInt(inFeatures, 'inFeatures', 'Linear', 1);
    this.outFeatures = assertInt(outFeatures, 'outFeatures', 'Linear', 1);
    const scheme = assertOneOf(options?.init ?? 'pytorch', INIT_NAMES, 'init', 'Linear');
    const dtype = assertOneOf(options?.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', 'Linear');
    if (options?.rng === undefined) throw new TypeError('Linear: options.rng is required (pass an Rng)');
    const { weight, bias } = initLinear(scheme, inFeatures, outFeatures, options.rng, dtype);
    this.registerParameter('weight', weight);
    this.hasBias = options.bias ?? true;
    if (this.hasBias) this.registerParameter('bias', bias);
  }

  /** The weight `[outFeatures, inFeatures]`. */
  get weight(): Tensor { return this.param('weight'); }

  /** The bias `[outFeatures]`, or null without one. */
  get bias(): Tensor | null { return this.hasBias ? this.param('bias') : null; }

  /** x `[n, inFeatures]` → `[n, outFeatures]`. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    return this.apply(x, false, options, 'Linear.forward');
  }

  /** relu(x·Wᵀ + b) in one fused op (one output buffer, one graph node). */
  forwardRelu(x: Tensor, options?: ForwardOptions): Tensor {
    return this.apply(x, true, options, 'Linear.forwardRelu');
  }

  private apply(x: Tensor, relu: boolean, options: ForwardOptions | undefined, where: string): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(`${where}: x must be [n, ${this.inFeatures}] (got ${formatShape(x.shape)})`);
    }
    const w = this.param('weight', options);
    const inputs = this.hasBias ? [x, w, this.param('bias', options)] : [x, w];
    return apply(ops.linear, inputs, { relu });
  }
}
