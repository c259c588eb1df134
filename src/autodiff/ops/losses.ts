import { ShapeError } from '../../errors.js';
import { expandTo } from '../../kernels/broadcast.js';
import { log1pexp, sigmoid } from '../../kernels/stable.js';
import { broadcastShapes, sameShape, sizeOf } from '../../tensor/shape.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, defineOp, type OpDef, type RawTensor } from '../op.js';
import { reduceTo } from './arithmetic.js';
import { bceSumBackward, bceSumForward, type BceSumSaved } from './bce-sum.js';
import { LN_2PI } from '../../kernels/stable.js';

/**
 * How a loss reduces its elementwise values: keep them (`'none'`), add them (`'sum'`),
 * average over all elements (`'mean'`) or add and divide by the batch size, the first
 * axis (`'batchMean'`, nats per sample).
 *
 * @example
 * ```ts
 * const total = mse(pred, target, { reduction: 'sum' as Reduction });
 * ```
 */
export type Reduction = 'none' | 'sum' | 'mean' | 'batchMean';

/** Attributes of every fused loss. */
export interface LossAttrs {
  reduction: Reduction;
}

interface LossSaved {
  /** ∂lᵢ/∂inputₖ for each input k, laid out in the broadcast shape. */
  partials: (FloatArray | null)[];
  shape: number[];
  scale: number;
}

/**
 * One pass of a fused loss over n elements: writes each elementwise loss into `values` and
 * ∂l/∂inputₖ into `partials[k]`, and returns the sum of the losses (accumulated in double).
 * Each loss is its own loop: a per-element callback costs about 25 ns an element here.
 */
type LossKernel = (x: readonly FloatArray[], values: FloatArray, partials: readonly FloatArray[], n: number) => number;

function expandAll(inputs: readonly RawTensor[], name: string): { arrays: FloatArray[]; shape: number[] } {
  let shape = inputs[0].shape.slice();
  for (const x of inputs.slice(1)) shape = broadcastShapes(shape, x.shape, name);
  const n = sizeOf(shape);
  const arrays = inputs.map((x) => (sameShape(x.shape, shape) ? x.data : expandTo(x.data, x.shape, shape, allocLike(x.data, n))));
  return { arrays, shape };
}

/** The factor a reduction multiplies the sum of a loss's values by (1 for 'sum' and 'none'). */
export function scaleOf(reduction: Reduction, shape: readonly number[], name: string): number {
  if (reduction === 'mean') return 1 / Math.max(sizeOf(shape), 1);
  if (reduction === 'batchMean') {
    if (shape.length === 0) throw new ShapeError(`${name}: reduction 'batchMean' needs a batch axis (got a scalar)`);
    return 1 / Math.max(shape[0], 1);
  }
  return 1;
}

/** Builds a fused loss from its kernel. */
function fusedLoss(name: string, kernel: LossKernel): OpDef<LossAttrs, LossSaved> {
  return defineOp<LossAttrs, LossSaved>({
    name,
    forward: (inputs, { reduction }) => {
      const { arrays, shape } = expandAll(inputs, name);
      const n = sizeOf(shape);
      const like = arrays[0];
      const values = allocLike(like, n);
      const partials = arrays.map(() => allocLike(like, n));
      const total = kernel(arrays, values, partials, n);
      const scale = scaleOf(reduction, shape, name);
      if (reduction === 'none') return { data: values, shape, saved: { partials, shape, scale } };
      const data = allocLike(like, 1);
      data[0] = total * scale;
      return { data, shape: [], saved: { partials, shape, scale } };
    },
    backward: (g, { inputs, attrs: { reduction }, saved: { partials, shape, scale }, needsGrad }) =>
      inputs.map((x, k) => {
        const p = partials[k];
        if (!needsGrad[k] || p === null) return null;
        const r = allocLike(g, p.length);
        if (reduction === 'none') for (let i = 0; i < r.length; i++) r[i] = g[i] * p[i];
        else {
          const s = g[0] * scale;
          for (let i = 0; i < r.length; i++) r[i] = s * p[i];
        }
        return reduceTo(r, shape, x);
      }),
  });
}

/** (p − t)²; ∂/∂p = 2(p − t), ∂/∂t = −2(p − t). */
export const mse = fusedLoss('mse', ([p, t], values, [dp, dt], n) => {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = p[i] - t[i];
    dp[i] = 2 * e;
    dt[i] = -2 * e;
    const l = e * e;
    values[i] = l;
    total += l;
  }
  return total;
});

/** The elementwise form of {@link bceWithLogits}: any reduction, broadcast operands. */
const bceElementwise = fusedLoss('bceWithLogits', ([x, y], values, [dx, dy], n) => {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const yi = y[i];
    dx[i] = sigmoid(xi) - yi;
    dy[i] = -xi;
    const l = log1pexp(xi) - xi * yi;
    values[i] = l;
    total += l;
  }
  return total;
});

type BceSaved = { readonly sum: BceSumSaved } | { readonly elementwise: LossSaved };

/**
 * −[y log σ(x) + (1 − y) log(1 − σ(x))] = softplus(x) − x·y; ∂/∂x = σ(x) − y, ∂/∂y = −x.
 * A reduced loss ('sum', 'mean', 'batchMean') of same-shape operands, a VAE's Bernoulli
 * decoder loss, runs the fused sum of bce-sum.ts (SIMD on float32); `'none'` and broadcast
 * operands run the elementwise loop. The two agree to rounding, not bit for bit.
 */
export const bceWithLogits: OpDef<LossAttrs, BceSaved> = defineOp<LossAttrs, BceSaved>({
  name: 'bceWithLogits',
  forward: (inputs, attrs) => {
    const [logits, target] = inputs;
    if (attrs.reduction !== 'none' && sameShape(logits.shape, target.shape)) {
      const scale = scaleOf(attrs.reduction, logits.shape, 'bceWithLogits');
      const { data, saved } = bceSumForward(logits.data, target.data, scale);
      return { data, shape: [], saved: { sum: saved } };
    }
    const { data, shape, saved } = bceElementwise.forward(inputs, attrs);
    return { data, shape, saved: { elementwise: saved } };
  },
  backward: (g, ctx, into) => {
    const { saved } = ctx;
    if ('sum' in saved) return bceSumBackward(g, ctx.inputs[0].data, saved.sum, ctx.needsGrad);
    return bceElementwise.backward(g, { ...ctx, saved: saved.elementwise }, into);
  },
});

/**
 * −log N(x | m, e^{lv}) = ½[log 2π + lv + (x − m)² e^{−lv}];
 * ∂/∂x = (x − m)e^{−lv}, ∂/∂m = −(x − m)e^{−lv}, ∂/∂lv = ½[1 − (x − m)² e^{−lv}].
 */
export const gaussianNll = fusedLoss('gaussianNll', ([x, m, lv], values, [dx, dm, dlv], n) => {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i] - m[i];
    const prec = Math.exp(-lv[i]);
    dx[i] = e * prec;
    dm[i] = -e * prec;
    dlv[i] = 0.5 * (1 - e * e * prec);
    const l = 0.5 * (LN_2PI + lv[i] + e * e * prec);
    values[i] = l;
    total += l;
  }
  return total;
});

/**
 * KL(N(m, e^{lv}) ‖ N(0, 1)) per coordinate = −½(1 + lv − m² − e^{lv});
 * ∂/∂m = m, ∂/∂lv = ½(e^{lv} − 1).
 */
export const gaussianKl = fusedLoss('gaussianKl', ([m, lv], values, [dm, dlv], n) => {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const mi = m[i];
    const li = lv[i];
    const ev = Math.exp(li);
    dm[i] = mi;
    dlv[i] = 0.5 * (ev - 1);
    const l = -0.5 * (1 + li - mi * mi - ev);
    values[i] = l;
    total += l;
  }
  return total;
});
