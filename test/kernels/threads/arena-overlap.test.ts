/**
 * Serial work overlapped with a split product (kernels/wasm/arena.ts, `overlapNextProduct`):
 * it runs once, on this thread, inside the next product that is split over the workers, which
 * keeps the one-thread bytes; products that stay on this thread leave it queued; a one-thread
 * arena, or one whose workers have not started, takes none; release drops it. A VAE fit that
 * draws its noise this way has the bytes of one that draws it up front (test/train/threads-fit.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { threadsSupported } from '../../../src/kernels/threads/threads.js';
import { WasmArena } from '../../../src/kernels/wasm/arena.js';
import { Rng } from '../../../src/random/rng.js';

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('WasmArena.overlapNextProduct', () => {
  it('takes no work on a one-thread arena', () => {
    const arena = WasmArena.create(1 << 20, 1) as WasmArena;
    expect(arena.overlapNextProduct(() => undefined)).toBe(false);
  });

  it.skipIf(!threadsSupported())('runs the work once inside the next split product, with the one-thread bytes', async () => {
    const one = WasmArena.create(8 << 20, 1) as WasmArena;
    const arena = WasmArena.create(8 << 20, 2) as WasmArena;
    try {
      const rng = new Rng('arena-overlap');
      const put = (a: WasmArena, x: Float32Array) => {
        const v = a.alloc(x.length) as Float32Array;
        v.set(x);
        return v;
      };
      const [a, b] = [rng.fillUniform(new Float32Array(128 * 784), -1, 1), rng.fillUniform(new Float32Array(784 * 400), -1, 1)] as Float32Array[];
      const product = (x: WasmArena) => {
        const c = x.alloc(128 * 400) as Float32Array;
        expect(x.gemm(false, false, 128, 400, 784, 1, put(x, a), 784, put(x, b), 400, 0, c, 400)).toBe(true);
        return c;
      };
      // Before the workers have started, nothing is taken.
      expect(arena.overlapNextProduct(() => undefined)).toBe(false);
      product(arena);
      await arena.ready();
      const want = bits(product(one));
      let runs = 0;
      expect(arena.overlapNextProduct(() => { runs++; })).toBe(true);
      // A small product runs on this thread and leaves the work queued.
      const small = arena.alloc(4) as Float32Array;
      arena.gemm(false, false, 2, 2, 2, 1, put(arena, a.subarray(0, 4)), 2, put(arena, b.subarray(0, 4)), 2, 0, small, 2);
      expect(runs).toBe(0);
      expect(bits(product(arena))).toEqual(want);
      expect(runs).toBe(1);
      expect(bits(product(arena))).toEqual(want);
      expect(runs).toBe(1);
      // Released: the queued work is dropped, never run.
      expect(arena.overlapNextProduct(() => { runs++; })).toBe(true);
      arena.release();
      expect(bits(product(arena))).toEqual(want);
      expect(runs).toBe(1);
    } finally {
      arena.release();
    }
  });
});
