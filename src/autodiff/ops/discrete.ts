/**
 * The two primitives of a vector-quantised latent (VQ-VAE, van den Oord et al. 2017): looking
 * codes up in a codebook, and the straight-through estimator that lets the gradient of the
 * quantised vectors reach the encoder's continuous outputs.
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { sameShape } from '../../tensor/shape.js';
import { allocLike, allocOutputLike, defineOp, type OpDef } from '../op.js';

/** Attributes of {@link gatherRows}: one row index per output row, each in 0..K−1. */
export interface GatherRowsAttrs {
  indices: Int32Array;
}

/**
 * out[i] = table[indices[i]] for a table `[K, d]` (an embedding lookup); the gradient adds each
 * output row's gradient into the row it came from: d table[k] = Σ_{i: indices[i] = k} g[i].
 */
export const gatherRows: OpDef<GatherRowsAttrs, null> = defineOp({
  name: 'gatherRows',
  forward: ([table], { indices }) => {
    if (table.shape.length !== 2) throw new ShapeError(`gatherRows: table must be 2-D [K, d] (got ${formatShape(table.shape)})`);
    const [K, d] = table.shape;
    const n = indices.length;
    const out = allocOutputLike(table.data, n * d);
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < K)) throw new RangeError(`gatherRows: indices[${i}] must be a row of the table in 0..${K - 1} (got ${k})`);
      out.set(table.data.subarray(k * d, (k + 1) * d), i * d);
    }
    return { data: out, shape: [n, d], saved: null };
  },
  backward: (g, { inputs: [table], attrs: { indices } }) => {
    const d = table.shape[1];
    const out = allocLike(g, table.data.length);
    for (let i = 0; i < indices.length; i++) {
      const at = indices[i] * d;
      for (let j = 0; j < d; j++) out[at + j] += g[i * d + j];
    }
    return [out];
  },
});

/**
 * The straight-through estimator z + sg[q − z]: the forward is q, the backward passes the
 * output's gradient to x unchanged and none to q (Bengio et al. 2013; van den Oord et al. 2017,
 * eq. 3, where x is the encoder output z_e and q the quantised z_q).
 */
export const straightThrough: OpDef<null, null> = defineOp({
  name: 'straightThrough',
  forward: ([x, q]) => {
    if (!sameShape(x.shape, q.shape)) throw new ShapeError(`straightThrough: x ${formatShape(x.shape)} and q ${formatShape(q.shape)} must have the same shape`);
    const out = allocOutputLike(q.data, q.data.length);
    out.set(q.data);
    return { data: out, shape: q.shape.slice(), saved: null };
  },
  backward: (g, { needsGrad }) => [needsGrad[0] ? g : null, null],
});
