/**
 * The training step's elementwise and loss kernels in a threaded arena (kernels/wasm/arena.ts,
 * shareRange and shareCalls): the ReLU forward, the ReLU mask with the bias sums, the bias sums
 * alone, the summed BCE-with-logits, the gradient's Σx² and one Adam step of several parameters
 * as one job give the bytes of the one-thread
 * path (the copying path, on ordinary arrays) at 2, 3 and 4 threads, on sizes below and above
 * the sharing thresholds, odd ones included, and the workers really ran some of the calls.
 */
import { describe, expect, it } from 'vitest';
import { threadsSupported } from '../../../src/kernels/threads/threads.js';
import { WasmArena } from '../../../src/kernels/wasm/arena.js';
import { type AdamScalars, adamStepWasm, adamStepsShared } from '../../../src/kernels/wasm/adam.js';
import { bceSumWasm } from '../../../src/kernels/wasm/bce-sum.js';
import { maskAndSumsWasm } from '../../../src/kernels/wasm/bias-relu.js';
import { reluInPlaceWasm } from '../../../src/kernels/wasm/relu.js';
import { sumOfSquaresWasm, sumsOfSquaresShared } from '../../../src/kernels/wasm/sum-squares.js';
import { reluInPlace } from '../../../src/kernels/relu.js';
import { Rng } from '../../../src/random/rng.js';

const words = (x: Float32Array | Float64Array) => new Uint32Array(x.slice().buffer);
/** The first index where the bit patterns of `a` and `b` differ, −1 when none (a short failure message on large arrays). */
function firstDifference(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  const [x, y] = [words(a), words(b)];
  if (x.length !== y.length) return -2;
  const i = x.findIndex((v, j) => v !== y[j]);
  return i < 0 ? -1 : Math.floor(i / (a instanceof Float64Array ? 2 : 1));
}
const f64 = (x: number) => Array.from(new Uint32Array(new Float64Array([x]).buffer));

/** Random values with signs, zeros, −0 and a NaN, the cases the ReLU kernels treat apart. */
function values(rng: Rng, n: number): Float32Array {
  const x = rng.fillUniform(new Float32Array(n), -3, 3) as Float32Array;
  for (let i = 0; i < n; i += 97) x[i] = 0;
  for (let i = 5; i < n; i += 101) x[i] = -0;
  if (n > 11) x[11] = NaN;
  return x;
}

describe.skipIf(!threadsSupported())('elementwise kernels in a threaded arena', () => {
  for (const threads of [2, 3, 4]) {
    it(`give the one-thread bytes on ${threads} threads`, async () => {
      const arena = WasmArena.create(64 << 20, threads) as WasmArena;
      try {
        const rng = new Rng(`arena-elementwise:${threads}`);
        const put = (x: Float32Array) => {
          const view = arena.alloc(x.length) as Float32Array;
          view.set(x);
          return view;
        };
        // A large product starts the workers.
        const big = [put(values(rng, 128 * 400)), put(values(rng, 400 * 784)), arena.alloc(128 * 784) as Float32Array];
        expect(arena.gemm(false, false, 128, 784, 400, 1, big[0], 400, big[1], 784, 0, big[2], 784)).toBe(true);
        await arena.ready();
        const before = arena.workerChunks;

        for (const [rows, cols] of [[128, 784], [128, 400], [257, 403], [3, 5], [128, 20], [1, 70001]]) {
          const where = `${rows} x ${cols}`;
          const n = rows * cols;
          // ReLU forward in place.
          const y = values(rng, n);
          const yIn = put(y);
          expect(reluInPlaceWasm(yIn)).toBe(n - (n % 4));
          reluInPlace(yIn); // the TypeScript tail (idempotent on the rest)
          const yRef = y.slice();
          reluInPlace(yRef);
          expect(firstDifference(yIn, yRef), `relu ${where}`).toBe(-1);

          // ReLU mask with bias sums (out ≠ g), and the sums alone.
          const g = values(rng, n);
          const out = new Float32Array(n);
          const acc = new Float64Array(cols);
          const okRef = maskAndSumsWasm(g, yRef, out, rows, cols, acc);
          const [gIn, yr, outIn] = [put(g), put(yRef), arena.alloc(n) as Float32Array];
          const accIn = new Float64Array(cols);
          expect(maskAndSumsWasm(gIn, yr, outIn, rows, cols, accIn)).toBe(okRef);
          if (okRef) {
            const m4 = cols - (cols % 4);
            for (let r = 0; r < rows; r++) {
              expect(firstDifference(outIn.subarray(r * cols, r * cols + m4), out.subarray(r * cols, r * cols + m4)), `mask ${where} row ${r}`).toBe(-1);
            }
            expect(firstDifference(accIn.subarray(0, m4), acc.subarray(0, m4)), `mask sums ${where}`).toBe(-1);
            const sums = new Float64Array(cols);
            const sumsIn = new Float64Array(cols);
            maskAndSumsWasm(g, null, out, rows, cols, sums);
            maskAndSumsWasm(gIn, null, outIn, rows, cols, sumsIn);
            expect(firstDifference(sumsIn.subarray(0, m4), sums.subarray(0, m4)), `sums ${where}`).toBe(-1);
          }

          // Summed BCE with logits: the sum and the gradient.
          const logits = values(rng, n).map((v) => (Number.isNaN(v) ? 0.5 : 4 * v));
          const targets = rng.fillUniform(new Float32Array(n), 0, 1) as Float32Array;
          const tail = (d: Float32Array) => (from: number, to: number) => {
            let s = 0;
            for (let i = from; i < to; i++) {
              s += logits[i];
              d[i] = 0.25;
            }
            return s;
          };
          const d = new Float32Array(n);
          const sum = bceSumWasm(logits, targets, d, 1 / 128, tail(d));
          const [lIn, tIn, dIn] = [put(logits), put(targets), arena.alloc(n) as Float32Array];
          const sumIn = bceSumWasm(lIn, tIn, dIn, 1 / 128, tail(dIn));
          expect(f64(sumIn as number), `bce ${where}`).toEqual(f64(sum as number));
          expect(firstDifference(dIn, d), `bce gradient ${where}`).toBe(-1);
        }

        // Σx² of several arrays at once: each the one-array kernel's number.
        const arrays = [313_600, 400, 8_003, 7, 313_601, 784].map((len) => put(values(rng, len).map((v) => (Number.isNaN(v) ? 1 : v))));
        const shared = sumsOfSquaresShared(arrays) as number[];
        expect(shared).not.toBeNull();
        expect(shared.map(f64)).toEqual(arrays.map((x) => f64(sumOfSquaresWasm(x.slice()) as number)));
        expect(sumsOfSquaresShared(arrays.slice(0, 1))).toBeNull();

        // One Adam step of several parameters as one shared job: each parameter's p, m and v
        // are those of the one-thread kernel on copies, with its own step size. On a loaded
        // machine this thread may claim every chunk of one job, so jobs on fresh values are
        // run (each checked) until a worker has taken part in one.
        const adamSizes = [313_600, 400, 16_003, 7, 40_001, 784];
        const adamHost = () => adamSizes.map((len) => [values(rng, len), values(rng, len), values(rng, len), rng.fillUniform(new Float32Array(len), 0, 2) as Float32Array]
          .map((x) => x.map((v) => (Number.isNaN(v) ? 0.25 : v))));
        const items = adamHost().map((host, i) => {
          const scalars: AdamScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 * (i + 1), invBc2Sqrt: 1.7, l2: i === 3 ? 0.01 : 0, keep: i === 4 ? 0.999 : 1 };
          return { host, inArena: host.map(put), scalars };
        });
        let adamByWorkers = false;
        for (let attempt = 0; attempt < 20 && !adamByWorkers; attempt++) {
          if (attempt > 0) {
            adamHost().forEach((host, i) => {
              items[i].host = host;
              host.forEach((x, k) => items[i].inArena[k].set(x));
            });
          }
          const chunksBeforeAdam = arena.workerChunks;
          expect(adamStepsShared(items.map(({ inArena: [p, g, m, v], scalars }) => ({ p, g, m, v, scalars })))).toBe(true);
          adamByWorkers = arena.workerChunks > chunksBeforeAdam;
          items.forEach(({ host: [p, g, m, v], inArena, scalars }, i) => {
            expect(adamStepWasm(p, g, m, v, scalars)).toBe(true);
            for (const [k, name] of [[0, 'p'], [2, 'm'], [3, 'v']] as const) {
              expect(firstDifference(inArena[k], [p, g, m, v][k]), `adam ${name} of parameter ${i} (${adamSizes[i]})`).toBe(-1);
            }
          });
        }
        expect(adamByWorkers, 'a worker ran chunks of the Adam job').toBe(true);
        // Below 256 KiB together, or with an array outside the arena, nothing runs.
        const small = items.slice(1, 4).map(({ inArena: [p, g, m, v], scalars }) => ({ p, g, m, v, scalars }));
        expect(adamStepsShared(small)).toBe(false);
        const outside = items.map(({ inArena: [p, g, m, v], scalars }, i) => ({ p, g: i === 2 ? g.slice() : g, m, v, scalars }));
        expect(adamStepsShared(outside)).toBe(false);

        // The workers took part: without this the comparisons would pass on one thread too.
        expect(arena.workerChunks).toBeGreaterThan(before);
      } finally {
        arena.release();
      }
    }, 60_000);
  }
});
