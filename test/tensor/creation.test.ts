/**
 * Tensor construction and read-back: nested arrays, typed array plus shape, the filled and
 * random constructors (with an explicit Rng), toArray/item, dtype, views and copies.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/random/rng.js';
import { Tensor, type NestedArray } from '../../src/tensor/tensor.js';
import { normalArray, seedArb, shapeArb } from '../helpers/arbitraries.js';

function nest(flat: ArrayLike<number>, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return flat[0];
  const [d, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d }, (_, i) => nest(Array.prototype.slice.call(flat, i * step, (i + 1) * step), rest));
}

describe('Tensor.from', () => {
  it('infers the shape of nested arrays of any depth (0-d from a number)', () => {
    const cases: [NestedArray, number[]][] = [
      [3.5, []], [[1, 2, 3], [3]], [[[1, 2], [3, 4], [5, 6]], [3, 2]], [[[[1], [2]], [[3], [4]]], [2, 2, 1]],
      [[], [0]], [[[]], [1, 0]], [[[], []], [2, 0]],
    ];
    for (const [values, shape] of cases) {
      const t = Tensor.from(values);
      expect(t.shape).toEqual(shape);
      expect(t.size).toBe(shape.reduce((a, d) => a * d, 1));
      expect(t.dtype).toBe('float32');
      expect(t.toArray()).toEqual(values);
    }
  });

  it('round-trips random nested arrays exactly in float64 (toArray ∘ from = id)', () => {
    fc.assert(
      // Nested arrays cannot express extents after an empty axis ([] is [0], never [0, 3]).
      fc.property(shapeArb({ maxRank: 4, maxSize: 60, minDim: 0 }).filter((s) => !s.slice(0, -1).includes(0)), seedArb, (shape, seed) => {
        const flat = normalArray(seed, shape.reduce((a, d) => a * d, 1));
        const nested = nest(flat, shape);
        const t = Tensor.from(nested, { dtype: 'float64' });
        expect(t.shape).toEqual(shape);
        expect(Array.from(t.data)).toEqual(Array.from(flat));
        expect(t.toArray()).toEqual(nested);
        const t32 = Tensor.from(nested);
        expect(Array.from(t32.data)).toEqual(Array.from(flat, Math.fround));
      }),
      { seed: 81, numRuns: 100 },
    );
  });

  it('takes a typed or plain array with an explicit shape, copying it', () => {
    const src = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const t = Tensor.from(src, { shape: [2, 3], dtype: 'float64' });
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    src[0] = 99;
    expect(t.data[0]).toBe(1);
    expect(Tensor.from([1, 2, 3, 4], { shape: [2, 1, 2] }).toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(Tensor.from(Int32Array.from([7, 8]), { shape: [2] }).toArray()).toEqual([7, 8]);
    expect(Tensor.from([5], { shape: [] }).item()).toBe(5);
    expect(Tensor.from([], { shape: [0, 4] }).shape).toEqual([0, 4]);
  });

  it('a typed array without a shape is 1-D; the default dtype is float32 and float64 on request', () => {
    const t = Tensor.from(Float64Array.from([0.1, 0.2]));
    expect(t.shape).toEqual([2]);
    expect(t.dtype).toBe('float32');
    expect(t.data[0]).toBe(Math.fround(0.1));
    const d = Tensor.from(Float64Array.from([0.1, 0.2]), { dtype: 'float64' });
    expect(d.data).toBeInstanceOf(Float64Array);
    expect(d.data[0]).toBe(0.1);
  });

  it('keeps NaN, ±Infinity and −0', () => {
    const t = Tensor.from([NaN, Infinity, -Infinity, -0], { dtype: 'float64' });
    expect(t.data[0]).toBeNaN();
    expect(t.data[1]).toBe(Infinity);
    expect(t.data[2]).toBe(-Infinity);
    expect(Object.is(t.data[3], -0)).toBe(true);
  });

  it('requiresGrad is off by default and set by the option', () => {
    expect(Tensor.from([1]).requiresGrad).toBe(false);
    expect(Tensor.from([1], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(Tensor.from([1]).grad).toBeNull();
  });
});

describe('the Tensor constructor, clone and detach', () => {
  it('wraps data without copying; the shape is frozen', () => {
    const data = new Float32Array(6);
    const t = new Tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(t.dtype).toBe('float32');
    expect(new Tensor(new Float64Array(1), []).dtype).toBe('float64');
  });

  it('clone copies (optionally changing dtype); detach shares', () => {
    const t = Tensor.from([[1.1, 2]], { dtype: 'float64', requiresGrad: true });
    const c = t.clone();
    expect(c.data).not.toBe(t.data);
    expect(c.requiresGrad).toBe(false);
    expect(c.toArray()).toEqual(t.toArray());
    const c32 = t.clone('float32');
    expect(c32.dtype).toBe('float32');
    expect(c32.data[0]).toBe(Math.fround(1.1));
    expect(t.detach().data).toBe(t.data);
  });
});

describe('zeros, ones, full, randn, rand', () => {
  it('fill with the right values, shape and dtype', () => {
    expect(Tensor.zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(Tensor.ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(Tensor.full([2], 0.1, { dtype: 'float64' }).toArray()).toEqual([0.1, 0.1]);
    expect(Tensor.full([2], 0.1).data[0]).toBe(Math.fround(0.1));
    expect(Tensor.zeros([]).item()).toBe(0);
    expect(Tensor.ones([0, 3]).size).toBe(0);
    expect(Tensor.ones([2], { requiresGrad: true, dtype: 'float64' }).requiresGrad).toBe(true);
  });

  it('randn draws the Rng normal stream in order; same seed, same tensor', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3, maxSize: 50 }), seedArb, (shape, seed) => {
        const t = Tensor.randn(shape, new Rng(seed), { dtype: 'float64' });
        const rng = new Rng(seed);
        expect(Array.from(t.data)).toEqual(Array.from(t.data, () => rng.normal()));
        expect(Array.from(Tensor.randn(shape, new Rng(seed), { dtype: 'float64' }).data)).toEqual(Array.from(t.data));
        const scaled = Tensor.randn(shape, new Rng(seed), { dtype: 'float64', mean: 3, std: 2 });
        scaled.data.forEach((v, i) => expect(v).toBeCloseTo(3 + 2 * t.data[i], 12));
      }),
      { seed: 82, numRuns: 40 },
    );
  });

  it('rand lies in [low, high) and follows the uniform stream', () => {
    const t = Tensor.rand([1000], new Rng(5), { low: -2, high: 3, dtype: 'float64' });
    const rng = new Rng(5);
    for (const v of t.data) {
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThan(3);
      expect(v).toBe(rng.uniform(-2, 3));
    }
    const u = Tensor.rand([1000], new Rng(6));
    for (const v of u.data) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(1); }
    expect(Tensor.randn([2], new Rng(1)).dtype).toBe('float32');
  });
});

describe('toArray and item', () => {
  it('item returns the single value of any one-element tensor', () => {
    expect(Tensor.from(2.5).item()).toBe(2.5);
    expect(Tensor.from([[2.5]]).item()).toBe(2.5);
    expect(Tensor.from([[[-1]]], { dtype: 'float64' }).item()).toBe(-1);
  });

  it('toArray of a 0-d tensor is a number; of an empty axis an empty list', () => {
    expect(Tensor.from(4).toArray()).toBe(4);
    expect(Tensor.zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(Tensor.zeros([0, 2]).toArray()).toEqual([]);
  });
});
