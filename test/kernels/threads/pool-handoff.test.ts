/**
 * Jobs posted back to back on a pool (kernels/threads/pool.ts, `ThreadPool.share`): a worker
 * still finishing the job before, or not yet woken for it, is waited for or has its task
 * withdrawn (control.ts, `TAKEN`), so a burst of jobs, as a training step posts them, gives
 * the one-thread bytes every time, with workers that spin briefly (the shared pool's 50 µs) or
 * long (a fit's), and the pool stays healthy.
 */
import { describe, expect, it } from 'vitest';
import * as control from '../../../src/kernels/threads/control.js';
import { threadsSupported } from '../../../src/kernels/threads/threads.js';
import { NODE_WORKER_SOURCE } from '../../../src/kernels/threads/worker-source.js';
import { RELU_IN_ARENA, WasmArena } from '../../../src/kernels/wasm/arena.js';
import { reluInPlace } from '../../../src/kernels/relu.js';
import { Rng } from '../../../src/random/rng.js';

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('worker script', () => {
  it('takes a task up at the index control.ts names', () => {
    expect(NODE_WORKER_SOURCE).toContain(`const TAKEN = ${control.TAKEN};`);
    // TAKEN is the last argument word, before the failure message.
    expect(control.TAKEN).toBe(control.MESSAGE_AT / 4 - 1);
  });
});

describe.skipIf(!threadsSupported())('back-to-back shared jobs', () => {
  for (const threads of [2, 3]) {
    it(`give the one-thread bytes on ${threads} threads, job after job`, async () => {
      const arena = WasmArena.create(16 << 20, threads) as WasmArena;
      try {
        const rng = new Rng(`pool-handoff:${threads}`);
        // A large product starts the workers.
        const [a, b, c] = [arena.alloc(128 * 400), arena.alloc(400 * 784), arena.alloc(128 * 784)] as Float32Array[];
        expect(arena.gemm(false, false, 128, 784, 400, 1, a, 400, b, 784, 0, c, 784)).toBe(true);
        await arena.ready();
        const before = arena.workerChunks;
        const y = arena.alloc(8192) as Float32Array;
        for (let job = 0; job < 1500; job++) {
          // 2 to 9 chunks of 64 to 1,024 bytes, with no gap between jobs, and now and then a
          // pause longer than a worker's spin, so it blocks and is woken (or withdrawn from).
          const chunk = 16 * rng.int(4, 65);
          const n = (chunk / 4) * rng.int(2, 10) - 4 * rng.int(0, 4);
          const x = rng.fillUniform(new Float32Array(n), -1, 1) as Float32Array;
          const view = y.subarray(0, n);
          view.set(x);
          expect(arena.shareRange(RELU_IN_ARENA, [view.byteOffset], n * 4, chunk, [], 0)).toBe(true);
          const want = x.slice();
          reluInPlace(want);
          if (bits(view).join() !== bits(want).join()) expect(bits(view), `job ${job}`).toEqual(bits(want));
          if (job % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 3));
        }
        expect(arena.workerChunks).toBeGreaterThan(before);
        expect(arena.gemm(false, false, 128, 784, 400, 1, a, 400, b, 784, 0, c, 784)).toBe(true);
      } finally {
        arena.release();
      }
    });
  }
});
