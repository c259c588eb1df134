import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonFiniteError } from '../../src/errors.js';
import { clipGradNorm, gradNorm } from '../../src/optim/clip.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

function params(seed: number, sizes: number[], scale: number, dtype: 'float32' | 'float64'): Tensor[] {
  const rng = new Rng(seed);
  return sizes.map((n) => {
    const p = Tensor.zeros([n], { dtype, requiresGrad: true });
    p.grad = Tensor.randn([n], rng, { dtype, std: scale });
    return p;
  });
}

const norm64 = (ps: Tensor[]) => Math.sqrt(ps.reduce((s, p) => s + Array.from(p.grad!.data).reduce((a, v) => a + v * v, 0), 0));

describe('clipGradNorm (TESTING §3.3 fault 2)', () => {
  it('caps the global norm at maxNorm, scales every gradient by one factor and returns the pre-clip norm', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1e6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: -3, max: 3 }), fc.double({ min: 0.01, max: 10, noNaN: true }), fc.constantFrom('float32' as const, 'float64' as const),
      (seed, sizes, exp, maxNorm, dtype) => {
        const ps = params(seed, sizes, 10 ** exp, dtype);
        const before = ps.map((p) => Float64Array.from(p.grad!.data));
        const expected = norm64(ps);
        const returned = clipGradNorm(ps, maxNorm);
        expect(Math.abs(returned - expected)).toBeLessThanOrEqual(1e-12 * expected + 1e-300);
        const after = norm64(ps);
        expect(after).toBeLessThanOrEqual(maxNorm * (1 + 1e-6));
        if (expected <= maxNorm) {
          // No-op: bit-identical gradients.
          ps.forEach((p, i) => expect(Array.from(p.grad!.data)).toEqual(Array.from(before[i])));
          return;
        }
        // One common factor: cosine 1 with the original concatenated gradient.
        let dot = 0;
        ps.forEach((p, i) => p.grad!.data.forEach((v, j) => { dot += v * before[i][j]; }));
        expect(dot / (after * expected)).toBeGreaterThan(1 - 1e-6);
        const factor = after / expected;
        ps.forEach((p, i) => p.grad!.data.forEach((v, j) => {
          expect(Math.abs(v - factor * before[i][j])).toBeLessThanOrEqual(1e-6 * Math.abs(before[i][j]) + 1e-30);
        }));
      },
    ), { seed: 3, numRuns: 100 });
  });

  it('throws NonFiniteError on a non-finite norm (PyTorch error_if_nonfinite), or returns it when told not to', () => {
    for (const bad of [NaN, Infinity]) {
      const ps = params(1, [3, 4], 1, 'float32');
      ps[1].grad!.data[2] = bad;
      const snapshot = ps.map((p) => Array.from(p.grad!.data));
      expect(() => clipGradNorm(ps, 1)).toThrow(NonFiniteError);
      expect(ps.map((p) => Array.from(p.grad!.data))).toEqual(snapshot);
      expect(clipGradNorm(ps, 1, { errorIfNonfinite: false })).not.toBeLessThan(Infinity);
    }
  });

  it('ignores parameters without gradients, rejects maxNorm ≤ 0, and accepts a Map', () => {
    const ps = params(2, [5], 1, 'float64');
    const idle = Tensor.zeros([3], { requiresGrad: true });
    const m = new Map([['a', ps[0]], ['b', idle]]);
    expect(gradNorm(m)).toBeCloseTo(norm64(ps), 12);
    expect(() => clipGradNorm(m, 0)).toThrow(RangeError);
    expect(() => clipGradNorm(m, NaN)).toThrow(RangeError);
    clipGradNorm(m, 1e-3);
    expect(idle.grad).toBeNull();
  });
});
