import { afterEach, describe, expect, it, vi } from 'vitest';
import { NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { VAE } from '../../../src/models/neural/vae.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertAllclose } from '../../helpers/allclose.js';
import { unitData } from '../../train/fixtures.js';

const X = unitData(96, 16, 5);
const opts = { inputDim: 16, hiddenDims: [12], latentDim: 3, batchSize: 32, learningRate: 1e-2, seed: 2 } as const;

async function trained(extra: Record<string, unknown> = {}, epochs = 5): Promise<VAE> {
  const vae = new VAE({ ...opts, ...extra } as never);
  await vae.fit(X, { epochs });
  return vae;
}

const mean = (a: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s / a.length; };

describe('VAE.fit', () => {
  it('returns per-epoch reconstruction and KL in nats per sample, train and validation, and learns', async () => {
    const vae = new VAE(opts);
    const h = await vae.fit(X, { epochs: 12, validationSplit: 0.25 });
    expect(h).toHaveLength(12);
    expect(vae.history).toEqual(h);
    for (const e of h) {
      expect(Object.keys(e).sort()).toEqual(['epoch', 'kl', 'klWeight', 'loss', 'reconstruction', 'samplesPerSecond', 'seconds', 'valKl', 'valLoss', 'valReconstruction']);
      expect(e.loss).toBeCloseTo(e.reconstruction + e.kl, 4); // the loss scalar is float32
      expect(e.valLoss!).toBeCloseTo(e.valReconstruction! + e.valKl!, 4);
      expect(e.kl).toBeGreaterThanOrEqual(0);
    }
    expect(h[11].loss).toBeLessThan(h[0].loss);
    expect(h[11].valLoss!).toBeLessThan(h[0].valLoss!);
    expect(vae.epoch).toBe(12);
    expect(vae.step).toBe(12 * 3);
  });

  it('β weights the KL and klWarmup ramps the weight from 0 to β step by step', async () => {
    const vae = new VAE({ ...opts, beta: 0.5, klWarmup: 2 });
    const weights: number[] = [];
    const h = await vae.fit(X, { epochs: 4, onBatchEnd: (b) => { weights.push(b.loss - b.parts.reconstruction); } });
    expect(h.map((e) => e.klWeight)).toEqual([0.25, 0.5, 0.5, 0.5]);
    // Step s (0-based) uses 0.5·min(1, (s + 1)/6).
    const parts = await (async () => {
      const v = new VAE({ ...opts, beta: 0.5, klWarmup: 2 });
      const out: { w: number; kl: number; loss: number; rec: number }[] = [];
      await v.fit(X, { epochs: 3, onBatchEnd: (b) => { out.push({ w: 0.5 * Math.min(1, b.step / 6), kl: b.parts.kl, loss: b.loss, rec: b.parts.reconstruction }); } });
      return out;
    })();
    for (const p of parts) expect(p.loss).toBeCloseTo(p.rec + p.w * p.kl, 4);
    expect(weights).toHaveLength(12);
  });

  it('trains a Gaussian decoder with a learned per-feature variance, in float64', async () => {
    const vae = new VAE({ ...opts, likelihood: 'gaussian', decoderVariance: 'learned', dtype: 'float64' });
    const before = Array.from(vae.parameters().get('decoderLogVar')!.data);
    const h = await vae.fit(X, { epochs: 10 });
    expect(h[9].loss).toBeLessThan(h[0].loss);
    expect(Array.from(vae.parameters().get('decoderLogVar')!.data)).not.toEqual(before);
    expect(vae.encode(X).dtype).toBe('float64');
    expect(vae.elbo(X, { seed: 1 }).dtype).toBe('float64');
  });

  it('accepts a single sample as a batch of one', async () => {
    const vae = new VAE(opts);
    const h = await vae.fit({ data: X.data.subarray(0, 16), shape: [1, 16] }, { epochs: 2 });
    expect(h).toHaveLength(2);
  });
});

describe('VAE inference', () => {
  it('encode → { mean, logVar }, decode → probabilities, reconstruct = decode(mean); no graphs', async () => {
    const vae = await trained();
    const { mean: mu, logVar } = vae.posterior(X);
    expect(mu.shape).toEqual([96, 3]);
    expect(logVar.shape).toEqual([96, 3]);
    expect(mu.dtype).toBe('float32');
    expect(mu.requiresGrad || logVar.requiresGrad).toBe(false);
    const xr = vae.reconstruct(X);
    expect(xr.shape).toEqual([96, 16]);
    expect(xr.data.every((v) => v > 0 && v < 1)).toBe(true);
    expect(Array.from(vae.decode(mu).data)).toEqual(Array.from(xr.data));
    for (const p of vae.parameters().values()) expect(p.grad).toBeNull();
  });

  it('sample is reproducible with a seed and advances the evaluation stream without one', async () => {
    const vae = await trained();
    const a = vae.sample(5, { seed: 7 });
    expect(a.shape).toEqual([5, 16]);
    expect(Array.from(vae.sample(5, { seed: 7 }).data)).toEqual(Array.from(a.data));
    expect(Array.from(vae.sample(5).data)).not.toEqual(Array.from(vae.sample(5).data));
    expect(() => vae.sample(0)).toThrow(RangeError);
  });

  it('interpolate decodes a straight line between the posterior means (or codes)', async () => {
    const vae = await trained();
    const a = Array.from(X.data.subarray(0, 16));
    const b = Array.from(X.data.subarray(16, 32));
    const path = vae.interpolate(a, b, 5);
    expect(path.shape).toEqual([5, 16]);
    const ends = vae.reconstruct([a, b]);
    assertAllclose(path.data.subarray(0, 16), ends.data.subarray(0, 16), { rtol: 1e-5, atol: 1e-6 });
    assertAllclose(path.data.subarray(64, 80), ends.data.subarray(16, 32), { rtol: 1e-5, atol: 1e-6 });
    const codes = vae.interpolate([0, 0, 0], [2, -2, 1], 3, { latent: true });
    assertAllclose(codes.data.subarray(16, 32), vae.decode([[1, -1, 0.5]]).data, { rtol: 1e-5, atol: 1e-6 });
    expect(() => vae.interpolate(a, b, 1)).toThrow(RangeError);
    expect(() => vae.interpolate([1, 2], b, 3)).toThrow(ShapeError);
  });

  it('elbo per row is a lower bound that the importance-weighted estimate tightens', async () => {
    const vae = await trained({}, 15);
    const elbo = vae.elbo(X, { samples: 20, seed: 1 });
    expect(elbo.shape).toEqual([96]);
    const ll1 = vae.scoreSamples(X, { samples: 1, seed: 2 });
    const ll200 = vae.scoreSamples(X, { samples: 200, seed: 3 });
    expect(ll200.shape).toEqual([96]);
    // K = 1 is an unbiased estimate of the ELBO (with the KL sampled): close on average.
    expect(Math.abs(mean(ll1.data) - mean(elbo.data))).toBeLessThan(0.1 * Math.abs(mean(elbo.data)));
    expect(mean(ll200.data)).toBeGreaterThan(mean(elbo.data));
    expect(Array.from(vae.elbo(X, { seed: 4 }).data)).toEqual(Array.from(vae.elbo(X, { seed: 4 }).data));
    expect(() => vae.scoreSamples(X, { samples: 0 })).toThrow(RangeError);
    // Minus the ELBO is the objective without the β weight: the two agree on average.
    const obj = vae.objective(X, { seed: 5 });
    expect(Math.abs(obj.loss.item() + mean(vae.elbo(X, { samples: 50, seed: 6 }).data))).toBeLessThan(0.05 * Math.abs(obj.loss.item()));
  });

  it('bad input: NotFittedError, NonFiniteError, ShapeError', async () => {
    const vae = new VAE(opts);
    for (const f of [() => vae.encode(X), () => vae.decode([[0, 0, 0]]), () => vae.sample(2), () => vae.elbo(X), () => vae.scoreSamples(X), () => vae.reconstruct(X)]) {
      expect(f).toThrow(NotFittedError);
    }
    const bad = { data: X.data.slice(), shape: X.shape };
    bad.data[17] = Infinity;
    await expect(vae.fit(bad)).rejects.toThrow(/VAE\.fit: X contains Infinity at \[row 1, col 1\]/);
    await vae.fit(X, { epochs: 1 });
    expect(() => vae.encode(bad)).toThrow(NonFiniteError);
    expect(() => vae.encode({ data: new Float32Array(10), shape: [2, 5] })).toThrow(/X has 5 features, but VAE was built with inputDim 16/);
    expect(() => vae.decode([[1, 2]])).toThrow(ShapeError);
    await expect(vae.fit(X, { validationData: [[1, 2]] })).rejects.toThrow(/validationData has 2 features/);
    expect(() => vae.objective(X, { eps: Tensor.zeros([3, 3]) })).toThrow(RangeError);
  });
});

describe('verbose progress', () => {
  afterEach(() => { vi.restoreAllMocks(); });
  it('writes one summary line per epoch to stderr', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => { lines.push(String(s)); return true; }) as never);
    const vae = new VAE(opts);
    await vae.fit(X, { epochs: 2, verbose: true, validationSplit: 0.25 });
    const summaries = lines.filter((l) => l.includes('epoch'));
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.at(-1)).toMatch(/VAE\.fit epoch 2\/2 {2}loss \d+\.\d+ nats\/sample {2}val \d+\.\d+ .* samples\/s {2}elapsed \d+\.\d s {2}ETA 0\.0 s\n$/);
    expect(summaries[0]).toMatch(/VAE\.fit epoch 1\/2 .* ETA \d+\.\d s\n$/);
  });
});
