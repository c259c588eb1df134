import type { FloatArray } from '../validate.js';

/**
 * How an operand of a binary op lines up with the output: the same layout, one scalar, one
 * row repeated over leading rows (the bias-add case), or anything else (general strides).
 */
export type BroadcastMode = 'same' | 'scalar' | 'row' | 'general';

/** Classifies how `inShape` broadcasts to `outShape` (which must be its broadcast). */
export function broadcastMode(inShape: readonly number[], outShape: readonly number[]): BroadcastMode {
  let inSize = 1;
  for (const d of inShape) inSize *= d;
  let outSize = 1;
  for (const d of outShape) outSize *= d;
  if (inSize === outSize) return 'same';
  if (inSize === 1) return 'scalar';
  // A row: the input's non-unit extents are exactly the trailing extents of the output.
  const last = outShape.length === 0 ? 1 : outShape[outShape.length - 1];
  if (inSize === last && inShape.length > 0 && inShape[inShape.length - 1] === last) return 'row';
  return 'general';
}

/** Materialises `src` broadcast from `srcShape` to `outShape` (general strides). */
export function expandTo(src: FloatArray, srcShape: readonly number[], outShape: readonly number[], out: FloatArray): FloatArray {
  const rank = outShape.length;
  const srcStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = srcShape.length - 1; i >= 0; i--) {
    const axis = rank - srcShape.length + i;
    srcStrides[axis] = srcShape[i] === 1 ? 0 : s;
    s *= srcShape[i];
  }
  const idx = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = src[offset];
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      offset += srcStrides[ax];
      if (idx[ax] < outShape[ax]) break;
      offset -= srcStrides[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/**
 * Sums `grad` (laid out as `outShape`) down to `inShape`: the adjoint of broadcasting.
 * Accumulates in double.
 */
export function unbroadcast(grad: FloatArray, outShape: readonly number[], inShape: readonly number[], out: FloatArray): FloatArray {
  const mode = broadcastMode(inShape, outShape);
  if (mode === 'same') {
    out.set(grad);
    return out;
  }
  if (mode === 'scalar') {
    let s = 0;
    for (let i = 0; i < grad.length; i++) s += grad[i];
    out[0] = s;
    return out;
  }
  if (mode === 'row') {
    const d = out.length;
    const acc = new Float64Array(d);
    for (let o = 0; o < grad.length; o += d) {
      for (let j = 0; j < d; j++) acc[j] += grad[o + j];
    }
    out.set(acc);
    return out;
  }
  return unbroadcastGeneral(grad, outShape, inShape, out);
}

function unbroadcastGeneral(grad: FloatArray, outShape: readonly number[], inShape: readonly number[], out: FloatArray): FloatArray {
  const rank = outShape.length;
  const inStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const axis = rank - inShape.length + i;
    inStrides[axis] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i];
  }
  const acc = new Float64Array(out.length);
  const idx = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let o = 0; o < grad.length; o++) {
    acc[offset] += grad[o];
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      offset += inStrides[ax];
      if (idx[ax] < outShape[ax]) break;
      offset -= inStrides[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  out.set(acc);
  return out;
}
