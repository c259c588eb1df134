/**
 * The engine's bookkeeping (docs/testing.md §3.1 items 23–24): fan-out and diamond accumulation,
 * linearity in the upstream gradient, no nodes for non-requiring inputs, detach, zeroGrad,
 * accumulation across backward calls, and a deep chain without stack overflow.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../src/autodiff/functional.js';
import { ShapeError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';
import { randomTensor, seedArb, shapeArb } from '../helpers/arbitraries.js';

const shapes = shapeArb({ maxRank: 3, maxSize: 40 });
const TIGHT = { rtol: 1e-12, atol: 1e-14 };

function gradOf(f: (x: Tensor) => Tensor, x0: Tensor): Float64Array {
  const x = new Tensor(Float64Array.from(x0.data), x0.shape, { requiresGrad: true });
  f(x).sum().backward();
  return x.grad!.data as Float64Array;
}

describe('fan-out and diamonds', () => {
  it('f(x) = x·x + x has gradient 2x + 1', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = randomTensor(shape, seed, { requiresGrad: true });
        x.mul(x).add(x).sum().backward();
        const expected = Array.from(x.data, (v) => 2 * v + 1);
        assertAllclose(x.grad!, { data: expected, shape }, TIGHT);
      }),
      { seed: 1, numRuns: 60 },
    );
  });

  it('the same tensor twice in one op: x + x, x·x, x − x, x / x', () => {
    const x = randomTensor([3, 4], 5, { requiresGrad: true, positive: 0.5 });
    const cases: [(t: Tensor) => Tensor, (v: number) => number][] = [
      [(t) => t.add(t), () => 2],
      [(t) => t.mul(t), (v) => 2 * v],
      [(t) => t.sub(t), () => 0],
      [(t) => t.div(t), () => 0],
    ];
    for (const [f, d] of cases) {
      const g = gradOf(f, x);
      assertAllclose({ data: g, shape: [12] }, Array.from(x.data, d), { rtol: 1e-12, atol: 1e-14 });
    }
  });

  it('a diamond x → y = tanh x → (y², 3y) → sum accumulates both branches', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = randomTensor(shape, seed, { requiresGrad: true });
        const y = x.tanh();
        y.square().add(y.mul(3)).sum().backward();
        const expected = Array.from(x.data, (v) => (2 * Math.tanh(v) + 3) * (1 - Math.tanh(v) ** 2));
        assertAllclose(x.grad!, { data: expected, shape }, { rtol: 1e-12, atol: 1e-14 });
      }),
      { seed: 2, numRuns: 60 },
    );
  });

  it('a wide diamond: one node feeding 50 branches, and nested diamonds', () => {
    const x = randomTensor([4], 9, { requiresGrad: true });
    const y = x.exp();
    let acc = y.mul(0);
    for (let i = 1; i <= 50; i++) acc = acc.add(y.mul(i));
    acc.sum().backward();
    assertAllclose(x.grad!, { data: Array.from(x.data, (v) => 1275 * Math.exp(v)), shape: [4] }, { rtol: 1e-12 });

    // z = (x + x)·(x + x) through two shared intermediates: dz/dx = 8x.
    const t = randomTensor([5], 10, { requiresGrad: true });
    const u = t.add(t);
    const v = u.reshape([5, 1]).reshape([5]);
    u.mul(v).sum().backward();
    assertAllclose(t.grad!, { data: Array.from(t.data, (w) => 8 * w), shape: [5] }, { rtol: 1e-12 });
  });
});

describe('linearity and the explicit upstream gradient', () => {
  it('backward(α·g) = α·backward(g) on non-scalar outputs', () => {
    fc.assert(
      fc.property(shapes, seedArb, fc.constantFrom(-3, 0.5, 2, 1e-3), (shape, seed, alpha) => {
        const x = randomTensor(shape, seed, { requiresGrad: true });
        const f = (t: Tensor): Tensor => t.sigmoid().mul(t).add(t.square().logSumExp(undefined, false));
        const g = randomTensor(shape, seed + 1);
        f(x).backward(g);
        const base = Float64Array.from(x.grad!.data);
        x.zeroGrad();
        f(x).backward(g.mul(alpha));
        assertAllclose(x.grad!, { data: base.map((v) => alpha * v), shape }, { rtol: 1e-12, atol: 1e-15 });
      }),
      { seed: 3, numRuns: 40 },
    );
  });

  it('backward(g1 + g2) = backward(g1) + backward(g2)', () => {
    const x = randomTensor([3, 5], 11, { requiresGrad: true });
    const f = (t: Tensor): Tensor => t.tanh().matmul(t, { transB: true });
    const g1 = randomTensor([3, 3], 12);
    const g2 = randomTensor([3, 3], 13);
    f(x).backward(g1);
    f(x).backward(g2);
    const summed = Float64Array.from(x.grad!.data);
    x.zeroGrad();
    f(x).backward(g1.add(g2));
    assertAllclose(x.grad!, { data: summed, shape: [3, 5] }, { rtol: 1e-12, atol: 1e-14 });
  });

  it('does not mutate the gradient passed to backward, even through views and fan-out', () => {
    const x = randomTensor([2, 3], 14, { requiresGrad: true });
    const g = randomTensor([2, 3], 15);
    const before = Float64Array.from(g.data);
    const r = x.reshape([6]).reshape([2, 3]);
    r.add(r).backward(g);
    expect(Array.from(g.data)).toEqual(Array.from(before));
    x.backward(g); // a leaf as the root
    expect(Array.from(g.data)).toEqual(Array.from(before));
    assertAllclose(x.grad!, { data: before.map((v) => 3 * v), shape: [2, 3] }, TIGHT);
  });
});

describe('which tensors get nodes and gradients', () => {
  it('operations on non-requiring inputs record nothing', () => {
    const a = randomTensor([2, 3], 1);
    const b = randomTensor([3], 2);
    const c = a.add(b).exp().matmul(a, { transB: true }).sum();
    expect(c.requiresGrad).toBe(false);
    expect(c.node).toBeNull();
    expect(() => c.backward()).toThrow(/does not require grad/);
  });

  it('only inputs with requiresGrad receive a gradient; outputs require grad if any input does', () => {
    const a = randomTensor([2, 3], 1, { requiresGrad: true });
    const b = randomTensor([3], 2);
    const y = a.mul(b);
    expect(y.requiresGrad).toBe(true);
    expect(y.node).not.toBeNull();
    y.sum().backward();
    expect(b.grad).toBeNull();
    expect(a.grad!.shape).toEqual([2, 3]);
    // Non-leaf tensors do not keep gradients (PyTorch's default for non-leaves).
    expect(y.grad).toBeNull();
  });

  it('gradients flowing only into non-requiring inputs are never computed', () => {
    const a = randomTensor([3, 3], 3);
    const w = randomTensor([3, 3], 4, { requiresGrad: true });
    const p = a.matmul(w);
    // The node tells backward to skip the gradient of the non-requiring operand.
    expect(p.node!.ctx.needsGrad).toEqual([false, true]);
    const y = p.add(a.mul(2));
    y.sum().backward();
    expect(a.grad).toBeNull();
    // d/dW Σ(aW) = aᵀ·1.
    const expected = [0, 1, 2].flatMap((i) => [0, 1, 2].map(() => a.data[i] + a.data[3 + i] + a.data[6 + i]));
    assertAllclose(w.grad!, { data: expected, shape: [3, 3] }, TIGHT);
  });

  it('detach() shares data, requires nothing and stops the gradient', () => {
    const x = randomTensor([4], 5, { requiresGrad: true });
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeNull();
    // d(x · stop(x))/dx = stop(x), not 2x.
    x.mul(d).sum().backward();
    assertAllclose(x.grad!, { data: Array.from(x.data), shape: [4] }, TIGHT);
    // A detached intermediate cuts everything above it.
    const z = randomTensor([4], 6, { requiresGrad: true });
    const cut = z.exp().detach();
    expect(cut.mul(3).requiresGrad).toBe(false);
    z.zeroGrad();
    cut.mul(z).sum().backward();
    assertAllclose(z.grad!, { data: Array.from(z.data, Math.exp), shape: [4] }, TIGHT);
  });

  it('zeroGrad clears, and a second backward accumulates (+=)', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = randomTensor(shape, seed, { requiresGrad: true });
        const loss = (): Tensor => x.softplus().mul(x).sum();
        loss().backward();
        const once = Float64Array.from(x.grad!.data);
        loss().backward();
        assertAllclose(x.grad!, { data: once.map((v) => 2 * v), shape }, TIGHT);
        // The same graph can be walked twice; it accumulates again.
        const l = loss();
        x.zeroGrad();
        expect(x.grad).toBeNull();
        l.backward();
        l.backward();
        assertAllclose(x.grad!, { data: once.map((v) => 2 * v), shape }, TIGHT);
        x.zeroGrad();
        loss().backward();
        assertAllclose(x.grad!, { data: once, shape }, TIGHT);
      }),
      { seed: 4, numRuns: 30 },
    );
  });

  it('the gradient of a float32 leaf is float32 and of a float64 leaf float64, with the leaf shape', () => {
    const a = Tensor.from([[1, 2, 3]], { requiresGrad: true });
    const b = Tensor.from([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(a.grad!.shape).toEqual([1, 3]);
    expect(b.grad!.shape).toEqual([3]);
    expect(a.grad!.requiresGrad).toBe(false);
  });
});

describe('ops never mutate their inputs', () => {
  it('forward and backward of every op leave input bytes unchanged', () => {
    const x = randomTensor([3, 4], 1, { requiresGrad: true, positive: 0.2 });
    const y = randomTensor([4], 2, { requiresGrad: true, positive: 0.2 });
    const before = [Float64Array.from(x.data), Float64Array.from(y.data)];
    const outs: Tensor[] = [
      x.add(y), x.sub(y), x.mul(y), x.div(y), x.neg(), x.exp(), x.log(), x.sqrt(), x.square(), x.abs(),
      x.tanh(), x.sigmoid(), x.relu(), x.leakyRelu(0.1), x.softplus(), x.logSigmoid(),
      x.matmul(y.reshape([4, 1])), x.sum(1), x.mean(0, true), x.logSumExp(1), x.reshape([12]), x.transpose(),
      y.broadcastTo([3, 4]), x.slice(1, 1, 3), F.concat([x, x], 0), F.mse(x, y), F.bceWithLogits(x, y.sigmoid()),
      F.gaussianNll(x, y, y), F.gaussianKl(x, y),
    ];
    for (const o of outs) o.sum().backward();
    expect(Array.from(x.data)).toEqual(Array.from(before[0]));
    expect(Array.from(y.data)).toEqual(Array.from(before[1]));
  });
});

describe('deep and wide graphs', () => {
  it('a chain of 10 000 ops backpropagates without stack overflow (iterative topological sort)', () => {
    const x = Tensor.from([0.5, -0.25], { dtype: 'float64', requiresGrad: true });
    let y = x;
    for (let i = 0; i < 5000; i++) y = y.mul(0.9999).add(1e-4);
    y.sum().backward();
    const expected = 0.9999 ** 5000;
    assertAllclose(x.grad!, [expected, expected], { rtol: 1e-10 });
  });

  it('a chain of 10 000 unary ops through reshape views', () => {
    const x = Tensor.from([[0.3]], { dtype: 'float64', requiresGrad: true });
    let y = x;
    for (let i = 0; i < 10_000; i++) y = i % 2 === 0 ? y.reshape([1]) : y.reshape([1, 1]);
    y.mul(y).sum().backward();
    assertAllclose(x.grad!, [[0.6]], TIGHT);
  });

  it('10 000 leaves summed into one loss each get their gradient', () => {
    const leaves = Array.from({ length: 10_000 }, (_, i) => Tensor.from(i, { dtype: 'float64', requiresGrad: true }));
    let acc = leaves[0].mul(1);
    for (let i = 1; i < leaves.length; i++) acc = acc.add(leaves[i].square());
    acc.backward();
    expect(leaves[0].grad!.item()).toBe(1);
    expect(leaves[7].grad!.item()).toBe(14);
    expect(leaves[9999].grad!.item()).toBe(19998);
  });
});

describe('empty tensors', () => {
  it('flow through forward and backward with gradients of the input shape', () => {
    const T = (s: number[]): Tensor => Tensor.zeros(s, { dtype: 'float64', requiresGrad: true });
    const cases: [string, (xs: Tensor[]) => Tensor, number[][], number[]?][] = [
      ['sum', ([x]) => x.sum(), [[0, 3]]],
      ['sum over the empty axis', ([x]) => x.sum(0).sum(), [[0, 3]]],
      ['mean over a full axis', ([x]) => x.mean(1).sum(), [[0, 3]]],
      ['logSumExp over the empty axis', ([x]) => x.logSumExp(0).exp().sum(), [[0, 3]]],
      ['matmul k = 0', ([a, b]) => a.matmul(b).sum(), [[2, 0], [0, 3]]],
      ['matmul m = 0', ([a, b]) => a.matmul(b).sum(), [[0, 2], [2, 3]]],
      ['broadcast add', ([a, b]) => a.add(b).sum(), [[0, 3], [3]]],
      ['broadcast mul', ([a, b]) => a.mul(b).sum(), [[0, 3], [1, 3]]],
      ['empty slice', ([a]) => a.slice(1, 1, 1).sum(), [[2, 3]]],
      ['concat with an empty part', ([a, b]) => F.concat([a, b], 1).sum(), [[2, 0], [2, 2]], [0, 1]],
      ['transpose', ([a]) => a.transpose([2, 0, 1]).sum(), [[0, 2, 3]]],
      ['broadcastTo an empty shape', ([a]) => a.broadcastTo([0, 3]).sum(), [[1, 3]]],
      ['a loss with sum reduction', ([a, b]) => F.gaussianKl(a, b, { reduction: 'sum' }), [[0, 3], [0, 3]]],
    ];
    for (const [name, f, shapes, fills] of cases) {
      const xs = shapes.map(T);
      const y = f(xs);
      expect(Number.isNaN(y.item()), name).toBe(false);
      y.backward();
      xs.forEach((x, k) => {
        expect(x.grad!.shape, `${name}: input ${k}`).toEqual(shapes[k]);
        for (const g of x.grad!.data) expect(g, `${name}: input ${k}`).toBe(fills?.[k] ?? 0);
      });
    }
    // The exp(logSumExp(∅)) = exp(−∞) = 0 case above relies on logSumExp of an empty axis being −∞.
    expect(Array.from(T([0, 2]).logSumExp(0).data)).toEqual([-Infinity, -Infinity]);
  });
});

describe('backward argument errors', () => {
  it('rejects a gradient of the wrong shape', () => {
    const x = randomTensor([2, 3], 1, { requiresGrad: true });
    expect(() => x.exp().backward(Tensor.zeros([3, 2]))).toThrow(ShapeError);
    expect(() => x.exp().backward(Tensor.zeros([3, 2]))).toThrow(/gradient has shape \[3, 2\], but the tensor has shape \[2, 3\]/);
  });
});
