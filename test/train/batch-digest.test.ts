/**
 * Pinned bytes of in-memory fits along every batching path of the trainer: shuffled and in
 * order, the last batch short, a seeded validation split and given validation data, labels
 * (Classifier), an interrupted epoch finished by the next fit, and the conv architecture. The
 * digests are of the parameters, the optimizer's buffers and the history's losses; they were
 * computed before the trainer asked a batch source for its batches (issue 18), so that change
 * (and any later one) keeps every in-memory fit's bytes. Pinned on the TypeScript backend
 * (the same on every machine); the default backend is checked against a second run.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import { wasmGemm } from '../../src/kernels/wasm/runtime.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { Classifier } from '../../src/models/neural/classifier.js';
import { VAE } from '../../src/models/neural/vae.js';
import type { ModelState } from '../../src/io/model-state.js';
import { tensorBytes, unitData } from './fixtures.js';

function digest(state: ModelState, history: readonly object[]): string {
  const hash = createHash('sha256');
  for (const [name, bytes] of Object.entries(tensorBytes(state)).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(name);
    hash.update(Uint8Array.from(bytes));
  }
  const losses = history.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'seconds' && k !== 'samplesPerSecond')));
  hash.update(JSON.stringify(losses));
  return hash.digest('hex');
}

const X = unitData(90, 16, 5);
const labels = Int32Array.from({ length: 90 }, (_, i) => (i * 7) % 3);

const CASES: Record<string, () => Promise<string>> = {
  'VAE, shuffled, short last batch, validationSplit': async () => {
    const vae = new VAE({ inputDim: 16, hiddenDims: [12], latentDim: 3, seed: 21 });
    const h = await vae.fit(X, { epochs: 3, batchSize: 32, validationSplit: 0.2, learningRate: 5e-3 });
    return digest(vae.toState(), h);
  },
  'Autoencoder, in order, validationData, masking noise': async () => {
    const ae = new Autoencoder({ inputDim: 16, hiddenDims: [10], latentDim: 4, seed: 22, denoising: { type: 'masking', rate: 0.25 } });
    const h = await ae.fit(X, { epochs: 2, batchSize: 25, shuffle: false, validationData: unitData(20, 16, 6), optimizer: 'adamw' });
    return digest(ae.toState(), h);
  },
  'Classifier, labels, validationSplit': async () => {
    const clf = new Classifier({ inputDim: 16, hiddenDims: [8], nClasses: 3, seed: 23 });
    const h = await clf.fit(X, labels, { epochs: 2, batchSize: 16, validationSplit: 0.25 });
    return digest(clf.toState(), h);
  },
  'VAE, an epoch interrupted and finished by the next fit': async () => {
    const vae = new VAE({ inputDim: 16, hiddenDims: [12], latentDim: 3, seed: 24, likelihood: 'gaussian' });
    const first = await vae.fit(X, { epochs: 2, batchSize: 20, onBatchEnd: (b) => b.step !== 7 });
    const rest = await vae.fit(X, { epochs: 2, batchSize: 20 });
    return digest(vae.toState(), [...first, ...rest]);
  },
  'conv VAE': async () => {
    const vae = new VAE({ inputDim: 16, latentDim: 2, hiddenDims: [6], architecture: { kind: 'conv', imageShape: [1, 4, 4], channels: [3] }, seed: 25 });
    const h = await vae.fit(X, { epochs: 2, batchSize: 30 });
    return digest(vae.toState(), h);
  },
};

const PINNED_JS: Record<string, string> = {
  'VAE, shuffled, short last batch, validationSplit': '7bf9f37bfd46d6316feb3b95684a52e46303177053235f4172ddd342b821a65b',
  'Autoencoder, in order, validationData, masking noise': '0f067b37916ac3856a64c48618207fe1a7b945f1b2461846b6acbfb1d1ef5c13',
  'Classifier, labels, validationSplit': '6fcc6e59973f12f51cfe910ac319e19bc4bccec1149419ae724ad5aba9287c80',
  'VAE, an epoch interrupted and finished by the next fit': '99dc582973a7bd491b1d8ccfa3a5c1880fd19873030e5ba860f999bccd64fa21',
  'conv VAE': '3eea3995fb504527ec82d3a393879c59baa900d4f420a0cfa1595ffe2d05acef',
};

/** The same fits on the WebAssembly backend with the relaxed-SIMD kernel (fused multiply-add) this machine's Node runs. */
const PINNED_RELAXED: Record<string, string> = {
  'VAE, shuffled, short last batch, validationSplit': 'f9909da33d96e1ea39fb760ebd4d0262d73c18c4f2ca2c1d387e9dfc19c21771',
  'Autoencoder, in order, validationData, masking noise': '854378fab99056cd1ade5b04d62ad5362d57dec38e913d80892d01369051d197',
  'Classifier, labels, validationSplit': '79b94b541e049dd09b1101c31c9ed1e45de9b59f4a43a156352049fbead02683',
  'VAE, an epoch interrupted and finished by the next fit': '1c05302d211ad3b6d5e7273e4b45bb2128718c6209574b20e7c2856051a3af9e',
  'conv VAE': '3c8a42fdb927454de5b2dd0a94fd174eb49b1db1fdb42761d01f7de510eda673',
};

describe('in-memory fits keep their bytes', () => {
  const saved = getBackend();
  afterAll(() => setBackend(saved));

  for (const [name, run] of Object.entries(CASES)) {
    it(name, async () => {
      setBackend('js');
      const js = await run();
      expect(js).toBe(PINNED_JS[name]);
      setBackend(saved);
      const again = await run();
      expect(again).toBe(await run());
      if (getBackend() === 'wasm' && wasmGemm()?.variant === 'relaxed-simd' && PINNED_RELAXED[name] !== undefined) expect(again).toBe(PINNED_RELAXED[name]);
    }, 60_000);
  }
});
