import { ShapeError, formatShape } from '../../errors.js';
import { gemm } from '../../kernels/gemm.js';
import { allocLike, defineOp, type OpDef } from '../op.js';

/**
 * The fused affine map of a dense layer, y = x·Wᵀ + b, with x [n, in], W [out, in] (PyTorch
 * layout) and an optional bias b [out]. One gemm writes onto rows pre-filled with the bias
 * (β = 1), so the layer costs one output buffer instead of two (matmul, then add).
 * Backward: dx = g·W, dW = gᵀ·x, db = Σ_rows g, each a gemm with flags or one pass.
 */
export const linear: OpDef<null, null> = defineOp({
  name: 'linear',
  forward: ([x, w, b]) => {
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
    return { data: y, shape: [n, m], saved: null };
  },
  backward: (g, { inputs: [x, w, b], needsGrad }) => {
    const [n, k] = x.shape;
    const m = w.shape[0];
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
