/**
 * The transforms of PCA (plain and whitened), IncrementalPCA, PPCA and FactorAnalysis on inputs
 * above PARALLEL_TRANSFORM run on the thread pool (models/decomposition/pooled-rows.ts) and give
 * the bytes of the one-thread path on 2, 3 and 4 threads, for float32 and float64 input; the
 * errors for a value that is not finite and for a wrong column count are the one-thread ones;
 * PPCA with `missing: 'nan'` keeps its own path for rows with NaN.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, isWasmAvailable, setBackend } from '../../../src/kernels/backend.js';
import { PARALLEL_TRANSFORM } from '../../../src/kernels/threads/centred-product-f64.js';
import { setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { IncrementalPCA } from '../../../src/models/decomposition/incremental-pca.js';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { Rng } from '../../../src/random/rng.js';

const D = 131;
const K = 7;
const N = Math.ceil(PARALLEL_TRANSFORM / (D * K)) + 13;

function matrix(rows: number, seed: string, float32: boolean): { data: Float32Array | Float64Array; shape: number[] } {
  const rng = new Rng(seed);
  const basis = rng.fillNormal(new Float64Array(K * D)) as Float64Array;
  const data = float32 ? new Float32Array(rows * D) : new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) {
    const z = Array.from({ length: K }, () => rng.normal());
    for (let j = 0; j < D; j++) {
      let s = 5 + 0.3 * rng.normal();
      for (let q = 0; q < K; q++) s += z[q] * basis[q * D + j];
      data[i * D + j] = s;
    }
  }
  return { data, shape: [rows, D] };
}

const train = matrix(400, 'train', false);
const models = {
  pca: new PCA({ nComponents: K }).fit(train),
  pcaWhiten: new PCA({ nComponents: K, whiten: true }).fit(train),
  ipca: new IncrementalPCA({ nComponents: K, batchSize: 200 }).fit(train),
  ppca: new PPCA({ nComponents: K }).fit(train),
  fa: new FactorAnalysis({ nComponents: K, maxIter: 5 }).fit(train),
};

const bits = (a: ArrayLike<number>): BigUint64Array => new BigUint64Array(Float64Array.from(a).buffer);

function transforms(X: { data: Float32Array | Float64Array; shape: number[] }): Record<string, BigUint64Array> {
  return Object.fromEntries(Object.entries(models).map(([name, m]) => [name, bits(m.transform(X).data)]));
}

async function at(threads: number): Promise<void> {
  setThreads(threads);
  if (threads > 1) await threadPool(threads, 1 << 20)?.ready();
}

describe.skipIf(!isWasmAvailable())('transforms on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('give the one-thread bytes on 2, 3 and 4 threads, float32 and float64', async () => {
    setBackend('wasm');
    expect(N * D * K).toBeGreaterThanOrEqual(PARALLEL_TRANSFORM);
    for (const float32 of [true, false]) {
      const X = matrix(N, 'test', float32);
      await at(1);
      const one = transforms(X);
      if (!threadsSupported()) continue;
      for (const threads of [2, 3, 4]) {
        await at(threads);
        expect(transforms(X), `${threads} threads, ${float32 ? 'float32' : 'float64'}`).toEqual(one);
      }
    }
  }, 120_000);

  it('report a value that is not finite, and a wrong width, as on one thread', async () => {
    setBackend('wasm');
    const X = matrix(N, 'bad', true);
    X.data[(N - 5) * D + 17] = Infinity;
    X.data[(N - 2) * D + 3] = NaN;
    const wide = matrix(N, 'wide', true);
    const narrow = { data: wide.data.subarray(0, N * (D - 1)), shape: [N, D - 1] };
    for (const threads of threadsSupported() ? [1, 2] : [1]) {
      await at(threads);
      for (const [name, m] of Object.entries(models)) {
        const type = m.type;
        expect(() => m.transform(X), `${name}, ${threads} threads`).toThrow(`${type}.transform: X contains Infinity at [row ${N - 5}, col 17]`);
        expect(() => m.transform(narrow), `${name}, ${threads} threads`).toThrow(`${type}.transform: X has ${D - 1} features, but ${type} was fitted with ${D}`);
      }
    }
  }, 120_000);

  it('keep PPCA\'s missing-value path for rows with NaN', async () => {
    setBackend('wasm');
    const ppca = new PPCA({ nComponents: K, method: 'em', missing: 'nan', maxIter: 5 }).fit(train);
    const X = matrix(N, 'missing', true);
    X.data[(N - 3) * D + 8] = NaN;
    await at(1);
    const one = bits(ppca.transform(X).data);
    if (!threadsSupported()) return;
    await at(2);
    expect(bits(ppca.transform(X).data)).toEqual(one);
  }, 120_000);
});
