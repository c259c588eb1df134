/**
 * Classifier.fromEncoder (models/neural/classifier-encoder.ts): the copied encoder gives the
 * source's codes bit for bit (an Autoencoder's, a VAE's posterior mean), `freeze` leaves it
 * bit for bit unchanged by fit, `encoderLearningRate` steps it at its own rate, and the source
 * never changes.
 */
import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../../../src/errors.js';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { Classifier } from '../../../src/models/neural/classifier.js';
import { VAE } from '../../../src/models/neural/vae.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const N = 37;
const D = 6;
const rng = new Rng(11);
const X = Array.from({ length: N }, () => Array.from({ length: D }, () => rng.uniform()));
const y = X.map((r) => (r[0] > 0.5 ? 1 : 0) + (r[1] > 0.5 ? 2 : 0));
const bytes = (t: { data: Float32Array | Float64Array }) => new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
const snapshot = (params: Map<string, Tensor>) => new Map([...params].map(([k, t]) => [k, bytes(t)]));

async function sources() {
  const ae = new Autoencoder({ inputDim: D, hiddenDims: [9, 5], latentDim: 3, latentActivation: 'tanh', seed: 1, epochs: 2, batchSize: 8 });
  const vae = new VAE({ inputDim: D, hiddenDims: [8], latentDim: 2, seed: 2, epochs: 2, batchSize: 8 });
  const ae64 = new Autoencoder({ inputDim: D, latentDim: 4, seed: 3, epochs: 1, dtype: 'float64' });
  for (const m of [ae, vae, ae64]) await m.fit(X);
  return [ae, vae, ae64] as const;
}

describe('Classifier.fromEncoder', () => {
  it("the copied encoder gives model.encode's codes bit for bit (Autoencoder, VAE μ, float64)", async () => {
    for (const model of await sources()) {
      const clf = Classifier.fromEncoder(model, { nClasses: 4, seed: 5 });
      expect(clf.config.hiddenDims.at(-1), model.type).toBe(model.latentDim);
      expect(clf.isFitted).toBe(false);
      const codes = clf.encoder!.forward(tensorOf(model, X), { grad: false });
      expect(bytes(codes), model.type).toEqual(bytes(model.encode(X)));
    }
  });

  it('freeze: fit trains the head only; the encoder and the source stay bit for bit', async () => {
    const [ae, vae] = await sources();
    for (const model of [ae, vae]) {
      const source = snapshot(model.parameters());
      const clf = Classifier.fromEncoder(model, { nClasses: 4, freeze: true, seed: 6, learningRate: 0.05 });
      const before = snapshot(clf.parameters());
      const history = await clf.fit(X, y, { epochs: 5, batchSize: 8 });
      expect(history.at(-1)!.loss).toBeLessThan(history[0].loss);
      for (const [k, b] of snapshot(clf.parameters())) {
        if (k.startsWith('encoder.')) expect(b, k).toEqual(before.get(k));
        else expect(b, k).not.toEqual(before.get(k));
      }
      expect(snapshot(model.parameters())).toEqual(source);
      // And the frozen classifier still saves and loads with its shape and options.
      const again = Classifier.fromBytes(clf.toBytes());
      expect(again.config.freeze).toBe(true);
      expect(bytes(again.predictProba(X))).toEqual(bytes(clf.predictProba(X)));
    }
  });

  it('fine-tuning moves everything; encoderLearningRate bounds the first Adam step of the copied layers', async () => {
    const [ae] = await sources();
    const source = snapshot(ae.parameters());
    const lr = 1e-2;
    const slow = 1e-5;
    const clf = Classifier.fromEncoder(ae, { nClasses: 4, seed: 7, learningRate: lr, encoderLearningRate: slow });
    const before = new Map([...clf.parameters()].map(([k, t]) => [k, Float64Array.from(t.data)]));
    await clf.fit(X, y, { epochs: 1, batchSize: N, shuffle: false });
    let encMax = 0;
    let headMax = 0;
    for (const [k, t] of clf.parameters()) {
      const b = before.get(k)!;
      let m = 0;
      for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(t.data[i] - b[i]));
      if (k.startsWith('encoder.')) encMax = Math.max(encMax, m); else headMax = Math.max(headMax, m);
    }
    // Adam's first step moves each parameter by lr·|g|/(|g| + ε) ≤ lr (plus float32 rounding).
    expect(encMax).toBeGreaterThan(0);
    expect(encMax).toBeLessThanOrEqual(slow * 1.01 + 1e-7);
    expect(headMax).toBeGreaterThan(slow * 10);
    expect(headMax).toBeLessThanOrEqual(lr * 1.01);
    expect(snapshot(ae.parameters())).toEqual(source);
  });

  it('rejects an unfitted source, options that set the shape, and things that are not models', async () => {
    expect(() => Classifier.fromEncoder(new Autoencoder({ inputDim: D, latentDim: 2 }), { nClasses: 3 })).toThrow(NotFittedError);
    const [ae] = await sources();
    expect(() => Classifier.fromEncoder(ae, { nClasses: 3, hiddenDims: [4] } as never)).toThrow(/Classifier\.fromEncoder: unknown option 'hiddenDims'/);
    expect(() => Classifier.fromEncoder(ae, { nClasses: 3, freze: true } as never)).toThrow(/unknown option 'freze'; did you mean 'freeze'\?/);
    expect(() => Classifier.fromEncoder({} as never, { nClasses: 3 })).toThrow(/Classifier\.fromEncoder: model must be an Autoencoder or a VAE/);
  });
});

function tensorOf(model: { config: { dtype: 'float32' | 'float64' } }, rows: number[][]): Tensor {
  const data = model.config.dtype === 'float64' ? Float64Array.from(rows.flat()) : Float32Array.from(rows.flat());
  return new Tensor(data, [rows.length, rows[0].length]);
}
