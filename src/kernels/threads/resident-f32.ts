/**
 * Float32 arrays that live in the shared pool's memory for the length of one computation, so
 * that its products run on the threads in place (`productOnPool`), with nothing copied in or
 * out per product. For an iteration that multiplies the same few arrays many times: the PCA's
 * subspace iteration (linalg/subspace.ts) keeps its 784 × 784 matrix, its block and the small
 * Gram and factor matrices here, where the copy path (`gemmParallel`) copied the matrix and the
 * block into the pool's memory again for every product. Each product has the bytes of the
 * one-thread one (`productOnPool` computes each element with the one-thread arithmetic; small
 * products run on this thread through `gemmCore`, as they would anyway).
 *
 * The block occupies the pool's memory from `dataAt` on, as every shared-pool kernel's layout
 * does, so nothing else may use the shared pool while the block is in use: the caller runs only
 * the block's own products in between (a `gemmCore` of at least `PARALLEL_PRODUCT` would lay out
 * its copies over the block).
 *
 * @module
 */
import { getBackend } from '../backend.js';
import { gemmCore } from '../gemm.js';
import { PARALLEL_PRODUCT, panelScratchBytes, poolGemmExports, productOnPool } from './gemm-parallel.js';
import { threadPool } from './threads.js';
import { align } from '../wasm/gemm-wasm.js';
import { sharedGemmModule } from '../wasm/runtime.js';

/**
 * Float32 arrays in the shared pool's memory and the product on them.
 *
 * @example
 * ```ts
 * const block = residentBlock(2, [n * n, n * m, n * m]);
 * if (block !== null) {
 *   const [a, v, w] = block.arrays;
 *   block.gemm(false, false, n, m, n, 1, a, n, v, m, 0, w, m);
 * }
 * ```
 */
export interface ResidentBlock {
  /** Zero-filled arrays of the lengths asked for, views of the pool's memory. */
  readonly arrays: Float32Array[];
  /**
   * C = alpha·op(A)·op(B) + beta·C (the arguments of `gemmCore`, shapes already checked) for
   * A, B and C among {@link ResidentBlock.arrays} (or views of them): on the pool's threads in
   * place from `PARALLEL_PRODUCT` multiply-adds on, else on this thread. The bytes of the
   * one-thread `gemmCore` either way. Returns how many panels the workers computed.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
  ): number;
}

/**
 * Lays out arrays of the given lengths (in float32 elements) in the shared pool's memory for
 * `threads` threads, after one packing scratch per thread; null where threads cannot run
 * (fewer than 2, no shared WebAssembly GEMM, the `js` backend) or the memory cannot grow.
 */
export function residentBlock(threads: number, lengths: readonly number[]): ResidentBlock | null {
  const gemm = sharedGemmModule();
  if (threads < 2 || gemm === null || getBackend() !== 'wasm') return null;
  const { shape } = gemm;
  const scratchBytes = threads * panelScratchBytes(shape);
  const offsets: number[] = [];
  let bytes = scratchBytes;
  for (const length of lengths) {
    offsets.push(bytes);
    bytes += align(Math.max(1, length) * 4);
  }
  const pool = threadPool(threads, bytes);
  if (pool === null || !pool.reserve(pool.dataAt + bytes)) return null;
  const buffer = pool.memory.buffer;
  const arrays = lengths.map((length, i) => new Float32Array(buffer, pool.dataAt + offsets[i], length).fill(0));
  const exports = poolGemmExports(pool, gemm.module);
  const owned = (x: Float32Array): boolean => x.buffer === buffer;
  return {
    arrays,
    gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) {
      if (m * n * k < PARALLEL_PRODUCT || m < 1 || n < 1 || k < 1 || alpha === 0) {
        gemmCore(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return 0;
      }
      if (!owned(A) || !owned(B) || !owned(C)) throw new Error('residentBlock.gemm: A, B and C must be arrays of the block');
      return productOnPool(pool, exports, shape, pool.dataAt, transA, transB, m, n, k, alpha,
        A.byteOffset, lda, B.byteOffset, ldb, beta, C.byteOffset, ldc);
    },
  };
}
