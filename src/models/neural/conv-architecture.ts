/**
 * The convolutional architecture the Autoencoder and the VAE share (issue 17): the option, its
 * checks, and one layer plan from which both the network (`nn/` modules in a Sequential) and the
 * PyTorch source (`nn.Sequential`, see pytorch-source.ts) are made, so the two cannot disagree
 * on names, shapes or order. Rows stay flat [n, c·h·w] at the model's boundary; the encoder
 * unflattens them to images and the decoder flattens its output back.
 *
 * Encoder: Unflatten → (Conv2d → activation) per entry of `channels` → Flatten → the dense
 * layers of `hiddenDims` → Linear to the code. Decoder, the mirror: Linear from the code
 * (through the reversed `hiddenDims`) to the last feature map → Unflatten → ConvTranspose2d per
 * layer in reverse, an activation between them → Flatten. Each transposed layer's output
 * padding is chosen so that it gives back exactly the size its conv layer took in.
 *
 * @module
 */
import { ShapeError, describeValue, formatShape } from '../../errors.js';
import { convOutputSize, convTransposeOutputSize } from '../../kernels/im2col.js';
import type { Activation } from '../../nn/activations.js';
import { Conv2d, ConvTranspose2d } from '../../nn/conv.js';
import type { InitName } from '../../nn/init.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { Flatten, Unflatten } from '../../nn/reshape.js';
import { ActivationLayer, Sequential } from '../../nn/sequential.js';
import type { Rng } from '../../random/rng.js';
import type { DType } from '../../tensor/tensor.js';
import { assertInt } from '../../validate.js';
import { assertKnownOptions } from '../options.js';

/**
 * A convolutional encoder and its mirror decoder for images given as rows of c·h·w values
 * (channel-major, as `x.reshape([n, c, h, w])` in PyTorch). Names follow PyTorch's `nn.Conv2d`.
 *
 * @example
 * ```ts
 * const architecture: ConvArchitecture = { kind: 'conv', imageShape: [1, 28, 28], channels: [32, 64], kernelSize: 4, stride: 2, padding: 1 };
 * new VAE({ inputDim: 784, latentDim: 20, architecture });
 * ```
 */
export interface ConvArchitecture {
  kind: 'conv';
  /** [channels, height, width] of one image; its product must equal `inputDim`. */
  imageShape: readonly [number, number, number];
  /** Output channels of each encoder conv layer, input side first; the decoder mirrors them. */
  channels: readonly number[];
  /** Kernel size of every conv layer (a number or [height, width]). Default 4. */
  kernelSize?: number | readonly [number, number];
  /** Stride of every conv layer. Default 2. */
  stride?: number | readonly [number, number];
  /** Zero padding of every conv layer. Default 1. */
  padding?: number | readonly [number, number];
}

/**
 * A checked {@link ConvArchitecture} with every field filled in, as saved in a model's config.
 *
 * @example
 * ```ts
 * const arch: ConvArchitectureConfig = vae.config.architecture!;
 * console.log(arch.kernelSize); // [4, 4]
 * ```
 */
export interface ConvArchitectureConfig {
  kind: 'conv';
  imageShape: [number, number, number];
  channels: number[];
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
}

const KEYS = ['kind', 'imageShape', 'channels', 'kernelSize', 'stride', 'padding'];

function pair(value: unknown, fallback: number, name: string, where: string, min: number): [number, number] {
  const v = value ?? fallback;
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2) {
    throw new RangeError(`${where}: architecture.${name} must be an integer or a pair [height, width] (got ${describeValue(value)})`);
  }
  return [assertInt(p[0], `architecture.${name}[0]`, where, min), assertInt(p[1], `architecture.${name}[1]`, where, min)];
}

/**
 * Checks the `architecture` option against `inputDim`: known keys, positive sizes, an image
 * shape holding exactly inputDim values, and a positive feature map after every conv layer.
 * Returns null for no option (the MLP).
 *
 * @example
 * ```ts
 * resolveArchitecture({ kind: 'conv', imageShape: [1, 28, 28], channels: [32, 64] }, 784, 'VAE'); // kernelSize [4, 4], ...
 * ```
 */
export function resolveArchitecture(options: unknown, inputDim: number, where: string): ConvArchitectureConfig | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: architecture must be an object { kind: 'conv', imageShape, channels, ... } (got ${describeValue(options)})`);
  }
  assertKnownOptions(options, KEYS, `${where}: architecture`);
  const a = options as Partial<ConvArchitecture>;
  if (a.kind !== 'conv') throw new RangeError(`${where}: architecture.kind must be 'conv' (got ${describeValue(a.kind)})`);
  const shape = a.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3) {
    throw new RangeError(`${where}: architecture.imageShape must be [channels, height, width] (got ${describeValue(shape)})`);
  }
  const imageShape = shape.map((d, i) => assertInt(d, `architecture.imageShape[${i}]`, where, 1)) as [number, number, number];
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  if (size !== inputDim) {
    throw new RangeError(`${where}: architecture.imageShape ${formatShape(imageShape)} holds ${size} values per sample, but inputDim is ${inputDim}`);
  }
  const ch = a.channels;
  if (!Array.isArray(ch) || ch.length === 0) {
    throw new RangeError(`${where}: architecture.channels must be a non-empty array of positive integers (got ${describeValue(ch)})`);
  }
  const config: ConvArchitectureConfig = {
    kind: 'conv', imageShape, channels: ch.map((c, i) => assertInt(c, `architecture.channels[${i}]`, where, 1)),
    kernelSize: pair(a.kernelSize, 4, 'kernelSize', where, 1), stride: pair(a.stride, 2, 'stride', where, 1),
    padding: pair(a.padding, 1, 'padding', where, 0),
  };
  featureMaps(config, where);
  return config;
}

/** [height, width] of the image and after each conv layer; throws where a map would be empty. */
function featureMaps(a: ConvArchitectureConfig, where: string): [number, number][] {
  const maps: [number, number][] = [[a.imageShape[1], a.imageShape[2]]];
  a.channels.forEach((_, i) => {
    const [h, w] = maps[i];
    const next: [number, number] = [
      convOutputSize(h, a.kernelSize[0], a.stride[0], a.padding[0], 1), convOutputSize(w, a.kernelSize[1], a.stride[1], a.padding[1], 1),
    ];
    if (next[0] < 1 || next[1] < 1) {
      throw new RangeError(
        `${where}: architecture conv layer ${i} gets a ${h}×${w} map, smaller than its kernel ${formatShape(a.kernelSize)} with padding ${formatShape(a.padding)} (imageShape ${formatShape(a.imageShape)}, channels ${formatShape(a.channels)})`,
      );
    }
    maps.push(next);
  });
  return maps;
}

/**
 * One layer of a plan: what both the modules and the PyTorch source are built from.
 *
 * @example
 * ```ts
 * const layer: LayerSpec = { kind: 'linear', in: 3136, out: 40 };
 * ```
 */
export type LayerSpec =
  | { kind: 'unflatten'; sizes: number[] }
  | { kind: 'flatten' }
  | { kind: 'activation'; activation: Activation }
  | { kind: 'linear'; in: number; out: number }
  | { kind: 'conv'; in: number; out: number; kernelSize: [number, number]; stride: [number, number]; padding: [number, number] }
  | { kind: 'convTranspose'; in: number; out: number; kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; outputPadding: [number, number] };

function dense(sizes: readonly number[], activation: Activation, last: Activation): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    out.push({ kind: 'linear', in: sizes[i], out: sizes[i + 1] });
    const act = i + 2 === sizes.length ? last : activation;
    if (act !== 'identity') out.push({ kind: 'activation', activation: act });
  }
  return out;
}

/**
 * The encoder's layers: images in, `outDim` values per row out (`outputActivation` last).
 *
 * @example
 * ```ts
 * encoderPlan(arch, [], 40, 'relu', 'identity'); // unflatten, conv, relu, conv, relu, flatten, linear
 * ```
 */
export function encoderPlan(a: ConvArchitectureConfig, hiddenDims: readonly number[], outDim: number, activation: Activation, outputActivation: Activation): LayerSpec[] {
  const maps = featureMaps(a, 'encoderPlan');
  const plan: LayerSpec[] = [{ kind: 'unflatten', sizes: [...a.imageShape] }];
  a.channels.forEach((out, i) => {
    plan.push({ kind: 'conv', in: i === 0 ? a.imageShape[0] : a.channels[i - 1], out, kernelSize: a.kernelSize, stride: a.stride, padding: a.padding });
    if (activation !== 'identity') plan.push({ kind: 'activation', activation });
  });
  plan.push({ kind: 'flatten' });
  const [h, w] = maps[maps.length - 1];
  return [...plan, ...dense([a.channels[a.channels.length - 1] * h * w, ...hiddenDims, outDim], activation, outputActivation)];
}

/**
 * The decoder's layers, the encoder's mirror: `latentDim` values per row in, c·h·w out (no
 * activation after the last layer: logits or means).
 *
 * @example
 * ```ts
 * decoderPlan(arch, [], 20, 'relu'); // linear, relu, unflatten, convTranspose, relu, convTranspose, flatten
 * ```
 */
export function decoderPlan(a: ConvArchitectureConfig, hiddenDims: readonly number[], latentDim: number, activation: Activation): LayerSpec[] {
  const maps = featureMaps(a, 'decoderPlan');
  const depth = a.channels.length;
  const [h, w] = maps[depth];
  const top = a.channels[depth - 1];
  const plan = dense([latentDim, ...hiddenDims.slice().reverse(), top * h * w], activation, activation);
  plan.push({ kind: 'unflatten', sizes: [top, h, w] });
  for (let i = depth - 1; i >= 0; i--) {
    const [inH, inW] = maps[i + 1];
    const [outH, outW] = maps[i];
    const outputPadding: [number, number] = [
      outH - convTransposeOutputSize(inH, a.kernelSize[0], a.stride[0], a.padding[0], 1, 0),
      outW - convTransposeOutputSize(inW, a.kernelSize[1], a.stride[1], a.padding[1], 1, 0),
    ];
    plan.push({
      kind: 'convTranspose', in: a.channels[i], out: i === 0 ? a.imageShape[0] : a.channels[i - 1],
      kernelSize: a.kernelSize, stride: a.stride, padding: a.padding, outputPadding,
    });
    if (i > 0 && activation !== 'identity') plan.push({ kind: 'activation', activation });
  }
  plan.push({ kind: 'flatten' });
  return plan;
}

/**
 * The modules of a plan in a {@link Sequential}, weights drawn from `rng` layer by layer.
 *
 * @example
 * ```ts
 * const encoder = buildPlan(encoderPlan(arch, [], 40, 'relu', 'identity'), rng, 'pytorch', 'float32');
 * ```
 */
export function buildPlan(plan: readonly LayerSpec[], rng: Rng, init: InitName, dtype: DType): Sequential {
  const layer = (s: LayerSpec): Module => {
    switch (s.kind) {
      case 'unflatten': return new Unflatten(1, s.sizes);
      case 'flatten': return new Flatten();
      case 'activation': return new ActivationLayer(s.activation);
      case 'linear': return new Linear(s.in, s.out, { rng, init, dtype });
      case 'conv': return new Conv2d(s.in, s.out, { kernelSize: s.kernelSize, stride: s.stride, padding: s.padding, rng, init, dtype });
      case 'convTranspose': return new ConvTranspose2d(s.in, s.out, {
        kernelSize: s.kernelSize, stride: s.stride, padding: s.padding, outputPadding: s.outputPadding, rng, init, dtype,
      });
    }
  };
  return new Sequential(plan.map(layer));
}

/**
 * The architecture as plain JSON for a saved config.
 *
 * @example
 * ```ts
 * architectureToJSON(vae.config.architecture!); // { kind: 'conv', imageShape: [1, 28, 28], ... }
 * ```
 */
export function architectureToJSON(a: ConvArchitectureConfig): Record<string, unknown> {
  return { kind: a.kind, imageShape: [...a.imageShape], channels: [...a.channels], kernelSize: [...a.kernelSize], stride: [...a.stride], padding: [...a.padding] };
}

/**
 * Images given as [n, c, h, w] (a Tensor or `{ data, shape }`) as the rows [n, c·h·w] the
 * models work on (the same data, channel-major); anything else is returned as it is. A 4-D
 * input whose image shape is not the architecture's is a ShapeError naming both.
 *
 * @example
 * ```ts
 * imageRows(Tensor.zeros([8, 1, 28, 28]), arch, 'VAE.fit'); // { data, shape: [8, 784] }
 * ```
 */
export function imageRows<X>(X: X, arch: ConvArchitectureConfig | undefined, where: string, arg = 'X'): X | { data: ArrayLike<number>; shape: number[] } {
  if (arch === undefined || X === null || typeof X !== 'object' || !('shape' in X) || !('data' in X)) return X;
  const shape = (X as { shape: unknown }).shape;
  if (!Array.isArray(shape) || shape.length !== 4) return X;
  const image = shape.slice(1) as number[];
  if (image.some((d, i) => d !== arch.imageShape[i])) {
    throw new ShapeError(`${where}: ${arg} ${formatShape(shape as number[])} holds images ${formatShape(image)}, but the architecture's imageShape is ${formatShape(arch.imageShape)}`);
  }
  return { data: (X as { data: ArrayLike<number> }).data, shape: [shape[0] as number, image[0] * image[1] * image[2]] };
}
