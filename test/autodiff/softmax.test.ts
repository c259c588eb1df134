/**
 * The softmax family (autodiff/ops/softmax.ts): logSoftmax and softmax against their
 * definitions, the fused softmaxCrossEntropy against its naive composition (value and
 * gradient), float32 against float64, stability at large logits, and the argument errors.
 * The gradchecks are in gradcheck-ops.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../src/autodiff/functional.js';
import type { Reduction } from '../../src/autodiff/functional.js';
import { ShapeError } from '../../src/errors.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';
import { dimArb, seedArb, shapeArb } from '../helpers/arbitraries.js';

const TOL = { rtol: 1e-9, atol: 1e-12 };

function uniformLeaf(shape: readonly number[], seed: number, lo: number, hi: number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  return new Tensor(data, shape, { requiresGrad: true });
}

const copyLeaf = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape, { requiresGrad: true });

/** One-hot rows of `labels` as a float64 tensor [rows, classes]. */
function oneHot(labels: readonly number[], classes: number): Tensor {
  const d = new Float64Array(labels.length * classes);
  labels.forEach((y, r) => { d[r * classes + y] = 1; });
  return new Tensor(d, [labels.length, classes]);
}

function compare(fused: (x: Tensor) => Tensor, naive: (x: Tensor) => Tensor, x: Tensor, context: string, tol = TOL): void {
  const a = copyLeaf(x);
  const b = copyLeaf(x);
  const ya = fused(a);
  const yb = naive(b);
  assertAllclose(ya, yb, { ...tol, context: `${context}: value` });
  const g = new Tensor(new Rng(3).fillNormal(new Float64Array(ya.size)) as Float64Array, ya.shape);
  ya.backward(g);
  yb.backward(g);
  assertAllclose(a.grad!, b.grad!, { ...tol, context: `${context}: gradient` });
}

const labelsFor = (rows: number, classes: number, seed: number): number[] =>
  Array.from({ length: rows }, (_, i) => (seed * 31 + 5 * i) % classes);

describe('logSoftmax and softmax equal their definitions', () => {
  const axisCase = shapeArb({ minRank: 1, maxRank: 3, maxSize: 40 }).chain((shape) =>
    fc.record({ shape: fc.constant(shape), axis: fc.integer({ min: 0, max: shape.length - 1 }), seed: seedArb }),
  );
  it('logSoftmax(x) = x − log Σ exp(x) and softmax(x) = exp(x) / Σ exp(x), along every axis, |x| ≤ 20', () => {
    fc.assert(
      fc.property(axisCase, ({ shape, axis, seed }) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        compare((t) => F.logSoftmax(t, { axis }), (t) => t.sub(t.exp().sum(axis, true).log()), x, 'logSoftmax');
        compare((t) => F.softmax(t, { axis }), (t) => t.exp().div(t.exp().sum(axis, true)), x, 'softmax');
      }),
      { seed: 1, numRuns: 60 },
    );
  });

  it('the default axis is the last; softmax = exp(logSoftmax) and its rows sum to 1', () => {
    const x = uniformLeaf([4, 3, 5], 2, -3, 3);
    expect(Array.from(F.softmax(x).data)).toEqual(Array.from(F.softmax(x, { axis: 2 }).data));
    const p = F.softmax(x, { axis: 1 });
    assertAllclose(p, F.logSoftmax(x, { axis: 1 }).exp(), { rtol: 1e-15, atol: 1e-16 });
    assertAllclose(p.sum(1), Tensor.ones([4, 5], { dtype: 'float64' }), { rtol: 1e-14, atol: 0 });
  });

  it('stays finite at logits the naive forms overflow or underflow at', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = Tensor.from([[1000, 0, -1000], [3e38, 3e38, 0]], { dtype });
      const logp = F.logSoftmax(x);
      expect(Array.from(logp.data).slice(0, 3)).toEqual([0, -1000, -2000]);
      expect(logp.data[3]).toBeCloseTo(-Math.LN2, 6);
      const p = F.softmax(x);
      expect(Array.from(p.data).slice(0, 3)).toEqual([1, 0, 0]);
      expect(p.data[4]).toBeCloseTo(0.5, 6);
      const ce = F.softmaxCrossEntropy(x, [2, 1], { reduction: 'none' });
      expect(ce.data[0]).toBe(2000);
      expect(ce.data[1]).toBeCloseTo(Math.LN2, 6);
    }
  });
});

describe('softmaxCrossEntropy equals its naive composition', () => {
  const reductionArb = fc.constantFrom<Reduction>('none', 'sum', 'mean', 'batchMean');
  it('−Σ onehot ⊙ log softmax, reduced; value and gradient; 1 to 13 rows and classes', () => {
    fc.assert(
      fc.property(dimArb({ max: 13 }), dimArb({ max: 13 }), reductionArb, seedArb, (rows, classes, reduction, seed) => {
        const x = uniformLeaf([rows, classes], seed, -20, 20);
        const labels = labelsFor(rows, classes, seed);
        const naive = (t: Tensor): Tensor => {
          const l = F.logSoftmax(t, { axis: 1 }).mul(oneHot(labels, classes)).sum(1).neg();
          return reduction === 'none' ? l : reduction === 'sum' ? l.sum() : l.mean();
        };
        compare((t) => F.softmaxCrossEntropy(t, labels, { reduction }), naive, x, `softmaxCrossEntropy ${reduction}`);
        // And against the fully naive −log(exp(x_y) / Σ exp(x)), finite for |x| ≤ 20.
        const naiver = (t: Tensor): Tensor => {
          const l = t.exp().div(t.exp().sum(1, true)).log().mul(oneHot(labels, classes)).sum(1).neg();
          return reduction === 'none' ? l : reduction === 'sum' ? l.sum() : l.mean();
        };
        compare((t) => F.softmaxCrossEntropy(t, labels, { reduction }), naiver, x, `vs −log softmax ${reduction}`, { rtol: 1e-6, atol: 1e-9 });
      }),
      { seed: 2, numRuns: 80 },
    );
  });

  it("the default reduction is 'mean'; Int32Array and number[] labels give the same bits", () => {
    const x = uniformLeaf([5, 4], 9, -2, 2);
    const a = F.softmaxCrossEntropy(x, [0, 3, 1, 2, 3]);
    const b = F.softmaxCrossEntropy(x, Int32Array.from([0, 3, 1, 2, 3]), { reduction: 'mean' });
    expect(a.shape).toEqual([]);
    expect(a.item()).toBe(b.item());
  });

  it('float32 agrees with float64 to float32 rounding, in value and gradient', () => {
    fc.assert(
      fc.property(dimArb({ max: 13 }), dimArb({ max: 13 }), seedArb, (rows, classes, seed) => {
        const x32 = uniformLeaf([rows, classes], seed, -10, 10, 'float32');
        const x64 = new Tensor(Float64Array.from(x32.data), x32.shape, { requiresGrad: true });
        const labels = labelsFor(rows, classes, seed);
        const l32 = F.softmaxCrossEntropy(x32, labels, { reduction: 'sum' });
        const l64 = F.softmaxCrossEntropy(x64, labels, { reduction: 'sum' });
        expect(l32.dtype).toBe('float32');
        expect(l32.item()).toBe(Math.fround(l64.item()));
        l32.backward();
        l64.backward();
        expect(x32.grad!.dtype).toBe('float32');
        assertAllclose(x32.grad!, x64.grad!, { rtol: 1e-6, atol: 1e-7 });
        for (const axis of [0, 1]) {
          assertAllclose(F.logSoftmax(x32, { axis }), F.logSoftmax(x64, { axis }), { rtol: 1e-6, atol: 1e-6 });
          assertAllclose(F.softmax(x32, { axis }), F.softmax(x64, { axis }), { rtol: 1e-6, atol: 1e-7 });
        }
      }),
      { seed: 3, numRuns: 40 },
    );
  });
});

describe('argument errors name the function and the argument', () => {
  const x = Tensor.zeros([3, 4]);
  it('labels: wrong length, non-integer, out of range, wrong type', () => {
    expect(() => F.softmaxCrossEntropy(x, [0, 1])).toThrow(/softmaxCrossEntropy: labels has 2 entries, but logits has 3 rows/);
    expect(() => F.softmaxCrossEntropy(x, [0, 1.5, 2])).toThrow(/softmaxCrossEntropy: labels\[1\] must be an integer class index in 0\.\.3 \(got 1\.5\)/);
    expect(() => F.softmaxCrossEntropy(x, [0, 1, 4])).toThrow(/labels\[2\] must be an integer class index in 0\.\.3 \(got 4\)/);
    expect(() => F.softmaxCrossEntropy(x, [-1, 1, 2])).toThrow(/labels\[0\] .* \(got -1\)/);
    expect(() => F.softmaxCrossEntropy(x, [0, NaN, 2])).toThrow(/labels\[1\] .* \(got NaN\)/);
    expect(() => F.softmaxCrossEntropy(x, Float64Array.from([0, 1, 2]) as unknown as number[])).toThrow(/labels must be an Int32Array or an array/);
  });
  it('logits: not a Tensor, not 2-D; reduction and axis', () => {
    expect(() => F.softmaxCrossEntropy([[1]] as unknown as Tensor, [0])).toThrow(/softmaxCrossEntropy: argument 'logits' must be a Tensor/);
    expect(() => F.softmaxCrossEntropy(Tensor.zeros([3]), [0, 1, 2])).toThrow(ShapeError);
    expect(() => F.softmaxCrossEntropy(Tensor.zeros([3]), [0, 1, 2])).toThrow(/logits must be \[rows, classes\] .* \(got \[3\]\)/);
    expect(() => F.softmaxCrossEntropy(x, [0, 1, 2], { reduction: 'avg' as Reduction })).toThrow(/softmaxCrossEntropy: reduction must be/);
    expect(() => F.softmax(x, { axis: 2 })).toThrow(/softmax: axis 2 is out of range/);
    expect(() => F.logSoftmax(x, { dim: 1 } as never)).toThrow(/logSoftmax: unknown option 'dim'/);
  });
});

describe('against PyTorch (test/fixtures/softmax/cross-entropy.json, scripts/fixtures/softmax_cross_entropy.py)', () => {
  it('F.cross_entropy for every reduction and its gradient; log_softmax and softmax', () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/softmax/cross-entropy.json', import.meta.url), 'utf8')) as {
      logits: number[]; shape: [number, number]; labels: number[]; mean: number; sum: number; none: number[];
      gradMean: number[]; logSoftmax1: number[]; softmax0: number[];
    };
    const x = new Tensor(Float64Array.from(f.logits), f.shape, { requiresGrad: true });
    const tight = { rtol: 1e-13, atol: 1e-13 };
    const mean = F.softmaxCrossEntropy(x, f.labels);
    assertAllclose(mean, f.mean, tight);
    assertAllclose(F.softmaxCrossEntropy(x, f.labels, { reduction: 'sum' }), f.sum, tight);
    assertAllclose(F.softmaxCrossEntropy(x, f.labels, { reduction: 'none' }), Float64Array.from(f.none), tight);
    mean.backward();
    assertAllclose(x.grad!, new Tensor(Float64Array.from(f.gradMean), f.shape), tight);
    assertAllclose(F.logSoftmax(x, { axis: 1 }), new Tensor(Float64Array.from(f.logSoftmax1), f.shape), tight);
    assertAllclose(F.softmax(x, { axis: 0 }), new Tensor(Float64Array.from(f.softmax0), f.shape), tight);
  });
});
