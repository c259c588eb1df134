/**
 * A training arena on threads (kernels/wasm/arena.ts with threads > 1): its memory is shared,
 * its large products split over its own workers in place and give the bytes of the one-thread
 * product, small products stay on this thread, Adam on large arrays is shared too (same
 * bytes), a worker's failure is an error of the product that used it, and release ends the
 * workers.
 */
import { describe, expect, it, vi } from 'vitest';
import { adamStepWasm } from '../../../src/kernels/wasm/adam.js';
import { COMMAND_FAIL } from '../../../src/kernels/threads/control.js';
import { PARALLEL_PRODUCT } from '../../../src/kernels/threads/gemm-parallel.js';
import type { ThreadPool } from '../../../src/kernels/threads/pool.js';
import { threadsSupported } from '../../../src/kernels/threads/threads.js';
import { WasmArena } from '../../../src/kernels/wasm/arena.js';
import { gemmWasm } from '../../../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../../../src/kernels/wasm/runtime.js';
import { Rng } from '../../../src/random/rng.js';

const supported = threadsSupported();

interface Product {
  transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number;
  lda: number; ldb: number; ldc: number; A: Float32Array; B: Float32Array; C: Float32Array;
}

function randomProduct(rng: Rng, m: number, n: number, k: number): Product {
  const transA = rng.uniform() < 0.5;
  const transB = rng.uniform() < 0.5;
  const pad = () => (rng.uniform() < 0.5 ? rng.int(1, 4) : 0);
  const lda = (transA ? m : k) + pad();
  const ldb = (transB ? k : n) + pad();
  const ldc = n + pad();
  const fill = (len: number) => rng.fillUniform(new Float32Array(len), -1, 1) as Float32Array;
  return {
    transA, transB, m, n, k, alpha: rng.uniform() < 0.5 ? 1 : -0.5, beta: [0, 1, 0.25][rng.int(0, 3)],
    lda, ldb, ldc, A: fill((transA ? k : m) * lda), B: fill((transB ? n : k) * ldb), C: fill(m * ldc),
  };
}

function oneThread(p: Product): Float32Array {
  const C = p.C.slice();
  const w = wasmGemm();
  if (w === null || !gemmWasm(w, p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc)) throw new Error('no wasm GEMM');
  return C;
}

/** The product computed in `arena` on resident copies of the operands; C's bytes as a copy. */
function inArena(arena: WasmArena, p: Product): Float32Array {
  const put = (x: Float32Array) => {
    const view = arena.alloc(x.length) as Float32Array;
    view.set(x);
    return view;
  };
  const [A, B, C] = [put(p.A), put(p.B), put(p.C)];
  expect(arena.gemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, A, p.lda, B, p.ldb, p.beta, C, p.ldc)).toBe(true);
  return C.slice();
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe.skipIf(!supported)('WasmArena on threads', () => {
  for (const threads of [2, 3, 4]) {
    it(`gives the one-thread bytes on ${threads} threads, splitting large products in place`, async () => {
      const arena = WasmArena.create(48 << 20, threads) as WasmArena;
      try {
        expect(arena.threads).toBe(threads);
        const rng = new Rng(`arena-threads:${threads}`);
        const shapes: Array<[number, number, number]> = [[128, 400, 784], [128, 784, 400], [400, 784, 128], [784, 400, 128],
          [128, 20, 400], [400, 20, 128], [101, 333, 37], [1, 1000, 1001], [1001, 1, 1000], [9, 8, 7]];
        // The first large product starts the workers; wait for them so the rest split.
        inArena(arena, randomProduct(rng, 128, 400, 784));
        await arena.ready();
        const before = arena.splitProducts;
        for (const [m, n, k] of shapes) {
          const p = randomProduct(rng, m, n, k);
          const split = arena.splitProducts;
          expect(bits(inArena(arena, p)), JSON.stringify({ m, n, k, transA: p.transA, transB: p.transB })).toEqual(bits(oneThread(p)));
          // Small products stay on this thread; large ones are shared with the workers, which
          // take panels when the OS runs them (this thread takes the rest).
          if (m * n * k < PARALLEL_PRODUCT) expect(arena.splitProducts).toBe(split);
          arena.reset();
        }
        expect(arena.splitProducts).toBeGreaterThan(before);
      } finally {
        arena.release();
      }
    });
  }

  it('reports a worker that ended as an error of the next product, and runs on one thread after release', async () => {
    const arena = WasmArena.create(8 << 20, 2) as WasmArena;
    const rng = new Rng('arena-threads:failure');
    inArena(arena, randomProduct(rng, 128, 400, 100));
    await arena.ready();
    // The arena's pool, reached for the diagnostics command: end its one worker's thread.
    const pool = (arena as unknown as { pool: ThreadPool }).pool;
    expect(() => pool.run([{ command: COMMAND_FAIL, write: (ctl, _f, at) => { ctl[at] = 2; } }], () => undefined)).toThrow(/ended/);
    arena.reset();
    expect(() => inArena(arena, randomProduct(rng, 128, 400, 100))).toThrow(/worker 0 ended/);
    arena.release();
    arena.reset();
    const p = randomProduct(rng, 128, 400, 100);
    const split = arena.splitProducts;
    expect(bits(inArena(arena, p))).toEqual(bits(oneThread(p)));
    expect(arena.splitProducts).toBe(split);
  });

  it('shares Adam on large arrays with its workers, with the bytes of the copying path', async () => {
    const arena = WasmArena.create(16 << 20, 2) as WasmArena;
    try {
      const rng = new Rng('arena-threads:adam');
      inArena(arena, randomProduct(rng, 128, 400, 100));
      await arena.ready();
      const share = vi.spyOn(arena, 'shareRange');
      const scalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 3), invBc2Sqrt: 1 / Math.sqrt(1 - 0.999 ** 3), l2: 0, keep: 1 };
      for (const n of [200_003, 65_537, 1000]) {
        const own = [0, 1, 2, 3].map((i) => rng.fillUniform(new Float32Array(n), i === 3 ? 0 : -1, 1) as Float32Array);
        const resident = own.map((x) => {
          const view = arena.alloc(n) as Float32Array;
          view.set(x);
          return view;
        });
        const [p, g, m, v] = resident;
        expect(adamStepWasm(p, g, m, v, scalars)).toBe(true);
        expect(adamStepWasm(own[0], own[1], own[2], own[3], scalars)).toBe(true); // copy path
        for (let i = 0; i < 4; i++) expect(bits(resident[i]), `n ${n}, array ${i}`).toEqual(bits(own[i]));
        expect(share.mock.results.at(-1)?.value, `n ${n}`).toBe(n * 4 >= 1 << 18);
      }
    } finally {
      arena.release();
    }
  });

  it('stays an ordinary memory on one thread', () => {
    const arena = WasmArena.create(1 << 16, 1) as WasmArena;
    const x = arena.alloc(4) as Float32Array;
    expect(x.buffer instanceof SharedArrayBuffer).toBe(false);
    const shared = WasmArena.create(1 << 16, 2) as WasmArena;
    expect((shared.alloc(4) as Float32Array).buffer instanceof SharedArrayBuffer).toBe(true);
    shared.release();
  });
});
