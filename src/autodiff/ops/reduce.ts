import { axisExtents, logSumExpAxis, repeatAxis, sumAll, sumAxis } from '../../kernels/reduce.js';
import { normalizeAxis, sizeOf } from '../../tensor/shape.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, defineOp, type OpDef, type RawTensor } from '../op.js';

/** Which axis to reduce (null: all) and whether to keep it with extent 1. */
export interface ReduceAttrs {
  axis: number | null;
  keepDims: boolean;
}

interface Plan { outer: number; len: number; inner: number; shape: number[] }

function plan(x: RawTensor, { axis, keepDims }: ReduceAttrs, op: string): Plan {
  // A 0-d tensor reduced over its only (virtual) axis is itself.
  if (axis === null || x.shape.length === 0) {
    return { outer: 1, len: x.data.length, inner: 1, shape: keepDims ? x.shape.map(() => 1) : [] };
  }
  const ax = normalizeAxis(axis, x.shape.length, op);
  const [outer, len, inner] = axisExtents(x.shape, ax);
  const shape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return { outer, len, inner, shape };
}

function reduceSum(x: RawTensor, p: Plan): FloatArray {
  const out = allocLike(x.data, sizeOf(p.shape));
  if (p.outer === 1 && p.inner === 1) out[0] = sumAll(x.data);
  else sumAxis(x.data, p.outer, p.len, p.inner, out);
  return out;
}

function spread(g: FloatArray, p: Plan, scale: number, like: FloatArray): FloatArray {
  const out = allocLike(like, p.outer * p.len * p.inner);
  repeatAxis(g, p.outer, p.len, p.inner, out);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Σ over an axis or all; the gradient repeats g along the reduced axis. */
export const sum: OpDef<ReduceAttrs, Plan> = defineOp({
  name: 'sum',
  forward: ([x], attrs) => {
    const p = plan(x, attrs, 'sum');
    return { data: reduceSum(x, p), shape: p.shape, saved: p };
  },
  backward: (g, { inputs: [x], saved }) => [spread(g, saved, 1, x.data)],
});

/** Mean over an axis or all; the gradient is g/len repeated. */
export const mean: OpDef<ReduceAttrs, Plan> = defineOp({
  name: 'mean',
  forward: ([x], attrs) => {
    const p = plan(x, attrs, 'mean');
    const data = reduceSum(x, p);
    for (let i = 0; i < data.length; i++) data[i] /= p.len;
    return { data, shape: p.shape, saved: p };
  },
  backward: (g, { inputs: [x], saved }) => [spread(g, saved, 1 / saved.len, x.data)],
});

interface LseSaved { plan: Plan; shift: Float64Array; logSum: Float64Array }

/** log Σ exp, max-shifted; the gradient is g·softmax along the axis. */
export const logSumExp: OpDef<ReduceAttrs, LseSaved> = defineOp({
  name: 'logSumExp',
  forward: ([x], attrs) => {
    const p = plan(x, attrs, 'logSumExp');
    const n = sizeOf(p.shape);
    const data = allocLike(x.data, n);
    // The double-precision parts, not the stored output, feed the softmax: a float32 output
    // rounds away log Σ at large |x| (lse([3e38, 3e38]) = 3e38 would give softmax [1, 1]).
    const shift = new Float64Array(n);
    const logSum = new Float64Array(n);
    logSumExpAxis(x.data, p.outer, p.len, p.inner, data, shift, logSum);
    return { data, shape: p.shape, saved: { plan: p, shift, logSum } };
  },
  backward: (g, { inputs: [x], saved: { plan: p, shift, logSum } }) => {
    const r = allocLike(x.data, x.data.length);
    for (let o = 0; o < p.outer; o++) {
      for (let a = 0; a < p.len; a++) {
        for (let i = 0; i < p.inner; i++) {
          const j = o * p.inner + i;
          const idx = (o * p.len + a) * p.inner + i;
          // softmax = exp((x − m) − log Σ); exact 0 where x = −∞ and the slice is not all −∞.
          r[idx] = g[j] * Math.exp(x.data[idx] - shift[j] - logSum[j]);
        }
      }
    }
    return [r];
  },
});
