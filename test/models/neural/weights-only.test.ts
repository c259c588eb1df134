import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { VAE } from '../../../src/models/neural/vae.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { unitData } from '../../train/fixtures.js';

// save(path, { trainingState: false }): weights, configuration and the model's own streams.
const X = unitData(64, 20, 8);
const Z = { data: X.data.subarray(0, 48), shape: [16, 3] };
const opts = { inputDim: 20, hiddenDims: [16], latentDim: 3, batchSize: 16, seed: 3 } as const;
const bytes = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
const dir = await mkdtemp(join(tmpdir(), 'latent-weights-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const weightBytes = (m: { parameters(): Map<string, Tensor> }) => [...m.parameters().values()].reduce((s, p) => s + p.data.byteLength, 0);

describe('VAE weights-only save', () => {
  it('is about the size of the weights (a full save also holds Adam\'s two moments)', async () => {
    const vae = new VAE(opts);
    await vae.fit(X, { epochs: 2 });
    await vae.save(join(dir, 'full.safetensors'));
    await vae.save(join(dir, 'weights.safetensors'), { trainingState: false });
    const full = (await stat(join(dir, 'full.safetensors'))).size;
    const weights = (await stat(join(dir, 'weights.safetensors'))).size;
    const w = weightBytes(vae);
    expect(full).toBeGreaterThan(3 * w);
    expect(weights).toBeLessThan(w + 4096); // weights plus a header holding the configuration
    expect(vae.toBytes({ trainingState: false }).length).toBe(weights);
  });

  it('loads back for inference bit-exactly: encode, decode, sample (evaluation stream included), elbo', async () => {
    const vae = new VAE(opts);
    await vae.fit(X, { epochs: 2 });
    vae.sample(3); // move the evaluation stream: it must be saved where it is
    await vae.save(join(dir, 'v.safetensors'), { trainingState: false });
    const loaded = await VAE.load(join(dir, 'v.safetensors'));
    expect(loaded.isFitted).toBe(true);
    expect(bytes(loaded.posterior(X).mean)).toEqual(bytes(vae.posterior(X).mean));
    expect(bytes(loaded.posterior(X).logVar)).toEqual(bytes(vae.posterior(X).logVar));
    expect(bytes(loaded.decode(Z))).toEqual(bytes(vae.decode(Z)));
    expect(bytes(loaded.sample(5))).toEqual(bytes(vae.sample(5)));
    expect(bytes(loaded.elbo(X, { seed: 1 }))).toEqual(bytes(vae.elbo(X, { seed: 1 })));
    expect(loaded.config).toEqual(vae.config);
  });

  it('has no training state: counters at 0, no history, and fit starts fresh from the saved weights', async () => {
    const vae = new VAE(opts);
    await vae.fit(X, { epochs: 2 });
    const loaded = VAE.fromBytes(vae.toBytes({ trainingState: false }));
    expect([loaded.epoch, loaded.step, loaded.history.length]).toEqual([0, 0, 0]);
    const fresh = new VAE(opts);
    fresh.loadStateDict(vae.stateDict());
    await loaded.fit(X, { epochs: 1 });
    await fresh.fit(X, { epochs: 1 });
    expect(loaded.history[0].epoch).toBe(1);
    for (const [k, p] of loaded.parameters()) expect(bytes(p), k).toEqual(bytes(fresh.parameters().get(k)!));
    // A full save instead resumes the run where it stopped.
    const resumed = VAE.fromBytes(vae.toBytes());
    expect([resumed.epoch, resumed.history.length]).toEqual([2, 2]);
  });

  it('an unfitted model saved weights-only loads unfitted; options are checked', async () => {
    expect(VAE.fromBytes(new VAE(opts).toBytes({ trainingState: false })).isFitted).toBe(false);
    const vae = new VAE(opts);
    await expect(vae.save(join(dir, 'x.safetensors'), { trainingstate: false } as never)).rejects.toThrow(/VAE\.save: unknown option 'trainingstate' \(known: trainingState\)/);
    expect(() => vae.toBytes({ trainingState: 'no' } as never)).toThrow(/VAE\.toState: trainingState must be true or false \(got string 'no'\)/);
  });
});

describe('Autoencoder weights-only save', () => {
  it('loads back for inference bit-exactly, and fit starts fresh', async () => {
    const ae = new Autoencoder({ ...opts, loss: 'bce' });
    await ae.fit(X, { epochs: 2 });
    await ae.save(join(dir, 'ae.safetensors'), { trainingState: false });
    const loaded = await Autoencoder.load(join(dir, 'ae.safetensors'));
    expect(bytes(loaded.encode(X))).toEqual(bytes(ae.encode(X)));
    expect(bytes(loaded.reconstruct(X))).toEqual(bytes(ae.reconstruct(X)));
    expect(ae.toBytes({ trainingState: false }).length).toBeLessThan(weightBytes(ae) + 4096);
    expect([loaded.epoch, loaded.step, loaded.history.length]).toEqual([0, 0, 0]);
    const fresh = new Autoencoder({ ...opts, loss: 'bce' });
    fresh.loadStateDict(ae.stateDict());
    await loaded.fit(X, { epochs: 1 });
    await fresh.fit(X, { epochs: 1 });
    for (const [k, p] of loaded.parameters()) expect(bytes(p), k).toEqual(bytes(fresh.parameters().get(k)!));
  });
});
