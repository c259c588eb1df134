import { ShapeError, formatShape } from '../../errors.js';
import { expandTo, unbroadcast } from '../../kernels/broadcast.js';
import { axisExtents } from '../../kernels/reduce.js';
import { broadcastShapes, sameShape, sizeOf, stridesOf } from '../../tensor/shape.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, defineOp, type OpDef } from '../op.js';

/** Same data, new shape: the buffer is shared, so reshape costs nothing. */
export const reshape: OpDef<{ shape: number[] }, null> = defineOp({
  name: 'reshape',
  forward: ([x], { shape }) => {
    if (sizeOf(shape) !== x.data.length) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.data.length} elements) to ${formatShape(shape)} (${sizeOf(shape)})`,
      );
    }
    return { data: x.data, shape: shape.slice(), saved: null };
  },
  backward: (g) => [g],
});

function permute(src: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): FloatArray {
  if (shape.length === 2 && perm[0] === 1) {
    const [r, c] = shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j];
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const rank = perm.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let off = 0;
    for (let a = 0; a < rank; a++) off += idx[a] * inStrides[perm[a]];
    out[o] = src[off];
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Permutes axes (reverses them by default); the gradient applies the inverse permutation. */
export const transpose: OpDef<{ perm: number[] }, null> = defineOp({
  name: 'transpose',
  forward: ([x], { perm }) => {
    const ok = perm.length === x.shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) throw new ShapeError(`transpose: perm ${formatShape(perm)} is not a permutation of the axes of ${formatShape(x.shape)}`);
    const data = permute(x.data, x.shape, perm, allocLike(x.data, x.data.length));
    return { data, shape: perm.map((p) => x.shape[p]), saved: null };
  },
  backward: (g, { out, attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [permute(g, out.shape, inverse, allocLike(g, g.length))];
  },
});

/** Expands to `shape` by NumPy rules; the gradient sums the expanded axes back. */
export const broadcastTo: OpDef<{ shape: number[] }, null> = defineOp({
  name: 'broadcastTo',
  forward: ([x], { shape }) => {
    const target = broadcastShapes(x.shape, shape, 'broadcastTo');
    if (!sameShape(target, shape)) {
      throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    return { data: expandTo(x.data, x.shape, shape, allocLike(x.data, sizeOf(shape))), shape: shape.slice(), saved: null };
  },
  backward: (g, { inputs: [x], out }) => [unbroadcast(g, out.shape, x.shape, allocLike(g, x.data.length))],
});

/** Elements start..end−1 along one axis; the gradient scatters into zeros. */
export const slice: OpDef<{ axis: number; start: number; end: number }, null> = defineOp({
  name: 'slice',
  forward: ([x], { axis, start, end }) => {
    if (x.shape.length === 0) throw new ShapeError('slice: cannot slice a 0-d tensor (shape [])');
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > x.shape[axis] || start > end) {
      throw new ShapeError(`slice: range [${start}, ${end}) is out of bounds for axis ${axis} of ${formatShape(x.shape)}`);
    }
    const [outer, len, inner] = axisExtents(x.shape, axis);
    const w = (end - start) * inner;
    const data = allocLike(x.data, outer * w);
    for (let o = 0; o < outer; o++) data.set(x.data.subarray(o * len * inner + start * inner, o * len * inner + end * inner), o * w);
    return { data, shape: x.shape.map((d, i) => (i === axis ? end - start : d)), saved: null };
  },
  backward: (g, { inputs: [x], attrs: { axis, start, end } }) => {
    const [outer, len, inner] = axisExtents(x.shape, axis);
    const w = (end - start) * inner;
    const r = allocLike(g, x.data.length);
    for (let o = 0; o < outer; o++) r.set(g.subarray(o * w, (o + 1) * w), o * len * inner + start * inner);
    return [r];
  },
});

/** Joins tensors along an axis; each gradient is its slab of g. */
export const concat: OpDef<{ axis: number }, null> = defineOp({
  name: 'concat',
  forward: (xs, { axis }) => {
    if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
    const ref = xs[0].shape;
    if (ref.length === 0) throw new ShapeError('concat: 0-d tensors cannot be concatenated (shape [])');
    for (const x of xs) {
      if (x.shape.length !== ref.length || x.shape.some((d, i) => i !== axis && d !== ref[i])) {
        throw new ShapeError(`concat: shapes ${formatShape(ref)} and ${formatShape(x.shape)} differ outside axis ${axis}`);
      }
    }
    const total = xs.reduce((s, x) => s + x.shape[axis], 0);
    const shape = ref.map((d, i) => (i === axis ? total : d));
    const [outer, , inner] = axisExtents(shape, axis);
    const data = allocLike(xs[0].data, sizeOf(shape));
    let offset = 0;
    for (const x of xs) {
      const w = x.shape[axis] * inner;
      for (let o = 0; o < outer; o++) data.set(x.data.subarray(o * w, (o + 1) * w), o * total * inner + offset);
      offset += w;
    }
    return { data, shape, saved: null };
  },
  backward: (g, { inputs, out, attrs: { axis }, needsGrad }) => {
    const [outer, , inner] = axisExtents(out.shape, axis);
    const total = out.shape[axis];
    let offset = 0;
    return inputs.map((x, k) => {
      const w = x.shape[axis] * inner;
      const start = offset;
      offset += w;
      if (!needsGrad[k]) return null;
      const r = allocLike(g, x.data.length);
      for (let o = 0; o < outer; o++) r.set(g.subarray(o * total * inner + start, o * total * inner + start + w), o * w);
      return r;
    });
  },
});
