import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { Adam, AdamW } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';

/** Float64 references written from PyTorch's documented algorithms (torch.optim, 2.x). */
function refAdam(p0: number[], grads: number[][], o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean }): number[] {
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i];
      if (o.decoupled) p[i] *= 1 - o.lr * o.wd;
      else gi += o.wd * p[i];
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      const mHat = m[i] / (1 - o.b1 ** t);
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - o.b2 ** t) + o.eps;
      p[i] -= (o.lr * mHat) / denom;
    }
  });
  return p;
}

function refSgd(p0: number[], grads: number[][], o: { lr: number; mu: number; tau: number; wd: number; nesterov: boolean }): number[] {
  const p = p0.slice();
  let buf: number[] | null = null;
  for (const g of grads) {
    const d = g.map((gi, i) => gi + o.wd * p[i]);
    let step = d;
    if (o.mu !== 0) {
      buf = buf === null ? d.slice() : buf.map((b, i) => o.mu * b + (1 - o.tau) * d[i]);
      step = o.nesterov ? d.map((di, i) => di + o.mu * buf![i]) : buf;
    }
    for (let i = 0; i < p.length; i++) p[i] -= o.lr * step[i];
  }
  return p;
}

function run(make: (params: Map<string, Tensor>) => Optimizer, p0: number[], grads: number[][], dtype: 'float32' | 'float64' = 'float64'): Float32Array | Float64Array {
  const w = Tensor.from(p0, { dtype, requiresGrad: true });
  const opt = make(new Map([['w', w]]));
  for (const g of grads) {
    w.grad = Tensor.from(g, { dtype });
    opt.step();
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  }
  return w.data;
}

const rng = new Rng(5);
const P0 = Array.from({ length: 7 }, () => rng.normal());
const GRADS = Array.from({ length: 6 }, () => Array.from({ length: 7 }, () => rng.normal(0, 0.5)));

describe('Adam and AdamW (PyTorch semantics)', () => {
  it('first step with bias correction, by hand: p = 1, g = 0.5, lr = 0.1 gives 1 − 0.1/(1 + 2e-8)', () => {
    const out = run((ps) => new Adam(ps, { learningRate: 0.1 }), [1], [[0.5]]);
    expect(out[0]).toBeCloseTo(1 - 0.1 / (1 + 2e-8), 15);
  });

  it('matches the reference over several steps, with and without L2 decay', () => {
    for (const wd of [0, 0.1]) {
      const o = { lr: 0.01, b1: 0.8, b2: 0.95, eps: 1e-6, wd, decoupled: false };
      const got = run((ps) => new Adam(ps, { learningRate: o.lr, beta1: o.b1, beta2: o.b2, eps: o.eps, weightDecay: wd }), P0, GRADS);
      assertAllclose(got, refAdam(P0, GRADS, o), { rtol: 1e-13, atol: 1e-15 });
    }
  });

  it('AdamW decays decoupled from the gradient, default weightDecay 1e-2', () => {
    const o = { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, decoupled: true };
    const got = run((ps) => new AdamW(ps, { learningRate: o.lr }), P0, GRADS);
    assertAllclose(got, refAdam(P0, GRADS, o), { rtol: 1e-13, atol: 1e-15 });
    // Decoupled decay is not L2: the two differ.
    const l2 = refAdam(P0, GRADS, { ...o, decoupled: false });
    expect(Math.max(...got.map((v, i) => Math.abs(v - l2[i])))).toBeGreaterThan(1e-6);
    // With a zero gradient only the decay acts: p ← p(1 − lr·λ).
    const decayOnly = run((ps) => new AdamW(ps, { learningRate: 0.5, weightDecay: 0.2 }), [2], [[0]]);
    expect(decayOnly[0]).toBeCloseTo(2 * (1 - 0.1), 14);
  });

  it('float32 storage stays within float32 rounding of the float64 reference', () => {
    const o = { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false };
    const got = run((ps) => new Adam(ps), P0, GRADS, 'float32');
    assertAllclose(got, refAdam(P0.map(Math.fround), GRADS.map((g) => g.map(Math.fround)), o), { rtol: 1e-6, atol: 1e-6 });
  });
});

describe('SGD (PyTorch semantics)', () => {
  const cases = [
    { name: 'plain', mu: 0, tau: 0, wd: 0, nesterov: false },
    { name: 'weight decay', mu: 0, tau: 0, wd: 0.3, nesterov: false },
    { name: 'momentum', mu: 0.9, tau: 0, wd: 0, nesterov: false },
    { name: 'momentum + dampening', mu: 0.9, tau: 0.5, wd: 0.1, nesterov: false },
    { name: 'Nesterov', mu: 0.8, tau: 0, wd: 0.05, nesterov: true },
  ];
  for (const c of cases) {
    it(`${c.name} matches the reference`, () => {
      const got = run((ps) => new SGD(ps, { learningRate: 0.1, momentum: c.mu, dampening: c.tau, weightDecay: c.wd, nesterov: c.nesterov }), P0, GRADS);
      assertAllclose(got, refSgd(P0, GRADS, { lr: 0.1, ...c }), { rtol: 1e-13, atol: 1e-15 });
    });
  }

  it('momentum by hand: the first step uses the raw gradient, the second μ·b + g', () => {
    const out = run((ps) => new SGD(ps, { learningRate: 1, momentum: 0.5 }), [0], [[1], [1]]);
    expect(out[0]).toBe(-(1 + 1.5));
  });
});

describe('optimizer state', () => {
  it('state() / loadState() continue bit-exactly, and parameters without a gradient are skipped', () => {
    for (const make of [
      (ps: Map<string, Tensor>) => new Adam(ps, { learningRate: 0.01 }),
      (ps: Map<string, Tensor>) => new AdamW(ps, { learningRate: 0.01 }),
      (ps: Map<string, Tensor>) => new SGD(ps, { learningRate: 0.01, momentum: 0.9, nesterov: true }),
    ]) {
      const w = Tensor.from(P0, { requiresGrad: true });
      const idle = Tensor.from([1, 2], { requiresGrad: true });
      const a = make(new Map([['w', w], ['idle', idle]]));
      for (const g of GRADS.slice(0, 3)) { w.grad = Tensor.from(g); a.step(); }
      const saved = a.state();
      expect(saved.steps).toEqual({ w: 3 });
      const w2 = Tensor.from(w.data, { requiresGrad: true });
      const b = make(new Map([['w', w2], ['idle', Tensor.from([1, 2], { requiresGrad: true })]]));
      b.loadState(JSON.parse(JSON.stringify({ ...saved, tensors: {} })) as never);
      b.loadState(saved);
      for (const g of GRADS.slice(3)) {
        w.grad = Tensor.from(g); a.step();
        w2.grad = Tensor.from(g); b.step();
      }
      expect(new Uint8Array(w2.data.buffer)).toEqual(new Uint8Array(w.data.buffer));
      expect(Array.from(idle.data)).toEqual([1, 2]);
      // The saved state is a copy: stepping did not change it.
      expect(a.state().steps.w).toBe(6);
      expect(saved.steps.w).toBe(3);
    }
  });

  it('loadState rejects a foreign type or mismatched buffers without changing anything', () => {
    const w = Tensor.from([1, 2, 3], { requiresGrad: true });
    const opt = new Adam(new Map([['w', w]]));
    w.grad = Tensor.from([1, 1, 1]);
    opt.step();
    const before = opt.state();
    expect(() => opt.loadState({ ...before, type: 'sgd' })).toThrow(FormatError);
    expect(() => opt.loadState({ ...before, tensors: { 'exp_avg.w': { shape: [2], data: new Float32Array(2) } } })).toThrow(FormatError);
    expect(() => opt.loadState({ ...before, tensors: { 'exp_avg.v': { shape: [3], data: new Float32Array(3) } } })).toThrow(FormatError);
    expect(opt.state()).toEqual(before);
  });
});

describe('bad hyper-parameters are RangeErrors at construction', () => {
  const ps = () => new Map([['w', Tensor.zeros([2], { requiresGrad: true })]]);
  const bad: [string, () => unknown][] = [
    ['lr 0', () => new Adam(ps(), { learningRate: 0 })],
    ['lr NaN', () => new SGD(ps(), { learningRate: NaN })],
    ['lr negative', () => new AdamW(ps(), { learningRate: -1 })],
    ['beta1 1', () => new Adam(ps(), { beta1: 1 })],
    ['beta2 negative', () => new Adam(ps(), { beta2: -0.1 })],
    ['eps negative', () => new Adam(ps(), { eps: -1 })],
    ['weightDecay negative', () => new AdamW(ps(), { weightDecay: -0.1 })],
    ['momentum negative', () => new SGD(ps(), { momentum: -0.5 })],
    ['nesterov without momentum', () => new SGD(ps(), { nesterov: true })],
    ['nesterov with dampening', () => new SGD(ps(), { nesterov: true, momentum: 0.9, dampening: 0.1 })],
  ];
  for (const [name, f] of bad) it(name, () => expect(f).toThrow(RangeError));

  it('learningRate can be changed between steps, and is checked', () => {
    const opt = new SGD(ps(), { learningRate: 0.1 });
    opt.learningRate = 0.01;
    expect(opt.learningRate).toBe(0.01);
    expect(() => { opt.learningRate = 0; }).toThrow(RangeError);
  });
});

describe('Adam on WebAssembly SIMD (float32, backend wasm)', () => {
  it.skipIf(!isWasmAvailable())('agrees with the scalar path to float32 rounding, across chunk edges and odd lengths', async () => {
    const { getBackend, setBackend } = await import('../../src/kernels/backend.js');
    const before = getBackend();
    try {
      const n = 2 * 16384 + 7;
      const rng = new Rng(9);
      const p0 = Float32Array.from({ length: n }, () => rng.normal());
      const grads = Array.from({ length: 4 }, () => Float32Array.from({ length: n }, () => rng.normal(0, 0.1)));
      const runOn = (backend: 'js' | 'wasm', make: (ps: Map<string, Tensor>) => Optimizer) => {
        setBackend(backend);
        const w = new Tensor(p0.slice(), [n], { requiresGrad: true });
        const opt = make(new Map([['w', w]]));
        for (const g of grads) { w.grad = new Tensor(g.slice(), [n]); opt.step(); }
        return { p: w.data, state: opt.state() };
      };
      for (const make of [
        (ps: Map<string, Tensor>) => new Adam(ps, { learningRate: 0.01, weightDecay: 0.1 }),
        (ps: Map<string, Tensor>) => new AdamW(ps, { learningRate: 0.01, weightDecay: 0.1 }),
      ]) {
        const js = runOn('js', make);
        const wasm = runOn('wasm', make);
        assertAllclose(wasm.p, js.p, { rtol: 1e-5, atol: 1e-6 });
        assertAllclose(wasm.state.tensors['exp_avg.w'].data, js.state.tensors['exp_avg.w'].data, { rtol: 1e-5, atol: 1e-7 });
        assertAllclose(wasm.state.tensors['exp_avg_sq.w'].data, js.state.tensors['exp_avg_sq.w'].data, { rtol: 1e-5, atol: 1e-9 });
        // Same backend, same bytes.
        expect(Array.from(runOn('wasm', make).p)).toEqual(Array.from(wasm.p));
      }
    } finally {
      setBackend(before);
    }
  });
});
