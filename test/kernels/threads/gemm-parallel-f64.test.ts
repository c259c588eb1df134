/**
 * The float64 GEMM on the thread pool gives the bytes of the one-thread float64 kernel (and of
 * the TypeScript one) for 1, 2, 3 and 4 threads, on random shapes including 1 and odd sizes,
 * every transpose, α ≠ 1, β ∈ {0, 1, ½}, padded leading dimensions and both slab directions
 * (along m and along k), with slabs small enough that most products take several; and one large
 * product through `gemm` at 2 threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemm } from '../../../src/kernels/gemm.js';
import { gemmJs } from '../../../src/kernels/gemm-js.js';
import { PARALLEL_PRODUCT_F64, gemmParallelF64 } from '../../../src/kernels/threads/gemm-parallel-f64.js';
import { f64KernelsAt, setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { Rng } from '../../../src/random/rng.js';

const supported = threadsSupported();

interface Case {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; beta: number; lda: number; ldb: number; ldc: number;
  A: Float64Array; B: Float64Array; C: Float64Array;
}

function randomCase(rng: Rng, [m, n, k]: [number, number, number]): Case {
  const transA = rng.uniform() < 0.5;
  const transB = rng.uniform() < 0.5;
  const pad = () => (rng.uniform() < 0.3 ? rng.int(1, 4) : 0);
  const lda = (transA ? m : k) + pad();
  const ldb = (transB ? k : n) + pad();
  const ldc = n + pad();
  const fill = (len: number) => rng.fillNormal(new Float64Array(len)) as Float64Array;
  const beta = [0, 1, 0.5][rng.int(0, 3)];
  const C = fill(m * ldc);
  if (beta === 0) C.fill(NaN);
  return {
    transA, transB, m, n, k, alpha: rng.uniform() < 0.5 ? 1 : -0.75, beta,
    lda, ldb, ldc, A: fill((transA ? k : m) * lda), B: fill((transB ? n : k) * ldb), C,
  };
}

function typescript(c: Case): Float64Array {
  const C = c.C.slice();
  gemmJs(c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc);
  return C;
}

function firstDifference(x: Float64Array, y: Float64Array): number {
  const a = new BigUint64Array(x.buffer, x.byteOffset, x.length);
  const b = new BigUint64Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return i;
  return -1;
}

describe.skipIf(!supported)('gemmParallelF64', () => {
  beforeAll(() => setThreads(1));
  afterAll(() => setThreads(1));

  for (const threads of [1, 2, 3, 4]) {
    it(`is bit-identical to one thread with ${threads} thread(s), in one slab and in many`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`f64-parallel-${threads}`);
      const dims: [number, number, number][] = [
        [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 3, 1], [37, 21, 513], [64, 19, 1030], [1030, 9, 40], [13, 300, 517], [129, 5, 77], [2, 2, 2000],
      ];
      let byWorkers = 0;
      for (const d of dims) {
        for (const slabBytes of [16 << 20, 20_000]) {
          const c = randomCase(rng, d);
          const C = c.C.slice();
          const panels = gemmParallelF64(threads, c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc, slabBytes);
          if (threads === 1) {
            expect(panels).toBe(-1);
            continue;
          }
          expect(panels).toBeGreaterThanOrEqual(0);
          byWorkers += panels;
          const at = firstDifference(C, typescript(c));
          expect(at, `${JSON.stringify({ ...d, transA: c.transA, transB: c.transB, beta: c.beta, slabBytes })} differs at ${at}`).toBe(-1);
        }
      }
      // The workers took part (a descheduled one may miss a product, not all of them).
      if (threads > 1) expect(byWorkers).toBeGreaterThan(0);
    });
  }

  it('has the float64 kernels in the shared pool, and is what gemm runs for a large product at 2 threads', async () => {
    const pool = threadPool(2, 1 << 20);
    await pool?.ready();
    expect(f64KernelsAt(pool!)).toBeGreaterThanOrEqual(0);
    setThreads(2);
    const c = randomCase(new Rng('f64-gemm-entry'), [1500, 20, 784]);
    expect(c.m * c.n * c.k).toBeGreaterThanOrEqual(PARALLEL_PRODUCT_F64);
    const C = c.C.slice();
    gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.lda, c.B, c.ldb, c.beta, C, c.ldc);
    setThreads(1);
    expect(firstDifference(C, typescript(c))).toBe(-1);
  });
});
