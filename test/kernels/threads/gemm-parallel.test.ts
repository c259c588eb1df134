/**
 * The GEMM on the thread pool gives the bytes of the one-thread WebAssembly product for 1, 2, 3
 * and 4 threads, on random shapes including 1 and odd sizes, every transpose, α ≠ 1, β ∈ {0, 1,
 * ½} and padded leading dimensions. gemmParallel is called directly so that small shapes split
 * too (the entry point keeps them on one thread); one large product goes through `gemm`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemm } from '../../../src/kernels/gemm.js';
import { PARALLEL_PRODUCT, gemmParallel, splitRanges } from '../../../src/kernels/threads/gemm-parallel.js';
import { getThreads, setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { gemmWasm } from '../../../src/kernels/wasm/gemm-wasm.js';
import { loadWasmGemm, wasmGemm } from '../../../src/kernels/wasm/runtime.js';
import { Rng } from '../../../src/random/rng.js';

const supported = threadsSupported();

interface Case {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; beta: number; lda: number; ldb: number; ldc: number;
  A: Float32Array; B: Float32Array; C: Float32Array;
}

function randomCase(rng: Rng, dims: [number, number, number]): Case {
  const [m, n, k] = dims;
  const transA = rng.uniform() < 0.5;
  const transB = rng.uniform() < 0.5;
  const pad = () => (rng.uniform() < 0.3 ? rng.int(1, 4) : 0);
  const lda = (transA ? m : k) + pad();
  const ldb = (transB ? k : n) + pad();
  const ldc = n + pad();
  const fill = (len: number) => rng.fillUniform(new Float32Array(len), -1, 1) as Float32Array;
  const betas = [0, 1, 0.5];
  return {
    transA, transB, m, n, k, alpha: rng.uniform() < 0.5 ? 1 : 0.75, beta: betas[rng.int(0, 3)],
    lda, ldb, ldc, A: fill((transA ? k : m) * lda), B: fill((transB ? n : k) * ldb), C: fill(m * ldc),
  };
}

function oneThread(c: Case): Float32Array {
  const C = c.C.slice();
  const w = wasmGemm();
  if (w === null || !gemmWasm(w, c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc)) {
    throw new Error('one-thread WebAssembly GEMM unavailable');
  }
  return C;
}

function parallel(threads: number, c: Case): Float32Array {
  const C = c.C.slice();
  expect(gemmParallel(threads, c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc)).toBe(true);
  return C;
}

/** The first index whose bits differ (NaN payloads included), or −1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('splitRanges', () => {
  it('covers the range in whole units, as evenly as possible', () => {
    expect(splitRanges(21, 8, 2)).toEqual([[0, 16], [16, 5]]);
    expect(splitRanges(40, 8, 3)).toEqual([[0, 16], [16, 16], [32, 8]]);
    expect(splitRanges(1, 8, 4)).toEqual([[0, 1]]);
    expect(splitRanges(10, 5, 4)).toEqual([[0, 5], [5, 5]]);
  });
});

describe.skipIf(!supported)('gemmParallel', () => {
  beforeAll(() => setThreads(1));
  afterAll(() => setThreads(1));

  for (const threads of [1, 2, 3, 4]) {
    it(`is bit-identical to one thread with ${threads} thread(s)`, async () => {
      // Start the pool and wait for its workers, so every case really splits.
      await threadPool(threads, 1 << 20)?.ready();
      expect(threadPool(threads, 1 << 20)?.readyWorkers().length).toBe(threads - 1);
      const rng = new Rng(`gemm-parallel:${threads}`);
      const dims: Array<[number, number, number]> = [
        [1, 1, 1], [1, 37, 5], [37, 1, 5], [5, 3, 1], [13, 31, 7], [64, 65, 33], [127, 9, 61], [9, 130, 129],
        [200, 71, 400], [71, 333, 385], [45, 2100, 20],
      ];
      for (let r = 0; r < 6; r++) dims.push([rng.int(1, 150), rng.int(1, 150), rng.int(1, 150)]);
      for (const d of dims) {
        const c = randomCase(rng, d);
        const context = JSON.stringify({ threads, dims: d, transA: c.transA, transB: c.transB, beta: c.beta });
        expect(firstDifference(parallel(threads, c), oneThread(c)), context).toBe(-1);
      }
    });
  }

  it('runs large products through gemm on the pool with the same bytes', async () => {
    setThreads(2);
    expect(getThreads()).toBe(2);
    await threadPool(2, 1 << 20)?.ready();
    const rng = new Rng('gemm-parallel:entry');
    const [m, n, k] = [150, 170, 90];
    expect(m * n * k).toBeGreaterThanOrEqual(PARALLEL_PRODUCT);
    const c = randomCase(rng, [m, n, k]);
    const C = c.C.slice();
    gemm(c.transA, c.transB, m, n, k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc);
    expect(firstDifference(C, oneThread(c))).toBe(-1);
    setThreads(1);
  });

  it('runs the variant this thread chose: the comparison would catch a worker on the other one', async () => {
    // The workers instantiate the Module compiled here, so they use its instructions; where that
    // is relaxed SIMD (fused multiply-add), the plain-SIMD product differs in its last bits.
    const plain = loadWasmGemm('simd');
    if (wasmGemm()?.variant !== 'relaxed-simd' || plain === null) return;
    await threadPool(2, 1 << 20)?.ready();
    const c = randomCase(new Rng('gemm-parallel:variant'), [64, 96, 200]);
    const C = c.C.slice();
    expect(gemmWasm(plain, c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc)).toBe(true);
    expect(firstDifference(parallel(2, c), C)).toBeGreaterThanOrEqual(0);
    expect(firstDifference(parallel(2, c), oneThread(c))).toBe(-1);
  });
});
