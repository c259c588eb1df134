/**
 * Fits from a row source (issue 18): a buffer of at least the data's rows equals the in-memory
 * fit byte for byte (shuffled, with validation, with a KL warm-up, conv); without shuffle any
 * buffer gives the stream order; a small buffer visits every row once per epoch, only within its
 * reach, and is deterministic; async sources and the IDX reader; abort and resume, early
 * stopping, a held-out fraction of the stream; and a source that fails part-way leaves the
 * model exactly as before the call.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { idxSource } from '../../src/data/idx-source.js';
import { loadIdx } from '../../src/data/idx.js';
import { matrixSource, type RowBatch, type RowSource } from '../../src/io/row-source.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { Classifier } from '../../src/models/neural/classifier.js';
import { VAE } from '../../src/models/neural/vae.js';
import { resolveTraining } from '../../src/train/options.js';
import { streamBatches } from '../../src/train/stream-batches.js';
import { Trainer } from '../../src/train/trainer.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Trainable } from '../../src/train/types.js';
import { gzip, idxBytes, pixels } from '../helpers/idx-bytes.js';
import { tensorBytes, unitData } from './fixtures.js';

const X = unitData(90, 16, 5);
const V = unitData(20, 16, 6);
const vaeOptions = { inputDim: 16, hiddenDims: [12], latentDim: 3, seed: 31, learningRate: 5e-3 } as const;

/** Everything that must match between two fits: parameters, optimizer buffers, counters, losses. */
function fingerprint(m: VAE | Autoencoder): unknown {
  const losses = m.history.map((e) => Object.entries(e).filter(([k]) => k !== 'seconds' && k !== 'samplesPerSecond'));
  return { tensors: tensorBytes(m.toState()), epoch: m.epoch, step: m.step, losses };
}

/** X's rows as an async source of uneven batches (7 rows each), re-readable. */
function asyncSource(m: { data: Float32Array; shape: [number, number] }, rows = 7): AsyncIterable<RowBatch> {
  const [n, d] = m.shape;
  return {
    async *[Symbol.asyncIterator]() {
      for (let r = 0; r < n; r += rows) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        const k = Math.min(rows, n - r);
        yield { data: m.data.slice(r * d, (r + k) * d), shape: [k, d] };
      }
    },
  };
}

describe('a streamed fit whose buffer holds the data equals the in-memory fit', () => {
  it('VAE: shuffled, short last batch, held-out source against validationData', async () => {
    const a = new VAE(vaeOptions);
    await a.fit(X, { epochs: 3, batchSize: 32, validationData: V });
    const b = new VAE(vaeOptions);
    const history = await b.fit(matrixSource(X, { batchSize: 7 }), { epochs: 3, batchSize: 32, validationData: matrixSource(V, { batchSize: 3 }), shuffleBuffer: 90 });
    expect(history.map((e) => e.valLoss)).toEqual(a.history.map((e) => e.valLoss));
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('VAE with a KL warm-up (the stream is counted first), from an async source', async () => {
    const a = new VAE({ ...vaeOptions, klWarmup: 2 });
    await a.fit(X, { epochs: 3, batchSize: 16 });
    const b = new VAE({ ...vaeOptions, klWarmup: 2 });
    await b.fit(asyncSource(X), { epochs: 3, batchSize: 16, shuffleBuffer: 1000 });
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('conv VAE and a float64 Autoencoder', async () => {
    const conv = { ...vaeOptions, hiddenDims: [6], architecture: { kind: 'conv', imageShape: [1, 4, 4], channels: [3] } } as const;
    const a = new VAE(conv);
    await a.fit(X, { epochs: 2, batchSize: 30 });
    const b = new VAE(conv);
    await b.fit(matrixSource(X, { batchSize: 11 }), { epochs: 2, batchSize: 30, shuffleBuffer: 90 });
    expect(fingerprint(b)).toEqual(fingerprint(a));
    const aeOptions = { inputDim: 16, hiddenDims: [10], latentDim: 4, seed: 32, dtype: 'float64', denoising: { type: 'gaussian', std: 0.1 } } as const;
    const c = new Autoencoder(aeOptions);
    await c.fit(X, { epochs: 2, batchSize: 20 });
    const d = new Autoencoder(aeOptions);
    await d.fit(matrixSource(X), { epochs: 2, batchSize: 20, shuffleBuffer: 100 });
    expect(fingerprint(d)).toEqual(fingerprint(c));
  });

  it('without shuffle any buffer gives the stream order, which is the in-memory order', async () => {
    const a = new Autoencoder({ inputDim: 16, latentDim: 3, seed: 33 });
    await a.fit(X, { epochs: 2, batchSize: 8, shuffle: false });
    const b = new Autoencoder({ inputDim: 16, latentDim: 3, seed: 33 });
    await b.fit(asyncSource(X, 5), { epochs: 2, batchSize: 8, shuffle: false, shuffleBuffer: 3 });
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('from the IDX reader, as a fit on loadIdx', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latent-ts-stream-fit-'));
    try {
      const path = join(dir, 'images.gz');
      await writeFile(path, await gzip(idxBytes([40, 4, 4], pixels(40 * 16, 3))));
      const loaded = await loadIdx(path);
      if (loaded.kind !== 'images') throw new Error('expected an images file');
      const a = new VAE(vaeOptions);
      await a.fit({ data: loaded.data, shape: [40, 16] }, { epochs: 2, batchSize: 16 });
      const b = new VAE(vaeOptions);
      await b.fit(idxSource(path, { batchSize: 9, chunkBytes: 100 }), { epochs: 2, batchSize: 16 });
      expect(fingerprint(b)).toEqual(fingerprint(a));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A toy model whose rows are their own index: the trainer's order is visible in the batches. */
function indexRows(n: number): { data: Float32Array; shape: [number, number] } {
  return { data: Float32Array.from({ length: n }, (_, i) => i), shape: [n, 1] };
}

function spy(seen: number[][]): Trainable {
  const w = new Tensor(new Float32Array([0.5]), [1], { requiresGrad: true });
  return {
    parameters: () => new Map([['w', w]]),
    trainingLoss: (batch) => {
      seen.push(Array.from(batch.data));
      return { loss: batch.mul(w).mean(), parts: {} };
    },
    validationLoss: () => ({ loss: 0, parts: {} }),
  };
}

async function order(n: number, buffer: number, batchSize: number, epochs = 2): Promise<number[][]> {
  const seen: number[][] = [];
  const settings = { cols: 1, float64: false, shuffleBuffer: buffer, validation: null, validationSplit: 0, seed: 4, where: 'Toy.fit', check: null };
  await new Trainer(4, [], 'Toy.fit').fit(spy(seen), streamBatches(matrixSource(indexRows(n), { batchSize: 6 }), settings), null, resolveTraining({ epochs, batchSize }, 'Toy.fit'), {}, (l) => l);
  return seen;
}

describe('the shuffle buffer', () => {
  it('visits every row once per epoch, takes a row only within the buffer\'s reach, and is seeded', async () => {
    const n = 200;
    const B = 16;
    const seen = await order(n, B, 10);
    expect(seen).toEqual(await order(n, B, 10));
    const perEpoch = n / 10;
    for (const epoch of [seen.slice(0, perEpoch), seen.slice(perEpoch)]) {
      const rows = epoch.flat();
      expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      // Output position k can only hold one of the stream's first k + B rows.
      rows.forEach((r, k) => expect(r).toBeLessThan(k + B));
      // And it does mix: not the stream order.
      expect(rows).not.toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(seen.slice(0, perEpoch).flat()).not.toEqual(seen.slice(perEpoch).flat());
  });

  it('is at least one batch', async () => {
    const seen = await order(30, 1, 8, 1);
    expect(seen.map((b) => b.length)).toEqual([8, 8, 8, 6]);
  });
});

describe('controls from a source', () => {
  it('an abort mid-epoch leaves the epoch pending; the next fit finishes it as an uninterrupted fit would (small buffer)', async () => {
    const ref = new VAE(vaeOptions);
    await ref.fit(asyncSource(X), { epochs: 2, batchSize: 8, shuffleBuffer: 20 });
    const vae = new VAE(vaeOptions);
    const controller = new AbortController();
    const p = vae.fit(asyncSource(X), { epochs: 2, batchSize: 8, shuffleBuffer: 20, signal: controller.signal, onBatchEnd: (b) => { if (b.step === 5) controller.abort(new Error('stop')); } });
    await expect(p).rejects.toThrow('stop');
    expect(vae.step).toBe(5);
    const again = VAE.fromJSON(JSON.stringify(vae.toJSON()));
    await again.fit(asyncSource(X), { epochs: 2, batchSize: 8, shuffleBuffer: 20 });
    expect(fingerprint(again)).toEqual(fingerprint(ref));
  });

  it('early stopping, progress and onBatchEnd work; batchesPerEpoch is 0 until the end of the first pass is in sight', async () => {
    const vae = new VAE(vaeOptions);
    const counts: Array<[number, number]> = [];
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stderr.write;
    try {
      await vae.fit(asyncSource(X), {
        epochs: 30, batchSize: 30, shuffleBuffer: 40, patience: 1, minDelta: 1e9, verbose: true,
        onBatchEnd: (b) => { counts.push([b.epoch, b.batchesPerEpoch]); },
      });
    } finally {
      process.stderr.write = write;
    }
    expect(vae.history).toHaveLength(2); // the second epoch does not improve by 1e9
    expect(counts).toEqual([[1, 0], [1, 0], [1, 3], [2, 3], [2, 3], [2, 3]]);
    expect(lines.join('')).toMatch(/epoch 2\/30/);
  });

  it('the non-finite guard stops a streamed fit before the bad step; the earlier steps stay, and the epoch can be finished', async () => {
    const bad = unitData(90, 16, 5);
    for (let j = 0; j < 16; j++) bad.data[61 * 16 + j] = 3e38; // (x − μ)² overflows
    const vae = new VAE({ ...vaeOptions, likelihood: 'gaussian' });
    let snapshot = tensorBytes(vae.toState());
    const err = await vae.fit(asyncSource(bad), { epochs: 2, batchSize: 10, shuffle: false, shuffleBuffer: 20, onBatchEnd: () => { snapshot = tensorBytes(vae.toState()); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    // In stream order the bad row is in batch 7; the pass is longer than the buffer, so its length is not known yet.
    expect((err as Error).message).toMatch(/at epoch 1, step 7 \(batch 7\); training stopped before the update/);
    expect(tensorBytes(vae.toState())).toEqual(snapshot);
    expect(vae.step).toBe(6);
    await expect(vae.fit(asyncSource(X), { epochs: 1, batchSize: 10, shuffle: false, shuffleBuffer: 20 })).resolves.toHaveLength(1);
    expect(vae.step).toBe(9);
  });

  it('validationSplit holds out a seeded fraction of the stream, the same rows every pass', async () => {
    const fit = async () => {
      const vae = new VAE(vaeOptions);
      const h = await vae.fit(matrixSource(X, { batchSize: 10 }), { epochs: 2, batchSize: 16, validationSplit: 0.2 });
      return { h, vae };
    };
    const { h, vae } = await fit();
    expect(h.every((e) => Number.isFinite(e.valLoss))).toBe(true);
    const again = await fit();
    expect(fingerprint(again.vae)).toEqual(fingerprint(vae));
    // Fewer steps than the whole data would take: rows were held out.
    expect(vae.step).toBeLessThan(2 * Math.ceil(90 / 16) + 1);
  });

  it('a generator read more than once, shuffleBuffer with a matrix, and a bad shuffleBuffer are errors before training', async () => {
    function* once(): Generator<RowBatch> { yield { data: X.data, shape: X.shape }; }
    const vae = new VAE(vaeOptions);
    await expect(vae.fit(once(), { epochs: 2 })).rejects.toThrow(/iterator \(a generator object\), which can be read once, but this fit reads it 2 times/);
    await expect(vae.fit(X, { shuffleBuffer: 10 })).rejects.toThrow(/shuffleBuffer applies to a fit from a row source/);
    await expect(vae.fit(matrixSource(X), { shuffleBuffer: 0 })).rejects.toThrow(RangeError);
    await expect(vae.fit(matrixSource(X), { validationData: V })).rejects.toThrow(/validationData must be one too/);
    expect(vae.step).toBe(0);
    const h = await vae.fit(once(), { epochs: 1, batchSize: 30 });
    expect(h).toHaveLength(1);
  });
});

describe('a Classifier from a labelled source', () => {
  const labels = Int32Array.from({ length: 90 }, (_, i) => (i * 7) % 3);
  const labelled = (rows: number, from: { data: Float32Array }, y: Int32Array): Iterable<RowBatch & { labels: Int32Array }> => ({
    *[Symbol.iterator]() {
      for (let r = 0; r < y.length; r += rows) {
        const k = Math.min(rows, y.length - r);
        yield { data: from.data.subarray(r * 16, (r + k) * 16), shape: [k, 16], labels: y.subarray(r, r + k) };
      }
    },
  });
  const options = { inputDim: 16, hiddenDims: [8], nClasses: 3, seed: 34 } as const;
  const yV = Int32Array.from({ length: 20 }, (_, i) => i % 3);

  it('equals the in-memory fit with a buffer of the data, labels shuffled with their rows; a small buffer trains too', async () => {
    const a = new Classifier(options);
    await a.fit(X, labels, { epochs: 2, batchSize: 16, validationData: V, validationLabels: yV });
    const b = new Classifier(options);
    await b.fit(labelled(9, X, labels), { epochs: 2, batchSize: 16, validationData: labelled(6, V, yV) });
    expect(tensorBytes(b.toState())).toEqual(tensorBytes(a.toState()));
    expect(b.history.map((e) => [e.loss, e.accuracy, e.valLoss, e.valAccuracy])).toEqual(a.history.map((e) => [e.loss, e.accuracy, e.valLoss, e.valAccuracy]));
    const c = new Classifier(options);
    const h = await c.fit(labelled(9, X, labels), { epochs: 2, batchSize: 16, shuffleBuffer: 20 });
    expect(h.every((e) => e.accuracy >= 0 && e.accuracy <= 1)).toBe(true);
  });

  it('a batch without labels, or with a label out of range, fails the fit and changes nothing', async () => {
    const clf = new Classifier(options);
    const before = tensorBytes(clf.toState());
    await expect(clf.fit(matrixSource(X), { epochs: 1 })).rejects.toThrow(/X batch 0 labels must be an Int32Array/);
    const bad = labels.slice();
    bad[50] = 3;
    await expect(clf.fit(labelled(9, X, bad), { epochs: 1, batchSize: 16, shuffleBuffer: 20 })).rejects.toThrow(/X batch 5 labels\[5\] must be an integer class index in 0..2/);
    expect(tensorBytes(clf.toState())).toEqual(before);
    expect(clf.step).toBe(0);
  });
});

describe('a source that fails part-way', () => {
  /** X's rows in batches of 10, then `failure` instead of the batch after `after` of them, in pass `pass` (1-based). */
  function failing(after: number, pass: number, failure: () => RowBatch): RowSource {
    let passes = 0;
    return {
      *[Symbol.iterator]() {
        passes++;
        for (let i = 0, r = 0; r < 90; i++, r += 10) {
          if (passes === pass && i === after) yield failure();
          yield { data: X.data.subarray(r * 16, (r + 10) * 16), shape: [10, 16] };
        }
      },
    };
  }
  const boom = new Error('socket closed');
  const cases: Array<[string, () => RowBatch, unknown]> = [
    ['throws', () => { throw boom; }, boom],
    ['yields NaN', () => ({ data: new Float32Array(16).fill(Number.NaN), shape: [1, 16] }), NonFiniteError],
    ['yields the wrong width', () => ({ data: new Float32Array(15), shape: [1, 15] }), ShapeError],
    ['yields values outside [0, 1] for a Bernoulli VAE', () => ({ data: new Float32Array(16).fill(2), shape: [1, 16] }), RangeError],
  ];
  for (const [what, failure, expected] of cases) {
    it(`${what}: the error surfaces and parameters, optimizer state, counters and history are as before the call`, async () => {
      const vae = new VAE(vaeOptions);
      await vae.fit(X, { epochs: 1, batchSize: 16 });
      const before = fingerprint(vae);
      const json = JSON.stringify(vae.toJSON());
      const p = vae.fit(failing(4, 2, failure), { epochs: 3, batchSize: 16, shuffleBuffer: 20 });
      if (expected instanceof Error) await expect(p).rejects.toBe(expected);
      else await expect(p).rejects.toThrow(expected as typeof Error);
      expect(fingerprint(vae)).toEqual(before);
      expect(JSON.stringify(vae.toJSON())).toBe(json);
      // And training goes on from there as if the failed call had not happened.
      const ref = VAE.fromJSON(json);
      await ref.fit(X, { epochs: 1, batchSize: 16 });
      await vae.fit(X, { epochs: 1, batchSize: 16 });
      expect(fingerprint(vae)).toEqual(fingerprint(ref));
    });
  }

  it('a failure of the held-out source is undone too', async () => {
    const vae = new VAE(vaeOptions);
    const before = fingerprint(vae);
    await expect(vae.fit(matrixSource(X), { epochs: 2, batchSize: 30, validationData: failing(0, 2, () => { throw boom; }) })).rejects.toBe(boom);
    expect(fingerprint(vae)).toEqual(before);
    expect(vae.isFitted).toBe(false);
  });
});
