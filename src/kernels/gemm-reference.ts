import type { FloatArray } from '../validate.js';

/**
 * The naive triple-loop GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, with BLAS argument
 * order. op(A) is m×k, op(B) is k×n. Accumulates in double. The oracle for the fast kernels.
 * β = 0 overwrites C, so NaN already in C never leaks into the result.
 */
export function gemmReference(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (alpha !== 0) {
        for (let p = 0; p < k; p++) {
          const a = transA ? A[p * lda + i] : A[i * lda + p];
          const b = transB ? B[j * ldb + p] : B[p * ldb + j];
          s += a * b;
        }
      }
      const c = beta === 0 ? 0 : beta * C[i * ldc + j];
      C[i * ldc + j] = alpha === 0 ? c : alpha * s + c;
    }
  }
}
