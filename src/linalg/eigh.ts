/**
 * Symmetric eigendecomposition in float64: Householder tridiagonalisation, implicit QL for all
 * eigenvalues, and eigenvectors only for the k largest (rotation replay, then the Householder
 * back-transformation). On 784×784 with k = 60 this takes about half a second, where a full
 * Jacobi/tql2 decomposition (ml-matrix EVD) takes several seconds.
 *
 * @module
 */
import { Tensor } from '../tensor/tensor.js';
import { assertInt } from '../validate.js';
import { assertSymmetric, fixColumnSigns, readSquare } from './matrix.js';
import { applyQ, tridiagonalize } from './tridiagonal.js';
import { tridiagonalEigen, type VectorCount } from './tridiagonal-ql.js';

/**
 * Eigenvalues (descending) and eigenvectors of a symmetric matrix.
 *
 * @example
 * ```ts
 * const { values, vectors } = eigh([[2, 1], [1, 2]]); // values [3, 1], vectors Tensor [2, 2]
 * ```
 */
export interface EighResult {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** `[n, k]`, float64: column q is the unit eigenvector of `values[q]`, sign-fixed. */
  vectors: Tensor;
}

/**
 * The unchecked result of {@link symmetricEigen}.
 *
 * @example
 * ```ts
 * const r: SymmetricEigen = symmetricEigen(a, n, 5); // r.vectors is n×5
 * ```
 */
export interface SymmetricEigen {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** n×k row-major; column q belongs to values[q]. */
  vectors: Float64Array;
}

/**
 * Unchecked core of {@link eigh}: `a` is n×n row-major, symmetric, finite, and is overwritten.
 * Returns all eigenvalues (descending) and the unit eigenvectors of the k largest, each with
 * its largest-magnitude entry positive. `count` may be a function of the eigenvalues.
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2, 1);
 * // values [3, 1]; vectors [0.7071, 0.7071]
 * ```
 */
export function symmetricEigen(a: Float64Array, n: number, count: VectorCount): SymmetricEigen {
  const tri = tridiagonalize(a, n);
  const { values, vectors } = tridiagonalEigen(tri.d, tri.e, n, count);
  const k = n === 0 ? 0 : vectors.length / n;
  applyQ(a, tri.tau, n, vectors, k);
  fixColumnSigns(vectors, n, k);
  return { values, vectors };
}

/**
 * Options of {@link eigh}.
 *
 * @example
 * ```ts
 * eigh(A, { k: 3 }); // three eigenvectors, all eigenvalues
 * ```
 */
export interface EighOptions {
  /** Number of eigenvectors to return, those of the largest eigenvalues. Default n (all). */
  k?: number;
}

/**
 * Eigendecomposition of a real symmetric matrix: A = V·diag(λ)·Vᵀ with λ descending. The input
 * is validated (square, finite, symmetric to 1e-10 of its largest entry) and never modified.
 * Each eigenvector's largest-magnitude entry is positive, so results are deterministic.
 *
 * @example
 * ```ts
 * const { values, vectors } = eigh([[2, 1], [1, 2]]);
 * values;            // Float64Array [3, 1]
 * vectors.toArray(); // [[0.7071, -0.7071], [0.7071, 0.7071]]
 * ```
 */
export function eigh(A: unknown, options: EighOptions = {}): EighResult {
  const m = readSquare(A, 'eigh', 'A');
  assertSymmetric(m, 'eigh', 'A');
  const n = m.rows;
  const k = options.k === undefined ? n : assertInt(options.k, 'k', 'eigh', 0, n);
  const { values, vectors } = symmetricEigen(m.data, n, k);
  return { values, vectors: new Tensor(vectors, [n, k]) };
}
