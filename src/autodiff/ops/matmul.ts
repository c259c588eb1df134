import { ShapeError, formatShape } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { allocOutputLike, defineOp, productInto, type OpDef } from '../op.js';

/** Transpose flags of a matrix product. */
export interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

/**
 * C = op(A)·op(B) for 2-D A and B. Every gradient is one more gemm call with flags
 * (tfjs BatchMatMul_grad): nothing is transposed in memory.
 */
export const matmul: OpDef<MatmulAttrs, null> = defineOp({
  name: 'matmul',
  forward: ([a, b], { transA, transB }) => {
    if (a.shape.length !== 2 || b.shape.length !== 2) {
      throw new ShapeError(`matmul: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} must both be 2-D`);
    }
    const [m, ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
    if (ka !== kb) {
      const flags = transA || transB ? ` with transA=${transA}, transB=${transB}` : '';
      throw new ShapeError(
        `matmul: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} are incompatible${flags} (inner dimensions ${ka} ≠ ${kb})`,
      );
    }
    const data = allocOutputLike(a.data, m * n); // written whole by the product (β = 0)
    gemmCore(transA, transB, m, n, ka, 1, a.data, a.shape[1], b.data, b.shape[1], 0, data, n);
    return { data, shape: [m, n], saved: null };
  },
  backward: (g, { inputs: [a, b], attrs: { transA, transB }, out, needsGrad }, into) => {
    const [m, n] = out.shape;
    const k = transA ? a.shape[0] : a.shape[1];
    const lda = a.shape[1];
    const ldb = b.shape[1];
    // Each gradient goes into the engine's target when there is one (β = 1 to add, 0 to replace).
    const ga = needsGrad[0] ? productInto(into, 0, a.data.length, g) : null;
    if (ga !== null) {
      // A m×k: dA = G·op(B)ᵀ.  A stored k×m (transA): dA = op(B)·Gᵀ.
      if (!transA) gemmCore(false, !transB, m, k, n, 1, g, n, b.data, ldb, ga.beta, ga.c, k);
      else gemmCore(transB, true, k, m, n, 1, b.data, ldb, g, n, ga.beta, ga.c, m);
    }
    const gb = needsGrad[1] ? productInto(into, 1, b.data.length, g) : null;
    if (gb !== null) {
      // B k×n: dB = op(A)ᵀ·G.  B stored n×k (transB): dB = Gᵀ·op(A).
      if (!transB) gemmCore(!transA, false, k, n, m, 1, a.data, lda, g, n, gb.beta, gb.c, n);
      else gemmCore(true, transA, n, k, m, 1, g, n, a.data, lda, gb.beta, gb.c, k);
    }
    return [ga?.c ?? null, gb?.c ?? null];
  },
});
