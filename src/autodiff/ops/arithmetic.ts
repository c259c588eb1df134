import { binaryBroadcast, type BinaryKind } from '../../kernels/binary.js';
import { unbroadcast } from '../../kernels/broadcast.js';
import { broadcastShapes, sameShape, sizeOf } from '../../tensor/shape.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, defineOp, type OpDef, type RawTensor } from '../op.js';

function forwardBinary(kind: BinaryKind, [a, b]: readonly RawTensor[]) {
  const shape = broadcastShapes(a.shape, b.shape, kind);
  const data = binaryBroadcast(kind, a.data, a.shape, b.data, b.shape, allocLike(a.data, sizeOf(shape)), shape);
  return { data, shape, saved: null };
}

/** Sums a gradient laid out as `outShape` back to `input`'s shape (no copy when equal). */
export function reduceTo(g: FloatArray, outShape: readonly number[], input: RawTensor): FloatArray {
  if (sameShape(outShape, input.shape)) return g;
  return unbroadcast(g, outShape, input.shape, allocLike(g, input.data.length));
}

/** g·s elementwise (a fresh array). */
function scaled(g: FloatArray, s: number): FloatArray {
  const out = allocLike(g, g.length);
  for (let i = 0; i < g.length; i++) out[i] = g[i] * s;
  return out;
}

/** out = g ∘ other, other broadcast to g's shape. */
function times(g: FloatArray, outShape: readonly number[], other: RawTensor, kind: 'mul' | 'div'): FloatArray {
  return binaryBroadcast(kind, g, outShape, other.data, other.shape, allocLike(g, g.length), outShape);
}

/** d(a+b) = (g, g), each reduced to its input's shape. */
export const add: OpDef<null, null> = defineOp({
  name: 'add',
  forward: (inputs) => forwardBinary('add', inputs),
  backward: (g, { inputs: [a, b], out, needsGrad }) => [
    needsGrad[0] ? reduceTo(g, out.shape, a) : null,
    needsGrad[1] ? reduceTo(g, out.shape, b) : null,
  ],
});

/** d(a−b) = (g, −g). */
export const sub: OpDef<null, null> = defineOp({
  name: 'sub',
  forward: (inputs) => forwardBinary('sub', inputs),
  backward: (g, { inputs: [a, b], out, needsGrad }) => [
    needsGrad[0] ? reduceTo(g, out.shape, a) : null,
    needsGrad[1] ? reduceTo(scaled(g, -1), out.shape, b) : null,
  ],
});

/** d(a·b) = (g·b, g·a). */
export const mul: OpDef<null, null> = defineOp({
  name: 'mul',
  forward: (inputs) => forwardBinary('mul', inputs),
  backward: (g, { inputs: [a, b], out, needsGrad }) => [
    needsGrad[0] ? reduceTo(times(g, out.shape, b, 'mul'), out.shape, a) : null,
    needsGrad[1] ? reduceTo(times(g, out.shape, a, 'mul'), out.shape, b) : null,
  ],
});

/** d(a/b) = (g/b, −g·(a/b)/b); the output a/b is reused. */
export const div: OpDef<null, null> = defineOp({
  name: 'div',
  forward: (inputs) => forwardBinary('div', inputs),
  backward: (g, { inputs: [a, b], out, needsGrad }) => {
    const gOverB = times(g, out.shape, b, 'div');
    let gb: FloatArray | null = null;
    if (needsGrad[1]) {
      const t = allocLike(g, g.length);
      for (let i = 0; i < t.length; i++) t[i] = -gOverB[i] * out.data[i];
      gb = reduceTo(t, out.shape, b);
    }
    return [needsGrad[0] ? reduceTo(gOverB, out.shape, a) : null, gb];
  },
});

/** d(−a) = −g. */
export const neg: OpDef<null, null> = defineOp({
  name: 'neg',
  forward: ([a]) => ({ data: scaled(a.data, -1), shape: a.shape.slice(), saved: null }),
  backward: (g) => [scaled(g, -1)],
});
