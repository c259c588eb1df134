/**
 * Direct GEMM for tiny products, where packing and blocking cost more than they save: one dot
 * product per entry of C, accumulated in double, transposes as strides.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';

/** C = alpha·op(A)·op(B) + beta·C for m, n, k ≥ 1; β = 0 never reads C. */
export function gemmSmall(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number,
): void {
  // op(A)(i, p) = A[i·aRow + p·aK]; op(B)(p, j) = B[p·bK + j·bCol].
  const [aRow, aK] = transA ? [1, lda] : [lda, 1];
  const [bK, bCol] = transB ? [1, ldb] : [ldb, 1];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, a = i * aRow, b = j * bCol; p < k; p++, a += aK, b += bK) s += A[a] * B[b];
      const c = i * ldc + j;
      C[c] = beta === 0 ? alpha * s : alpha * s + beta * C[c];
    }
  }
}
