/**
 * CategoricalVAE (issue 17): fit with its temperature schedule, validation, early stopping,
 * the NaN guard, abort and bit-exact resume; encode's probabilities and arg-max codes, decode
 * of one-hot and integer codes, sampling, the ELBO and the importance-weighted estimate;
 * save/load; bad options and inputs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { CategoricalVAE } from '../../../src/models/neural/categorical-vae.js';
import { temperatureAt } from '../../../src/models/neural/categorical-vae-config.js';
import type { ModelState } from '../../../src/io/model-state.js';
import { tensorBytes, unitData } from '../../train/fixtures.js';

const X = unitData(64, 12, 7);
const opts = { inputDim: 12, hiddenDims: [10], nVariables: 3, nCategories: 4, batchSize: 16, learningRate: 5e-3, seed: 5 } as const;
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

async function trained(extra: Record<string, unknown> = {}, epochs = 4): Promise<CategoricalVAE> {
  const m = new CategoricalVAE({ ...opts, ...extra } as never);
  await m.fit(X, { epochs });
  return m;
}

describe('CategoricalVAE.fit', () => {
  it('reports reconstruction, KL and the annealed temperature per epoch, with validation, and learns', async () => {
    const m = new CategoricalVAE({ ...opts, annealRate: 0.05, minTemperature: 0.3 });
    const taus: number[] = [];
    const h = await m.fit(X, { epochs: 12, validationSplit: 0.25, onBatchEnd: () => { taus.push(m.temperature); } });
    expect(h).toHaveLength(12);
    for (const e of h) {
      expect(e.loss).toBeCloseTo(e.reconstruction + e.kl, 4);
      expect(e.kl).toBeGreaterThanOrEqual(0);
      expect(e.kl).toBeLessThanOrEqual(3 * Math.log(4) + 1e-5);
      expect(e.valLoss).toBeCloseTo(e.valReconstruction! + e.valKl!, 4);
    }
    expect(h.at(-1)!.loss).toBeLessThan(h[0].loss);
    // τ after step s is the schedule at s + 1; each epoch records its last step's τ (3 batches per epoch).
    taus.forEach((t, s) => expect(t).toBe(Math.max(0.3, Math.exp(-0.05 * (s + 1)))));
    h.forEach((e, i) => expect(e.temperature).toBe(temperatureAt(m.config, 3 * (i + 1) - 1)));
    expect(h.at(-1)!.temperature).toBe(0.3);
  });

  it('hard (straight-through) trains too, and beta weights the KL', async () => {
    const m = new CategoricalVAE({ ...opts, hard: true, beta: 0.5, dtype: 'float64' });
    const h = await m.fit(X, { epochs: 6 });
    for (const e of h) expect(e.loss).toBeCloseTo(e.reconstruction + 0.5 * e.kl, 10);
    expect(h.at(-1)!.loss).toBeLessThan(h[0].loss);
  });

  it('stops early on a flat validation loss and restores the best weights', async () => {
    const m = new CategoricalVAE({ ...opts, learningRate: 1e-6, annealRate: 0 });
    const h = await m.fit(X, { epochs: 50, validationSplit: 0.25, patience: 2, minDelta: 10, restoreBest: true });
    expect(h.length).toBe(3);
  });

  it('the NaN guard leaves every byte as before the bad step', async () => {
    const m = new CategoricalVAE({ ...opts, learningRate: 1e30, optimizer: 'sgd' });
    let snapshot: ModelState = m.toState();
    const err = await m.fit(X, { epochs: 5, onBatchEnd: () => { snapshot = m.toState(); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toMatch(/^CategoricalVAE\.fit: the (loss|gradient norm) is/);
    expect(tensorBytes(m.toState())).toEqual(tensorBytes(snapshot));
  });

  it('an AbortSignal stops between steps with its reason', async () => {
    const m = new CategoricalVAE(opts);
    const controller = new AbortController();
    const reason = new Error('stop now');
    await expect(m.fit(X, { epochs: 10, signal: controller.signal, onBatchEnd: (b) => { if (b.step === 5) controller.abort(reason); } })).rejects.toBe(reason);
    expect(m.step).toBe(5);
  });

  for (const mid of [false, true]) {
    it(`resumes bit-exactly ${mid ? 'mid-epoch' : 'at an epoch boundary'} through toJSON/fromJSON (Gumbel, shuffle, validation streams; τ schedule)`, async () => {
      const make = () => new CategoricalVAE({ ...opts, annealRate: 0.02, hard: mid });
      const fitOptions = { validationSplit: 0.25 };
      const a = make();
      await a.fit(X, { epochs: 3, ...fitOptions });
      const stopAt = 3 + (mid ? 2 : 0);
      const b = make();
      await b.fit(X, { epochs: 3, ...fitOptions, onBatchEnd: (info) => info.step !== stopAt });
      expect(b.step).toBe(stopAt);
      const c = CategoricalVAE.fromJSON(JSON.stringify(b.toJSON()));
      await c.fit(X, { epochs: 2, ...fitOptions });
      expect(c.step).toBe(a.step);
      expect(tensorBytes(c.toState())).toEqual(tensorBytes(a.toState()));
      expect(c.history.map((e) => [e.epoch, e.loss, e.valLoss, e.temperature])).toEqual(a.history.map((e) => [e.epoch, e.loss, e.valLoss, e.temperature]));
    });
  }
});

describe('CategoricalVAE inference', () => {
  it('encode gives probabilities per variable and their arg-max codes; decode and reconstruct', async () => {
    const m = await trained();
    const q = m.encode(X);
    expect(q.shape).toEqual([64, 12]);
    expect(q.codes).toBeInstanceOf(Int32Array);
    expect(q.codes.length).toBe(64 * 3);
    expect(q.requiresGrad).toBe(false);
    for (let g = 0; g < 64 * 3; g++) {
      const p = Array.from(q.data.subarray(4 * g, 4 * g + 4));
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(q.codes[g]).toBe(p.indexOf(Math.max(...p)));
    }
    const oneHot = new Float32Array(64 * 12);
    for (let g = 0; g < 64 * 3; g++) oneHot[4 * g + q.codes[g]] = 1;
    const viaOneHot = m.decode({ data: oneHot, shape: [64, 12] });
    expect(viaOneHot.shape).toEqual([64, 12]);
    expect(Array.from(m.decodeCodes(q.codes).data)).toEqual(Array.from(viaOneHot.data));
    expect(Array.from(m.reconstruct(X).data)).toEqual(Array.from(m.decode(q).data));
    expect(Array.from(m.reconstruct(X).data)).not.toEqual(Array.from(viaOneHot.data));
    const rows = Array.from({ length: 64 }, (_, i) => Array.from(q.codes.subarray(3 * i, 3 * i + 3)));
    expect(Array.from(m.decodeCodes(rows).data)).toEqual(Array.from(viaOneHot.data));
    for (const v of viaOneHot.data) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('sample decodes uniform codes, reproducibly with a seed', async () => {
    const m = await trained();
    const a = m.sample(7, { seed: 3 });
    expect(a.shape).toEqual([7, 12]);
    expect(Array.from(m.sample(7, { seed: 3 }).data)).toEqual(Array.from(a.data));
    expect(Array.from(m.sample(7).data)).not.toEqual(Array.from(m.sample(7).data));
  });

  it('elbo is a lower bound that the importance-weighted estimate tightens; the KL is exact', async () => {
    const m = await trained({ dtype: 'float64' }, 8);
    const elbo = mean(m.elbo(X, { samples: 200, seed: 1 }).data);
    const iw1 = mean(m.scoreSamples(X, { samples: 1, seed: 1 }).data);
    const iw100 = mean(m.scoreSamples(X, { samples: 100, seed: 2 }).data);
    expect(Math.abs(iw1 - elbo)).toBeLessThan(2);
    expect(iw100).toBeGreaterThan(elbo);
    // One row by enumeration of all K^N = 64 codes: ln p(x) = logsumexp_z [ln p(x|z) − N ln K].
    const row = { data: X.data.subarray(0, 12), shape: [1, 12] };
    const logPx: number[] = [];
    for (let c = 0; c < 64; c++) {
      const p = m.decodeCodes(new Int32Array([c & 3, (c >> 2) & 3, (c >> 4) & 3])).data;
      let s = 0;
      for (let j = 0; j < 12; j++) s += X.data[j] * Math.log(p[j]) + (1 - X.data[j]) * Math.log(1 - p[j]);
      logPx.push(s - 3 * Math.log(4));
    }
    const mx = Math.max(...logPx);
    const exact = mx + Math.log(logPx.reduce((a, v) => a + Math.exp(v - mx), 0));
    const iw = m.scoreSamples(row, { samples: 20000, seed: 4 }).data[0];
    expect(Math.abs(iw - exact)).toBeLessThan(0.05);
    expect(m.elbo(row, { samples: 2000, seed: 5 }).data[0]).toBeLessThan(exact);
  });

  it('objective with given noise is deterministic and equals the training terms', async () => {
    const m = await trained({ dtype: 'float64' });
    const noise = { data: new Float64Array(64 * 12).map((_, i) => Math.sin(i)), shape: [64, 12] };
    const a = m.objective(X, { noise, temperature: 0.7 });
    const b = m.objective(X, { noise, temperature: 0.7 });
    expect(a.loss.item()).toBe(b.loss.item());
    expect(a.loss.item()).toBeCloseTo(a.reconstruction.item() + a.kl.item(), 10);
    a.loss.backward();
    expect([...m.parameters().values()].every((p) => p.grad !== null)).toBe(true);
  });
});

describe('CategoricalVAE saved forms', () => {
  it('toBytes/fromBytes, toJSON/fromJSON and save/load are bit-exact', async () => {
    const m = await trained({ hard: true });
    const dir = mkdtempSync(join(tmpdir(), 'cvae-'));
    try {
      const path = join(dir, 'm.safetensors');
      await m.save(path);
      for (const again of [CategoricalVAE.fromBytes(m.toBytes()), CategoricalVAE.fromJSON(m.toJSON()), await CategoricalVAE.load(path)]) {
        expect(again.type).toBe('CategoricalVAE');
        expect(again.config).toEqual(m.config);
        expect(tensorBytes(again.toState())).toEqual(tensorBytes(m.toState()));
        expect(Array.from(again.encode(X).codes)).toEqual(Array.from(m.encode(X).codes));
        expect(Array.from(again.sample(3, { seed: 1 }).data)).toEqual(Array.from(m.sample(3, { seed: 1 }).data));
        expect(Array.from(again.elbo(X).data)).toEqual(Array.from(CategoricalVAE.fromBytes(m.toBytes()).elbo(X).data));
      }
      const weights = CategoricalVAE.fromBytes(m.toBytes({ trainingState: false }));
      expect(Array.from(weights.encode(X).data)).toEqual(Array.from(m.encode(X).data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects foreign state', async () => {
    const m = await trained({}, 1);
    const state = m.toState();
    expect(() => CategoricalVAE.fromState({ ...state, type: 'VAE' })).toThrow(FormatError);
    expect(() => CategoricalVAE.fromState({ ...state, config: { ...state.config, nCategories: 1 } })).toThrow(/saved configuration is invalid .*nCategories must be an integer >= 2/);
  });
});

describe('CategoricalVAE bad options and inputs', () => {
  it('names the option', () => {
    const make = (o: Record<string, unknown>) => () => new CategoricalVAE({ ...opts, ...o } as never);
    expect(make({ nCategories: 1 })).toThrow(/CategoricalVAE: nCategories must be an integer >= 2 \(got 1\)/);
    expect(make({ nVariables: 0 })).toThrow(/nVariables must be an integer >= 1/);
    expect(make({ temperature: 0 })).toThrow(/temperature must be/);
    expect(make({ temperature: 1, minTemperature: 2 })).toThrow(/minTemperature \(2\) must not exceed temperature \(1\)/);
    expect(make({ annealRate: -1 })).toThrow(/annealRate must be/);
    expect(make({ hard: 'yes' })).toThrow(/hard must be a boolean/);
    expect(make({ nCategory: 3 })).toThrow(/unknown option 'nCategory'; did you mean 'nCategories'/);
    expect(make({ latentDim: 3 })).toThrow(/unknown option 'latentDim'/);
  });

  it('names the input', async () => {
    const m = new CategoricalVAE(opts);
    expect(() => m.encode(X)).toThrow(NotFittedError);
    await expect(m.fit({ data: X.data.map((v) => v * 2), shape: X.shape })).rejects.toThrow(/likelihood 'bernoulli' needs X in \[0, 1\].*CategoricalVAE has only this decoder/);
    await m.fit(X, { epochs: 1 });
    expect(() => m.encode([[1, 2]])).toThrow(ShapeError);
    expect(() => m.decode([[1, 0, 0, 0]])).toThrow(/Z has 4 columns, but CategoricalVAE was built with latentDim 12/);
    expect(() => m.decodeCodes(new Int32Array([0, 1]))).toThrow(/whole codes of nVariables = 3 symbols \(got 2 symbols/);
    expect(() => m.decodeCodes(new Int32Array([0, 1, 4]))).toThrow(/symbol 2 of code 0 is 4, outside \[0, 3\]/);
    expect(() => m.decodeCodes([[0, 1]])).toThrow(/codes\[0\] must be an array of 3 symbols/);
    expect(() => m.decodeCodes([[0, 1, 0.5]])).toThrow(/codes\[0\]\[2\] must be an integer/);
    expect(() => m.sample(0)).toThrow(/n must be an integer >= 1/);
    expect(() => m.objective(X, { noise: [[0]] })).toThrow(/noise has 1 columns/);
    expect(() => m.objective(X, { temperature: -1 })).toThrow(/temperature must be/);
    await expect(m.fit(X, { epoch: 1 } as never)).rejects.toThrow(/unknown option 'epoch'/);
  });
});
