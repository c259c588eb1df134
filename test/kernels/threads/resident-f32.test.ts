/**
 * Products on a resident block (kernels/threads/resident-f32.ts) give the bytes of the
 * one-thread WebAssembly product at 2, 3 and 4 threads: odd sizes, one row, one column, every
 * transpose, α ≠ 1, β ∈ {0, 1, ½}, and products below the parallel threshold (run on this
 * thread); the workers computed part of the large ones; arrays outside the block are refused.
 */
import { describe, expect, it } from 'vitest';
import { PARALLEL_PRODUCT } from '../../../src/kernels/threads/gemm-parallel.js';
import { residentBlock } from '../../../src/kernels/threads/resident-f32.js';
import { threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { gemmWasm } from '../../../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../../../src/kernels/wasm/runtime.js';
import { Rng } from '../../../src/random/rng.js';

describe.skipIf(!threadsSupported())('residentBlock', () => {
  for (const threads of [2, 3, 4]) {
    it(`gives the one-thread bytes on ${threads} threads`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`resident-f32:${threads}`);
      // [m, n, k]: odd, one row, one column, tall, below the threshold.
      const shapes: Array<[number, number, number]> = [[333, 53, 333], [1, 1001, 1003], [1001, 1, 1003], [2001, 7, 97], [53, 53, 333], [9, 11, 13]];
      let byWorkers = 0;
      for (const [m, n, k] of shapes) {
        const transA = rng.uniform() < 0.5;
        const transB = rng.uniform() < 0.5;
        const alpha = rng.uniform() < 0.5 ? 1 : 0.75;
        const beta = [0, 1, 0.5][rng.int(0, 3)];
        const block = residentBlock(threads, [m * k, k * n, m * n]);
        expect(block).not.toBeNull();
        const [A, B, C] = block!.arrays;
        rng.fillUniform(A, -1, 1);
        rng.fillUniform(B, -1, 1);
        rng.fillUniform(C, -1, 1);
        const [lda, ldb] = [transA ? m : k, transB ? k : n];
        const want = C.slice();
        expect(gemmWasm(wasmGemm()!, transA, transB, m, n, k, alpha, A.slice(), lda, B.slice(), ldb, beta, want, n)).toBe(true);
        byWorkers += block!.gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, n);
        expect(new Uint32Array(C.slice().buffer), JSON.stringify({ m, n, k, transA, transB, alpha, beta })).toEqual(new Uint32Array(want.buffer));
        if (m * n * k >= PARALLEL_PRODUCT) {
          expect(() => block!.gemm(false, false, m, n, k, 1, new Float32Array(m * k), k, B, n, 0, C, n)).toThrow(/arrays of the block/);
        }
      }
      expect(byWorkers).toBeGreaterThan(0);
    }, 60_000);
  }

  it('is null on one thread', () => {
    expect(residentBlock(1, [4])).toBeNull();
  });
});
