/**
 * A VAE fit with threads gives the bytes of the one-thread fit: 784-400-20 on the built-in
 * digits, batch 128, so every one of the step's six large products (and the 400-20 ones) is
 * above the parallel threshold and splits over the pool in place, in the fit's arena. The
 * digest is of the parameters and Adam's moments after the fit; the pinned value is the one the
 * library computed before the arena could run on threads, so threads also change no byte of
 * the one-thread path.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { setThreads, threadsSupported } from '../../src/kernels/threads/threads.js';
import { loadDigits } from '../../src/data/digits.js';
import { VAE } from '../../src/models/neural/vae.js';
import { wasmGemm } from '../../src/kernels/wasm/runtime.js';
import { WasmArena, arenaOf } from '../../src/kernels/wasm/arena.js';
import { tensorBytes } from './fixtures.js';

/** The digest before this change, on the relaxed-SIMD kernel (fused multiply-add) this machine's Node runs. */
const PINNED_RELAXED = 'c0983329c04eecaa55dbd074897696f3843a12ba7f238a6cabb54877f46ff7ae';

interface Fit {
  digest: string;
  /** Per step from the second: the arena's thread count and how many of its products it had split. */
  arenas: Array<[number, number]>;
}

/** Fits on `threads` threads (undefined: as set now), calling setThreads(during) after every step when given. */
async function fitDigest(threads: number | undefined, during?: number): Promise<Fit> {
  if (threads !== undefined) setThreads(threads);
  const { test } = await loadDigits({ seed: 0 });
  const rows = 512;
  const X = { data: test.data.subarray(0, rows * 784), shape: [rows, 784] as [number, number] };
  const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 3 });
  const arenas: Array<[number, number]> = [];
  await vae.fit(X, {
    epochs: 1, batchSize: 128, learningRate: 1e-3,
    onBatchEnd: async () => {
      const arena = arenaOf([...vae.parameters().values()][0].data);
      if (arena === undefined) return;
      arenas.push([arena.threads, arena.splitProducts]);
      if (during !== undefined) setThreads(during);
      // The workers start on the arena's first large product: let them, so the next steps split.
      await arena.ready();
    },
  });
  const hash = createHash('sha256');
  for (const [name, bytes] of Object.entries(tensorBytes(vae.toState())).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name);
    hash.update(Uint8Array.from(bytes));
  }
  return { digest: hash.digest('hex'), arenas };
}

describe.skipIf(!isWasmAvailable())('a VAE fit on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('gives the same parameter and optimizer bytes on 1, 2 and 3 threads', async () => {
    setBackend('wasm');
    const one = await fitDigest(1);
    if (wasmGemm()?.variant === 'relaxed-simd') expect(one.digest).toBe(PINNED_RELAXED);
    expect(one.arenas.every(([threads, split]) => threads === 1 && split === 0)).toBe(true);
    if (!threadsSupported()) return;
    const release = vi.spyOn(WasmArena.prototype, 'release');
    for (const threads of [2, 3]) {
      release.mockClear();
      const fit = await fitDigest(threads);
      // The fit's end ended the arena's workers.
      expect(release).toHaveBeenCalledTimes(1);
      expect(fit.digest, `${threads} threads`).toBe(one.digest);
      // The arena ran on threads, and split products in place: without this the comparison
      // would also pass with every product on one thread.
      expect(fit.arenas.length).toBe(3);
      expect(fit.arenas.every(([t]) => t === threads)).toBe(true);
      expect(fit.arenas[1][1]).toBeGreaterThan(0);
    }
  }, 120_000);

  it('lets a script exit by itself after a fit on threads', () => {
    if (!threadsSupported()) return;
    const child = fileURLToPath(new URL('./threads-exit-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, LATENT_TS_THREADS: '2' },
    });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual({ threads: 2, split: true, sharedPool: false, prepared: 0 });
  }, 150_000);

  it('applies setThreads during a fit from the next fit on, with the same bytes', async () => {
    setBackend('wasm');
    const one = await fitDigest(1);
    const changed = await fitDigest(2, 3);
    expect(changed.digest).toBe(one.digest);
    if (!threadsSupported()) return;
    expect(changed.arenas.every(([t]) => t === 2)).toBe(true);
    const next = await fitDigest(undefined);
    expect(next.digest).toBe(one.digest);
    expect(next.arenas.every(([t]) => t === 3)).toBe(true);
  }, 120_000);
});
