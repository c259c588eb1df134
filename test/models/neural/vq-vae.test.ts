/**
 * VQVAE: its codes are the brute-force nearest codes of its encoder outputs; decode reads the
 * codebook; fit, validation, early stopping, the NaN guard and abort behave as for the other
 * neural models; save/load and resume (after a whole or an interrupted epoch, EMA averages
 * included) are bit-exact; bad options and bad codes are clear errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { nearestCodesReference } from '../../../src/kernels/nearest-code.js';
import { VQVAE } from '../../../src/models/neural/vq-vae.js';
import type { VQVAEOptions } from '../../../src/models/neural/vq-vae-config.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assignmentStats, emaState, emaUpdate } from '../../../src/models/neural/vq-codebook.js';
import { tensorBytes, unitData } from '../../train/fixtures.js';
import type { ModelState } from '../../../src/io/model-state.js';

/** What a resumed fit must reproduce: every tensor's bytes and the trainer's counters and streams (not the timings). */
const trained = (s: ModelState) => ({ tensors: tensorBytes(s), trainer: s.config.trainer });

const X = unitData(60, 10, 3);
const base = { inputDim: 10, hiddenDims: [8], nLatents: 3, nCodes: 5, codeDim: 2, loss: 'bce', batchSize: 16, learningRate: 1e-2, seed: 4 } as const;
const dir = mkdtempSync(join(tmpdir(), 'vqvae-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('VQVAE options', () => {
  it('bad options are clear errors naming the option and the value', () => {
    const bad: [Partial<VQVAEOptions>, RegExp][] = [
      [{ nCodes: 1 }, /VQVAE: nCodes must be an integer >= 2 \(got 1\)/],
      [{ nLatents: 0 }, /VQVAE: nLatents must be an integer >= 1 \(got 0\)/],
      [{ codeDim: 1.5 }, /VQVAE: codeDim must be an integer/],
      [{ decay: 1 }, /VQVAE: decay must be a finite number.*\(got 1\)/],
      [{ epsilon: 0 }, /VQVAE: epsilon must be a finite number/],
      [{ commitment: -1 }, /VQVAE: commitment must be a finite number >= 0/],
      [{ codebookUpdate: 'kmeans' as never }, /VQVAE: codebookUpdate must be one of 'loss', 'ema'/],
      [{ codebookInit: 'zeros' as never }, /VQVAE: codebookInit must be one of 'encoder', 'uniform'/],
    ];
    for (const [o, re] of bad) expect(() => new VQVAE({ ...base, ...o })).toThrow(re);
    expect(() => new VQVAE({ ...base, nCode: 4 } as never)).toThrow(/unknown option 'nCode'; did you mean 'nCodes'/);
    expect(() => new VQVAE({ inputDim: 4, nCodes: 4 } as never)).toThrow(/nLatents must be an integer/);
  });
});

describe('VQVAE', () => {
  for (const codebookUpdate of ['loss', 'ema'] as const) {
    it(`fits (${codebookUpdate}) and its codes are the brute-force nearest codes of the encoder outputs`, async () => {
      const vq = new VQVAE({ ...base, codebookUpdate });
      expect(vq.isFitted).toBe(false);
      expect(() => vq.encode(X)).toThrow(NotFittedError);
      const before = vq.codebook.data.slice();
      const history = await vq.fit(X, { epochs: 3 });
      expect(history.map((e) => e.epoch)).toEqual([1, 2, 3]);
      for (const e of history) {
        for (const v of [e.loss, e.reconstruction, e.codebook, e.commitment, e.perplexity]) expect(Number.isFinite(v)).toBe(true);
        expect(e.commitment).toBeCloseTo(0.25 * e.codebook, 0);
        expect(e.perplexity).toBeGreaterThanOrEqual(1);
        expect(e.perplexity).toBeLessThanOrEqual(5);
      }
      expect(Array.from(vq.codebook.data)).not.toEqual(Array.from(before));
      const codes = vq.encode(X);
      expect(codes.shape).toEqual([60, 3]);
      expect(codes.data).toBeInstanceOf(Int32Array);
      const ze = vq.encodeContinuous(X);
      expect(ze.shape).toEqual([60, 6]);
      expect(Array.from(codes.data)).toEqual(Array.from(nearestCodesReference(ze.data, 180, vq.codebook.data, 5, 2)));
      // decode reads the codebook rows: the decoder at the concatenated code vectors.
      const zq = new Float32Array(180 * 2);
      codes.data.forEach((c, i) => zq.set(vq.codebook.data.subarray(c * 2, c * 2 + 2), i * 2));
      const logits = vq.decoder.forward(new Tensor(zq, [60, 6]), { grad: false });
      const probs = vq.decode(codes);
      probs.data.forEach((p, i) => expect(p).toBeCloseTo(1 / (1 + Math.exp(-logits.data[i])), 6));
      expect(Array.from(vq.reconstruct(X).data)).toEqual(Array.from(probs.data));
      expect(Array.from(vq.decode(Array.from({ length: 60 }, (_, i) => Array.from(codes.data.subarray(i * 3, i * 3 + 3)))).data)).toEqual(Array.from(probs.data));
      const usage = vq.codeUsage(X);
      expect(usage.counts.reduce((a, b) => a + b, 0)).toBe(180);
    });
  }

  it("codebookInit 'encoder' starts the codebook from the first batch's encoder outputs; 'uniform' keeps U(−1/K, 1/K)", async () => {
    const uniform = new VQVAE({ ...base, codebookInit: 'uniform', learningRate: 1e-12 });
    expect(uniform.codebook.data.every((v) => Math.abs(v) <= 1 / 5)).toBe(true);
    const enc = new VQVAE({ ...base, codebookUpdate: 'loss', learningRate: 1e-12, shuffle: false });
    const first = enc.encoder.forward(new Tensor(X.data.subarray(0, 16 * 10), [16, 10]), { grad: false }).data;
    await enc.fit(X, { epochs: 1, batchSize: 16 });
    // With a step size of 1e-12 every code is (to float32) one of the first batch's 48 latent rows.
    const rows = Array.from({ length: 48 }, (_, i) => `${first[2 * i]},${first[2 * i + 1]}`);
    for (let k = 0; k < 5; k++) expect(rows).toContain(`${enc.codebook.data[2 * k]},${enc.codebook.data[2 * k + 1]}`);
  });

  it("with 'ema' one step moves the codebook by the EMA update of that batch's encoder outputs and codes", async () => {
    const vq = new VQVAE({ ...base, codebookUpdate: 'ema', codebookInit: 'uniform', shuffle: false, batchSize: 60, decay: 0.9, epsilon: 1e-3 });
    const x = new Tensor(X.data, X.shape);
    const ze = vq.encoder.forward(x, { grad: false }).data;
    const book = vq.codebook.data;
    const codes = nearestCodesReference(ze, 180, book, 5, 2);
    const expected = book.slice();
    emaUpdate(emaState(5, 2), assignmentStats(ze, codes, 5, 2), expected, 0.9, 1e-3);
    await vq.fit(X, { epochs: 1 });
    expect(Array.from(vq.codebook.data)).toEqual(Array.from(expected));
  });

  it('validation, early stopping, abort and the NaN guard (nothing changes, EMA included)', async () => {
    const vq = new VQVAE(base);
    const h = await vq.fit(X, { epochs: 4, validationSplit: 0.25, patience: 1, minDelta: 1e6 });
    expect(h.length).toBe(2);
    expect(Number.isFinite(h[0].valLoss!)).toBe(true);
    expect(Number.isFinite(h[0].valReconstruction!)).toBe(true);
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(vq.fit(X, { epochs: 1, signal: controller.signal })).rejects.toThrow('stop now');
    const w = vq.parameters().get('encoder.layers.0.weight')!;
    const broken = w.data.slice();
    broken[0] = NaN;
    vq.setParameter('encoder.layers.0.weight', new Tensor(broken, w.shape));
    const state = vq.toBytes();
    await expect(vq.fit(X, { epochs: 1 })).rejects.toThrow(NonFiniteError);
    expect(vq.toBytes()).toEqual(state);
    expect(() => vq.encode(X)).toThrow(/VQVAE\.encode: the encoder output of row 0 is not finite/);
  });

  it("'bce' needs data in [0, 1]; decode checks its codes", async () => {
    const vq = new VQVAE(base);
    await expect(vq.fit([[2, 0, 0, 0, 0, 0, 0, 0, 0, 0]])).rejects.toThrow(/loss 'bce' needs X in \[0, 1\].*use loss: 'mse'/);
    await vq.fit(X, { epochs: 1 });
    expect(() => vq.decode([[0, 1]])).toThrow(ShapeError);
    expect(() => vq.decode([[0, 1]])).toThrow(/VQVAE\.decode: codes has 2 columns, but VQVAE was built with nLatents 3/);
    expect(() => vq.decode([[0, 5, 1]])).toThrow(/VQVAE\.decode: codes\[0\]\[1\] must be an integer code index in 0\.\.4 \(got 5\)/);
    expect(() => vq.decode([[0, 1.5, 1]])).toThrow(/codes\[0\]\[1\] must be an integer code index/);
    expect(() => vq.encode([[1, 2]])).toThrow(/VQVAE\.encode: X has 2 features/);
  });

  it('sample decodes uniform codes: [n, inputDim], the same for the same seed', async () => {
    const vq = new VQVAE(base);
    expect(() => vq.sample(2)).toThrow(NotFittedError);
    await vq.fit(X, { epochs: 1 });
    const a = vq.sample(7, { seed: 3 });
    expect(a.shape).toEqual([7, 10]);
    expect(Array.from(vq.sample(7, { seed: 3 }).data)).toEqual(Array.from(a.data));
    expect(() => vq.sample(0)).toThrow(/VQVAE\.sample: n must be an integer >= 1/);
  });
});

describe('VQVAE saved and resumed', () => {
  for (const codebookUpdate of ['loss', 'ema'] as const) {
    it(`save/load round-trips bit-exactly and a resumed fit equals an uninterrupted one (${codebookUpdate})`, async () => {
      const opts = { ...base, codebookUpdate };
      const whole = new VQVAE(opts);
      await whole.fit(X, { epochs: 4 });

      const part = new VQVAE(opts);
      await part.fit(X, { epochs: 2 });
      const file = join(dir, `vq-${codebookUpdate}.safetensors`);
      await part.save(file);
      const loaded = await VQVAE.load(file);
      expect(loaded.toBytes()).toEqual(part.toBytes());
      expect(VQVAE.fromJSON(JSON.stringify(part.toJSON())).toBytes()).toEqual(part.toBytes());
      expect(Array.from(loaded.encode(X).data)).toEqual(Array.from(part.encode(X).data));
      await loaded.fit(X, { epochs: 2 });
      expect(trained(loaded.toState())).toEqual(trained(whole.toState()));

      // An epoch stopped after 2 of its 4 batches, saved, loaded and finished.
      const stopped = new VQVAE(opts);
      await stopped.fit(X, { epochs: 1 });
      await stopped.fit(X, { epochs: 1, onBatchEnd: (b) => (b.batch === 2 ? false : undefined) });
      const again = VQVAE.fromBytes(stopped.toBytes());
      await again.fit(X, { epochs: 3 });
      expect(trained(again.toState())).toEqual(trained(whole.toState()));
    });
  }

  it('a weights-only save encodes and decodes as the model and keeps no EMA averages', async () => {
    const vq = new VQVAE({ ...base, codebookUpdate: 'ema' });
    await vq.fit(X, { epochs: 2 });
    const state = vq.toState({ trainingState: false });
    expect(Object.keys(state.tensors).some((k) => k.startsWith('ema.'))).toBe(false);
    expect(Object.keys(vq.toState().tensors).filter((k) => k.startsWith('ema.')).sort()).toEqual(['ema.clusterSize', 'ema.embedSum', 'ema.updates']);
    const light = VQVAE.fromState(state);
    expect(Array.from(light.encode(X).data)).toEqual(Array.from(vq.encode(X).data));
    expect(Array.from(light.reconstruct(X).data)).toEqual(Array.from(vq.reconstruct(X).data));
    await light.fit(X, { epochs: 1 });
    expect(light.epoch).toBe(1);
  });
});
