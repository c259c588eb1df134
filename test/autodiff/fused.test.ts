/**
 * docs/testing.md §3.1 item 25: each fused op equals its naive composition in value and gradient
 * wherever the naive composition is finite (|x| ≤ 20), in float64. The tolerance rtol 1e-6
 * is set by the naive side: log(1 + eˣ) at x = −20 keeps only ~8 digits of 1 + 2e-9.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../src/autodiff/functional.js';
import type { Reduction } from '../../src/autodiff/functional.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';
import { broadcastOf, broadcastShapesArb, seedArb, shapeArb } from '../helpers/arbitraries.js';

const TOL = { rtol: 1e-6, atol: 1e-10 };
const LOG_2PI = Math.log(2 * Math.PI);

/** Uniform values in [lo, hi] from `new Rng(seed)`, as a float64 leaf. */
function uniformLeaf(shape: readonly number[], seed: number, lo: number, hi: number): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  // Include the endpoints when there is room, so ±20 is always exercised.
  if (n >= 2) { data[0] = lo; data[n - 1] = hi; }
  return new Tensor(data, shape, { requiresGrad: true });
}

const copyLeaf = (t: Tensor): Tensor => new Tensor(Float64Array.from(t.data), t.shape, { requiresGrad: true });

/** Runs fused and naive on fresh copies of `inputs`; compares values and every gradient. */
function compareFusedNaive(
  fused: (...xs: Tensor[]) => Tensor, naive: (...xs: Tensor[]) => Tensor, inputs: Tensor[], context: string,
  tol: { rtol: number; atol: number } = TOL,
): void {
  const a = inputs.map(copyLeaf);
  const b = inputs.map(copyLeaf);
  const ya = fused(...a);
  const yb = naive(...b);
  assertAllclose(ya, yb, { ...tol, context: `${context}: value` });
  // A random upstream gradient checks the full vector-Jacobian product, not just its sum.
  const g = new Tensor(new Rng(7).fillNormal(new Float64Array(ya.size)) as Float64Array, ya.shape);
  ya.backward(g);
  yb.backward(g);
  a.forEach((x, k) => assertAllclose(x.grad!, b[k].grad!, { ...tol, context: `${context}: gradient of input ${k}` }));
}

/** Applies a reduction to elementwise losses with the composed ops. */
function reduceNaive(l: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return l;
  if (reduction === 'sum') return l.sum();
  if (reduction === 'mean') return l.mean();
  return l.sum().div(l.shape[0]);
}

const shapes = shapeArb({ maxRank: 3, maxSize: 40 });
const reductionArb = fc.constantFrom<Reduction>('none', 'sum', 'mean', 'batchMean');

describe('fused unary ops equal their naive compositions for |x| ≤ 20', () => {
  it('softplus(x) = log(1 + exp(x))', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        compareFusedNaive((t) => t.softplus(), (t) => t.exp().add(1).log(), [x], 'softplus');
      }),
      { seed: 1, numRuns: 50 },
    );
  });

  it('logSigmoid(x) = log(sigmoid(x)) = −log(1 + exp(−x))', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        compareFusedNaive((t) => t.logSigmoid(), (t) => t.sigmoid().log(), [x], 'logSigmoid vs log∘sigmoid');
        compareFusedNaive((t) => t.logSigmoid(), (t) => t.neg().exp().add(1).log().neg(), [x], 'logSigmoid vs −log(1+e⁻ˣ)');
      }),
      { seed: 2, numRuns: 50 },
    );
  });

  it('sigmoid(x) = 1 / (1 + exp(−x))', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        const one = Tensor.from(1, { dtype: 'float64' });
        compareFusedNaive((t) => t.sigmoid(), (t) => one.div(t.neg().exp().add(1)), [x], 'sigmoid');
      }),
      { seed: 3, numRuns: 50 },
    );
  });

  it('logSumExp(x, axis) = log(Σ exp(x)) along every axis and over all', () => {
    const lseCase = shapes.chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: shape.length === 0 ? fc.constant(undefined) : fc.option(fc.integer({ min: 0, max: shape.length - 1 }), { nil: undefined }),
        keepDims: fc.boolean(),
        seed: seedArb,
      }),
    );
    fc.assert(
      fc.property(lseCase, ({ shape, axis, keepDims, seed }) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        compareFusedNaive((t) => t.logSumExp(axis, keepDims), (t) => t.exp().sum(axis, keepDims).log(), [x], 'logSumExp');
      }),
      { seed: 4, numRuns: 60 },
    );
  });
});

describe('fused losses equal their naive compositions', () => {
  it('bceWithLogits(x, y) = −[y log σ(x) + (1 − y) log(1 − σ(x))], every reduction, broadcast operands', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 40 }), reductionArb, seedArb, ([sx, sy], reduction, seed) => {
        fc.pre(reduction !== 'batchMean' || broadcastOf(sx, sy).length > 0);
        const x = uniformLeaf(sx, seed, -20, 20);
        const y = uniformLeaf(sy, seed + 1, 0, 1);
        const naive = (xx: Tensor, yy: Tensor): Tensor => {
          const s = xx.sigmoid();
          const one = Tensor.from(1, { dtype: 'float64' });
          const l = yy.mul(s.log()).add(one.sub(yy).mul(one.sub(s).log())).neg();
          return reduceNaive(l, reduction);
        };
        // atol 1e-6: the naive log(1 − σ(20)) carries ~5e-8 absolute error, and the ∂/∂y terms
        // log σ(x) − log(1 − σ(x)) = x cancel across elements, leaving that error absolute.
        compareFusedNaive(
          (xx, yy) => F.bceWithLogits(xx, yy, { reduction }), naive, [x, y], `bceWithLogits ${reduction}`, { rtol: 1e-6, atol: 1e-6 },
        );
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it('bceWithLogits(x, y) = softplus(x) − x·y (the stable identity)', () => {
    fc.assert(
      fc.property(shapes, seedArb, (shape, seed) => {
        const x = uniformLeaf(shape, seed, -20, 20);
        const y = uniformLeaf(shape, seed + 1, 0, 1);
        compareFusedNaive(
          (xx, yy) => F.bceWithLogits(xx, yy, { reduction: 'none' }), (xx, yy) => xx.softplus().sub(xx.mul(yy)), [x, y], 'bce identity',
        );
      }),
      { seed: 6, numRuns: 40 },
    );
  });

  it('gaussianNll(x, μ, lv) = ½[log 2π + lv + (x − μ)² e^{−lv}], every reduction, broadcast operands', () => {
    fc.assert(
      fc.property(broadcastShapesArb(3, { maxSize: 40 }), reductionArb, seedArb, ([sx, sm, sv], reduction, seed) => {
        fc.pre(reduction !== 'batchMean' || broadcastOf(sx, sm, sv).length > 0);
        const x = uniformLeaf(sx, seed, -5, 5);
        const m = uniformLeaf(sm, seed + 1, -5, 5);
        const lv = uniformLeaf(sv, seed + 2, -20, 20);
        const naive = (xx: Tensor, mm: Tensor, vv: Tensor): Tensor =>
          reduceNaive(xx.sub(mm).square().div(vv.exp()).add(vv).add(LOG_2PI).mul(0.5), reduction);
        compareFusedNaive((xx, mm, vv) => F.gaussianNll(xx, mm, vv, { reduction }), naive, [x, m, lv], `gaussianNll ${reduction}`);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('gaussianKl(μ, lv) = −½(1 + lv − μ² − e^{lv}), every reduction, broadcast operands', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 40 }), reductionArb, seedArb, ([sm, sv], reduction, seed) => {
        fc.pre(reduction !== 'batchMean' || broadcastOf(sm, sv).length > 0);
        const m = uniformLeaf(sm, seed, -20, 20);
        const lv = uniformLeaf(sv, seed + 1, -20, 20);
        const naive = (mm: Tensor, vv: Tensor): Tensor =>
          reduceNaive(vv.add(1).sub(mm.square()).sub(vv.exp()).mul(-0.5), reduction);
        compareFusedNaive((mm, vv) => F.gaussianKl(mm, vv, { reduction }), naive, [m, lv], `gaussianKl ${reduction}`);
      }),
      { seed: 8, numRuns: 60 },
    );
  });

  it('mse(p, t) = mean((p − t)²), every reduction, broadcast operands', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 40 }), reductionArb, seedArb, ([sp, st], reduction, seed) => {
        fc.pre(reduction !== 'batchMean' || broadcastOf(sp, st).length > 0);
        const p = uniformLeaf(sp, seed, -20, 20);
        const t = uniformLeaf(st, seed + 1, -20, 20);
        compareFusedNaive((pp, tt) => F.mse(pp, tt, { reduction }), (pp, tt) => reduceNaive(pp.sub(tt).square(), reduction), [p, t], `mse ${reduction}`);
      }),
      { seed: 9, numRuns: 60 },
    );
  });

  it('gaussianKl is ≥ 0 and 0 exactly at μ = 0, lv = 0; it equals the general Gaussian KL', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 2, maxSize: 30 }), seedArb, (shape, seed) => {
        const m = uniformLeaf(shape, seed, -3, 3);
        const lv = uniformLeaf(shape, seed + 1, -4, 2);
        const kl = F.gaussianKl(m, lv, { reduction: 'none' });
        for (const v of kl.data) if (!(v >= 0)) throw new Error(`KL ${v} < 0`);
        // ½[tr Σ + μᵀμ − k − ln|Σ|] for diagonal Σ, summed over every coordinate.
        let general = 0;
        for (let i = 0; i < m.size; i++) general += 0.5 * (Math.exp(lv.data[i]) + m.data[i] ** 2 - 1 - lv.data[i]);
        assertAllclose(F.gaussianKl(m, lv, { reduction: 'sum' }), general, { rtol: 1e-12, atol: 1e-12 });
      }),
      { seed: 10, numRuns: 40 },
    );
    const zero = F.gaussianKl(Tensor.zeros([3], { dtype: 'float64' }), Tensor.zeros([3], { dtype: 'float64' }), { reduction: 'sum' });
    assertAllclose(zero, 0, { atol: 0, rtol: 0 });
  });
});
