/**
 * The transform product on the thread pool (kernels/threads/centred-product-f64.ts) gives the
 * bytes of the one-thread path (convert to float64, divide by s, subtract m, then `gemmCore`)
 * on 2, 3 and 4 threads, for float32 and float64 input, with and without scales, both layouts
 * of B, n = 1, n not a multiple of the chunk, odd d, k = 1, and slabs small enough that most
 * inputs take several; and it reports the first value that is not finite, wherever it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemmCore } from '../../../src/kernels/gemm.js';
import { centredProductParallelF64, type CentredProduct } from '../../../src/kernels/threads/centred-product-f64.js';
import { setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { Rng } from '../../../src/random/rng.js';

const supported = threadsSupported();

function oneThread(p: CentredProduct): Float64Array {
  const { rows: n, cols: d, k } = p;
  const r = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = p.x[i * d + j];
      r[i * d + j] = p.scale === null ? v - p.mean[j] : v / p.scale[j] - p.mean[j];
    }
  }
  const z = new Float64Array(n * k);
  gemmCore(false, p.transB, n, k, d, 1, r, d, p.b, p.transB ? d : k, 0, z, k);
  return z;
}

function randomProduct(rng: Rng, n: number, d: number, k: number, float32: boolean, scaled: boolean, transB: boolean): CentredProduct {
  const x = float32 ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = 3 + 2 * rng.normal();
  const mean = Float64Array.from({ length: d }, () => 3 + 0.1 * rng.normal());
  const scale = scaled ? Float64Array.from({ length: d }, () => 0.5 + rng.uniform()) : null;
  const b = rng.fillNormal(new Float64Array(d * k)) as Float64Array;
  return { x, rows: n, cols: d, mean, scale, b, transB, k };
}

const bits = (a: Float64Array): BigUint64Array => new BigUint64Array(a.buffer, a.byteOffset, a.length);

const SHAPES: Array<[number, number, number]> = [[1, 7, 3], [1, 1, 1], [37, 33, 1], [300, 131, 5], [257, 64, 16], [1000, 9, 2], [61, 600, 4]];

describe.skipIf(!supported)('centredProductParallelF64', () => {
  beforeAll(() => setThreads(1));
  afterAll(() => setThreads(1));

  for (const threads of [2, 3, 4]) {
    it(`gives the one-thread bytes on ${threads} threads, in one slab and in many`, async () => {
      await threadPool(threads, 1 << 20)?.ready();
      const rng = new Rng(`centred-${threads}`);
      let byWorkers = 0;
      for (const [n, d, k] of SHAPES) {
        for (const float32 of [true, false]) {
          const scaled = rng.uniform() < 0.5;
          const transB = rng.uniform() < 0.5;
          const p = randomProduct(rng, n, d, k, float32, scaled, transB);
          const want = oneThread(p);
          for (const slab of [1 << 20, 3 * d * 8 + 5]) {
            const got = centredProductParallelF64(threads, p, slab);
            expect(got).not.toBeNull();
            if (got === null || !('z' in got)) throw new Error('no result');
            expect(bits(got.z), `${n}×${d}·${k} ${float32 ? 'f32' : 'f64'} scaled=${scaled} transB=${transB} slab=${slab}`).toEqual(bits(want));
            byWorkers += got.byWorkers;
          }
        }
      }
      expect(byWorkers).toBeGreaterThan(0);
    }, 60_000);
  }

  it('names the first value that is not finite, in any slab, for float32 and float64', async () => {
    await threadPool(2, 1 << 20)?.ready();
    const rng = new Rng('centred-bad');
    for (const float32 of [true, false]) {
      const p = randomProduct(rng, 203, 17, 3, float32, false, true);
      const x = p.x;
      for (const [at, v] of [[0, NaN], [17 * 150 + 4, Infinity], [x.length - 1, -Infinity]] as const) {
        const saved = x[at];
        x[at] = v;
        if (at > 0) x[x.length - 1 - (at % 5)] = NaN; // a later one is not the first
        for (const slab of [1 << 20, 20 * 17 * 8]) expect(centredProductParallelF64(2, p, slab)).toEqual({ nonFinite: at });
        x[at] = saved;
        x[x.length - 1 - (at % 5)] = 1;
      }
    }
  });

  it('cuts narrow, tall inputs into slabs of at most a job\'s chunks', async () => {
    await threadPool(2, 1 << 20)?.ready();
    const p = randomProduct(new Rng('tall'), 530_001, 1, 1, true, true, false);
    const got = centredProductParallelF64(2, p);
    if (got === null || !('z' in got)) throw new Error('no result');
    expect(bits(got.z)).toEqual(bits(oneThread(p)));
  });

  it('stays off the pool at one thread', () => {
    const p = randomProduct(new Rng(1), 4, 3, 2, true, false, true);
    expect(centredProductParallelF64(1, p)).toBeNull();
  });
});
