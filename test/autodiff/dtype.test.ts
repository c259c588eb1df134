/**
 * float32 and float64 paths agree, and mixed inputs promote to float64. The float64 reference
 * runs on the same float32-rounded inputs (docs/testing.md §3.4), so only the kernel's own rounding
 * is measured: elementwise maps and reductions compute in double and round once (≤ 1 ulp);
 * matmul obeys the GEMM bound; gradients pass through a few float32 intermediates (rtol 1e-5).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../src/autodiff/functional.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';
import { broadcastShapesArb, dimArb, randomTensor, seedArb, shapeArb } from '../helpers/arbitraries.js';
import { U32, ulpDiff32 } from '../helpers/ulp.js';

/** A float32 leaf and a float64 leaf holding exactly the same (float32-representable) values. */
function twin(shape: readonly number[], seed: number, o: Parameters<typeof randomTensor>[2] = {}): [Tensor, Tensor] {
  const t32 = randomTensor(shape, seed, { ...o, dtype: 'float32', requiresGrad: true });
  const t64 = new Tensor(Float64Array.from(t32.data), shape, { requiresGrad: true });
  return [t32, t64];
}

function maxUlp(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, ulpDiff32(a.data[i], Math.fround(b.data[i])));
  return worst;
}

const GRAD_TOL = { rtol: 1e-5, atol: 1e-6 };
const shapes = shapeArb({ maxRank: 3, maxSize: 40 });

const unary: [string, (x: Tensor) => Tensor, Parameters<typeof randomTensor>[2]?][] = [
  ['neg', (x) => x.neg()], ['exp', (x) => x.exp()], ['log', (x) => x.log(), { positive: 0.01 }],
  ['sqrt', (x) => x.sqrt(), { positive: 0 }], ['square', (x) => x.square()], ['abs', (x) => x.abs()],
  ['tanh', (x) => x.tanh()], ['sigmoid', (x) => x.sigmoid(), { scale: 5 }], ['relu', (x) => x.relu()],
  ['leakyRelu', (x) => x.leakyRelu(0.1)], ['softplus', (x) => x.softplus(), { scale: 5 }],
  ['logSigmoid', (x) => x.logSigmoid(), { scale: 5 }],
];

describe('float32 results agree with float64 on the same inputs', () => {
  for (const [name, f, opts] of unary) {
    it(`${name}: forward within 1 ulp, gradient within rtol 1e-5`, () => {
      fc.assert(
        fc.property(shapes, seedArb, (shape, seed) => {
          const [x32, x64] = twin(shape, seed, opts);
          const y32 = f(x32);
          const y64 = f(x64);
          expect(y32.dtype).toBe('float32');
          expect(y64.dtype).toBe('float64');
          expect(maxUlp(y32, y64)).toBeLessThanOrEqual(1);
          y32.sum().backward();
          y64.sum().backward();
          assertAllclose(x32.grad!, x64.grad!, GRAD_TOL);
        }),
        { seed: 41, numRuns: 30 },
      );
    });
  }

  it('binary broadcasting ops: forward within 1 ulp', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 40 }), seedArb, ([sa, sb], seed) => {
        const [a32, a64] = twin(sa, seed);
        const [b32, b64] = twin(sb, seed + 1, { kinks: [0], margin: 0.1 });
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          expect(maxUlp(F[op](a32, b32), F[op](a64, b64))).toBeLessThanOrEqual(1);
          F[op](a32, b32).sum().backward();
          F[op](a64, b64).sum().backward();
        }
        assertAllclose(a32.grad!, a64.grad!, GRAD_TOL);
        assertAllclose(b32.grad!, b64.grad!, GRAD_TOL);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('sum, logSumExp within 1 ulp and mean within 2 ulp (one rounding, plus one for the division)', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, maxSize: 200, maxDim: 31 }), seedArb, (shape, seed) => {
        const [x32, x64] = twin(shape, seed);
        for (const axis of [undefined, 0, shape.length - 1]) {
          expect(maxUlp(x32.sum(axis), x64.sum(axis))).toBeLessThanOrEqual(1);
          expect(maxUlp(x32.logSumExp(axis), x64.logSumExp(axis))).toBeLessThanOrEqual(1);
          expect(maxUlp(x32.mean(axis), x64.mean(axis))).toBeLessThanOrEqual(2);
        }
      }),
      { seed: 43, numRuns: 40 },
    );
  });

  it('matmul within the GEMM bound 2k·u32·(|A||B|) + u32·|C| and gradients within rtol 1e-4', () => {
    const dim = dimArb({ max: 40 });
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), seedArb, (m, k, n, transA, transB, seed) => {
        const [a32, a64] = twin(transA ? [k, m] : [m, k], seed);
        const [b32, b64] = twin(transB ? [n, k] : [k, n], seed + 1);
        const c32 = a32.matmul(b32, { transA, transB });
        const c64 = a64.matmul(b64, { transA, transB });
        const absProd = a64.abs().matmul(b64.abs(), { transA, transB });
        for (let i = 0; i < c64.size; i++) {
          const bound = 2 * k * U32 * absProd.data[i] + U32 * Math.abs(c64.data[i]);
          expect(Math.abs(c32.data[i] - c64.data[i])).toBeLessThanOrEqual(bound);
        }
        c32.sum().backward();
        c64.sum().backward();
        // Sums of k float32 products: scale the absolute floor by the magnitudes involved.
        assertAllclose(a32.grad!, a64.grad!, { rtol: 1e-4, atol: 1e-5 * Math.max(1, n) });
        assertAllclose(b32.grad!, b64.grad!, { rtol: 1e-4, atol: 1e-5 * Math.max(1, m) });
      }),
      { seed: 44, numRuns: 40 },
    );
  });

  it('fused losses: forward within 2 ulp, gradients within rtol 1e-5', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 2, maxSize: 40 }), seedArb, (shape, seed) => {
        const [x32, x64] = twin(shape, seed, { scale: 3 });
        const [y32, y64] = twin(shape, seed + 1, { scale: 0.2, shift: 0.5 });
        const [v32, v64] = twin(shape, seed + 2);
        const losses: [string, (x: Tensor, y: Tensor, v: Tensor) => Tensor][] = [
          ['mse', (x, y) => F.mse(x, y)],
          ['bceWithLogits', (x, y) => F.bceWithLogits(x, y, { reduction: 'batchMean' })],
          ['gaussianNll', (x, y, v) => F.gaussianNll(x, y, v, { reduction: 'sum' })],
          ['gaussianKl', (x, _y, v) => F.gaussianKl(x, v, { reduction: 'none' })],
        ];
        for (const [name, f] of losses) {
          const l32 = f(x32, y32, v32);
          const l64 = f(x64, y64, v64);
          expect(maxUlp(l32, l64), name).toBeLessThanOrEqual(2);
          l32.sum().backward();
          l64.sum().backward();
        }
        assertAllclose(x32.grad!, x64.grad!, GRAD_TOL);
        assertAllclose(y32.grad!, y64.grad!, GRAD_TOL);
        assertAllclose(v32.grad!, v64.grad!, GRAD_TOL);
      }),
      { seed: 45, numRuns: 30 },
    );
  });

  it('a composite expression agrees to rtol 1e-4 (docs/testing.md §3.4, composite forward)', () => {
    const [x32, x64] = twin([13, 7], 5);
    const [w32, w64] = twin([7, 3], 6, { scale: 0.5 });
    const f = (x: Tensor, w: Tensor): Tensor => x.matmul(w).tanh().softplus().logSumExp(1).mean();
    const a = f(x32, w32);
    const b = f(x64, w64);
    assertAllclose(a, b, { rtol: 1e-4, atol: 1e-5 });
    a.backward();
    b.backward();
    assertAllclose(w32.grad!, w64.grad!, { rtol: 1e-4, atol: 1e-5 });
  });
});

describe('mixed float32/float64 inputs promote to float64', () => {
  it('every binary op and loss returns float64 and equals the all-float64 result bit for bit', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 30 }), seedArb, ([sa, sb], seed) => {
        const [a32, a64] = twin(sa, seed);
        const [b32, b64] = twin(sb, seed + 1, { kinks: [0], margin: 0.1 });
        void b32;
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          const mixed = F[op](a32, b64);
          expect(mixed.dtype).toBe('float64');
          expect(Array.from(mixed.data)).toEqual(Array.from(F[op](a64, b64).data));
          mixed.sum().backward();
        }
        // The float32 leaf still gets a float32 gradient of its own shape.
        expect(a32.grad!.dtype).toBe('float32');
        expect(a32.grad!.shape).toEqual(sa);
        expect(b64.grad!.dtype).toBe('float64');
      }),
      { seed: 46, numRuns: 30 },
    );
  });

  it('matmul, concat and the losses promote too', () => {
    const [a32] = twin([3, 4], 1);
    const [, b64] = twin([4, 2], 2);
    expect(a32.matmul(b64).dtype).toBe('float64');
    expect(F.concat([a32, b64.transpose()], 0).dtype).toBe('float64');
    const [p32] = twin([3, 4], 3);
    const [, t64] = twin([3, 4], 4);
    expect(F.mse(p32, t64).dtype).toBe('float64');
    expect(F.gaussianKl(p32, t64).dtype).toBe('float64');
    expect(F.gaussianNll(p32, p32, t64).dtype).toBe('float64');
  });

  it('a number operand takes the tensor dtype', () => {
    const x32 = Tensor.from([1, 2, 3]);
    const x64 = Tensor.from([1, 2, 3], { dtype: 'float64' });
    expect(x32.mul(0.1).dtype).toBe('float32');
    expect(x64.mul(0.1).dtype).toBe('float64');
    expect(x64.mul(0.1).data[1]).toBe(0.2);
  });
});
