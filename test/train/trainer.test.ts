import { describe, expect, it } from 'vitest';
import { FormatError, NonFiniteError } from '../../src/errors.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { VAE } from '../../src/models/neural/vae.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { resolveTraining } from '../../src/train/options.js';
import { Trainer, type Trainable } from '../../src/train/trainer.js';
import { tensorBytes, unitData } from './fixtures.js';

/** A least-squares toy whose loss can be made non-finite, or its gradient, at a chosen step. */
function toy(fault: { step: number; kind: 'loss' | 'grad' } | null) {
  const w = Tensor.from([0.5, -0.25, 1], { dtype: 'float64', requiresGrad: true });
  const model: Trainable = {
    parameters: () => new Map([['w', w]]),
    trainingLoss: (batch, ctx) => {
      const noise = ctx.rng('noise').normal(); // consumed, so a restore of the stream is visible
      const target = Tensor.from([batch.data[0] + 0.01 * noise, batch.data[1], batch.data[2]], { dtype: 'float64' });
      if (fault !== null && ctx.step + 1 === fault.step) {
        if (fault.kind === 'loss') return { loss: w.sub(w).add(NaN).sum(), parts: { fit: 1 } };
        // sqrt(|w − w₀|) at w = w₀: the loss is 0, its gradient NaN.
        return { loss: w.sub(w.detach()).abs().sqrt().sum(), parts: { fit: 1 } };
      }
      return { loss: w.sub(target).square().sum(), parts: { fit: 1 } };
    },
    validationLoss: () => ({ loss: 0, parts: {} }),
  };
  return { w, model };
}

const data = { data: Float64Array.from({ length: 30 }, (_, i) => Math.sin(i)), rows: 10, cols: 3 };
const opts = resolveTraining({ epochs: 2, batchSize: 2, learningRate: 0.1 }, 'toy');

describe('Trainer guard', () => {
  for (const kind of ['loss', 'grad'] as const) {
    it(`stops on a non-finite ${kind === 'loss' ? 'loss' : 'gradient norm'} naming it, with nothing changed, and a retry equals a clean run`, async () => {
      const fault = { step: 8, kind };
      const { w, model } = toy(fault);
      const trainer = new Trainer(1, ['noise'], 'Toy.fit');
      let before: number[] = [];
      let optBefore = '';
      const err = await trainer.fit(model, data, null, opts, {
        onBatchEnd: () => { before = Array.from(w.data); optBefore = JSON.stringify(trainer.state()); },
      }, (l) => l).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NonFiniteError);
      const quantity = kind === 'loss' ? 'loss' : 'gradient norm';
      expect((err as Error).message).toBe(
        `Toy.fit: the ${quantity} is NaN at epoch 2, step 8 (batch 3 of 5); training stopped before the update, so the parameters and optimizer state are those before this step`,
      );
      expect(Array.from(w.data)).toEqual(before);
      expect(JSON.stringify(trainer.state())).toBe(optBefore);
      expect(w.grad).toBeNull();
      // The random streams were put back too: clearing the fault and continuing equals a clean run.
      fault.step = -1;
      await trainer.fit(model, data, null, { ...opts, epochs: 1 }, {}, (l) => l);
      const clean = toy(null);
      await new Trainer(1, ['noise'], 'Toy.fit').fit(clean.model, data, null, opts, {}, (l) => l);
      expect(Array.from(w.data)).toEqual(Array.from(clean.w.data));
    });
  }

  it('validation rows come from a seeded split, and validationData is used as given', async () => {
    const { model } = toy(null);
    const seen: number[] = [];
    const tracking: Trainable = { ...model, validationLoss: (b) => { seen.push(b.shape[0]); return { loss: 1, parts: { fit: 2 } }; } };
    const t = new Trainer(3, ['noise'], 'Toy.fit');
    const logs = await t.fit(tracking, data, null, resolveTraining({ epochs: 1, batchSize: 2, validationSplit: 0.3 }, 'toy'), {}, (l) => l);
    expect(seen).toEqual([3]);
    expect(logs[0].validation).toEqual({ loss: 1, parts: { fit: 2 } });
    expect(logs[0].parts.fit).toBe(1);
    expect(() => resolveTraining({ validationSplit: 1 }, 'toy')).toThrow(RangeError);
  });

  it('rejects a trainer state with other streams or a bad optimizer', () => {
    const a = new Trainer(1, ['noise'], 'Toy.fit');
    const b = new Trainer(1, ['reparameterization'], 'Toy.fit');
    const s = a.state();
    expect(() => b.loadState(s.config, s.tensors, 'Toy.fromState', new Map())).toThrow(FormatError);
    expect(() => a.loadState({ ...s.config, optimizer: { type: 'lbfgs', hyper: {}, steps: {} } }, s.tensors, 'Toy.fromState', new Map())).toThrow(FormatError);
    expect(() => a.loadState({ ...s.config, epoch: -1 }, s.tensors, 'Toy.fromState', new Map())).toThrow(FormatError);
  });
});

describe('hyper-parameters are RangeErrors at construction (TESTING §3.2)', () => {
  const base = { inputDim: 4, latentDim: 2 };
  const bad: [string, Record<string, unknown>][] = [
    ['learningRate 0', { learningRate: 0 }],
    ['learningRate NaN', { learningRate: NaN }],
    ['learningRate negative', { learningRate: -1e-3 }],
    ['batchSize 0', { batchSize: 0 }],
    ['batchSize 2.5', { batchSize: 2.5 }],
    ['epochs -1', { epochs: -1 }],
    ['epochs 1.5', { epochs: 1.5 }],
    ['latentDim 0', { latentDim: 0 }],
    ['latentDim 1.5', { latentDim: 1.5 }],
    ['inputDim 0', { inputDim: 0 }],
    ['hiddenDims [0]', { hiddenDims: [0] }],
    ['maxGradNorm 0', { maxGradNorm: 0 }],
    ['maxGradNorm -1', { maxGradNorm: -1 }],
    ['validationSplit 1', { validationSplit: 1 }],
    ['patience -1', { patience: -1 }],
    ['optimizer unknown', { optimizer: 'rmsprop' }],
    ['beta1 1', { optimizerOptions: { beta1: 1 } }],
    ['unknown optimizer option', { optimizerOptions: { lr: 1 } }],
    ['nesterov without momentum', { optimizer: 'sgd', optimizerOptions: { nesterov: true } }],
    ['activation unknown', { activation: 'swish' }],
    ['init unknown', { init: 'orthogonal' }],
  ];
  for (const [name, extra] of bad) {
    it(`${name}: both models`, () => {
      expect(() => new VAE({ ...base, ...extra } as never)).toThrow(RangeError);
      expect(() => new Autoencoder({ ...base, ...extra } as never)).toThrow(RangeError);
    });
  }
  const vaeOnly: [string, Record<string, unknown>][] = [
    ['beta negative', { beta: -1 }], ['klWarmup negative', { klWarmup: -1 }], ['likelihood poisson', { likelihood: 'poisson' }],
    ['decoderVariance 0', { likelihood: 'gaussian', decoderVariance: 0 }],
  ];
  for (const [name, extra] of vaeOnly) it(`VAE ${name}`, () => expect(() => new VAE({ ...base, ...extra } as never)).toThrow(RangeError));
  const aeOnly: [string, Record<string, unknown>][] = [
    ['loss l1', { loss: 'l1' }], ['sparsity negative', { sparsity: -1 }], ['weightDecay negative', { weightDecay: -1 }],
    ['denoising std 0', { denoising: { type: 'gaussian', std: 0 } }], ['denoising rate 1', { denoising: { type: 'masking', rate: 1 } }],
    ['denoising unknown', { denoising: { type: 'salt' } }], ['binarize with identity codes', { binarize: 1, latentActivation: 'identity' }],
  ];
  for (const [name, extra] of aeOnly) it(`Autoencoder ${name}`, () => expect(() => new Autoencoder({ ...base, ...extra } as never)).toThrow(RangeError));

  it('a non-integer, non-string seed is a TypeError', () => {
    expect(() => new VAE({ ...base, seed: 1.5 })).toThrow(TypeError);
    expect(() => new Autoencoder({ ...base, seed: {} as never })).toThrow(TypeError);
  });

  it('bad fit options throw before any training and change nothing', async () => {
    const vae = new VAE({ inputDim: 6, latentDim: 2, seed: 1 });
    const X = unitData(8, 6);
    const before = tensorBytes(vae.toState());
    await expect(vae.fit(X, { learningRate: -1 })).rejects.toThrow(RangeError);
    await expect(vae.fit(X, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(vae.fit(X, { onEpochEnd: 3 as never })).rejects.toThrow(TypeError);
    expect(tensorBytes(vae.toState())).toEqual(before);
    expect(vae.step).toBe(0);
  });
});
