import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autodiff/gradcheck.js';
import { apply } from '../../src/autodiff/functional.js';
import { ops } from '../../src/autodiff/ops/index.js';
import { FormatError, ShapeError } from '../../src/errors.js';
import { Linear } from '../../src/nn/linear.js';
import { MLP } from '../../src/nn/mlp.js';
import { heNormal, heUniform, initLinear, xavierNormal, xavierUniform } from '../../src/nn/init.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';

function naiveLinear(x: Tensor, w: Tensor, b: Tensor | null): Float64Array {
  const [n, k] = x.shape;
  const m = w.shape[0];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = b === null ? 0 : b.data[j];
      for (let p = 0; p < k; p++) s += x.data[i * k + p] * w.data[j * k + p];
      out[i * m + j] = s;
    }
  }
  return out;
}

describe('Linear', () => {
  it('stores the weight as [out, in] and computes x·Wᵀ + b', () => {
    const rng = new Rng(1);
    const layer = new Linear(5, 3, { rng, dtype: 'float64' });
    expect(layer.weight.shape).toEqual([3, 5]);
    expect(layer.bias!.shape).toEqual([3]);
    expect([...layer.parameters().keys()]).toEqual(['weight', 'bias']);
    const x = Tensor.randn([4, 5], rng, { dtype: 'float64' });
    const y = layer.forward(x);
    expect(y.shape).toEqual([4, 3]);
    assertAllclose(y.data, naiveLinear(x, layer.weight, layer.bias), { rtol: 1e-12, atol: 1e-12 });
  });

  it('works without a bias and in float32 against a float64 reference', () => {
    const rng = new Rng(2);
    const layer = new Linear(37, 19, { rng, bias: false });
    expect(layer.bias).toBeNull();
    expect([...layer.parameters().keys()]).toEqual(['weight']);
    const x = Tensor.randn([23, 37], rng);
    assertAllclose(layer.forward(x).data, naiveLinear(x, layer.weight, null), { rtol: 1e-4, atol: 1e-5 });
  });

  it('builds no graph on the inference path', () => {
    const layer = new Linear(4, 2, { rng: new Rng(0) });
    const x = Tensor.ones([3, 4]);
    const trained = layer.forward(x);
    expect(trained.requiresGrad).toBe(true);
    expect(trained.node).not.toBeNull();
    const inferred = layer.forward(x, { grad: false });
    expect(inferred.requiresGrad).toBe(false);
    expect(inferred.node).toBeNull();
    expect(Array.from(inferred.data)).toEqual(Array.from(trained.data));
  });

  it('the fused linear op passes float64 gradcheck (with and without bias, all inputs)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (n, k, m, seed) => {
      const rng = new Rng(seed);
      const opts = { dtype: 'float64' as const, requiresGrad: true };
      const x = Tensor.randn([n, k], rng, opts);
      const w = Tensor.randn([m, k], rng, opts);
      const b = Tensor.randn([m], rng, opts);
      gradcheck((x, w, b) => apply(ops.linear, [x, w, b], { relu: false }).tanh().sum(), [x, w, b]);
      gradcheck((x, w) => apply(ops.linear, [x, w], { relu: false }).square().sum(), [x, w]);
      // Fused ReLU: pre-activations are Gaussian, so one within 1e-6 of the kink is improbable.
      gradcheck((x, w, b) => apply(ops.linear, [x, w, b], { relu: true }).square().sum(), [x, w, b]);
    }), { seed: 11, numRuns: 30 });
  });

  it('forwardRelu equals relu(forward) in value and gradient, and keeps NaN', () => {
    const rng = new Rng(8);
    const layer = new Linear(7, 5, { rng, dtype: 'float64' });
    const x = Tensor.randn([6, 7], rng, { dtype: 'float64' });
    const fused = layer.forwardRelu(x);
    expect(Array.from(fused.data)).toEqual(Array.from(layer.forward(x).relu().data));
    fused.square().sum().backward();
    const g1 = Array.from(layer.weight.grad!.data);
    layer.weight.grad = null;
    layer.bias!.grad = null;
    layer.forward(x).relu().square().sum().backward();
    assertAllclose(g1, layer.weight.grad!.data, { rtol: 1e-12, atol: 1e-14 });
    const xn = x.clone();
    xn.data[3] = NaN;
    const out = layer.forwardRelu(xn, { grad: false });
    expect(Number.isNaN(out.data[0])).toBe(true);
  });

  it('accumulates gradients like matmul + add', () => {
    const rng = new Rng(3);
    const layer = new Linear(6, 4, { rng, dtype: 'float64' });
    const x = Tensor.randn([5, 6], rng, { dtype: 'float64' });
    layer.forward(x).square().sum().backward();
    const w2 = layer.weight.detach().clone();
    w2.requiresGrad = true;
    const b2 = layer.bias!.detach().clone();
    b2.requiresGrad = true;
    x.matmul(w2, { transB: true }).add(b2).square().sum().backward();
    assertAllclose(layer.weight.grad!.data, w2.grad!.data, { rtol: 1e-12, atol: 1e-12 });
    assertAllclose(layer.bias!.grad!.data, b2.grad!.data, { rtol: 1e-12, atol: 1e-12 });
  });

  it('rejects bad arguments and shapes', () => {
    const rng = new Rng(0);
    expect(() => new Linear(0, 3, { rng })).toThrow(RangeError);
    expect(() => new Linear(2.5, 3, { rng })).toThrow(/inFeatures/);
    expect(() => new Linear(2, 3, { rng, init: 'bogus' as never })).toThrow(RangeError);
    expect(() => new Linear(2, 3, {} as never)).toThrow(TypeError);
    const layer = new Linear(2, 3, { rng });
    expect(() => layer.forward(Tensor.zeros([4, 5]))).toThrow(ShapeError);
    expect(() => layer.setParameter('weight', Tensor.zeros([2, 3]))).toThrow(ShapeError);
    expect(() => layer.setParameter('nope', Tensor.zeros([2, 3]))).toThrow(RangeError);
    expect(() => layer.loadParameters({ weight: { shape: [3, 2], data: new Float32Array(6) } })).toThrow(FormatError);
  });
});

describe('initialisers', () => {
  const stats = (t: Tensor) => {
    let s = 0;
    let s2 = 0;
    let max = 0;
    for (const v of t.data) { s += v; s2 += v * v; max = Math.max(max, Math.abs(v)); }
    const mean = s / t.size;
    return { mean, variance: s2 / t.size - mean * mean, max };
  };

  it('draw from the documented distributions, deterministically from the Rng', () => {
    const fanIn = 300;
    const fanOut = 200;
    const cases: [Tensor, number, number][] = [
      [xavierUniform(fanIn, fanOut, new Rng(1)), 2 / (fanIn + fanOut), Math.sqrt(6 / (fanIn + fanOut))],
      [xavierNormal(fanIn, fanOut, new Rng(1)), 2 / (fanIn + fanOut), Infinity],
      [heUniform(fanIn, fanOut, new Rng(1)), 2 / fanIn, Math.sqrt(6 / fanIn)],
      [heNormal(fanIn, fanOut, new Rng(1)), 2 / fanIn, Infinity],
      [initLinear('pytorch', fanIn, fanOut, new Rng(1)).weight, 1 / (3 * fanIn), 1 / Math.sqrt(fanIn)],
    ];
    for (const [t, variance, bound] of cases) {
      expect(t.shape).toEqual([fanOut, fanIn]);
      const s = stats(t);
      // 60,000 draws: the sample variance is within a few percent of the true one.
      expect(Math.abs(s.variance / variance - 1)).toBeLessThan(0.05);
      expect(Math.abs(s.mean)).toBeLessThan(5 * Math.sqrt(variance / t.size));
      expect(s.max).toBeLessThanOrEqual(bound);
    }
    expect(Array.from(heNormal(3, 2, new Rng(9)).data)).toEqual(Array.from(heNormal(3, 2, new Rng(9)).data));
    const { bias } = initLinear('xavierUniform', 4, 3, new Rng(0));
    expect(Array.from(bias.data)).toEqual([0, 0, 0]);
    const pt = initLinear('pytorch', 4, 3, new Rng(0)).bias;
    expect(stats(pt).max).toBeLessThanOrEqual(0.5);
  });
});

describe('MLP', () => {
  it('names parameters layers.i.weight/bias and stacks layers with activations', () => {
    const mlp = new MLP({ sizes: [4, 6, 3], activation: 'tanh', outputActivation: 'sigmoid', rng: new Rng(1), dtype: 'float64' });
    expect([...mlp.parameters().keys()]).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    const x = Tensor.randn([2, 4], new Rng(2), { dtype: 'float64' });
    const [l0, l1] = mlp.layers;
    const expected = l1.forward(l0.forward(x).tanh()).sigmoid();
    expect(Array.from(mlp.forward(x).data)).toEqual(Array.from(expected.data));
  });

  it('passes gradcheck with respect to every parameter (rebinding via setParameter)', () => {
    const mlp = new MLP({ sizes: [3, 5, 4, 2], activation: 'softplus', rng: new Rng(4), dtype: 'float64' });
    const x = Tensor.randn([6, 3], new Rng(5), { dtype: 'float64' });
    const names = [...mlp.parameters().keys()];
    const inputs = names.map((n) => mlp.parameters().get(n)!);
    gradcheck((...ps) => {
      ps.forEach((p, i) => mlp.setParameter(names[i], p));
      return mlp.forward(x).square().sum();
    }, inputs);
  });

  it('is deterministic given the Rng and rejects bad sizes', () => {
    const a = new MLP({ sizes: [3, 4, 2], rng: new Rng(7) });
    const b = new MLP({ sizes: [3, 4, 2], rng: new Rng(7) });
    for (const [k, p] of a.parameters()) expect(Array.from(p.data)).toEqual(Array.from(b.parameters().get(k)!.data));
    expect(() => new MLP({ sizes: [3], rng: new Rng(0) })).toThrow(RangeError);
    expect(() => new MLP({ sizes: [3, 0], rng: new Rng(0) })).toThrow(RangeError);
    expect(() => new MLP({ sizes: [3, 2], activation: 'gelu' as never, rng: new Rng(0) })).toThrow(RangeError);
  });
});
