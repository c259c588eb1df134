/**
 * A convolutional VAE fit with threads gives the bytes of the one-thread fit: the bench's
 * network (conv 32 and 64 channels, kernel 4, stride 2, padding 1, a 20-D latent, the mirror
 * decoder) on the built-in digits, batch 32, so the conv products (im2col columns × weights,
 * the weight gradients, the transposed convolutions' products) are above the parallel
 * threshold and split over the arena's pool in place, while im2col, col2im, the bias and the
 * ReLU layers stay on this thread. The digest is of the parameters and Adam's moments.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { setThreads, threadsSupported } from '../../src/kernels/threads/threads.js';
import { loadDigits } from '../../src/data/digits.js';
import { VAE } from '../../src/models/neural/vae.js';
import { arenaOf } from '../../src/kernels/wasm/arena.js';
import { tensorBytes } from './fixtures.js';

interface Fit {
  digest: string;
  /** Per step: the arena's thread count and how many of its products it had split so far. */
  arenas: Array<[number, number]>;
}

async function fitDigest(threads: number): Promise<Fit> {
  setThreads(threads);
  const { test } = await loadDigits({ seed: 0 });
  const rows = 128;
  const X = { data: test.data.subarray(0, rows * 784), shape: [rows, 784] as [number, number] };
  const vae = new VAE({
    inputDim: 784, latentDim: 20, seed: 5,
    architecture: { kind: 'conv', imageShape: [1, 28, 28], channels: [32, 64], kernelSize: 4, stride: 2, padding: 1 },
  });
  const arenas: Array<[number, number]> = [];
  await vae.fit(X, {
    epochs: 1, batchSize: 32, learningRate: 1e-3,
    onBatchEnd: async () => {
      const arena = arenaOf([...vae.parameters().values()][0].data);
      if (arena === undefined) return;
      arenas.push([arena.threads, arena.splitProducts]);
      await arena.ready(); // the workers start on the first large product; let them, so later steps split
    },
  });
  const hash = createHash('sha256');
  for (const [name, bytes] of Object.entries(tensorBytes(vae.toState())).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name);
    hash.update(Uint8Array.from(bytes));
  }
  return { digest: hash.digest('hex'), arenas };
}

describe.skipIf(!isWasmAvailable())('a conv VAE fit on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('gives the same parameter and optimizer bytes on 1, 2 and 3 threads, its conv products split over the pool', async () => {
    setBackend('wasm');
    const one = await fitDigest(1);
    expect(one.arenas.length).toBeGreaterThan(0);
    expect(one.arenas.every(([threads, split]) => threads === 1 && split === 0)).toBe(true);
    if (!threadsSupported()) return;
    for (const threads of [2, 3]) {
      const fit = await fitDigest(threads);
      expect(fit.digest, `${threads} threads`).toBe(one.digest);
      expect(fit.arenas.every(([t]) => t === threads)).toBe(true);
      // Products were split in place: without this the comparison would pass on one thread too.
      expect(fit.arenas[fit.arenas.length - 1][1]).toBeGreaterThan(0);
    }
  }, 240_000);
});
