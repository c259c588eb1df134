import type { FloatArray } from '../validate.js';
import { gemmReference } from './gemm-reference.js';

/**
 * General matrix multiply, BLAS order and names, row-major:
 * `C ← alpha·op(A)·op(B) + beta·C` with op(A) m×k and op(B) k×n.
 * β = 0 overwrites C (NaN in C does not leak).
 *
 * @example
 * ```ts
 * const C = new Float32Array(4);
 * gemm(false, false, 2, 2, 2, 1, A, 2, B, 2, 0, C, 2);
 * ```
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number,
): void {
  gemmReference(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
