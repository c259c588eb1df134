/**
 * 2-D convolution and transposed convolution on NCHW batches (groups = 1), by im2col / col2im
 * and one `gemmCore` each way (kernels/im2col.ts), so float32 products run on the WebAssembly
 * (and threaded) GEMM. The whole batch sits in the columns of the column matrix, which makes
 * each weight gradient one product. Shapes follow PyTorch's `conv2d` / `conv_transpose2d`.
 *
 * @module
 */
import { ShapeError, describeValue, formatShape } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import {
  channelSums, col2im, convOutputSize, convTransposeOutputSize, im2col, swapLeading, type ConvGeometry,
} from '../../kernels/im2col.js';
import type { FloatArray } from '../../validate.js';
import { addRounded, allocLike, allocOutputLike, defineOp, productInto, type GradTargets, type OpDef, type RawTensor } from '../op.js';

/** Attributes of {@link conv2d}: stride, padding and dilation as [height, width]. */
export interface ConvAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Attributes of {@link convTranspose2d}: those of a convolution plus the output padding. */
export interface ConvTransposeAttrs extends ConvAttrs {
  outputPadding: [number, number];
}

/**
 * Options of the `conv2d` function: each a number (both axes) or `[height, width]`, as in
 * PyTorch.
 *
 * @example
 * ```ts
 * const opts: Conv2dOptions = { stride: 2, padding: 1 };
 * ```
 */
export interface Conv2dOptions {
  /** Step between windows. Default 1. */
  stride?: number | readonly [number, number];
  /** Zeros added on each side. Default 0. */
  padding?: number | readonly [number, number];
  /** Spacing between kernel taps. Default 1. */
  dilation?: number | readonly [number, number];
}

/**
 * Options of the `convTranspose2d` function: those of {@link Conv2dOptions} plus
 * `outputPadding`, the extra rows/columns added on one side of the output (PyTorch's
 * `output_padding`), which must be smaller than the stride or the dilation.
 *
 * @example
 * ```ts
 * const opts: ConvTranspose2dOptions = { stride: 2, padding: 1, outputPadding: 1 };
 * ```
 */
export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra size on the bottom/right of the output. Default 0. */
  outputPadding?: number | readonly [number, number];
}

function pair(value: unknown, name: string, where: string, min: number, fallback: number): [number, number] {
  const v = value ?? fallback;
  const both = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(both) || both.length !== 2 || both.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < min)) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min} or a pair [height, width] of them (got ${describeValue(value)})`);
  }
  return [both[0] as number, both[1] as number];
}

/**
 * Checks and normalises conv options into attributes; unknown keys are rejected. With
 * `transposed`, `outputPadding` is accepted and checked against PyTorch's rule.
 *
 * @example
 * ```ts
 * convAttrs({ stride: 2 }, 'conv2d', false); // { stride: [2, 2], padding: [0, 0], dilation: [1, 1] }
 * ```
 */
export function convAttrs(options: Conv2dOptions | undefined, where: string, transposed: false): ConvAttrs;
export function convAttrs(options: ConvTranspose2dOptions | undefined, where: string, transposed: true): ConvTransposeAttrs;
export function convAttrs(options: ConvTranspose2dOptions | undefined, where: string, transposed: boolean): ConvAttrs | ConvTransposeAttrs {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new TypeError(`${where}: options must be an object (got ${describeValue(o)})`);
  const known = transposed ? ['stride', 'padding', 'dilation', 'outputPadding'] : ['stride', 'padding', 'dilation'];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new RangeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
  const stride = pair(o.stride, 'stride', where, 1, 1);
  const padding = pair(o.padding, 'padding', where, 0, 0);
  const dilation = pair(o.dilation, 'dilation', where, 1, 1);
  if (!transposed) return { stride, padding, dilation };
  const outputPadding = pair(o.outputPadding, 'outputPadding', where, 0, 0);
  for (let a = 0; a < 2; a++) {
    if (outputPadding[a] >= stride[a] && outputPadding[a] >= dilation[a]) {
      throw new RangeError(
        `${where}: outputPadding must be smaller than either stride or dilation (got outputPadding ${formatShape(outputPadding)}, stride ${formatShape(stride)}, dilation ${formatShape(dilation)})`,
      );
    }
  }
  return { stride, padding, dilation, outputPadding };
}

function checkOperands(x: RawTensor, w: RawTensor, b: RawTensor | undefined, where: string, transposed: boolean): void {
  const layout = transposed ? '[in, out, kh, kw]' : '[out, in, kh, kw]';
  if (x.shape.length !== 4) throw new ShapeError(`${where}: x must be 4-D [n, channels, height, width] (got ${formatShape(x.shape)})`);
  if (w.shape.length !== 4) throw new ShapeError(`${where}: weight must be 4-D ${layout} (got ${formatShape(w.shape)})`);
  const inAxis = transposed ? 0 : 1;
  if (x.shape[1] !== w.shape[inAxis]) {
    throw new ShapeError(
      `${where}: x ${formatShape(x.shape)} has ${x.shape[1]} channels but weight ${formatShape(w.shape)} (${layout}) expects ${w.shape[inAxis]}`,
    );
  }
  const out = w.shape[transposed ? 1 : 0];
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== out)) {
    throw new ShapeError(`${where}: bias ${formatShape(b.shape)} does not match weight ${formatShape(w.shape)} (need [${out}])`);
  }
}

/** Puts the bias gradient (double sums) into the engine's target or a new array. */
function biasGrad(acc: Float64Array, like: FloatArray, into: GradTargets | undefined): FloatArray {
  const target = into?.[2] ?? null;
  if (target === null) {
    const gb = allocLike(like, acc.length);
    gb.set(acc);
    return gb;
  }
  addRounded(target, acc, like, into!.replace);
  return target;
}

interface ConvSaved {
  g: ConvGeometry;
  /** The column matrix [c·kh·kw, n·oh·ow] of the forward, for the weight gradient. */
  col: FloatArray;
}

/**
 * y = conv2d(x, W) + b for x [n, c, h, w], W [o, c, kh, kw] (PyTorch layout) and an optional
 * bias [o]; y is [n, o, oh, ow] with PyTorch's output size. Forward: col = im2col(x), then
 * y = W·col, laid out NCHW with the bias added. Backward, with ĝ the output gradient as
 * [o, n·oh·ow]: dW = ĝ·colᵀ, dx = col2im(Wᵀ·ĝ), db = Σ ĝ per channel.
 *
 * @example
 * ```ts
 * const y = apply(ops.conv2d, [x, w, b], { stride: [2, 2], padding: [1, 1], dilation: [1, 1] });
 * ```
 */
export const conv2d: OpDef<ConvAttrs, ConvSaved> = defineOp({
  name: 'conv2d',
  forward: ([x, w, b], { stride, padding, dilation }) => {
    checkOperands(x, w, b, 'conv2d', false);
    const [n, c, h, wd] = x.shape;
    const [o, , kh, kw] = w.shape;
    const oh = convOutputSize(h, kh, stride[0], padding[0], dilation[0]);
    const ow = convOutputSize(wd, kw, stride[1], padding[1], dilation[1]);
    if (oh < 1 || ow < 1) {
      const eff = [dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1];
      throw new ShapeError(
        `conv2d: kernel ${formatShape([kh, kw])} (dilated ${formatShape(eff)}) is larger than the padded input ${formatShape([h + 2 * padding[0], wd + 2 * padding[1]])} (x ${formatShape(x.shape)}, weight ${formatShape(w.shape)}, padding ${formatShape(padding)})`,
      );
    }
    const g: ConvGeometry = { c, h, w: wd, kh, kw, oh, ow, sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1] };
    const rows = c * kh * kw;
    const l = oh * ow;
    const cols = n * l;
    const col = im2col(x.data, n, g, allocOutputLike(x.data, rows * cols));
    const prod = allocOutputLike(x.data, o * cols);
    gemmCore(false, false, o, cols, rows, 1, w.data, rows, col, cols, 0, prod, cols);
    // [o, n, l] → [n, o, l]; a single image without bias is already in place.
    const y = n === 1 && b === undefined ? prod : swapLeading(prod, o, n, l, allocOutputLike(x.data, o * cols), b?.data ?? null);
    return { data: y, shape: [n, o, oh, ow], saved: { g, col } };
  },
  backward: (gOut, { inputs: [x, w, b], saved: { g, col }, needsGrad }, into) => {
    const n = x.shape[0];
    const o = w.shape[0];
    const rows = g.c * g.kh * g.kw;
    const l = g.oh * g.ow;
    const cols = n * l;
    const gt = n === 1 ? gOut : swapLeading(gOut, n, o, l, allocOutputLike(gOut, gOut.length));
    let dx: FloatArray | null = null;
    if (needsGrad[0]) {
      const dcol = allocOutputLike(gOut, rows * cols);
      gemmCore(true, false, rows, cols, o, 1, w.data, rows, gt, cols, 0, dcol, cols);
      // col2im adds, so an offered target is cleared first only when it is to be replaced.
      const target = into?.[0] ?? null;
      if (target !== null && into!.replace) target.fill(0);
      dx = col2im(dcol, n, g, target ?? allocLike(gOut, x.data.length));
    }
    const gw = needsGrad[1] ? productInto(into, 1, o * rows, gOut) : null;
    if (gw !== null) gemmCore(false, true, o, rows, cols, 1, gt, cols, col, cols, gw.beta, gw.c, rows);
    if (b === undefined) return [dx, gw?.c ?? null];
    return [dx, gw?.c ?? null, needsGrad[2] ? biasGrad(channelSums(gOut, n, o, l), gOut, into) : null];
  },
});

interface ConvTransposeSaved {
  /** The geometry of the adjoint convolution: its image is this op's output. */
  g: ConvGeometry;
  /** x as [c_in, n·h·w], for the weight gradient. */
  xt: FloatArray;
}

/**
 * The transposed convolution (the adjoint of conv2d in x, PyTorch's `conv_transpose2d`) for
 * x [n, c_in, h, w], W [c_in, c_out, kh, kw] (PyTorch layout) and an optional bias [c_out];
 * the output is [n, c_out, oh, ow] with oh = (h − 1)·s − 2p + d·(kh − 1) + outputPadding + 1.
 * Forward: col = Wᵀ·x (x as [c_in, n·h·w]), then y = col2im(col) + b. Backward, with
 * ĝcol = im2col(g): dW = x·ĝcolᵀ, dx = W·ĝcol, db = Σ g per channel.
 *
 * @example
 * ```ts
 * const y = apply(ops.convTranspose2d, [x, w], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], outputPadding: [0, 0] });
 * ```
 */
export const convTranspose2d: OpDef<ConvTransposeAttrs, ConvTransposeSaved> = defineOp({
  name: 'convTranspose2d',
  forward: ([x, w, b], { stride, padding, dilation, outputPadding }) => {
    checkOperands(x, w, b, 'convTranspose2d', true);
    const [n, ci, h, wd] = x.shape;
    const [, co, kh, kw] = w.shape;
    const oh = convTransposeOutputSize(h, kh, stride[0], padding[0], dilation[0], outputPadding[0]);
    const ow = convTransposeOutputSize(wd, kw, stride[1], padding[1], dilation[1], outputPadding[1]);
    if (oh < 1 || ow < 1) {
      throw new ShapeError(
        `convTranspose2d: the output size ${formatShape([oh, ow])} is not positive (x ${formatShape(x.shape)}, weight ${formatShape(w.shape)}, stride ${formatShape(stride)}, padding ${formatShape(padding)}, dilation ${formatShape(dilation)}, outputPadding ${formatShape(outputPadding)})`,
      );
    }
    const g: ConvGeometry = { c: co, h: oh, w: ow, kh, kw, oh: h, ow: wd, sh: stride[0], sw: stride[1], ph: padding[0], pw: padding[1], dh: dilation[0], dw: dilation[1] };
    const rows = co * kh * kw;
    const l = h * wd;
    const cols = n * l;
    const xt = n === 1 ? x.data : swapLeading(x.data, n, ci, l, allocOutputLike(x.data, x.data.length));
    const col = allocOutputLike(x.data, rows * cols);
    gemmCore(true, false, rows, cols, ci, 1, w.data, rows, xt, cols, 0, col, cols);
    const y = allocOutputLike(x.data, n * co * oh * ow);
    const plane = oh * ow;
    if (b === undefined) y.fill(0);
    else for (let k = 0; k < n * co; k++) y.fill(b.data[k % co], k * plane, (k + 1) * plane);
    col2im(col, n, g, y);
    return { data: y, shape: [n, co, oh, ow], saved: { g, xt } };
  },
  backward: (gOut, { inputs: [x, w, b], saved: { g, xt }, needsGrad }, into) => {
    const [n, ci] = x.shape;
    const co = w.shape[1];
    const rows = co * g.kh * g.kw;
    const l = g.oh * g.ow;
    const cols = n * l;
    const gcol = im2col(gOut, n, g, allocOutputLike(gOut, rows * cols));
    let dx: FloatArray | null = null;
    if (needsGrad[0]) {
      if (n === 1) {
        const t = productInto(into, 0, ci * cols, gOut);
        gemmCore(false, false, ci, cols, rows, 1, w.data, rows, gcol, cols, t.beta, t.c, cols);
        dx = t.c;
      } else {
        const dxt = allocOutputLike(gOut, ci * cols);
        gemmCore(false, false, ci, cols, rows, 1, w.data, rows, gcol, cols, 0, dxt, cols);
        dx = swapLeading(dxt, ci, n, l, allocOutputLike(gOut, dxt.length));
      }
    }
    const gw = needsGrad[1] ? productInto(into, 1, ci * rows, gOut) : null;
    if (gw !== null) gemmCore(false, true, ci, rows, cols, 1, xt, cols, gcol, cols, gw.beta, gw.c, rows);
    if (b === undefined) return [dx, gw?.c ?? null];
    return [dx, gw?.c ?? null, needsGrad[2] ? biasGrad(channelSums(gOut, n, co, g.h * g.w), gOut, into) : null];
  },
});
