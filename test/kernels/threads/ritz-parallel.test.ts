/**
 * The Rayleigh–Ritz projected Gram on threads (kernels/threads/ritz-parallel.ts) gives the bytes
 * of the one-thread step (each chunk's B = X·V by the float32 GEMM, then GramF64.add), at 2, 3
 * and 4 threads, for odd and even widths, with a short last chunk, chunks that are not a multiple
 * of the register block and many batches of chunks, one row and one column, and the workers computed
 * part of it; the triangle's row blocks cover every row once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectedGramParallel, triangleBlocks } from '../../../src/kernels/threads/ritz-parallel.js';
import { threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { GramF64 } from '../../../src/kernels/wasm/gram-f64.js';
import { gemmWasm } from '../../../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../../../src/kernels/wasm/runtime.js';
import { Rng } from '../../../src/random/rng.js';

function oneThread(x: Float32Array, rows: number, d: number, v: Float32Array, p: number, chunk: number): Float64Array {
  const acc = GramF64.create(p) as GramF64;
  const b = new Float32Array(chunk * p);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    expect(gemmWasm(wasmGemm()!, false, false, m, p, d, 1, x.subarray(r0 * d), d, v, p, 0, b, p)).toBe(true);
    acc.add(b, m);
  }
  return acc.result();
}

describe('triangleBlocks', () => {
  it('covers the rows 0 … p − 1 once, in order, with at most the blocks asked for', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 40 }), (p, parts) => {
      const blocks = triangleBlocks(p, parts);
      expect(blocks.length).toBeLessThanOrEqual(Math.min(p, parts));
      expect(blocks[0][0]).toBe(0);
      expect(blocks.at(-1)![1]).toBe(p);
      for (let b = 0; b < blocks.length; b++) {
        expect(blocks[b][1]).toBeGreaterThan(blocks[b][0]);
        if (b > 0) expect(blocks[b][0]).toBe(blocks[b - 1][1]);
      }
    }));
  });
});

describe.skipIf(!threadsSupported())('projectedGramParallel', () => {
  for (const threads of [2, 3, 4]) {
    it(`gives the one-thread bytes on ${threads} threads`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`ritz-parallel:${threads}`);
      let byWorkers = 0;
      for (const [rows, d, p, chunk] of [[2500, 97, 13, 1024], [1500, 200, 56, 1024], [7, 5, 1, 4], [300, 64, 255, 128], [5003, 31, 17, 100], [1, 3, 2, 1024], [9, 1, 1, 2]]) {
        const x = rng.fillUniform(new Float32Array(rows * d), -1, 1) as Float32Array;
        const v = rng.fillUniform(new Float32Array(d * p), -1, 1) as Float32Array;
        const shared = projectedGramParallel(threads, rows, d, p, v, chunk, (r0, m) => x.subarray(r0 * d, (r0 + m) * d));
        expect(shared).not.toBeNull();
        const want = oneThread(x, rows, d, v, p, chunk);
        expect(new Uint32Array(shared!.h.buffer), `${rows} x ${d}, p ${p}`).toEqual(new Uint32Array(want.buffer));
        byWorkers += shared!.byWorkers;
      }
      expect(byWorkers).toBeGreaterThan(0);
      expect(projectedGramParallel(threads, 10, 5, 256, new Float32Array(5 * 256), 8, (_r0, m, s) => s.subarray(0, m * 5))).toBeNull();
    }, 60_000);
  }
});
