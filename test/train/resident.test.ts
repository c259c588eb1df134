/**
 * A fit on the wasm backend moves parameters, gradients, Adam's moments and the step's arrays
 * into one WebAssembly arena from its second step on (see src/train/resident-parameters.ts).
 * That must change no number, must really happen (or the speed it exists for is silently
 * lost), and must leave every parameter in its own array afterwards.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import { WasmArena, arenaOf } from '../../src/kernels/wasm/arena.js';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { VAE } from '../../src/models/neural/vae.js';
import { ARENA_ENV_VAR } from '../../src/train/resident-parameters.js';
import { tensorBytes, unitData } from './fixtures.js';

const X = unitData(96, 30, 4);
const config = { inputDim: 30, hiddenDims: [24], latentDim: 3, seed: 9 } as const;
const fitOptions = { epochs: 2, batchSize: 20, learningRate: 3e-3 } as const;

describe.skipIf(!isWasmAvailable())('parameters resident in a WebAssembly arena during fit', () => {
  const saved = getBackend();
  afterEach(() => {
    delete process.env[ARENA_ENV_VAR];
    setBackend(saved);
  });

  it('gives the same bytes as the copying path, parameters and optimizer state alike', async () => {
    setBackend('wasm');
    const withArena = new VAE(config);
    await withArena.fit(X, fitOptions);
    process.env[ARENA_ENV_VAR] = '0';
    const without = new VAE(config);
    await without.fit(X, fitOptions);
    expect(tensorBytes(withArena.toState())).toEqual(tensorBytes(without.toState()));
  });

  it('is in use from the second step (parameters and gradients in one arena)', async () => {
    setBackend('wasm');
    const vae = new VAE(config);
    const seen: boolean[] = [];
    await vae.fit(X, {
      ...fitOptions, epochs: 1,
      onBatchEnd: () => {
        const ps = [...vae.parameters().values()];
        const arena = arenaOf(ps[0].data);
        seen.push(arena !== undefined && ps.every((p) => arena.holds(p.data) && p.grad !== null && arena.holds(p.grad.data)));
      },
    });
    expect(seen).toEqual([false, true, true, true, true]);
  });

  it('hands each parameter its own array back, holding the trained values', async () => {
    setBackend('wasm');
    const vae = new VAE(config);
    const own = new Map([...vae.parameters()].map(([k, p]) => [k, p.data]));
    const initial = new Map([...own].map(([k, d]) => [k, d.slice()]));
    await vae.fit(X, fitOptions);
    for (const [k, p] of vae.parameters()) {
      expect(p.data).toBe(own.get(k));
      expect(arenaOf(p.data)).toBeUndefined();
      expect(p.data).not.toEqual(initial.get(k));
    }
  });

  it('hands parameters back when the fit is aborted mid-epoch', async () => {
    setBackend('wasm');
    const vae = new VAE(config);
    const own = new Map([...vae.parameters()].map(([k, p]) => [k, p.data]));
    const controller = new AbortController();
    let steps = 0;
    const run = vae.fit(X, { ...fitOptions, signal: controller.signal, onBatchEnd: () => { if (++steps === 3) controller.abort(); } });
    await expect(run).rejects.toThrow();
    for (const [k, p] of vae.parameters()) expect(p.data).toBe(own.get(k));
  });

  it('stays off with LATENT_TS_ARENA=0', async () => {
    setBackend('wasm');
    process.env[ARENA_ENV_VAR] = '0';
    const vae = new VAE(config);
    const resident: boolean[] = [];
    await vae.fit(X, { ...fitOptions, epochs: 1, onBatchEnd: () => { resident.push(arenaOf([...vae.parameters().values()][0].data) !== undefined); } });
    expect(resident.every((r) => !r)).toBe(true);
  });

  it('falls back to ordinary arrays when the arena cannot be had, trying once per fit', async () => {
    setBackend('wasm');
    const create = vi.spyOn(WasmArena, 'create').mockReturnValue(null);
    try {
      const refused = new VAE(config);
      await refused.fit(X, fitOptions);
      expect(create).toHaveBeenCalledTimes(1);
      create.mockRestore();
      const normal = new VAE(config);
      await normal.fit(X, fitOptions);
      expect(tensorBytes(refused.toState())).toEqual(tensorBytes(normal.toState()));
    } finally {
      create.mockRestore();
    }
  });
});
