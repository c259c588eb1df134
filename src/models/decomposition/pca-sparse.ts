/**
 * PCA's pieces for {@link CsrMatrix} input: which operator solver a fit uses, and the scores
 * (X − 1μᵀ)·Vₖᵀ = X·Vₖᵀ − 1·(μᵀVₖᵀ) of sparse rows, without forming the dense centred rows.
 *
 * @module
 */
import { CsrMatrix } from '../../sparse/csr.js';
import { Tensor } from '../../tensor/tensor.js';
import type { MatrixInput } from '../../validate.js';
import type { PCASolver, Spectrum } from './solvers.js';
import { centredProduct, transposed } from './sparse-rows.js';

/**
 * The solver of the implicitly centred operator: on a CsrMatrix `'auto'` is `'lanczos'` (as
 * scikit-learn ≥ 1.4 picks 'arpack' for sparse input), `'randomized'` stays; `'full'` and
 * `'covariance'` need the dense matrix and throw. Dense input reaches here only with `'lanczos'`.
 *
 * @example
 * ```ts
 * operatorSolver(csr, 'auto', 'PCA.fit'); // 'lanczos'
 * ```
 */
export function operatorSolver(X: CsrMatrix | MatrixInput, solver: PCASolver, where: string): 'lanczos' | 'randomized' {
  if (solver === 'auto' || solver === 'lanczos') return 'lanczos';
  if (solver === 'randomized') return 'randomized';
  const shape = X instanceof CsrMatrix ? X.shape : [0, 0];
  throw new TypeError(
    `${where}: solver '${solver}' needs a dense matrix, but X is a CsrMatrix of shape [${shape[0]}, ${shape[1]}]; pass X.toDense(), or use solver 'lanczos', 'randomized' or 'auto' (centred implicitly, never densified)`,
  );
}

/**
 * (X − 1μᵀ)·Vₖᵀ for a CsrMatrix X: Tensor `[nSamples, k]`, float64 (not whitened).
 *
 * @example
 * ```ts
 * sparseScores(csr, spectrum, 'PCA.transform').shape; // [csr.shape[0], k]
 * ```
 */
export function sparseScores(X: CsrMatrix, f: Spectrum, where: string): Tensor {
  const k = f.explainedVariance.length;
  const z = centredProduct(X, f.mean, transposed(f.components, k, f.nFeatures), k, where, 'PCA');
  return new Tensor(z, [X.rows, k]);
}
