import { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from '../autodiff/functional.js';
import { convAttrs } from '../autodiff/ops/conv.js';
import { ShapeError, formatShape } from '../errors.js';
import type { Rng } from '../random/rng.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { assertInt, assertOneOf } from '../validate.js';
import { INIT_NAMES, type InitName } from './init.js';
import { Module, type ForwardOptions } from './module.js';

/**
 * Options shared by {@link Conv2d} and {@link ConvTranspose2d}, PyTorch's constructor
 * arguments in camelCase (groups = 1 only).
 *
 * @example
 * ```ts
 * const options: ConvLayerOptions = { rng: new Rng(0), kernelSize: 4, stride: 2, padding: 1 };
 * ```
 */
export interface ConvLayerOptions extends Conv2dOptions {
  /** Kernel height and width (a number for both). */
  kernelSize: number | readonly [number, number];
  /** The stream the initial weights are drawn from (required: there is no global generator). */
  rng: Rng;
  /**
   * Initialisation scheme, as {@link Linear}'s with PyTorch's fan-in and fan-out of a
   * convolution weight. Default `'pytorch'`: kaiming_uniform with a = √5, that is weight and
   * bias ~ U(±1/√fanIn).
   */
  init?: InitName;
  /** Learn a bias. Default true. */
  bias?: boolean;
  /** Storage type of the parameters. Default `'float32'`. */
  dtype?: DType;
}

/**
 * Options of {@link ConvTranspose2d}: those of a convolution layer plus `outputPadding`.
 *
 * @example
 * ```ts
 * const options: ConvTranspose2dLayerOptions = { rng: new Rng(0), kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 };
 * ```
 */
export interface ConvTranspose2dLayerOptions extends ConvLayerOptions {
  /** Extra rows/columns on the bottom/right of the output (PyTorch's `output_padding`). Default 0. */
  outputPadding?: number | readonly [number, number];
}

const KNOWN = ['kernelSize', 'rng', 'init', 'bias', 'dtype', 'stride', 'padding', 'dilation'];

/**
 * Draws a weight of `shape`, then a bias of `biasSize`, by the named scheme. The fans are
 * PyTorch's (`_calculate_fan_in_and_fan_out`): fanIn = shape[1]·kh·kw and fanOut =
 * shape[0]·kh·kw whatever the axes mean, so for a transposed weight [in, out, kh, kw] fanIn
 * counts the output channels, as in PyTorch. The pytorch scheme's bias bound is 1/√fanIn too.
 */
function initConv(scheme: InitName, shape: number[], biasSize: number, rng: Rng, dtype: DType): { weight: Tensor; bias: Tensor } {
  const receptive = shape[2] * shape[3];
  const fanIn = shape[1] * receptive;
  const fanOut = shape[0] * receptive;
  const uniform = (s: number[], bound: number): Tensor => Tensor.rand(s, rng, { dtype, low: -bound, high: bound });
  const normal = (std: number): Tensor => Tensor.randn(shape, rng, { dtype, std });
  const zeroBias = (): Tensor => Tensor.zeros([biasSize], { dtype });
  switch (scheme) {
    case 'pytorch': {
      const bound = 1 / Math.sqrt(fanIn);
      const weight = uniform(shape, bound);
      return { weight, bias: uniform([biasSize], bound) };
    }
    case 'xavierUniform': return { weight: uniform(shape, Math.sqrt(6 / (fanIn + fanOut))), bias: zeroBias() };
    case 'xavierNormal': return { weight: normal(Math.sqrt(2 / (fanIn + fanOut))), bias: zeroBias() };
    case 'heUniform': return { weight: uniform(shape, Math.sqrt(6 / fanIn)), bias: zeroBias() };
    case 'heNormal': return { weight: normal(Math.sqrt(2 / fanIn)), bias: zeroBias() };
  }
}

function kernelPair(value: unknown, where: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new RangeError(`${where}: kernelSize must be an integer >= 1 or a pair [height, width] of them (got ${JSON.stringify(value)})`);
  }
  return [assertInt(pair[0], 'kernelSize[0]', where, 1), assertInt(pair[1], 'kernelSize[1]', where, 1)];
}

/** What both layers check and draw; `transposed` puts the input channels first ([in, out, kh, kw]). */
function setUp(inChannels: number, outChannels: number, options: ConvLayerOptions, where: string, transposed: boolean) {
  assertInt(inChannels, 'inChannels', where, 1);
  assertInt(outChannels, 'outChannels', where, 1);
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object with rng and kernelSize`);
  const known = transposed ? [...KNOWN, 'outputPadding'] : KNOWN;
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new RangeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  if (options.rng === undefined) throw new TypeError(`${where}: options.rng is required (pass an Rng)`);
  const kernel = kernelPair(options.kernelSize, where);
  const scheme = assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', where);
  const dtype = assertOneOf(options.dtype ?? 'float32', ['float32', 'float64'] as const, 'dtype', where);
  const shape = transposed ? [inChannels, outChannels, ...kernel] : [outChannels, inChannels, ...kernel];
  return { kernel, shape, ...initConv(scheme, shape, outChannels, options.rng, dtype), hasBias: options.bias ?? true };
}

function checkInput(x: Tensor, channels: number, where: string): void {
  if (x.shape.length !== 4 || x.shape[1] !== channels) {
    throw new ShapeError(`${where}: x must be [n, ${channels}, height, width] (got ${formatShape(x.shape)})`);
  }
}

/**
 * What {@link Conv2d} and {@link ConvTranspose2d} share: the checked constructor options, the
 * `weight` and optional `bias` parameters drawn by PyTorch's rules, and the input check; a
 * subclass adds its attributes and its op. Not constructed directly.
 *
 * @example
 * ```ts
 * const layer: ConvLayer = new Conv2d(1, 8, { kernelSize: 3, rng: new Rng(0) });
 * layer.weight.shape; // [8, 1, 3, 3]
 * ```
 */
export abstract class ConvLayer extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Kernel height and width. */
  readonly kernelSize: readonly [number, number];
  private readonly hasBias: boolean;

  /** `transposed` puts the input channels first in the weight ([in, out, kh, kw]) and accepts outputPadding. */
  protected constructor(inChannels: number, outChannels: number, options: ConvLayerOptions, where: string, transposed: boolean) {
    super();
    const s = setUp(inChannels, outChannels, options, where, transposed);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = s.kernel;
    this.registerParameter('weight', s.weight);
    this.hasBias = s.hasBias;
    if (this.hasBias) this.registerParameter('bias', s.bias);
  }

  /** The weight: `[out, in, kh, kw]` for a convolution, `[in, out, kh, kw]` for a transposed one. */
  get weight(): Tensor { return this.param('weight'); }

  /** The bias `[out]`, or null without one. */
  get bias(): Tensor | null { return this.hasBias ? this.param('bias') : null; }

  /** The checked input, the weight and the bias (null without one) for one forward pass. */
  protected operands(x: Tensor, options: ForwardOptions | undefined, where: string): [Tensor, Tensor | null] {
    checkInput(x, this.inChannels, where);
    return [this.param('weight', options), this.hasBias ? this.param('bias', options) : null];
  }
}

/**
 * A 2-D convolution layer, PyTorch's `nn.Conv2d` (groups = 1, zero padding): x [n, in, h, w] →
 * [n, out, oh, ow]. Parameters `weight` [out, in, kh, kw] and `bias` [out], initialised as
 * PyTorch does, so a state dict moves between the two unchanged.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(1, 32, { kernelSize: 4, stride: 2, padding: 1, rng: new Rng(0) });
 * conv.forward(Tensor.zeros([8, 1, 28, 28])).shape; // [8, 32, 14, 14]
 * ```
 */
export class Conv2d extends ConvLayer {
  /** Stride, padding and dilation per axis, as the conv2d op takes them. */
  readonly options: Readonly<Required<Conv2dOptions>>;

  constructor(inChannels: number, outChannels: number, options: ConvLayerOptions) {
    super(inChannels, outChannels, options, 'Conv2d', false);
    this.options = convAttrs({ stride: options.stride, padding: options.padding, dilation: options.dilation }, 'Conv2d', false);
  }

  /** x `[n, inChannels, h, w]` → `[n, outChannels, oh, ow]`. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const [weight, bias] = this.operands(x, options, 'Conv2d.forward');
    return conv2d(x, weight, bias, this.options);
  }
}

/**
 * A transposed 2-D convolution layer, PyTorch's `nn.ConvTranspose2d` (groups = 1): x
 * [n, in, h, w] → [n, out, oh, ow] with oh = (h − 1)·stride − 2·padding + dilation·(kh − 1) +
 * outputPadding + 1. Parameters `weight` [in, out, kh, kw] (PyTorch's layout) and `bias` [out],
 * initialised as PyTorch does (its fan-in of this layout is out·kh·kw).
 *
 * @example
 * ```ts
 * const up = new ConvTranspose2d(64, 32, { kernelSize: 4, stride: 2, padding: 1, rng: new Rng(0) });
 * up.forward(Tensor.zeros([8, 64, 7, 7])).shape; // [8, 32, 14, 14]
 * ```
 */
export class ConvTranspose2d extends ConvLayer {
  /** Stride, padding, dilation and output padding per axis, as the convTranspose2d op takes them. */
  readonly options: Readonly<Required<ConvTranspose2dOptions>>;

  constructor(inChannels: number, outChannels: number, options: ConvTranspose2dLayerOptions) {
    super(inChannels, outChannels, options, 'ConvTranspose2d', true);
    const { stride, padding, dilation, outputPadding } = options;
    this.options = convAttrs({ stride, padding, dilation, outputPadding }, 'ConvTranspose2d', true);
  }

  /** x `[n, inChannels, h, w]` → `[n, outChannels, oh, ow]`. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const [weight, bias] = this.operands(x, options, 'ConvTranspose2d.forward');
    return convTranspose2d(x, weight, bias, this.options);
  }
}
