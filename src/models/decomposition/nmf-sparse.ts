/**
 * NMF on a {@link CsrMatrix} (as scikit-learn's NMF takes sparse X): the products with X that
 * the solvers need, X·F and Xᵀ·F with a dense factor F, run on the sparse kernels
 * (`timesFactor` in nmf-loss.ts picks them); the factors and everything else stay dense. The Frobenius loss ½‖X − WH‖² is summed over chunks of rows,
 * each chunk's WH dense and X's rows made dense beside it, so no n×d matrix is formed. The
 * Kullback–Leibler divergence (β = 1, solver 'mu') needs WH only at X's stored entries (its
 * ratio X/WH is zero elsewhere, and Σ WH = Σₜ (Σᵢ Wᵢₜ)(Σⱼ Hₜⱼ)), as scikit-learn computes it
 * on sparse X; the other β-divergences need WH at every entry and are refused.
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

/**
 * (WH)ᵢⱼ at the stored entries of X, in storage order: Σₜ Wᵢₜ·Hₜⱼ, k multiply-adds per entry.
 *
 * @example
 * ```ts
 * const y = productAtEntries(X, W, H, k); // y[p] = (WH)[i][X.indices[p]]
 * ```
 */
export function productAtEntries(X: CsrMatrix, W: Float64Array, H: Float64Array, k: number): Float64Array {
  const [n, d] = X.shape;
  const { indptr, indices } = X;
  const out = new Float64Array(indices.length);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const j = indices[p];
      let s = 0;
      for (let t = 0; t < k; t++) s += W[i * k + t] * H[t * d + j];
      out[p] = s;
    }
  }
  return out;
}

/**
 * The generalised Kullback–Leibler divergence D_KL(X | WH) = Σ x·ln(x/y) − x + y for a sparse X:
 * the first two terms over the stored entries above `eps` (y = 0 read as `eps`, as the dense
 * loss does), Σ y over every entry from the factors' column and row sums.
 *
 * @example
 * ```ts
 * sparseKullbackLeibler(X, W, H, k, 2 ** -23);
 * ```
 */
export function sparseKullbackLeibler(X: CsrMatrix, W: Float64Array, H: Float64Array, k: number, eps: number): number {
  const [n, d] = X.shape;
  const y = productAtEntries(X, W, H, k);
  let sumLog = 0;
  let sumX = 0;
  for (let p = 0; p < y.length; p++) {
    const v = X.values[p];
    if (!(v > eps)) continue;
    const ys = y[p] === 0 ? eps : y[p];
    sumLog += v * Math.log(v / ys);
    sumX += v;
  }
  const wSum = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) wSum[t] += W[i * k + t];
  let sumY = 0;
  for (let t = 0; t < k; t++) {
    let h = 0;
    for (let j = 0; j < d; j++) h += H[t * d + j];
    sumY += wSum[t] * h;
  }
  return sumLog + sumY - sumX;
}

/**
 * The values of the KL numerator's sparse factor A = X / WH, with X's pattern (y = 0 read as
 * `eps`): the multiplicative updates' X∘(WH)^(β−2) for β = 1, which is zero where X is.
 *
 * @example
 * ```ts
 * const a = klRatio(X, W, H, k, 2 ** -23); // A = (X.indptr, X.indices, a); then A·Hᵀ and Aᵀ·W
 * ```
 */
export function klRatio(X: CsrMatrix, W: Float64Array, H: Float64Array, k: number, eps: number): Float64Array {
  const y = productAtEntries(X, W, H, k);
  const values = new Float64Array(y.length);
  for (let p = 0; p < y.length; p++) values[p] = X.values[p] / (y[p] === 0 ? eps : y[p]);
  return values;
}
