/**
 * Classifier (models/neural/classifier.ts): learns a separable problem to 100%, its outputs
 * agree with each other, labels and options are checked with clear errors, and it saves,
 * loads and resumes bit for bit on the shared trainer.
 */
import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../../../src/errors.js';
import { Classifier } from '../../../src/models/neural/classifier.js';
import { supervisedModelFromState, SUPERVISED_MODEL_TYPES } from '../../../src/models/registry.js';
import { Rng } from '../../../src/random/rng.js';

/** Three Gaussian blobs in 2-D, far apart: linearly separable. */
function blobs(n: number, seed: number): { X: Float64Array[]; y: number[] } {
  const rng = new Rng(seed);
  const centres = [[-4, 0], [4, 0], [0, 5]];
  const X: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push(Float64Array.from([centres[c][0] + 0.5 * rng.normal(), centres[c][1] + 0.5 * rng.normal()]));
    y.push(c);
  }
  return { X, y };
}
const rows = (X: Float64Array[]) => X.map((r) => Array.from(r));
const bytes = (t: { data: Float32Array | Float64Array }) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

describe('Classifier learns', () => {
  it('a linearly separable 3-class problem to 100% (with and without hidden layers, float32 and float64)', async () => {
    const { X, y } = blobs(90, 1);
    const test = blobs(60, 2);
    for (const [hiddenDims, dtype] of [[[], 'float64'], [[16], 'float32']] as const) {
      const clf = new Classifier({ inputDim: 2, hiddenDims, nClasses: 3, seed: 3, dtype, learningRate: 0.05, batchSize: 16 });
      const history = await clf.fit(rows(X), y, { epochs: 40 });
      expect(history.at(-1)!.loss).toBeLessThan(history[0].loss);
      expect(clf.score(rows(X), y)).toBe(1);
      expect(clf.score(rows(test.X), test.y)).toBe(1);
      expect(history.at(-1)!.accuracy).toBe(1);
    }
  });

  it('predict is the argmax of predictProba and of decisionFunction; probabilities sum to 1', async () => {
    const { X, y } = blobs(30, 4);
    const clf = new Classifier({ inputDim: 2, hiddenDims: [5], nClasses: 3, seed: 1, dtype: 'float64', epochs: 3 });
    await clf.fit(rows(X), Int32Array.from(y));
    const p = clf.predictProba(rows(X));
    const z = clf.decisionFunction(rows(X));
    expect(p.shape).toEqual([30, 3]);
    const yhat = clf.predict(rows(X));
    expect(yhat).toBeInstanceOf(Int32Array);
    let hits = 0;
    for (let r = 0; r < 30; r++) {
      const pr = Array.from(p.data.subarray(3 * r, 3 * r + 3));
      const zr = Array.from(z.data.subarray(3 * r, 3 * r + 3));
      expect(pr.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(yhat[r]).toBe(pr.indexOf(Math.max(...pr)));
      expect(yhat[r]).toBe(zr.indexOf(Math.max(...zr)));
      if (yhat[r] === y[r]) hits++;
    }
    expect(clf.score(rows(X), y)).toBe(hits / 30);
  });

  it('validation split, validation data and early stopping carry the labels', async () => {
    const { X, y } = blobs(60, 5);
    const clf = new Classifier({ inputDim: 2, nClasses: 3, seed: 2, learningRate: 0.05 });
    const h1 = await clf.fit(rows(X), y, { epochs: 3, validationSplit: 0.2 });
    expect(h1.every((e) => typeof e.valLoss === 'number' && e.valAccuracy! >= 0 && e.valAccuracy! <= 1)).toBe(true);
    const v = blobs(30, 6);
    const h2 = await clf.fit(rows(X), y, { epochs: 50, validationData: rows(v.X), validationLabels: v.y, patience: 2, minDelta: 10 });
    expect(h2.length).toBe(3);
    expect(h2.at(-1)!.valAccuracy).toBe(clf.score(rows(v.X), v.y));
  });
});

describe('Classifier checks its inputs', () => {
  const { X, y } = blobs(9, 7);
  const clf = () => new Classifier({ inputDim: 2, nClasses: 3, epochs: 1 });
  it('bad labels: out of range, non-integer, wrong length, one class only, wrong type', async () => {
    await expect(clf().fit(rows(X), y.map((v) => v + 1))).rejects.toThrow(/Classifier\.fit: labels\[\d\] must be an integer class index in 0\.\.2 \(got 3\)/);
    await expect(clf().fit(rows(X), [0.5, ...y.slice(1)])).rejects.toThrow(/Classifier\.fit: labels\[0\] must be an integer class index in 0\.\.2 \(got 0\.5\)/);
    await expect(clf().fit(rows(X), y.slice(1))).rejects.toThrow(/Classifier\.fit: labels has 8 entries, but X has 9 rows/);
    await expect(clf().fit(rows(X), y.map(() => 1))).rejects.toThrow(/Classifier\.fit: labels must hold at least 2 distinct classes \(got only class 1 in 9 rows\)/);
    await expect(clf().fit(rows(X), 'abc' as never)).rejects.toThrow(/Classifier\.fit: labels must be an Int32Array or an array/);
    await expect(clf().fit(rows(X), y, { validationData: rows(X) })).rejects.toThrow(/validationData and validationLabels go together \(got validationData only\)/);
    await expect(clf().fit(rows(X), y, { validationLabels: y })).rejects.toThrow(/got validationLabels only/);
    await expect(clf().fit(rows(X), y, { validationData: rows(X), validationLabels: y.slice(2) })).rejects.toThrow(/validationLabels has 7 entries, but validationData has 9 rows/);
  });

  it('unknown options, bad sizes and inference before fit', async () => {
    expect(() => new Classifier({ inputDim: 2, nClasses: 3, hiddenDim: [3] } as never)).toThrow(/Classifier: unknown option 'hiddenDim'; did you mean 'hiddenDims'\?/);
    expect(() => new Classifier({ inputDim: 2, nClasses: 1 })).toThrow(/Classifier: nClasses must be an integer >= 2/);
    expect(() => new Classifier({ inputDim: 2, nClasses: 3, encoderLearningRate: -1 })).toThrow(/encoderLearningRate/);
    await expect(clf().fit(rows(X), y, { epoch: 2 } as never)).rejects.toThrow(/Classifier\.fit: unknown option 'epoch'; did you mean 'epochs'\?/);
    await expect(clf().fit([[1, 2, 3]], [0])).rejects.toThrow(/Classifier\.fit: X has 3 features, but Classifier was built with inputDim 2/);
    expect(() => clf().predict(rows(X))).toThrow(NotFittedError);
    const fitted = clf();
    await fitted.fit(rows(X), y);
    expect(() => fitted.score(rows(X), y.slice(1))).toThrow(/Classifier\.score: labels has 8 entries, but X has 9 rows/);
    expect(() => fitted.predict([[1]])).toThrow(/Classifier\.predict: X has 1 features/);
  });
});

describe('Classifier saves, loads and resumes', () => {
  const { X, y } = blobs(40, 8);
  const make = () => new Classifier({ inputDim: 2, hiddenDims: [7, 3], nClasses: 3, seed: 'r', batchSize: 6, learningRate: 0.01 });
  it('round-trips through bytes, JSON and the registry bit for bit', async () => {
    const clf = make();
    await clf.fit(rows(X), y, { epochs: 2 });
    const again = Classifier.fromBytes(clf.toBytes());
    expect(bytes(again.predictProba(rows(X)))).toEqual(bytes(clf.predictProba(rows(X))));
    expect(again.toBytes()).toEqual(clf.toBytes());
    expect(Classifier.fromJSON(JSON.stringify(clf.toJSON())).toBytes()).toEqual(clf.toBytes());
    const viaRegistry = supervisedModelFromState(clf.toState());
    expect(viaRegistry.type).toBe('Classifier');
    expect(SUPERVISED_MODEL_TYPES).toEqual(['LogisticRegression', 'Classifier']);
    expect(() => supervisedModelFromState({ type: 'PCA', version: 1, config: {}, tensors: {} })).toThrow(/unknown supervised model type "PCA"/);
    const weights = Classifier.fromBytes(clf.toBytes({ trainingState: false }));
    expect(bytes(weights.predictProba(rows(X)))).toEqual(bytes(clf.predictProba(rows(X))));
  });

  it('resumes bit-exactly: 2 + 3 epochs through a checkpoint equal 5 epochs, also after an abort mid-epoch', async () => {
    const straight = make();
    await straight.fit(rows(X), y, { epochs: 5, validationSplit: 0.25 });
    const first = make();
    await first.fit(rows(X), y, { epochs: 2, validationSplit: 0.25 });
    const resumed = Classifier.fromBytes(first.toBytes());
    await resumed.fit(rows(X), y, { epochs: 3, validationSplit: 0.25 });
    const params = (m: Classifier) => [...m.parameters()].map(([k, t]) => [k, bytes(t)]);
    expect(params(resumed)).toEqual(params(straight));
    expect(resumed.history.map((e) => [e.epoch, e.loss, e.accuracy, e.valLoss])).toEqual(straight.history.map((e) => [e.epoch, e.loss, e.accuracy, e.valLoss]));
    // Abort in the middle of epoch 2; the pending epoch is finished by the next fit.
    const ac = new AbortController();
    const broken = make();
    await expect(broken.fit(rows(X), y, {
      epochs: 5, validationSplit: 0.25, onBatchEnd: (b) => { if (b.step === 8) ac.abort(new Error('stop')); }, signal: ac.signal,
    })).rejects.toThrow('stop');
    const again = Classifier.fromBytes(broken.toBytes());
    await again.fit(rows(X), y, { epochs: 4, validationSplit: 0.25 });
    expect(params(again)).toEqual(params(straight));
  });
});
