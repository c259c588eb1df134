import { EigenvalueDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assertAllclose } from '../../helpers/allclose.js';
import { unitData } from '../../train/fixtures.js';

describe('linear autoencoder spans the PCA subspace (item 31)', () => {
  it('Adam from a seeded init: sin(largest principal angle) < 0.05 and MSE within 1% of the discarded variance', async () => {
    const D = 5;
    const k = 2;
    const N = 400;
    const rng = new Rng(31);
    const lambda = [10, 5, 1, 0.1, 0.05];
    const Q = new QrDecomposition(new Matrix(Array.from({ length: D }, () => Array.from({ length: D }, () => rng.normal())))).orthogonalMatrix;
    const rows = Array.from({ length: N }, () => {
      const c = lambda.map((l) => rng.normal(0, Math.sqrt(l)));
      return Array.from({ length: D }, (_, j) => 3 + c.reduce((s, v, i) => s + v * Q.get(j, i), 0));
    });
    // PCA of the sample (1/N covariance, since the loss is a mean over samples).
    const X = new Matrix(rows);
    const Xc = X.clone().subRowVector(X.mean('column'));
    const evd = new EigenvalueDecomposition(Xc.transpose().mmul(Xc).div(N), { assumeSymmetric: true });
    const order = evd.realEigenvalues.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
    const discarded = order.slice(k).reduce((s, [v]) => s + v, 0);
    const Vk = new Matrix(D, k);
    for (let c = 0; c < k; c++) Vk.setColumn(c, evd.eigenvectorMatrix.getColumn(order[c][1]));

    const ae = new Autoencoder({ inputDim: D, latentDim: k, seed: 1, learningRate: 0.01, batchSize: N });
    await ae.fit(rows, { epochs: 1500 });
    await ae.fit(rows, { epochs: 500, learningRate: 1e-3 });

    const err = ae.reconstructionError(rows).data;
    let mse = 0;
    for (const e of err) mse += e / N;
    expect(Math.abs(mse / discarded - 1)).toBeLessThan(0.01);
    const w = ae.parameters().get('decoder.layers.0.weight')!; // [D, k]: its columns span the code's image
    const Wd = new Matrix(D, k);
    for (let r = 0; r < D; r++) for (let c = 0; c < k; c++) Wd.set(r, c, w.data[r * k + c]);
    const Qd = new QrDecomposition(Wd).orthogonalMatrix.subMatrix(0, D - 1, 0, k - 1);
    const cosines = new SingularValueDecomposition(Qd.transpose().mmul(Vk)).diagonal;
    expect(Math.sqrt(Math.max(0, 1 - Math.min(...cosines) ** 2))).toBeLessThan(0.05);
  });
});

const X = unitData(48, 10, 3);
const opts = { inputDim: 10, hiddenDims: [8], latentDim: 3, batchSize: 16, learningRate: 1e-2, seed: 4 } as const;

function meanAbs(t: Tensor): number {
  let s = 0;
  for (const v of t.data) s += Math.abs(v);
  return s / t.size;
}

describe('Autoencoder', () => {
  it('encodes, decodes and reconstructs to float32 tensors without building graphs', async () => {
    const ae = new Autoencoder(opts);
    const history = await ae.fit(X, { epochs: 3 });
    expect(history.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(history[2].loss).toBeLessThan(history[0].loss);
    for (const e of history) expect(Object.keys(e).sort()).toEqual(['epoch', 'loss', 'penalty', 'reconstruction', 'samplesPerSecond', 'seconds']);
    const z = ae.encode(X);
    expect(z.shape).toEqual([48, 3]);
    expect(z.dtype).toBe('float32');
    expect(z.requiresGrad).toBe(false);
    const xr = ae.reconstruct(X);
    expect(xr.shape).toEqual([48, 10]);
    expect(Array.from(ae.decode(z).data)).toEqual(Array.from(xr.data));
    const err = ae.reconstructionError(X);
    expect(err.shape).toEqual([48]);
    let manual = 0;
    for (let j = 0; j < 10; j++) manual += (xr.data[5 * 10 + j] - X.data[5 * 10 + j]) ** 2;
    expect(err.data[5]).toBeCloseTo(manual, 5);
    // Row subsets give the corresponding rows (to float32 rounding: the gemm's blocking, and
    // so its summation order, depends on the number of rows).
    const sub = ae.encode({ data: X.data.subarray(20, 40), shape: [2, 10] });
    assertAllclose(sub.data, z.data.subarray(6, 12), { rtol: 1e-5, atol: 1e-6 });
  });

  it("'bce' decodes probabilities and reports BCE in nats", async () => {
    const ae = new Autoencoder({ ...opts, loss: 'bce' });
    await ae.fit(X, { epochs: 2 });
    const p = ae.reconstruct(X);
    expect(p.data.every((v) => v > 0 && v < 1)).toBe(true);
    const err = ae.reconstructionError(X).data;
    let manual = 0;
    for (let j = 0; j < 10; j++) {
      const x = X.data[j];
      manual -= x * Math.log(p.data[j]) + (1 - x) * Math.log(1 - p.data[j]);
    }
    expect(err[0]).toBeCloseTo(manual, 3);
  });

  it('sparsity shrinks the codes, weight decay the weights, binarize pushes codes to 0/1', async () => {
    const train = async (extra: Record<string, unknown>) => {
      const ae = new Autoencoder({ ...opts, ...extra } as never);
      await ae.fit(X, { epochs: 30 });
      return ae;
    };
    const plain = await train({});
    const sparse = await train({ sparsity: 0.5 });
    expect(meanAbs(sparse.encode(X))).toBeLessThan(0.5 * meanAbs(plain.encode(X)));
    expect(sparse.history.at(-1)!.penalty).toBeGreaterThan(0);
    const wNorm = (ae: Autoencoder) => {
      let s = 0;
      for (const [name, p] of ae.parameters()) if (name.endsWith('weight')) for (const v of p.data) s += v * v;
      return s;
    };
    const decayed = await train({ weightDecay: 0.5 });
    expect(wNorm(decayed)).toBeLessThan(0.8 * wNorm(plain));
    const sig = await train({ latentActivation: 'sigmoid' });
    const bin = await train({ binarize: 2 });
    const spread = (ae: Autoencoder) => { const z = ae.encode(X).data; let s = 0; for (const v of z) s += v * (1 - v); return s / z.length; };
    expect(spread(bin)).toBeLessThan(0.7 * spread(sig));
  });

  it('denoising corrupts inputs only while training, from its own seeded stream', async () => {
    for (const denoising of [{ type: 'gaussian', std: 0.3 }, { type: 'masking', rate: 0.3 }] as const) {
      const a = new Autoencoder({ ...opts, denoising });
      const b = new Autoencoder({ ...opts, denoising });
      const plain = new Autoencoder(opts);
      await Promise.all([a.fit(X, { epochs: 2 }), b.fit(X, { epochs: 2 }), plain.fit(X, { epochs: 2 })]);
      expect(Array.from(a.encode(X).data)).toEqual(Array.from(b.encode(X).data));
      expect(Array.from(a.encode(X).data)).not.toEqual(Array.from(plain.encode(X).data));
      // Validation is on clean inputs: identical to what an objective on clean data gives.
      const val = await a.fit(X, { epochs: 1, validationData: X });
      expect(Number.isFinite(val[0].valLoss)).toBe(true);
    }
  });

  it('accepts number[][], { data, shape } and Tensor input, float64 or integer arrays, and never mutates them', async () => {
    const nested = Array.from({ length: 6 }, (_, i) => Array.from({ length: 10 }, (_, j) => ((i + j) % 3) / 3));
    const f64 = { data: Float64Array.from(nested.flat()), shape: [6, 10] };
    const ints = { data: Int32Array.from(nested.flat().map((v) => Math.round(v))), shape: [6, 10] };
    const tensor = Tensor.from(nested);
    const copy = JSON.stringify(nested);
    const ae = new Autoencoder(opts);
    await ae.fit(nested, { epochs: 1 });
    await ae.fit(f64, { epochs: 1 });
    await ae.fit(ints, { epochs: 1 });
    await ae.fit(tensor, { epochs: 1 });
    expect(JSON.stringify(nested)).toBe(copy);
    expect(Array.from(ae.encode(nested).data)).toEqual(Array.from(ae.encode(tensor).data));
    // One sample is a valid batch of one.
    await ae.fit([nested[0]], { epochs: 1 });
    // Hyper-parameters are unchanged by fit and cannot be changed from outside.
    expect(ae.config.training.epochs).toBe(10);
    expect(Object.isFrozen(ae.config.training.optimizerOptions) && Object.isFrozen(ae.config.hiddenDims)).toBe(true);
  });

  it('bad input: NotFittedError before fit, NonFiniteError for NaN, ShapeError for wrong widths', async () => {
    const ae = new Autoencoder(opts);
    expect(() => ae.encode(X)).toThrow(NotFittedError);
    expect(() => ae.encode(X)).toThrow(/Autoencoder .*not fitted yet/);
    const bad = { data: X.data.slice(), shape: X.shape };
    bad.data[3 * 10 + 5] = NaN;
    await expect(ae.fit(bad)).rejects.toThrow(NonFiniteError);
    await expect(ae.fit(bad)).rejects.toThrow(/X contains NaN at \[row 3, col 5\]/);
    await expect(ae.fit({ data: new Float32Array(12), shape: [3, 4] })).rejects.toThrow(ShapeError);
    await expect(ae.fit({ data: new Float32Array(12), shape: [3, 4] })).rejects.toThrow(/X has 4 features, but Autoencoder was built with inputDim 10/);
    await ae.fit(X, { epochs: 1 });
    expect(() => ae.encode(bad)).toThrow(NonFiniteError);
    expect(() => ae.decode([[1, 2]])).toThrow(/^Autoencoder\.decode: Z has 2 columns, but Autoencoder was built with latentDim 3 \(shape \[1, 2\]\)$/);
    expect(() => ae.encode([1, 2, 3] as never)).toThrow(ShapeError);
  });

  it('round-trips through JSON bit-exactly, including −0 and subnormal parameters; corrupt states are rejected', async () => {
    const ae = new Autoencoder(opts);
    await ae.fit(X, { epochs: 1 });
    const w = ae.parameters().get('encoder.layers.0.weight')!;
    w.data[0] = -0;
    w.data[1] = 1e-45;
    const json = JSON.stringify(ae.toJSON());
    const back = Autoencoder.fromJSON(json);
    expect(Object.is(back.parameters().get('encoder.layers.0.weight')!.data[0], -0)).toBe(true);
    expect(back.parameters().get('encoder.layers.0.weight')!.data[1]).toBe(w.data[1]);
    expect(Array.from(back.encode(X).data)).toEqual(Array.from(ae.encode(X).data));
    expect(back.history).toEqual(ae.history);
    const state = ae.toState();
    expect(() => Autoencoder.fromState({ ...state, type: 'VAE' })).toThrow(FormatError);
    expect(() => Autoencoder.fromState({ ...state, version: 2 })).toThrow(/version/);
    const missing = { ...state, tensors: { ...state.tensors } };
    delete missing.tensors['decoder.layers.1.bias'];
    expect(() => Autoencoder.fromState(missing)).toThrow(/decoder\.layers\.1\.bias/);
    const wrong = { ...state, config: { ...state.config, latentDim: 4 } };
    expect(() => Autoencoder.fromState(wrong)).toThrow(FormatError);
    expect(() => Autoencoder.fromJSON('{"type":"Autoencoder"')).toThrow(FormatError);
  });
});
