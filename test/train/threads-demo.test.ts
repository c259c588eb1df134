/**
 * The demo's pipeline in small gives the same bytes on 1, 2, 3 and 4 threads: a VAE fit
 * (784-400-20, batch 128, 512 digits: its six large products, ReLUs, bias sums, BCE, gradient
 * norm and Adam all large enough to be shared in its arena), its posterior means on 2,400
 * digits, a PCA(16) fit on them (the float32 Gram in 1,024-row chunks, the subspace iteration)
 * and the leave-one-out precision at 10 of the median-thresholded codes of both (Hamming
 * searches of 2,400 × 2,400 codes, split across the pool by query). One digest per thread count
 * covers every array and number.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDigits } from '../../src/data/digits.js';
import { binaryCodes } from '../../src/hashing/binary-codes.js';
import { HammingIndex } from '../../src/hashing/hamming-index.js';
import { precisionAtK } from '../../src/hashing/precision.js';
import { getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { setThreads, threadPool, threadsSupported } from '../../src/kernels/threads/threads.js';
import { arenaOf } from '../../src/kernels/wasm/arena.js';
import { PCA } from '../../src/models/decomposition/pca.js';
import { VAE } from '../../src/models/neural/vae.js';
import { tensorBytes } from './fixtures.js';

interface Run {
  digest: string;
  /** Worker-run products and elementwise chunks of the VAE's arena after its last step. */
  arena: [number, number];
  precision: number[];
}

async function pipeline(threads: number): Promise<Run> {
  setThreads(threads);
  if (threads > 1) await threadPool(threads, 1 << 20)?.ready();
  const { train } = await loadDigits({ seed: 0 });
  const rows = 2400;
  const X = { data: train.data.subarray(0, rows * 784), shape: [rows, 784] as [number, number] };
  const fitRows = { data: X.data.subarray(0, 512 * 784), shape: [512, 784] as [number, number] };
  const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 5 });
  let arena: [number, number] = [0, 0];
  await vae.fit(fitRows, {
    epochs: 1, batchSize: 128, learningRate: 1e-3,
    onBatchEnd: async () => {
      const a = arenaOf([...vae.parameters().values()][0].data);
      if (a === undefined) return;
      arena = [a.splitProducts, a.workerChunks];
      // The workers start on the arena's first large product: let them, so the next steps share.
      await a.ready();
    },
  });
  const hash = createHash('sha256');
  const add = (x: ArrayBufferView) => hash.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  for (const [name, bytes] of Object.entries(tensorBytes(vae.toState())).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name);
    hash.update(Uint8Array.from(bytes));
  }
  const z = vae.posterior(X).mean;
  add(z.data);
  const pca = new PCA({ nComponents: 16, solver: 'covariance', precision: 'mixed' }).fit(X);
  const y = pca.transform(X);
  for (const a of [pca.components.data, pca.explainedVariance, y.data]) add(a);
  const labels = train.labels.subarray(0, rows);
  const precision: number[] = [];
  for (const latent of [z, y]) {
    const codes = binaryCodes(latent);
    const index = new HammingIndex(codes);
    precision.push(precisionAtK(index, codes, labels, labels, 10, { excludeSelf: true }));
    for (const r of index.queryMany(null, 10, { excludeSelf: true })) add(r.indices);
  }
  add(Float64Array.from(precision));
  return { digest: hash.digest('hex'), arena, precision };
}

describe.skipIf(!isWasmAvailable())('the demo pipeline on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('gives the same bytes on 1, 2, 3 and 4 threads', async () => {
    setBackend('wasm');
    const one = await pipeline(1);
    expect(one.arena).toEqual([0, 0]);
    // The codes retrieve neighbours of the same digit well above chance (0.1).
    expect(Math.min(...one.precision)).toBeGreaterThan(0.3);
    if (!threadsSupported()) return;
    for (const threads of [2, 3, 4]) {
      const run = await pipeline(threads);
      expect(run.digest, `${threads} threads`).toBe(one.digest);
      // The arena's workers ran products and elementwise chunks: without this the comparison
      // would also pass with everything on one thread.
      expect(run.arena[0], `${threads} threads: products`).toBeGreaterThan(0);
      expect(run.arena[1], `${threads} threads: elementwise chunks`).toBeGreaterThan(0);
    }
  }, 180_000);
});
