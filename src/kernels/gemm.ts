/**
 * The one GEMM entry point, in two layers as BLAS and stdlib's sgemm have them: {@link gemm}
 * validates its arguments and calls {@link gemmCore}, which trusts them (library code, which
 * checks shapes once at its own boundary, calls the core so the hot path has no checks).
 * Degenerate cases are settled in the core (BLAS rules); tiny products take a direct loop; float32 products go to the WebAssembly SIMD kernel when that backend is
 * selected, and so do float64 products (the f64x2 kernel, which gives the TypeScript float64
 * kernel's bytes); everything else (mixed storage, the `'js'` backend, a memory that cannot
 * grow) runs the TypeScript kernel.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';
import { checkGemmArguments } from './gemm-check.js';
import { getBackend } from './backend.js';
import { gemmJs } from './gemm-js.js';
import { gemmSmall } from './gemm-small.js';
import { PARALLEL_PRODUCT, gemmParallel } from './threads/gemm-parallel.js';
import { PARALLEL_PRODUCT_F64, gemmParallelF64 } from './threads/gemm-parallel-f64.js';
import { getThreads } from './threads/threads.js';
import { arenaOf } from './wasm/arena.js';
import { gemmWasm } from './wasm/gemm-wasm.js';
import { gemmWasmF64, wasmGemmF64 } from './wasm/gemm-wasm-f64.js';
import { wasmGemm } from './wasm/runtime.js';

/**
 * Products with m·n·k at or below these take the direct loop, per backend. Measured with
 * `npm run bench -- gemm-tune --only small`: the TypeScript kernel's packing pays off from
 * about 12×12×12, the WebAssembly kernel's copies from about 8×8×8.
 */
export const SMALL_PRODUCT = { js: 2048, wasm: 256 } as const;

/**
 * {@link gemm} without the argument checks: the same product for arguments that satisfy them,
 * anything (wrong values, reads past an array) for arguments that do not. For library code that
 * has checked the shapes already.
 *
 * @example
 * ```ts
 * gemmCore(false, true, n, m, k, 1, x, k, w, k, 0, y, m); // y = x·wᵀ, shapes checked by the caller
 * ```
 */
export function gemmCore(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha === 0) {
    scale(m, n, beta, C, ldc);
    return;
  }
  const size = m * n * k;
  if (C instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array && getBackend() === 'wasm') {
    if (size <= SMALL_PRODUCT.wasm) {
      gemmSmall(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      return;
    }
    // Operands resident in one arena (a training step's memory) are multiplied in place.
    const arena = arenaOf(C);
    if (arena !== undefined && arena.holds(A) && arena.holds(B) && arena.gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) return;
    // Large products split over the thread pool when setThreads asked for more than one (copy path).
    if (size >= PARALLEL_PRODUCT) {
      const threads = getThreads();
      if (threads > 1 && gemmParallel(threads, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) return;
    }
    const w = wasmGemm();
    if (w !== null && gemmWasm(w, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) return;
  }
  if (size <= SMALL_PRODUCT.js) {
    gemmSmall(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  // Float64 above the direct loop's threshold: the f64x2 kernel, the same bytes as gemmJs and
  // faster at every size measured (`npm run bench -- gemm-f64 --only small`: 2.4 against 1.2
  // GFLOP/s at 12³, 4.8 against 2.1 at 16³). The threshold stays the TypeScript one, so every
  // float64 product keeps the bytes it had before this kernel.
  if (C instanceof Float64Array && A instanceof Float64Array && B instanceof Float64Array && getBackend() === 'wasm') {
    // Large ones by panels on the thread pool, the same bytes on any thread count.
    if (size >= PARALLEL_PRODUCT_F64) {
      const threads = getThreads();
      if (threads > 1 && gemmParallelF64(threads, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) >= 0) return;
    }
    const w = wasmGemmF64();
    if (w !== null && gemmWasmF64(w, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)) return;
  }
  gemmJs(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/**
 * General matrix multiply, BLAS order and names, row-major:
 * `C ← alpha·op(A)·op(B) + beta·C` with op(A) m×k, op(B) k×n, where op(X) is X or Xᵀ as the
 * flag says and `lda`, `ldb`, `ldc` are the row strides of the stored arrays.
 *
 * BLAS rules: β = 0 overwrites C (NaN already in C does not leak); α = 0 or k = 0 gives β·C
 * without reading A or B; m = 0 or n = 0 does nothing. A and B are never modified.
 *
 * Checked, with errors naming the argument, the expected and the actual value: the flags are
 * booleans; m, n, k non-negative integers; alpha, beta numbers; A, B, C Float32Array or
 * Float64Array; lda ≥ max(1, columns of A as stored: k, or m when transposed), likewise ldb
 * (n, or k) and ldc (n); and each array long enough for its rows at its stride. C may share
 * memory with A or B (the product is then computed through a copy).
 *
 * Float32 products run on WebAssembly SIMD when the backend is `'wasm'` (see `setBackend`),
 * with float32 accumulation; float64 products run there too (f64x2), with the same bytes as the
 * TypeScript kernel that runs them, and every product, on the `'js'` backend (double
 * accumulation).
 *
 * @example
 * ```ts
 * const A = new Float32Array([1, 2, 3, 4, 5, 6]);   // 2×3
 * const B = new Float32Array([1, 0, 0, 1, 1, 1]);   // 3×2
 * const C = new Float32Array(4);
 * gemm(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C, 2); // C = [4, 5, 10, 11]
 * ```
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number,
): void {
  checkGemmArguments(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  gemmCore(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** C ← beta·C on the m×n window; β = 0 writes zeros without reading. */
function scale(m: number, n: number, beta: number, C: FloatArray, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = i * ldc;
    if (beta === 0) C.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) C[j] *= beta;
  }
}
