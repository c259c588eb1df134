/**
 * A data matrix as a linear operator (shared by TruncatedSVD and sparse PCA): X·B and Xᵀ·B for a dense
 * float64 block B, and the column statistics the explained variances need. The solvers
 * (lanczos.ts, randomized-range.ts) see only this, so a CsrMatrix is never densified and a dense X
 * goes through `gemm`.
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import { csrMatMat, csrMatTMat } from '../../kernels/sparse-matmul.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { toMatrix, type FloatArray, type MatrixInput } from '../../validate.js';

/**
 * X (rows×cols) seen through its products with dense row-major float64 blocks.
 *
 * @example
 * ```ts
 * const op = dataOperator(X, 'TruncatedSVD.fit');
 * const y = op.mul(b, 3);   // X·B, B cols×3
 * ```
 */
export interface DataOperator {
  readonly rows: number;
  readonly cols: number;
  /** X·B for B cols×p: rows×p. */
  mul(B: Float64Array, p: number): Float64Array;
  /** Xᵀ·B for B rows×p: cols×p. */
  mulT(B: Float64Array, p: number): Float64Array;
  /** Σⱼ Var(column j), population variance (ddof 0), as scikit-learn's `np.var(X, axis=0).sum()`. */
  totalVariance(): number;
}

/** A validated CsrMatrix or dense matrix as a {@link DataOperator}. */
export function dataOperator(X: CsrMatrix | MatrixInput, where: string): DataOperator {
  return X instanceof CsrMatrix ? csrOperator(X) : denseOperator(toMatrix(X, where, 'X'));
}

/**
 * The operator of the transpose: swaps `mul` and `mulT` (randomized SVD works on the wider
 * orientation, as scikit-learn's `randomized_svd(transpose='auto')`).
 */
export function transposed(op: DataOperator): DataOperator {
  return { rows: op.cols, cols: op.rows, mul: (B, p) => op.mulT(B, p), mulT: (B, p) => op.mul(B, p), totalVariance: () => { throw new Error('transposed operator: no column variance'); } };
}

function csrOperator(X: CsrMatrix): DataOperator {
  const [m, n] = X.shape;
  return {
    rows: m,
    cols: n,
    mul(B, p) {
      const out = new Float64Array(m * p);
      csrMatMat(m, p, X.indptr, X.indices, X.values, B, p, out, p);
      return out;
    },
    mulT(B, p) {
      const out = new Float64Array(n * p);
      csrMatTMat(m, n, p, X.indptr, X.indices, X.values, B, p, out, p);
      return out;
    },
    totalVariance() {
      // Two passes, as scikit-learn's mean_variance_axis: means, then Σ (x − μ)² over the
      // stored entries plus μ² for each implicit zero.
      const mean = new Float64Array(n);
      const count = new Float64Array(n);
      for (let p = 0; p < X.nnz; p++) {
        mean[X.indices[p]] += X.values[p];
        count[X.indices[p]]++;
      }
      for (let j = 0; j < n; j++) mean[j] /= m;
      const ss = new Float64Array(n);
      for (let p = 0; p < X.nnz; p++) {
        const d = X.values[p] - mean[X.indices[p]];
        ss[X.indices[p]] += d * d;
      }
      let total = 0;
      for (let j = 0; j < n; j++) total += (ss[j] + (m - count[j]) * mean[j] * mean[j]) / m;
      return total;
    },
  };
}

function denseOperator(x: { data: FloatArray; rows: number; cols: number }): DataOperator {
  const { data, rows: m, cols: n } = x;
  return {
    rows: m,
    cols: n,
    mul(B, p) {
      const out = new Float64Array(m * p);
      gemmCore(false, false, m, p, n, 1, data, n, B, p, 0, out, p);
      return out;
    },
    mulT(B, p) {
      const out = new Float64Array(n * p);
      gemmCore(true, false, n, p, m, 1, data, n, B, p, 0, out, p);
      return out;
    },
    totalVariance() {
      const mean = new Float64Array(n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mean[j] += data[i * n + j];
      for (let j = 0; j < n; j++) mean[j] /= m;
      let total = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const d = data[i * n + j] - mean[j];
          total += d * d;
        }
      }
      return total / m;
    },
  };
}
