/**
 * The PCA's float32 Gram on the thread pool gives the bytes of the one-thread Gram
 * (`gramUpperWasm` on each chunk in turn, sums added in double) with 2, 3 and 4 threads, on
 * shapes including one column, odd column counts, a last chunk of one row and a chunk count that
 * is not a multiple of the batch; the workers really compute chunks; and what it leaves alone
 * (the lower triangle, fewer than two chunks) is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gramUpperParallel } from '../../../src/kernels/threads/gram-parallel.js';
import { setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { gramUpperWasm } from '../../../src/kernels/wasm/gram-wasm.js';
import { wasmGramGemm } from '../../../src/kernels/wasm/runtime.js';
import { Rng } from '../../../src/random/rng.js';

const supported = threadsSupported();

/** The one-thread Gram as the PCA solver calls it: one gramUpperWasm per chunk, into one sum. */
function oneThread(X: Float32Array, rows: number, d: number, chunk: number, start: Float64Array): Float64Array {
  const w = wasmGramGemm();
  if (w === null) throw new Error('the Gram kernel is unavailable');
  const out = start.slice();
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    expect(gramUpperWasm(w, X.subarray(r0 * d, (r0 + m) * d), m, d, chunk, out)).toBe(true);
  }
  return out;
}

/** The first index whose bits differ, or −1. */
function firstDifference(x: Float64Array, y: Float64Array): number {
  const a = new BigUint64Array(x.buffer, x.byteOffset, x.length);
  const b = new BigUint64Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

/** A view of X, or X's rows copied into the scratch, alternately: the solver's source does both. */
const sourceOf = (X: Float32Array, d: number) => (r0: number, m: number, scratch: Float32Array): Float32Array => {
  if ((r0 / m) % 2 === 0) return X.subarray(r0 * d, (r0 + m) * d);
  scratch.set(X.subarray(r0 * d, (r0 + m) * d));
  return scratch;
};

describe.skipIf(!supported)('gramUpperParallel', () => {
  beforeAll(() => setThreads(1));
  afterAll(() => setThreads(1));

  for (const threads of [2, 3, 4]) {
    it(`is bit-identical to the one-thread Gram with ${threads} threads, and the workers compute chunks`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`gram-parallel:${threads}`);
      // [rows, d, chunk rows]: one column, odd d, a last chunk of one row, 9 chunks (not a batch
      // multiple), 61 chunks (many batches through both sets of slots).
      const shapes: Array<[number, number, number]> = [[300, 1, 64], [257, 37, 64], [1000, 13, 111], [2050, 40, 256], [4500, 101, 500], [6001, 7, 100]];
      for (let r = 0; r < 3; r++) shapes.push([rng.int(200, 2000), rng.int(1, 90), rng.int(40, 300)]);
      let byWorkers = 0;
      for (const [rows, d, chunk] of shapes) {
        const X = rng.fillUniform(new Float32Array(rows * d), -1, 1) as Float32Array;
        // A non-zero start, and a lower triangle the Gram must not touch.
        const start = rng.fillUniform(new Float64Array(d * d), -1, 1) as Float64Array;
        const out = start.slice();
        const workers = gramUpperParallel(threads, rows, d, chunk, sourceOf(X, d), out);
        expect(workers, JSON.stringify({ rows, d, chunk })).not.toBeNull();
        byWorkers += workers ?? 0;
        expect(firstDifference(out, oneThread(X, rows, d, chunk, start)), JSON.stringify({ threads, rows, d, chunk })).toBe(-1);
        for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) expect(out[i * d + j]).toBe(start[i * d + j]);
      }
      expect(byWorkers).toBeGreaterThan(0);
    });
  }

  for (const threads of [2, 3]) {
    it(`centres raw rows where it computes them with ${threads} threads: the bytes of the Gram of the centred rows`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`gram-parallel-centre:${threads}`);
      // Whole SIMD rows (the threads centre) and not (this thread centres as it copies), a
      // last chunk of one row, one column, many batches.
      const shapes: Array<[number, number, number]> = [[257, 36, 64], [1000, 13, 111], [2049, 4, 256], [300, 1, 64], [6001, 8, 100], [1500, 101, 300]];
      for (const [rows, d, chunk] of shapes) {
        const X = rng.fillUniform(new Float32Array(rows * d), 0, 3) as Float32Array;
        const centre = Float32Array.from({ length: d }, () => Math.fround(rng.uniform() * 3));
        const centred = Float32Array.from(X, (v, i) => v - centre[i % d]);
        const start = rng.fillUniform(new Float64Array(d * d), -1, 1) as Float64Array;
        const out = start.slice();
        const before = X.slice();
        expect(gramUpperParallel(threads, rows, d, chunk, (r0, m) => X.subarray(r0 * d, (r0 + m) * d), out, centre)).not.toBeNull();
        // The caller's rows are copied, never centred in place.
        expect(X).toEqual(before);
        expect(firstDifference(out, oneThread(centred, rows, d, chunk, start)), JSON.stringify({ threads, rows, d, chunk })).toBe(-1);
      }
    });
  }

  it('declines one chunk and one thread, touching nothing', () => {
    const X = new Float32Array(100 * 8).fill(1);
    const out = new Float64Array(64);
    expect(gramUpperParallel(2, 100, 8, 100, sourceOf(X, 8), out)).toBeNull();
    expect(gramUpperParallel(1, 100, 8, 10, sourceOf(X, 8), out)).toBeNull();
    expect(out.every((v) => v === 0)).toBe(true);
  });
});
