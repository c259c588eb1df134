/**
 * A VQ-VAE fit on 2 threads gives the bytes of the one-thread fit (parameters, codebook, Adam's
 * moments, EMA averages): 784-400-64 on the built-in digits, batch 128, so the step's large
 * products split over the arena's pool, as in test/train/threads-fit.test.ts for the VAE.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDigits } from '../../../src/data/digits.js';
import { getBackend, isWasmAvailable, setBackend } from '../../../src/kernels/backend.js';
import { setThreads, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { arenaOf } from '../../../src/kernels/wasm/arena.js';
import { VQVAE } from '../../../src/models/neural/vq-vae.js';
import { tensorBytes } from '../../train/fixtures.js';

async function fitDigest(threads: number, codebookUpdate: 'loss' | 'ema'): Promise<{ digest: string; splits: number }> {
  setThreads(threads);
  const { test } = await loadDigits({ seed: 0 });
  const rows = 384;
  const X = { data: test.data.subarray(0, rows * 784), shape: [rows, 784] as [number, number] };
  const vq = new VQVAE({ inputDim: 784, hiddenDims: [400], nLatents: 8, nCodes: 16, codeDim: 8, loss: 'bce', codebookUpdate, seed: 3 });
  let splits = 0;
  await vq.fit(X, {
    epochs: 1, batchSize: 128,
    onBatchEnd: async () => {
      const arena = arenaOf([...vq.parameters().values()].at(-1)!.data);
      if (arena === undefined) return;
      splits = arena.splitProducts;
      await arena.ready();
    },
  });
  const hash = createHash('sha256');
  for (const [name, bytes] of Object.entries(tensorBytes(vq.toState())).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name);
    hash.update(Uint8Array.from(bytes));
  }
  hash.update(Uint8Array.from(vq.encode(X).data));
  return { digest: hash.digest('hex'), splits };
}

describe.skipIf(!isWasmAvailable())('a VQ-VAE fit on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  for (const update of ['loss', 'ema'] as const) {
    it(`gives the same bytes on 1 and 2 threads (${update})`, async () => {
      setBackend('wasm');
      const one = await fitDigest(1, update);
      expect(one.splits).toBe(0);
      if (!threadsSupported()) return;
      const two = await fitDigest(2, update);
      expect(two.digest).toBe(one.digest);
      // The products did split over the pool: otherwise the comparison would prove nothing.
      expect(two.splits).toBeGreaterThan(0);
    }, 120_000);
  }
});
