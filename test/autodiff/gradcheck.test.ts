/**
 * The public gradcheck itself: it must catch wrong gradients (full and projection modes),
 * accept right ones, and reject what it cannot check.
 */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autodiff/gradcheck.js';
import { apply } from '../../src/autodiff/functional.js';
import { allocLike, defineOp, type OpDef } from '../../src/autodiff/op.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randomTensor } from '../helpers/arbitraries.js';

/** sin with a backward scaled by `factor` (1 is correct), or with one element corrupted. */
function sinOp(factor: number, corruptIndex = -1): OpDef<null, null> {
  return defineOp<null, null>({
    name: 'testSin',
    forward: ([x]) => {
      const data = allocLike(x.data, x.data.length);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(x.data[i]);
      return { data, shape: x.shape.slice(), saved: null };
    },
    backward: (g, { inputs: [x] }) => {
      const r = allocLike(g, g.length);
      for (let i = 0; i < r.length; i++) r[i] = g[i] * Math.cos(x.data[i]) * (i === corruptIndex ? 1.01 : factor);
      return [r];
    },
  });
}

describe('gradcheck', () => {
  it('passes a correct custom op and reports a tiny error', () => {
    const x = randomTensor([3, 5], 1, { requiresGrad: true });
    const r = gradcheck((t) => apply(sinOp(1), [t], null), [x]);
    expect(r.passed).toBe(true);
    expect(r.firstFailure).toBe('');
    expect(r.maxAbsError).toBeLessThan(1e-8);
  });

  it('throws on a wrong gradient, naming the input and element', () => {
    const x = randomTensor([4], 2, { requiresGrad: true });
    expect(() => gradcheck((t) => apply(sinOp(1.5), [t], null), [x])).toThrow(/gradcheck failed at input 0, element \d/);
    const r = gradcheck((t) => apply(sinOp(1, 3), [t], null), [x], { throwOnFailure: false });
    expect(r.passed).toBe(false);
    expect(r.firstFailure).toMatch(/^input 0, element 3: analytic .*, numeric .*/);
  });

  it('catches a 1% error in one element of a large input in projection mode', () => {
    const x = randomTensor([20, 20], 3, { requiresGrad: true });
    const ok = gradcheck((t) => apply(sinOp(1), [t], null), [x]);
    expect(ok.passed).toBe(true);
    const r = gradcheck((t) => apply(sinOp(1, 123), [t], null).mul(50), [x], { throwOnFailure: false, projections: 3 });
    expect(r.passed).toBe(false);
    expect(r.firstFailure).toMatch(/projection/);
  });

  it('checks several inputs and skips those without requiresGrad', () => {
    const a = randomTensor([2, 3], 4, { requiresGrad: true });
    const b = randomTensor([3, 2], 5);
    expect(gradcheck((x, y) => x.matmul(y).tanh(), [a, b]).passed).toBe(true);
  });

  it('contracts a non-scalar output with fixed random weights (deterministic)', () => {
    const x = randomTensor([3, 3], 6, { requiresGrad: true });
    const r1 = gradcheck((t) => t.exp(), [x], { seed: 9 });
    const r2 = gradcheck((t) => t.exp(), [x], { seed: 9 });
    expect(r1.maxAbsError).toBe(r2.maxAbsError);
  });

  it('restores the inputs it perturbs, bit for bit, and leaves their .grad alone', () => {
    const x = randomTensor([70], 7, { requiresGrad: true });
    const before = Float64Array.from(x.data);
    gradcheck((t) => t.square().sum(), [x]);
    gradcheck((t) => t.square().sum(), [x], { fullLimit: 100 });
    expect(Array.from(x.data)).toEqual(Array.from(before));
    expect(x.grad).toBeNull();
  });

  it('rejects float32 inputs and non-tensor results with TypeError', () => {
    const x32 = Tensor.from([1, 2], { requiresGrad: true });
    expect(() => gradcheck((t) => t.exp(), [x32])).toThrow(TypeError);
    expect(() => gradcheck((t) => t.exp(), [x32])).toThrow(/inputs\[0\] must be a float64 Tensor \(got float32\)/);
    const x = randomTensor([2], 8, { requiresGrad: true });
    expect(() => gradcheck(() => 3 as unknown as Tensor, [x])).toThrow(TypeError);
  });
});
