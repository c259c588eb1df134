/**
 * What the decomposition models share for {@link CsrMatrix} input: a slice of rows made dense
 * (for the models that take a sparse matrix one batch at a time, as scikit-learn's
 * IncrementalPCA does), the implicitly centred product (X − 1μᵀ)·A that scores sparse rows
 * without forming the dense centred matrix, and the error of the models that need dense X.
 *
 * @module
 */
import { csrMatMat } from '../../kernels/sparse-matmul.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { assertFeatures, type DenseMatrix } from '../../validate.js';

/**
 * Rows `start … end − 1` of X as a fresh dense float64 matrix (the values converted exactly, as
 * `toMatrix(X.toDense())` would give them).
 *
 * @example
 * ```ts
 * denseRows(CsrMatrix.fromDense([[1, 0], [0, 2]]), 1, 2).data; // Float64Array [0, 2]
 * ```
 */
export function denseRows(X: CsrMatrix, start: number, end: number): DenseMatrix<Float64Array> {
  const d = X.cols;
  const out = new Float64Array((end - start) * d);
  const { indptr, indices, values } = X;
  for (let i = start; i < end; i++) {
    const o = (i - start) * d;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) out[o + indices[p]] = values[p];
  }
  return { data: out, rows: end - start, cols: d };
}

/**
 * (X − 1μᵀ)·A for X `[n, d]` sparse, μ of length d and A d×k row-major: X·A by the sparse
 * kernel, then the row vector μᵀA subtracted from every row. `model` names the fitted model
 * in the feature-count error.
 *
 * @example
 * ```ts
 * centredProduct(csr, mean, vt, k, 'PCA.transform', 'PCA'); // Float64Array n×k
 * ```
 */
export function centredProduct(X: CsrMatrix, mean: Float64Array, A: Float64Array, k: number, where: string, model: string): Float64Array {
  const [n, d] = X.shape;
  assertFeatures(d, mean.length, where, model);
  const shift = new Float64Array(k); // μᵀA
  for (let j = 0; j < d; j++) {
    const m = mean[j];
    if (m !== 0) for (let c = 0; c < k; c++) shift[c] += m * A[j * k + c];
  }
  const z = new Float64Array(n * k);
  csrMatMat(n, k, X.indptr, X.indices, X.values, A, k, z, k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) z[i * k + c] -= shift[c];
  return z;
}

/**
 * Vₖᵀ (d×k) from components Vₖ (k×d row-major), the A of {@link centredProduct} for scores.
 *
 * @example
 * ```ts
 * transposed(components, k, d);
 * ```
 */
export function transposed(components: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(d * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) out[j * k + c] = components[c * d + j];
  return out;
}

/**
 * Throws a TypeError when `X` is a {@link CsrMatrix} given to a method that needs dense rows,
 * naming the method, the argument, its shape and the way out.
 *
 * @example
 * ```ts
 * rejectSparse(X, 'FastICA.fit', 'X', 'FastICA whitens with the dense centred matrix');
 * ```
 */
export function rejectSparse(X: unknown, where: string, arg: string, why: string): void {
  if (!(X instanceof CsrMatrix)) return;
  throw new TypeError(
    `${where}: ${arg} is a CsrMatrix of shape [${X.rows}, ${X.cols}], but sparse input is not supported (${why}); pass ${arg}.toDense()`,
  );
}
