import { ShapeError, formatShape } from '../../errors.js';
import { gemm } from '../../kernels/gemm.js';
import { allocLike, defineOp, type OpDef } from '../op.js';

/** Attributes of {@link linear}: whether a ReLU follows the affine map. */
export interface LinearAttrs {
  relu: boolean;
}

/**
 * The fused affine map of a dense layer, y = x·Wᵀ + b, optionally followed by ReLU, with
 * x [n, in], W [out, in] (PyTorch layout) and an optional bias b [out]. One gemm writes onto
 * rows pre-filled with the bias (β = 1) and the ReLU is applied in place, so the layer costs one
 * output buffer instead of three (matmul, add, relu).
 * Backward: ĝ = g ⊙ [y > 0] (ReLU), then dx = ĝ·W, dW = ĝᵀ·x, db = Σ_rows ĝ.
 *
 * @example
 * ```ts
 * const h = apply(ops.linear, [x, weight, bias], { relu: true }); // relu(x·Wᵀ + b)
 * ```
 */
export const linear: OpDef<LinearAttrs, null> = defineOp({
  name: 'linear',
  forward: ([x, w, b], { relu }) => {
    if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
      throw new ShapeError(
        `linear: x ${formatShape(x.shape)} and weight ${formatShape(w.shape)} are incompatible (need x [n, in] and weight [out, in])`,
      );
    }
    const [n, k] = x.shape;
    const m = w.shape[0];
    if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== m)) {
      throw new ShapeError(`linear: bias ${formatShape(b.shape)} does not match weight ${formatShape(w.shape)} (need [${m}])`);
    }
    const y = allocLike(x.data, n * m);
    if (b !== undefined) for (let r = 0; r < n; r++) y.set(b.data, r * m);
    gemm(false, true, n, m, k, 1, x.data, k, w.data, k, b === undefined ? 0 : 1, y, m);
    if (relu) {
      // Math.max keeps NaN, as the relu op does, and compiles without a data-dependent branch.
      for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
    }
    return { data: y, shape: [n, m], saved: null };
  },
  backward: (gOut, { inputs: [x, w, b], attrs: { relu }, out, needsGrad }) => {
    const [n, k] = x.shape;
    const m = w.shape[0];
    let g = gOut;
    if (relu) {
      // Gradient through ReLU from the output: 1 where y > 0 (the subgradient at 0 is 0).
      g = allocLike(gOut, gOut.length);
      const y = out.data;
      for (let i = 0; i < g.length; i++) {
        const v = y[i];
        // Written without a data-dependent branch (the signs are random, so a branch
        // mispredicts half the time); the last term keeps NaN.
        g[i] = gOut[i] * +(v > 0) + (v === v ? 0 : NaN);
      }
    }
    let gx = null;
    let gw = null;
    let gb = null;
    if (needsGrad[0]) {
      gx = allocLike(g, n * k);
      gemm(false, false, n, k, m, 1, g, m, w.data, k, 0, gx, k);
    }
    if (needsGrad[1]) {
      gw = allocLike(g, m * k);
      gemm(true, false, m, k, n, 1, g, m, x.data, k, 0, gw, k);
    }
    if (b !== undefined && needsGrad[2]) {
      // Column sums accumulated in double, written once.
      const acc = new Float64Array(m);
      for (let r = 0; r < n; r++) {
        const o = r * m;
        for (let j = 0; j < m; j++) acc[j] += g[o + j];
      }
      gb = allocLike(g, m);
      gb.set(acc);
    }
    return b === undefined ? [gx, gw] : [gx, gw, gb];
  },
});
