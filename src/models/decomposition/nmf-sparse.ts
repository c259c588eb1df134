/**
 * NMF on a {@link CsrMatrix} (as scikit-learn's NMF takes sparse X): the products with X that
 * the solvers need, X·F and Xᵀ·F with a dense factor F, run on the sparse kernels
 * (`timesFactor` in nmf-loss.ts picks them); the factors and everything else stay dense. The Frobenius loss ½‖X − WH‖² is summed over chunks of rows,
 * each chunk's WH dense and X's rows made dense beside it, so no n×d matrix is formed. Only
 * β = 2 (Frobenius, both solvers) is supported on sparse X: the other β-divergences need WH at
 * every entry in the multiplicative updates.
 *
 * @module
 */
import { csrMatMat, csrMatTMat } from '../../kernels/sparse-matmul.js';
import { gemmCore } from '../../kernels/gemm.js';
import type { MatrixProducts } from '../../linalg/index.js';
import type { CsrMatrix } from '../../sparse/csr.js';

/** Rows per chunk of the sparse Frobenius loss: the chunk's WH holds CHUNK × d numbers. */
const CHUNK = 256;

/** Aᵀ for A rows×cols row-major. */
export function transposeOf(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j];
  return out;
}

/**
 * ½‖X − WH‖² for a sparse X, chunk by chunk of rows: the same sum over entries in the same
 * order as the dense loss, so it differs from it only by the rounding of WH's products.
 *
 * @example
 * ```ts
 * sparseFrobenius(X, W, H, k); // ½‖X − WH‖_F²
 * ```
 */
export function sparseFrobenius(X: CsrMatrix, W: Float64Array, H: Float64Array, k: number): number {
  const [n, d] = X.shape;
  const { indptr, indices, values } = X;
  const wh = new Float64Array(Math.min(CHUNK, n) * d);
  let s = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const rows = Math.min(CHUNK, n - start);
    gemmCore(false, false, rows, d, k, 1, W.subarray(start * k), k, H, d, 0, wh, d);
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      // wh − x at the stored entries, then every entry's square in column order.
      for (let p = indptr[i]; p < indptr[i + 1]; p++) wh[r * d + indices[p]] -= values[p];
      for (let j = 0; j < d; j++) {
        const e = wh[r * d + j];
        s += e * e;
      }
    }
  }
  return s / 2;
}

/**
 * The products of X for the randomized SVD of the NNDSVD start.
 *
 * @example
 * ```ts
 * truncatedSvd(csrProducts(X), n, d, k, 10, nIter, rng, true);
 * ```
 */
export function csrProducts(X: CsrMatrix): MatrixProducts {
  const [n, d] = X.shape;
  return {
    times: (B, size) => {
      const out = new Float64Array(n * size);
      csrMatMat(n, size, X.indptr, X.indices, X.values, B, size, out, size);
      return out;
    },
    timesT: (B, size) => {
      const out = new Float64Array(d * size);
      csrMatTMat(n, d, size, X.indptr, X.indices, X.values, B, size, out, size);
      return out;
    },
  };
}

/**
 * The sum of X's entries (the stored values in row order, as the dense sum skips nothing but
 * zeros).
 *
 * @example
 * ```ts
 * sparseSum(X) / (n * d); // mean(X)
 * ```
 */
export function sparseSum(X: CsrMatrix): number {
  let s = 0;
  for (let p = 0; p < X.values.length; p++) s += X.values[p];
  return s;
}
