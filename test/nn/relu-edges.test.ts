/**
 * One ReLU: `x.relu()` and `Linear.forwardRelu` run the same kernels (kernels/relu.ts), so they
 * give the same bits, forward and backward, at the edges −0, −∞, +∞ and NaN too, with the
 * documented behaviour: relu(−0) = relu(−∞) = +0, relu(+∞) = +∞, relu(NaN) = NaN; the gradient
 * is g·[x > 0] + (NaN where x is NaN).
 */
import { describe, expect, it } from 'vitest';
import { Linear } from '../../src/nn/linear.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/random/rng.js';

const EDGES = [-0, 0, -Infinity, Infinity, NaN, -1.5, 2.5, 1e-45, -1e-45];

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A 1 → 1 layer with weight 1 and bias +0: its pre-activation is x itself (x·1 + 0). */
function identityLayer(): Linear {
  const layer = new Linear(1, 1, { rng: new Rng(0) });
  layer.weight.data.fill(1);
  layer.bias!.data.fill(0);
  return layer;
}

describe('relu at its edges', () => {
  it('x.relu() maps −0 and −∞ to +0, keeps +∞ and NaN', () => {
    const y = Tensor.from(EDGES).relu().data as Float32Array;
    const expected = [0, 0, 0, Infinity, NaN, 0, 2.5, 1e-45, 0];
    expected.forEach((e, i) => expect(Object.is(y[i], Math.fround(e)), `relu(${EDGES[i]}) = ${y[i]}`).toBe(true));
  });

  it('x.relu() backward is g·[x > 0] + (NaN where x is NaN), also for an infinite g', () => {
    const x = Tensor.from(EDGES, { requiresGrad: true });
    const g = Tensor.from(EDGES.map(() => 3));
    x.relu().backward(g);
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 3, NaN, 0, 3, 3, 0]);
    const xi = Tensor.from([-1, 0, 2], { requiresGrad: true });
    xi.relu().backward(Tensor.from([Infinity, -Infinity, Infinity]));
    expect(Array.from(xi.grad!.data)).toEqual([NaN, NaN, Infinity]); // 0·∞ where x ≤ 0
  });

  it('Linear.forwardRelu and forward(x).relu() agree bit for bit, forward and backward', () => {
    // Pre-activations x·1 + 0 (−0 becomes +0 already in the sum, so the kernels' −0 case is
    // covered by the first test and by test/kernels/relu.test.ts).
    const input = EDGES.filter((v) => !Object.is(v, -0));
    const fused = identityLayer();
    const plain = identityLayer();
    const x1 = Tensor.from(input.map((v) => [v]), { requiresGrad: true });
    const x2 = Tensor.from(input.map((v) => [v]), { requiresGrad: true });
    const y1 = fused.forwardRelu(x1);
    const y2 = plain.forward(x2).relu();
    expect(bits(y1.data as Float32Array)).toEqual(bits(y2.data as Float32Array));
    const g = Tensor.from(input.map((_, i) => [i % 2 === 0 ? 2 : -3]));
    y1.backward(g);
    y2.backward(g);
    expect(bits(x1.grad!.data as Float32Array)).toEqual(bits(x2.grad!.data as Float32Array));
    expect(bits(fused.weight.grad!.data as Float32Array)).toEqual(bits(plain.weight.grad!.data as Float32Array));
  });
});
