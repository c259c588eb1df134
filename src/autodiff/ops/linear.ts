import { ShapeError, formatShape } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { reluBiasBackward, reluInPlace } from '../../kernels/relu.js';
import { addRounded, allocLike, allocOutputLike, defineOp, productInto, type OpDef } from '../op.js';

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
    const y = allocOutputLike(x.data, n * m); // every row is the bias, or the product with β = 0
    if (b !== undefined) for (let r = 0; r < n; r++) y.set(b.data, r * m);
    gemmCore(false, true, n, m, k, 1, x.data, k, w.data, k, b === undefined ? 0 : 1, y, m);
    if (relu) reluInPlace(y);
    return { data: y, shape: [n, m], saved: null };
  },
  backward: (gOut, { inputs: [x, w, b], attrs: { relu }, out, needsGrad }, into) => {
    const [n, k] = x.shape;
    const m = w.shape[0];
    // ReLU mask (gradient 1 where y > 0; the subgradient at 0 is 0) and bias column sums in
    // one pass, in double for the sums.
    const acc = b !== undefined && needsGrad[2] ? new Float64Array(m) : null;
    const g = reluBiasBackward(gOut, relu ? out.data : null, n, m, acc, relu ? allocOutputLike(gOut, gOut.length) : gOut);
    // A target offered by the engine (a leaf's existing grad) is added into with β = 1, or
    // overwritten with β = 0 when the engine replaces gradients.
    const gx = needsGrad[0] ? productInto(into, 0, n * k, g) : null;
    if (gx !== null) gemmCore(false, false, n, k, m, 1, g, m, w.data, k, gx.beta, gx.c, k);
    const gw = needsGrad[1] ? productInto(into, 1, m * k, g) : null;
    if (gw !== null) gemmCore(true, false, m, k, n, 1, g, m, x.data, k, gw.beta, gw.c, k);
    let gb = null;
    if (acc !== null) {
      gb = into?.[2] ?? null;
      if (gb === null) {
        gb = allocLike(g, m);
        gb.set(acc);
      } else addRounded(gb, acc, g, into!.replace);
    }
    return b === undefined ? [gx?.c ?? null, gw?.c ?? null] : [gx?.c ?? null, gw?.c ?? null, gb];
  },
});
