/**
 * TESTING §3.3 faults 1, 3, 6 and 8: the non-finite guard leaves everything as before the bad
 * step, bit-exact resume from a saved state (also mid-epoch), interleaved training equals
 * separate training, callbacks that throw, epochs: 0.
 */
import { describe, expect, it } from 'vitest';
import { NonFiniteError } from '../../src/errors.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { VAE } from '../../src/models/neural/vae.js';
import type { ModelState } from '../../src/io/model-state.js';
import { allFinite, paramBytes, tensorBytes, unitData } from './fixtures.js';

const X = unitData(64, 12, 7);
const vaeOptions = { inputDim: 12, hiddenDims: [8], latentDim: 3, batchSize: 16, learningRate: 5e-3, seed: 11 } as const;
const aeOptions = {
  inputDim: 12, hiddenDims: [8], latentDim: 3, batchSize: 16, learningRate: 5e-3, seed: 12,
  denoising: { type: 'masking', rate: 0.2 }, sparsity: 1e-3, loss: 'bce',
} as const;

describe('non-finite guard (fault 1)', () => {
  it('a loss that overflows stops training with NonFiniteError naming epoch, step and quantity; parameters and optimizer state are byte-identical to before the bad step', async () => {
    const bad = unitData(64, 12, 8);
    for (let j = 0; j < 12; j++) bad.data[37 * 12 + j] = 3e38; // (x − μ)² overflows to Infinity
    const vae = new VAE({ ...vaeOptions, likelihood: 'gaussian' });
    let snapshot: ModelState = vae.toState();
    let lastStep = 0;
    const err = await vae.fit(bad, { epochs: 3, onBatchEnd: (b) => { snapshot = vae.toState(); lastStep = b.step; } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err).toBeInstanceOf(RangeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^VAE\.fit: the loss is (Infinity|NaN) at epoch 1, step \d+ \(batch \d of 4\)/);
    expect(Number(/step (\d+)/.exec(msg)![1])).toBe(lastStep + 1);
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(snapshot));
    expect(vae.step).toBe(lastStep);
    expect(allFinite(vae.toState())).toBe(true);
  });

  it('a huge learning rate is caught before the update that would make parameters non-finite', async () => {
    const vae = new VAE({ ...vaeOptions, learningRate: 1e30, optimizer: 'sgd' });
    let snapshot = vae.toState();
    const err = await vae.fit(X, { epochs: 5, onBatchEnd: () => { snapshot = vae.toState(); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toMatch(/the (loss|gradient norm) is (NaN|-?Infinity) at epoch \d+, step \d+/);
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(snapshot));
  });

  it('after a failure, training resumes at the same batch with the same random draws', async () => {
    // Fail once at a known step by a callback-free injection: a NaN appears in the data, is
    // caught, then the data are repaired and training continues. The result must equal a run
    // that never failed and was stopped at the same place.
    const clean = unitData(64, 12, 9);
    const broken = { data: clean.data.slice(), shape: clean.shape };
    const a = new VAE({ ...vaeOptions, likelihood: 'gaussian', shuffle: false });
    for (let j = 0; j < 12; j++) broken.data[40 * 12 + j] = 3e38; // row 40: batch 3 of epoch 1 (no shuffle)
    await expect(a.fit(broken, { epochs: 2 })).rejects.toThrow(/epoch 1, step 3 \(batch 3 of 4\)/);
    expect(a.step).toBe(2);
    await a.fit(clean, { epochs: 2 });
    const b = new VAE({ ...vaeOptions, likelihood: 'gaussian', shuffle: false });
    await b.fit(clean, { epochs: 2 });
    expect(tensorBytes(a.toState())).toEqual(tensorBytes(b.toState()));
    expect(a.history.map((e) => e.loss)).toEqual(b.history.map((e) => e.loss));
  });
});

async function resumeCase(
  make: () => VAE | Autoencoder, restore: (json: string) => VAE | Autoencoder, perEpoch: number, midEpoch: boolean, fitOptions: Record<string, unknown>,
) {
  const stopAtStep = perEpoch + (midEpoch ? 2 : 0);
  const a = make();
  await a.fit(X, { epochs: 3, ...fitOptions });
  expect(a.step).toBe(3 * perEpoch);
  const b = make();
  await b.fit(X, { epochs: 3, ...fitOptions, onBatchEnd: (info: { step: number }) => info.step !== stopAtStep });
  expect(b.step).toBe(stopAtStep);
  expect(b.epoch).toBe(1);
  const c = restore(JSON.stringify(b.toJSON()));
  // An interrupted epoch is finished first and counts as one of the epochs asked for.
  await c.fit(X, { epochs: 2, ...fitOptions });
  expect(c.step).toBe(a.step);
  expect(c.epoch).toBe(3);
  expect(tensorBytes(c.toState())).toEqual(tensorBytes(a.toState()));
  expect(c.history.map((e) => [e.epoch, e.loss, e.valLoss])).toEqual(a.history.map((e) => [e.epoch, e.loss, e.valLoss]));
}

describe('bit-exact resume (fault 3)', () => {
  for (const mid of [false, true]) {
    const where = mid ? 'mid-epoch' : 'at an epoch boundary';
    it(`VAE (reparameterisation, shuffle, validation and warm-up streams) resumes ${where} through toJSON/fromJSON`, async () => {
      // validationSplit 0.25 leaves 48 training rows: 3 batches per epoch.
      await resumeCase(() => new VAE({ ...vaeOptions, klWarmup: 2 }), (j) => VAE.fromJSON(j), 3, mid, { validationSplit: 0.25 });
    });
    it(`Autoencoder (masking-noise stream, AdamW, clipping) resumes ${where}`, async () => {
      await resumeCase(() => new Autoencoder(aeOptions), (j) => Autoencoder.fromJSON(j), 4, mid, { optimizer: 'adamw', maxGradNorm: 0.5 });
    });
  }

  it('a restored model gives bitwise-identical outputs', async () => {
    const vae = new VAE(vaeOptions);
    await vae.fit(X, { epochs: 1 });
    const again = VAE.fromState(vae.toState());
    expect(Array.from(again.encode(X).data)).toEqual(Array.from(vae.encode(X).data));
    expect(Array.from(again.sample(5, { seed: 3 }).data)).toEqual(Array.from(vae.sample(5, { seed: 3 }).data));
    expect(Array.from(again.elbo(X).data)).toEqual(Array.from(vae.elbo(X).data)); // evaluation stream restored too
  });
});

describe('determinism and no global state (fault 6)', () => {
  it('same seed gives the same bytes; another seed differs; two models trained interleaved equal each trained alone', async () => {
    const alone = new VAE(vaeOptions);
    await alone.fit(X, { epochs: 2 });
    const aloneAe = new Autoencoder(aeOptions);
    await aloneAe.fit(X, { epochs: 2 });
    const a = new VAE(vaeOptions);
    const b = new Autoencoder(aeOptions);
    const c = new VAE(vaeOptions);
    const order: string[] = [];
    await Promise.all([
      a.fit(X, { epochs: 2, yieldEveryMs: 0, onBatchEnd: () => { order.push('a'); } }),
      b.fit(X, { epochs: 2, yieldEveryMs: 0, onBatchEnd: () => { order.push('b'); } }),
      c.fit(X, { epochs: 2, yieldEveryMs: 0, onBatchEnd: () => { order.push('c'); } }),
    ]);
    expect(order.slice(0, 6).join('')).toBe('abcabc'); // really interleaved, step by step
    expect(tensorBytes(a.toState())).toEqual(tensorBytes(alone.toState()));
    expect(tensorBytes(c.toState())).toEqual(tensorBytes(alone.toState()));
    expect(tensorBytes(b.toState())).toEqual(tensorBytes(aloneAe.toState()));
    expect(a.history.map((e) => e.loss)).toEqual(alone.history.map((e) => e.loss));
    const other = new VAE({ ...vaeOptions, seed: 12 });
    await other.fit(X, { epochs: 2 });
    expect(paramBytes(other.toState())).not.toEqual(paramBytes(alone.toState()));
  });
});

describe('callbacks, abort and epochs: 0 (fault 8)', () => {
  it('a second fit while one is running is refused, and the first is unaffected', async () => {
    const vae = new VAE(vaeOptions);
    const first = vae.fit(X, { epochs: 2, yieldEveryMs: 0 });
    await expect(vae.fit(X, { epochs: 1 })).rejects.toThrow(/already training/);
    await first;
    const ref = new VAE(vaeOptions);
    await ref.fit(X, { epochs: 2 });
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(ref.toState()));
  });

  it('epochs: 0 returns [] and leaves the model untouched', async () => {
    const vae = new VAE(vaeOptions);
    const before = JSON.stringify(vae.toJSON());
    expect(await vae.fit(X, { epochs: 0 })).toEqual([]);
    expect(JSON.stringify(vae.toJSON())).toBe(before);
    expect(vae.isFitted).toBe(false);
  });

  it('a throwing onBatchEnd rejects fit and leaves the model consistent after the last finished step', async () => {
    const vae = new VAE(vaeOptions);
    let snapshot: ModelState | null = null;
    const boom = new Error('callback failed');
    await expect(vae.fit(X, { epochs: 3, onBatchEnd: (b) => { snapshot = vae.toState(); if (b.step === 6) throw boom; } })).rejects.toBe(boom);
    expect(vae.step).toBe(6);
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(snapshot!));
    for (const p of vae.parameters().values()) expect(p.grad).toBeNull(); // no stale gradient buffers
    // Continuing gives exactly the uninterrupted run.
    await vae.fit(X, { epochs: 2 });
    const ref = new VAE(vaeOptions);
    await ref.fit(X, { epochs: 3 });
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(ref.toState()));
  });

  it('a throwing onEpochEnd rejects after the epoch was recorded; returning false stops cleanly', async () => {
    const vae = new VAE(vaeOptions);
    await expect(vae.fit(X, { epochs: 3, onEpochEnd: (e) => { if (e.epoch === 2) throw new Error('stop here'); } })).rejects.toThrow('stop here');
    expect(vae.epoch).toBe(2);
    expect(vae.history).toHaveLength(2);
    const ae = new Autoencoder(aeOptions);
    const h = await ae.fit(X, { epochs: 5, onEpochEnd: (e) => e.epoch < 2 });
    expect(h).toHaveLength(2);
    expect(ae.epoch).toBe(2);
  });

  it('an AbortSignal stops between steps with its reason; the model stays consistent', async () => {
    const vae = new VAE(vaeOptions);
    const controller = new AbortController();
    let snapshot: ModelState | null = null;
    const reason = new Error('user abort');
    const p = vae.fit(X, { epochs: 10, onBatchEnd: (b) => { snapshot = vae.toState(); if (b.step === 5) controller.abort(reason); }, signal: controller.signal });
    await expect(p).rejects.toBe(reason);
    expect(vae.step).toBe(5);
    expect(tensorBytes(vae.toState())).toEqual(tensorBytes(snapshot!));
    // fit yields to the event loop, so a timer can abort it.
    const timed = new VAE(vaeOptions);
    await expect(timed.fit(X, { epochs: 100_000, signal: AbortSignal.timeout(30) })).rejects.toThrow(/timeout|aborted/i);
    expect(timed.step).toBeGreaterThan(0);
    const already = new AbortController();
    already.abort();
    await expect(new VAE(vaeOptions).fit(X, { signal: already.signal })).rejects.toThrow();
  });

  it('early stopping with patience ends with the best parameters', async () => {
    const vae = new VAE({ ...vaeOptions, learningRate: 0.05 });
    const seen: { epoch: number; valLoss: number; params: Record<string, number[]> }[] = [];
    const history = await vae.fit(X, {
      epochs: 40, validationSplit: 0.25, patience: 2,
      onEpochEnd: (e) => { seen.push({ epoch: e.epoch, valLoss: e.valLoss!, params: paramBytes(vae.toState()) }); },
    });
    expect(history.length).toBeLessThan(40);
    const best = seen.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(history.length - best.epoch).toBe(2);
    expect(paramBytes(vae.toState())).toEqual(best.params);
  });
});
