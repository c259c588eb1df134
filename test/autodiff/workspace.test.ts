/**
 * The per-step array pool: arrays come back zeroed, are reused by type and length, and only
 * inside `runInWorkspace`; training steps run inside a workspace (recycled after every step)
 * give the same bits as the same steps with fresh arrays, for models whose backward relies on
 * zeroed arrays (slices, broadcasts, reductions, fused losses).
 */
import { describe, expect, it } from 'vitest';
import { allocLike } from '../../src/autodiff/op.js';
import { Workspace, currentWorkspace, runInWorkspace } from '../../src/autodiff/workspace.js';
import { resolveAutoencoderConfig } from '../../src/models/neural/autoencoder-config.js';
import { AutoencoderNetwork } from '../../src/models/neural/autoencoder-network.js';
import { resolveVAEConfig } from '../../src/models/neural/vae-config.js';
import { VAENetwork } from '../../src/models/neural/vae-network.js';
import { Adam } from '../../src/optim/adam.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor, type DType } from '../../src/tensor/tensor.js';

describe('Workspace', () => {
  it('hands out zeroed arrays and reuses them by type and length after recycle', () => {
    const ws = new Workspace();
    const a = ws.alloc(false, 5) as Float32Array;
    const b = ws.alloc(true, 5) as Float64Array;
    expect(a).toBeInstanceOf(Float32Array);
    expect(b).toBeInstanceOf(Float64Array);
    a.fill(7);
    b.fill(7);
    expect(ws.alloc(false, 5)).not.toBe(a); // still in use
    ws.recycle();
    const again = [ws.alloc(false, 5), ws.alloc(false, 5)];
    expect(again).toContain(a);
    expect(Array.from(a)).toEqual([0, 0, 0, 0, 0]);
    expect(ws.alloc(true, 5)).toBe(b);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0]);
    expect(ws.alloc(false, 6)).not.toBe(a);
    ws.clear();
    expect(ws.alloc(true, 5)).not.toBe(b);
  });

  it('is current only inside runInWorkspace, also when it throws, and nests', () => {
    const ws = new Workspace();
    const inner = new Workspace();
    expect(currentWorkspace()).toBeNull();
    const like = new Float32Array(1);
    const outside = allocLike(like, 3);
    runInWorkspace(ws, () => {
      expect(currentWorkspace()).toBe(ws);
      runInWorkspace(inner, () => expect(currentWorkspace()).toBe(inner));
      expect(currentWorkspace()).toBe(ws);
    });
    expect(() => runInWorkspace(ws, () => { throw new Error('boom'); })).toThrow('boom');
    expect(currentWorkspace()).toBeNull();
    ws.recycle();
    const pooled = runInWorkspace(ws, () => allocLike(like, 3));
    ws.recycle();
    expect(runInWorkspace(ws, () => allocLike(like, 3))).toBe(pooled);
    expect(allocLike(like, 3)).not.toBe(outside);
  });
});

type Net = { parameters(): Map<string, Tensor>; loss(x: Tensor, rng: Rng): Tensor };

function nets(dtype: DType): [string, () => Net][] {
  return [
    ['VAE gaussian learned variance', () => {
      const net = new VAENetwork(resolveVAEConfig({ inputDim: 9, hiddenDims: [16, 7], latentDim: 3, likelihood: 'gaussian', decoderVariance: 'learned', dtype, seed: 1 }), new Rng(1));
      return { parameters: () => net.parameters(), loss: (x, rng) => net.terms(x, Tensor.randn([x.shape[0], 3], rng, { dtype }), 0.7).loss };
    }],
    ['VAE bernoulli', () => {
      const net = new VAENetwork(resolveVAEConfig({ inputDim: 9, hiddenDims: [64], latentDim: 4, dtype, seed: 2 }), new Rng(2));
      return { parameters: () => net.parameters(), loss: (x, rng) => net.terms(x, Tensor.randn([x.shape[0], 4], rng, { dtype }), 1).loss };
    }],
    ['sparse autoencoder', () => {
      const net = new AutoencoderNetwork(resolveAutoencoderConfig({ inputDim: 9, hiddenDims: [12], latentDim: 2, sparsity: 0.1, weightDecay: 0.01, dtype, seed: 3 }), new Rng(3));
      return { parameters: () => net.parameters(), loss: (x) => net.terms(x, x).loss };
    }],
  ];
}

function train(make: () => Net, dtype: DType, ws: Workspace | null): number[][] {
  const net = make();
  const params = net.parameters();
  const opt = new Adam(params, { learningRate: 0.05 });
  const data = new Rng(4);
  const noise = new Rng(5);
  const losses: number[] = [];
  for (let step = 0; step < 6; step++) {
    const x = Tensor.rand([33, 9], data, { dtype });
    const body = () => {
      const loss = net.loss(x, noise);
      loss.backward();
      opt.step();
      return loss.item();
    };
    losses.push(ws === null ? body() : runInWorkspace(ws, body));
    for (const p of params.values()) p.grad?.data.fill(0);
    ws?.recycle();
  }
  return [losses, ...[...params.values()].map((p) => Array.from(p.data))];
}

describe('training steps in a workspace', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it.each(nets(dtype))(`%s (${dtype}): same bits as with fresh arrays`, (_name, make) => {
      expect(train(make, dtype, new Workspace())).toEqual(train(make, dtype, null));
    });
  }
});
