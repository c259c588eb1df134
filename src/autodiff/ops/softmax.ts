import { axisExtents } from '../../kernels/reduce.js';
import { logSoftmaxAxis, softmaxAxis, softmaxCrossEntropyRows } from '../../kernels/softmax.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, allocOutputLike, defineOp, type OpDef } from '../op.js';
import type { Reduction } from './losses.js';

/** The axis a softmax normalises over (already normalised to 0..rank−1). */
export interface SoftmaxAttrs {
  axis: number;
}

/** Attributes of {@link softmaxCrossEntropy}: one class index per row, and the reduction. */
export interface CrossEntropyAttrs {
  /** Row r's class, in 0..classes−1 (checked by the functional wrapper). */
  labels: Int32Array;
  reduction: Reduction;
}

interface Extents { outer: number; len: number; inner: number }

function extents(shape: readonly number[], axis: number): Extents {
  // A 0-d tensor is a slice of one element.
  if (shape.length === 0) return { outer: 1, len: 1, inner: 1 };
  const [outer, len, inner] = axisExtents(shape, axis);
  return { outer, len, inner };
}

/**
 * log softmax along an axis: y = x − log Σ exp(x), max-shifted. The gradient is
 * g − softmax(x)·Σ g along the axis, with softmax = exp(y) recomputed from the double parts.
 */
export const logSoftmax: OpDef<SoftmaxAttrs, Extents> = defineOp<SoftmaxAttrs, Extents>({
  name: 'logSoftmax',
  forward: ([x], { axis }) => {
    const e = extents(x.shape, axis);
    const data = allocOutputLike(x.data, x.data.length);
    logSoftmaxAxis(x.data, e.outer, e.len, e.inner, data);
    return { data, shape: x.shape.slice(), saved: e };
  },
  backward: (g, { out, saved: { outer, len, inner } }) => {
    const r = allocOutputLike(g, g.length);
    const y = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let s = 0;
        for (let a = 0; a < len; a++) s += g[base + a * inner];
        for (let a = 0; a < len; a++) {
          const k = base + a * inner;
          r[k] = g[k] - Math.exp(y[k]) * s;
        }
      }
    }
    return [r];
  },
});

/** softmax along an axis, max-shifted; the gradient is y ⊙ (g − Σ g ⊙ y) along the axis. */
export const softmax: OpDef<SoftmaxAttrs, Extents> = defineOp<SoftmaxAttrs, Extents>({
  name: 'softmax',
  forward: ([x], { axis }) => {
    const e = extents(x.shape, axis);
    const data = softmaxAxis(x.data, e.outer, e.len, e.inner, allocOutputLike(x.data, x.data.length));
    return { data, shape: x.shape.slice(), saved: e };
  },
  backward: (g, { out, saved: { outer, len, inner } }) => {
    const r = allocOutputLike(g, g.length);
    const y = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let s = 0;
        for (let a = 0; a < len; a++) s += g[base + a * inner] * y[base + a * inner];
        for (let a = 0; a < len; a++) {
          const k = base + a * inner;
          r[k] = y[k] * (g[k] - s);
        }
      }
    }
    return [r];
  },
});

interface CrossEntropySaved {
  /** Each row's softmax, `[rows, classes]`. */
  probs: FloatArray;
  /** The factor of every row's gradient under a reduction (1/rows for 'mean' and 'batchMean'). */
  scale: number;
}

/**
 * The softmax cross-entropy of logits `[rows, classes]` against integer labels, fused:
 * lᵣ = log Σ exp(xᵣ) − xᵣ,ᵧᵣ in one max-shifted pass (no log of a rounded probability, so a
 * confident wrong prediction costs its true size instead of log 0 = −∞). 'none' keeps `[rows]`;
 * 'sum' adds; 'mean' and 'batchMean' divide by the rows (one loss per row, as PyTorch's
 * `cross_entropy`). ∂/∂xᵣ = (softmax(xᵣ) − onehot(yᵣ)) times the row's upstream factor.
 */
export const softmaxCrossEntropy: OpDef<CrossEntropyAttrs, CrossEntropySaved> = defineOp<CrossEntropyAttrs, CrossEntropySaved>({
  name: 'softmaxCrossEntropy',
  forward: ([x], { labels, reduction }) => {
    const [rows, classes] = x.shape;
    const probs = allocOutputLike(x.data, x.data.length);
    const losses = allocOutputLike(x.data, rows);
    const total = softmaxCrossEntropyRows(x.data, labels, rows, classes, losses, probs);
    const scale = reduction === 'mean' || reduction === 'batchMean' ? 1 / Math.max(rows, 1) : 1;
    if (reduction === 'none') return { data: losses, shape: [rows], saved: { probs, scale } };
    const data = allocLike(x.data, 1);
    data[0] = total * scale;
    return { data, shape: [], saved: { probs, scale } };
  },
  backward: (g, { inputs: [x], attrs: { labels, reduction }, saved: { probs, scale } }) => {
    const [rows, classes] = x.shape;
    const r = allocOutputLike(g, probs.length);
    for (let i = 0; i < rows; i++) {
      const s = reduction === 'none' ? g[i] : g[0] * scale;
      const base = i * classes;
      for (let c = 0; c < classes; c++) r[base + c] = s * probs[base + c];
      r[base + labels[i]] -= s;
    }
    return [r];
  },
});
