import { gumbelSoftmaxGroups, categoricalKlGroups } from '../../kernels/categorical.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, allocOutputLike, defineOp, type OpDef } from '../op.js';
import type { Reduction } from './losses.js';

/** Attributes of {@link gumbelSoftmax} (checked by the functional wrapper). */
export interface GumbelSoftmaxAttrs {
  /** The temperature τ > 0. */
  tau: number;
  /** Straight-through: forward the one-hot arg-max, backward the soft sample's gradient. */
  hard: boolean;
  /** K: the last axis is cut into groups of K categories. */
  nCategories: number;
  /** Gumbel(0, 1) noise, one value per element of the logits. */
  noise: ArrayLike<number>;
}

/** Attributes of {@link categoricalKl}. */
export interface CategoricalKlAttrs {
  nCategories: number;
  reduction: Reduction;
}

/**
 * The Gumbel-softmax sample y = softmax((x + g)/τ) over each group of K logits along the last
 * axis (Jang, Gu & Poole 2016; Maddison et al. 2016's Concrete), g the given Gumbel noise. With
 * `hard`, the output is the exact one-hot of each soft sample's arg-max and the gradient is the
 * soft sample's (the straight-through estimator). ∂/∂x = (1/τ)·y ⊙ (ĝ − Σ ĝ ⊙ y) per group.
 */
export const gumbelSoftmax: OpDef<GumbelSoftmaxAttrs, FloatArray> = defineOp<GumbelSoftmaxAttrs, FloatArray>({
  name: 'gumbelSoftmax',
  forward: ([x], { tau, hard, nCategories, noise }) => {
    const n = x.data.length;
    const soft = allocOutputLike(x.data, n);
    const data = hard ? allocOutputLike(x.data, n) : soft;
    gumbelSoftmaxGroups(x.data, noise, tau, n / nCategories, nCategories, hard, soft, data);
    return { data, shape: x.shape.slice(), saved: soft };
  },
  backward: (g, { attrs: { tau, nCategories: k }, saved: y }) => {
    const r = allocOutputLike(g, g.length);
    for (let base = 0; base < g.length; base += k) {
      let s = 0;
      for (let c = 0; c < k; c++) s += g[base + c] * y[base + c];
      for (let c = 0; c < k; c++) r[base + c] = (y[base + c] * (g[base + c] - s)) / tau;
    }
    return [r];
  },
});

interface KlSaved {
  partials: FloatArray;
  rows: number;
  scale: number;
}

/**
 * KL(q ‖ uniform K) of the categoricals q = softmax(x) over each group of K logits along the
 * last axis, summed over the groups of a row (the first axis): 'none' keeps `[rows]`, 'sum'
 * adds, 'mean' and 'batchMean' divide by the rows (one KL per row, as softmaxCrossEntropy).
 * ∂KL/∂x_c = q_c (log q_c − Σ q log q), times the row's upstream factor.
 */
export const categoricalKl: OpDef<CategoricalKlAttrs, KlSaved> = defineOp<CategoricalKlAttrs, KlSaved>({
  name: 'categoricalKl',
  forward: ([x], { nCategories, reduction }) => {
    const n = x.data.length;
    const rows = x.shape[0];
    const groups = n / nCategories;
    const perGroup = new Float64Array(groups);
    const partials = allocOutputLike(x.data, n);
    const total = categoricalKlGroups(x.data, groups, nCategories, perGroup, partials);
    const scale = reduction === 'mean' || reduction === 'batchMean' ? 1 / Math.max(rows, 1) : 1;
    if (reduction !== 'none') {
      const data = allocLike(x.data, 1);
      data[0] = total * scale;
      return { data, shape: [], saved: { partials, rows, scale } };
    }
    const perRow = groups / Math.max(rows, 1);
    const data = allocLike(x.data, rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < perRow; j++) s += perGroup[i * perRow + j];
      data[i] = s;
    }
    return { data, shape: [rows], saved: { partials, rows, scale } };
  },
  backward: (g, { attrs: { reduction }, saved: { partials, rows, scale } }) => {
    const r = allocOutputLike(g, partials.length);
    const perRow = partials.length / Math.max(rows, 1);
    for (let i = 0; i < rows; i++) {
      const s = reduction === 'none' ? g[i] : g[0] * scale;
      for (let j = i * perRow; j < (i + 1) * perRow; j++) r[j] = s * partials[j];
    }
    return [r];
  },
});
