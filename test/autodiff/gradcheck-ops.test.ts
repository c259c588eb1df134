/**
 * docs/testing.md §3.1 item 21: every primitive passes float64 gradcheck on fast-check shapes,
 * including 0-d, 1-element, odd and broadcast shapes. Inputs stay ≥ 1e-2 from kinks, and
 * log/sqrt/div see inputs bounded away from 0.
 *
 * Driven from the op table: every case declares the primitive it checks (`checks(name)`), and
 * the last test walks `ops` (autodiff/ops/index.ts) and fails for any primitive with no case,
 * so a new op cannot land without a gradcheck.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gradcheck } from '../../src/autodiff/gradcheck.js';
import * as F from '../../src/autodiff/functional.js';
import type { Reduction } from '../../src/autodiff/functional.js';
import { apply } from '../../src/autodiff/functional.js';
import { ops, type OpName } from '../../src/autodiff/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/random/rng.js';
import {
  broadcastOf, broadcastShapesArb, dimArb, randomTensor, seedArb, shapeArb, type RandomTensorOptions,
} from '../helpers/arbitraries.js';

const RUNS = 80;
const leaf = (shape: readonly number[], seed: number, o: RandomTensorOptions = {}): Tensor =>
  randomTensor(shape, seed, { requiresGrad: true, ...o });

/** Primitives a case below gradchecks, filled while the cases are declared. */
const covered = new Set<string>();
/** Declares that the case being defined gradchecks primitive `name`; returns the name. */
function checks(name: OpName): OpName {
  covered.add(name);
  return name;
}

const smallShape = shapeArb({ maxRank: 3, maxDim: 7, maxSize: 24 });

describe('the shape generator reaches the cases item 21 names', () => {
  it('0-d, 1-element, odd and prime extents all occur', () => {
    const sample = fc.sample(smallShape, { seed: 20, numRuns: 300 });
    const size = (s: number[]): number => s.reduce((a, d) => a * d, 1);
    expect(sample.some((s) => s.length === 0)).toBe(true);
    expect(sample.some((s) => s.length > 0 && size(s) === 1)).toBe(true);
    expect(sample.some((s) => s.some((d) => d === 7))).toBe(true);
    expect(sample.some((s) => s.some((d) => d === 3 || d === 5))).toBe(true);
    const pairs = fc.sample(broadcastShapesArb(2), { seed: 20, numRuns: 300 });
    expect(pairs.some(([a, b]) => a.length !== b.length)).toBe(true);
    expect(pairs.some(([a, b]) => a.some((d, i) => d === 1 && b[i] !== undefined && b[i] > 1))).toBe(true);
  });
});

interface UnaryCase {
  name: OpName;
  f: (x: Tensor) => Tensor;
  input?: RandomTensorOptions;
}

const unaryCases: UnaryCase[] = [
  { name: 'neg', f: (x) => x.neg() },
  { name: 'exp', f: (x) => x.exp() },
  { name: 'log', f: (x) => x.log(), input: { positive: 0.1 } },
  { name: 'sqrt', f: (x) => x.sqrt(), input: { positive: 0.1 } },
  { name: 'square', f: (x) => x.square() },
  { name: 'abs', f: (x) => x.abs(), input: { kinks: [0] } },
  { name: 'tanh', f: (x) => x.tanh() },
  { name: 'sigmoid', f: (x) => x.sigmoid(), input: { scale: 3 } },
  { name: 'relu', f: (x) => x.relu(), input: { kinks: [0] } },
  { name: 'leakyRelu', f: (x) => x.leakyRelu(0.2), input: { kinks: [0] } },
  { name: 'softplus', f: (x) => x.softplus(), input: { scale: 3 } },
  { name: 'logSigmoid', f: (x) => x.logSigmoid(), input: { scale: 3 } },
];

describe('gradcheck: unary ops', () => {
  for (const c of unaryCases) {
    it(`${checks(c.name)} on random shapes (0-d, 1-element, odd)`, () => {
      fc.assert(
        fc.property(smallShape, seedArb, (shape, seed) => {
          const x = leaf(shape, seed, c.input);
          gradcheck(c.f, [x]);
          const y = c.f(x);
          expect(y.shape).toEqual(shape);
        }),
        { seed: 21, numRuns: RUNS },
      );
    });
  }
});

const binaryCases: { name: OpName; f: (a: Tensor, b: Tensor) => Tensor; b?: RandomTensorOptions }[] = [
  { name: 'add', f: (a, b) => a.add(b) },
  { name: 'sub', f: (a, b) => a.sub(b) },
  { name: 'mul', f: (a, b) => a.mul(b) },
  // b is kept ≥ 0.5 in magnitude: near 0, a/b is ill-conditioned and central differences lie.
  { name: 'div', f: (a, b) => a.div(b), b: { kinks: [0], margin: 0.5 } },
];

describe('gradcheck: broadcasting binary ops', () => {
  for (const c of binaryCases) {
    it(`${checks(c.name)} on broadcast-compatible shapes; each gradient has its input's shape`, () => {
      fc.assert(
        fc.property(broadcastShapesArb(2, { maxSize: 36 }), seedArb, ([sa, sb], seed) => {
          const a = leaf(sa, seed);
          const b = leaf(sb, seed + 1, c.b);
          gradcheck(c.f, [a, b]);
          // Item 22: the gradient of a broadcast op has exactly the input's shape.
          a.zeroGrad();
          b.zeroGrad();
          c.f(a, b).sum().backward();
          expect(a.grad!.shape).toEqual(sa);
          expect(b.grad!.shape).toEqual(sb);
        }),
        { seed: 22, numRuns: RUNS },
      );
    });

    it(`${c.name} with a plain number on the right`, () => {
      fc.assert(
        fc.property(smallShape, seedArb, fc.constantFrom(-2.5, 0.75, 3), (shape, seed, s) => {
          const a = leaf(shape, seed);
          gradcheck((x) => c.f(x, Tensor.from(s, { dtype: 'float64' })), [a]);
          gradcheck((x) => (x as unknown as Record<string, (v: number) => Tensor>)[c.name](s), [a]);
        }),
        { seed: 23, numRuns: 15 },
      );
    });
  }

  it('only one side requiring grad still gives the right gradient', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 36 }), seedArb, ([sa, sb], seed) => {
        const a = leaf(sa, seed);
        const b = randomTensor(sb, seed + 1, { kinks: [0], margin: 0.5 });
        for (const c of binaryCases) gradcheck(c.f, [a, b]);
        for (const c of binaryCases) gradcheck((bb: Tensor) => c.f(b, bb), [leaf(sa, seed, { kinks: [0], margin: 0.5 })]);
      }),
      { seed: 24, numRuns: 20 },
    );
  });
});

describe(`gradcheck: ${checks('matmul')}`, () => {
  const dim = dimArb({ max: 9 });
  it('all four transA/transB combinations on odd and block-edge sizes', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), seedArb, (m, k, n, transA, transB, seed) => {
        const a = leaf(transA ? [k, m] : [m, k], seed);
        const b = leaf(transB ? [n, k] : [k, n], seed + 1);
        gradcheck((x, y) => x.matmul(y, { transA, transB }), [a, b], { fullLimit: 40 });
        expect(a.matmul(b, { transA, transB }).shape).toEqual([m, n]);
      }),
      { seed: 26, numRuns: 120 },
    );
  });

  it('large inputs use the projection mode and still pass', () => {
    const a = leaf([31, 13], 1);
    const b = leaf([13, 9], 2);
    const r = gradcheck((x, y) => x.matmul(y).tanh(), [a, b]);
    expect(r.passed).toBe(true);
  });
});

describe('gradcheck: reductions', () => {
  const reduceCase = smallShape.chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: shape.length === 0
        ? fc.constantFrom<number | undefined>(undefined, 0, -1)
        : fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }),
      keepDims: fc.boolean(),
      seed: seedArb,
    }),
  );
  const reductions: [OpName, (x: Tensor, axis: number | undefined, keep: boolean) => Tensor][] = [
    ['sum', (x, a, k) => x.sum(a, k)],
    ['mean', (x, a, k) => x.mean(a, k)],
    ['logSumExp', (x, a, k) => x.logSumExp(a, k)],
  ];
  for (const [name, f] of reductions) {
    it(`${checks(name)} over all axes and each axis, with and without keepDims`, () => {
      fc.assert(
        fc.property(reduceCase, ({ shape, axis, keepDims, seed }) => {
          const x = leaf(shape, seed, { scale: 2 });
          gradcheck((t) => f(t, axis, keepDims), [x]);
          const y = f(x, axis, keepDims);
          let expected: number[];
          if (axis === undefined || shape.length === 0) expected = keepDims ? shape.map(() => 1) : [];
          else {
            const ax = axis < 0 ? axis + shape.length : axis;
            expected = keepDims ? shape.map((d, i) => (i === ax ? 1 : d)) : shape.filter((_, i) => i !== ax);
          }
          expect(y.shape).toEqual(expected);
        }),
        { seed: 27, numRuns: RUNS },
      );
    });
  }
});

describe('gradcheck: shape ops', () => {
  it(`${checks('reshape')} (flatten, reverse extents, add unit axes)`, () => {
    fc.assert(
      fc.property(smallShape, seedArb, fc.constantFrom('flat', 'reverse', 'unit'), (shape, seed, how) => {
        const x = leaf(shape, seed);
        const size = shape.reduce((a, d) => a * d, 1);
        const target = how === 'flat' ? [size] : how === 'reverse' ? shape.slice().reverse() : [1, ...shape, 1];
        gradcheck((t) => t.reshape(target).mul(t.reshape(target).sigmoid()), [x]);
        expect(x.reshape(target).shape).toEqual(target);
      }),
      { seed: 28, numRuns: RUNS },
    );
  });

  it(`${checks('transpose')} with a random permutation (and the default reversal)`, () => {
    const permCase = smallShape.chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: shape.length, maxLength: shape.length }),
        seed: seedArb,
      }),
    );
    fc.assert(
      fc.property(permCase, ({ shape, keys, seed }) => {
        const perm = shape.map((_, i) => i).sort((i, j) => keys[i] - keys[j] || i - j);
        const x = leaf(shape, seed);
        gradcheck((t) => t.transpose(perm), [x]);
        gradcheck((t) => t.transpose(), [x]);
        expect(x.transpose(perm).shape).toEqual(perm.map((p) => shape[p]));
      }),
      { seed: 29, numRuns: RUNS },
    );
  });

  it(`${checks('broadcastTo')} sums back to the input shape`, () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 36 }), seedArb, ([sa, sb], seed) => {
        // One new leading axis plus the broadcast against the other operand.
        const full = [2, ...broadcastOf(sa, sb)];
        const x = leaf(sa, seed);
        gradcheck((t) => t.broadcastTo(full), [x]);
        x.zeroGrad();
        x.broadcastTo(full).sum().backward();
        expect(x.grad!.shape).toEqual(sa);
      }),
      { seed: 30, numRuns: RUNS },
    );
  });

  it(`${checks('slice')} along any axis, including empty ranges`, () => {
    const sliceCase = shapeArb({ minRank: 1, maxRank: 3, maxSize: 24 }).chain((shape) =>
      fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
        fc.record({
          shape: fc.constant(shape),
          axis: fc.constant(axis),
          bounds: fc.tuple(fc.integer({ min: 0, max: shape[axis] }), fc.integer({ min: 0, max: shape[axis] })),
          seed: seedArb,
        }),
      ),
    );
    fc.assert(
      fc.property(sliceCase, ({ shape, axis, bounds, seed }) => {
        const [start, end] = bounds[0] <= bounds[1] ? bounds : [bounds[1], bounds[0]];
        const x = leaf(shape, seed);
        gradcheck((t) => t.slice(axis, start, end).square(), [x]);
        expect(x.slice(axis, start, end).shape).toEqual(shape.map((d, i) => (i === axis ? end - start : d)));
      }),
      { seed: 31, numRuns: RUNS },
    );
  });

  it(`${checks('concat')} of 1-3 tensors along any axis`, () => {
    const concatCase = shapeArb({ minRank: 1, maxRank: 3, maxSize: 12 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        axis: fc.integer({ min: 0, max: shape.length - 1 }),
        extents: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
        seed: seedArb,
      }),
    );
    fc.assert(
      fc.property(concatCase, ({ shape, axis, extents, seed }) => {
        const xs = extents.map((e, i) => leaf(shape.map((d, j) => (j === axis ? e : d)), seed + i));
        gradcheck((...ts) => F.concat(ts, axis).tanh(), xs);
        const total = extents.reduce((a, e) => a + e, 0);
        expect(F.concat(xs, axis).shape).toEqual(shape.map((d, j) => (j === axis ? total : d)));
      }),
      { seed: 32, numRuns: RUNS },
    );
  });
});

describe('gradcheck: fused losses', () => {
  const reductionArb = fc.constantFrom<Reduction>('none', 'sum', 'mean', 'batchMean');
  const lossCases: {
    name: OpName; arity: number;
    f: (xs: Tensor[], reduction: Reduction) => Tensor;
    input?: (k: number) => RandomTensorOptions;
  }[] = [
    { name: 'mse', arity: 2, f: ([p, t], reduction) => F.mse(p, t, { reduction }) },
    {
      name: 'bceWithLogits', arity: 2, f: ([x, y], reduction) => F.bceWithLogits(x, y, { reduction }),
      input: (k) => (k === 1 ? { scale: 0.2, shift: 0.5 } : { scale: 3 }),
    },
    {
      name: 'gaussianNll', arity: 3, f: ([x, m, lv], reduction) => F.gaussianNll(x, m, lv, { reduction }),
      input: (k) => (k === 2 ? { scale: 1.5 } : {}),
    },
    {
      name: 'gaussianKl', arity: 2, f: ([m, lv], reduction) => F.gaussianKl(m, lv, { reduction }),
      input: (k) => (k === 1 ? { scale: 1.5 } : {}),
    },
  ];
  for (const c of lossCases) {
    it(`${checks(c.name)} with every reduction and broadcast operands`, () => {
      fc.assert(
        fc.property(broadcastShapesArb(c.arity, { maxSize: 30 }), reductionArb, seedArb, (shapes, reduction, seed) => {
          const out = shapes.reduce((a, s) => (s.length > a.length ? s : a), [] as number[]);
          fc.pre(reduction !== 'batchMean' || out.length > 0); // batchMean needs a batch axis
          const xs = shapes.map((s, k) => leaf(s, seed + k, c.input?.(k)));
          gradcheck((...ts) => c.f(ts, reduction), xs);
          const y = c.f(xs, reduction);
          if (reduction !== 'none') expect(y.shape).toEqual([]);
          y.sum().backward();
          xs.forEach((x, k) => expect(x.grad!.shape).toEqual(shapes[k]));
        }),
        { seed: 33, numRuns: RUNS },
      );
    });
  }
});

describe('gradcheck: composites', () => {
  it('a small MLP-like expression with every family', () => {
    fc.assert(
      fc.property(dimArb({ max: 7 }), dimArb({ max: 7 }), dimArb({ max: 5 }), seedArb, (n, d, h, seed) => {
        const x = leaf([n, d], seed);
        const w = leaf([d, 2 * h], seed + 1, { scale: 0.5 });
        const b = leaf([2 * h], seed + 2);
        const f = (xx: Tensor, ww: Tensor, bb: Tensor): Tensor => {
          const z = xx.matmul(ww).add(bb);
          const mu = z.slice(1, 0, h);
          const lv = z.slice(1, h, 2 * h).tanh();
          return F.gaussianKl(mu, lv, { reduction: 'batchMean' }).add(mu.softplus().logSumExp(1).mean());
        };
        gradcheck(f, [x, w, b], { fullLimit: 32 });
      }),
      { seed: 34, numRuns: 25 },
    );
  });
});

describe(`gradcheck: ${checks('linear')} (the fused dense layer)`, () => {
  it('with and without bias and ReLU, every input requiring grad', () => {
    fc.assert(
      fc.property(dimArb({ max: 6 }), dimArb({ max: 6 }), dimArb({ max: 6 }), fc.boolean(), seedArb, (n, k, m, relu, seed) => {
        const x = leaf([n, k], seed);
        const w = leaf([m, k], seed + 1);
        const b = leaf([m], seed + 2, { margin: 0.1 });
        // Continuous draws put no pre-activation exactly on the ReLU kink (fixed seeds).
        gradcheck((xx, ww, bb) => apply(ops.linear, [xx, ww, bb], { relu }).tanh(), [x, w, b], { fullLimit: 40 });
        gradcheck((xx, ww) => apply(ops.linear, [xx, ww], { relu: false }).square(), [x, w], { fullLimit: 40 });
      }),
      { seed: 35, numRuns: 25 },
    );
  });
});

describe('gradcheck: softmax family', () => {
  const axisCase = shapeArb({ minRank: 0, maxRank: 3, maxSize: 24 }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axis: fc.integer({ min: -Math.max(shape.length, 1), max: Math.max(shape.length, 1) - 1 }),
      seed: seedArb,
    }),
  );
  it(`${checks('logSoftmax')} and ${checks('softmax')} along every axis (0-d, 1-element, odd)`, () => {
    fc.assert(
      fc.property(axisCase, ({ shape, axis, seed }) => {
        const x = leaf(shape, seed, { scale: 3 });
        gradcheck((t) => F.logSoftmax(t, { axis }), [x]);
        gradcheck((t) => F.softmax(t, { axis }), [x]);
        expect(F.softmax(x, { axis }).shape).toEqual(shape);
      }),
      { seed: 36, numRuns: RUNS },
    );
  });

  it(`${checks('softmaxCrossEntropy')} with every reduction, 1 to 7 classes`, () => {
    const reductionArb = fc.constantFrom<Reduction>('none', 'sum', 'mean', 'batchMean');
    fc.assert(
      fc.property(dimArb({ max: 9 }), dimArb({ max: 7 }), reductionArb, seedArb, (rows, classes, reduction, seed) => {
        const x = leaf([rows, classes], seed, { scale: 3 });
        const labels = Array.from({ length: rows }, (_, i) => (seed + 7 * i) % classes);
        gradcheck((t) => F.softmaxCrossEntropy(t, labels, { reduction }), [x]);
        expect(F.softmaxCrossEntropy(x, labels, { reduction }).shape).toEqual(reduction === 'none' ? [rows] : []);
      }),
      { seed: 37, numRuns: RUNS },
    );
  });
});

describe('the op table drives the gradchecks', () => {
  it('every primitive in ops has a gradcheck case in this file', () => {
    const missing = (Object.keys(ops) as OpName[]).filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
  });
});

// Convolutions (issue 17): odd sizes, strides, paddings, dilations; with and without bias.
const convCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), o: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 6 }),
  kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })),
  p: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 })),
  d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
  bias: fc.boolean(), seed: seedArb,
});

describe(`gradcheck: ${checks('conv2d')}`, () => {
  it('x, weight and bias on random NCHW shapes', () => {
    fc.assert(
      fc.property(convCase, (k) => {
        const fits = (size: number, kern: number, a: 0 | 1): boolean => size + 2 * k.p[a] >= k.d[a] * (kern - 1) + 1;
        fc.pre(fits(k.h, k.kh, 0) && fits(k.w, k.kw, 1));
        const x = leaf([k.n, k.c, k.h, k.w], k.seed);
        const w = leaf([k.o, k.c, k.kh, k.kw], k.seed + 1);
        const b = leaf([k.o], k.seed + 2);
        const opts = { stride: k.s, padding: k.p, dilation: k.d };
        if (k.bias) gradcheck((xx, ww, bb) => F.conv2d(xx, ww, bb, opts).tanh(), [x, w, b], { fullLimit: 40 });
        else gradcheck((xx, ww) => F.conv2d(xx, ww, null, opts).square(), [x, w], { fullLimit: 40 });
      }),
      { seed: 171, numRuns: 40 },
    );
  });
});

describe(`gradcheck: ${checks('convTranspose2d')}`, () => {
  it('x, weight and bias on random NCHW shapes, with output padding', () => {
    fc.assert(
      fc.property(convCase, fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), (k, op) => {
        const outPad: [number, number] = [op[0] % Math.max(k.s[0], k.d[0]), op[1] % Math.max(k.s[1], k.d[1])];
        const size = (i: number, kern: number, a: 0 | 1): number => (i - 1) * k.s[a] - 2 * k.p[a] + k.d[a] * (kern - 1) + outPad[a] + 1;
        fc.pre(size(k.h, k.kh, 0) >= 1 && size(k.w, k.kw, 1) >= 1);
        const x = leaf([k.n, k.c, k.h, k.w], k.seed);
        const w = leaf([k.c, k.o, k.kh, k.kw], k.seed + 1);
        const b = leaf([k.o], k.seed + 2);
        const opts = { stride: k.s, padding: k.p, dilation: k.d, outputPadding: outPad };
        if (k.bias) gradcheck((xx, ww, bb) => F.convTranspose2d(xx, ww, bb, opts).tanh(), [x, w, b], { fullLimit: 40 });
        else gradcheck((xx, ww) => F.convTranspose2d(xx, ww, null, opts).square(), [x, w], { fullLimit: 40 });
      }),
      { seed: 172, numRuns: 40 },
    );
  });
});

describe(`gradcheck: ${checks('reparameterize')} (the VAE's z = mean + e^{½·logVar} ⊙ ε)`, () => {
  it('on random shapes (0-d, 1-element, odd), ε fixed and given no gradient', () => {
    fc.assert(
      fc.property(smallShape, seedArb, (shape, seed) => {
        const [mean, logVar] = [leaf(shape, seed), leaf(shape, seed + 1)];
        const eps = randomTensor(shape, seed + 2);
        gradcheck((m, lv) => F.reparameterize(m, lv, eps).tanh(), [mean, logVar]);
        expect(F.reparameterize(mean, logVar, eps).shape).toEqual(shape);
      }),
      { seed: 171, numRuns: RUNS },
    );
  });
});

describe(`gradcheck: ${checks('reparameterizeHead')} and ${checks('gaussianKlHead')} (the VAE's encoder head read in place)`, () => {
  it('on [n, 2k] heads, every reduction of the KL', () => {
    fc.assert(
      fc.property(dimArb({ max: 5 }), dimArb({ max: 4 }), seedArb, fc.constantFrom<Reduction>('sum', 'mean', 'batchMean'), (n, k, seed, reduction) => {
        const head = leaf([n, 2 * k], seed);
        const eps = randomTensor([n, k], seed + 1);
        gradcheck((h) => F.reparameterizeHead(h, eps).tanh().sum().add(F.gaussianKlHead(h, { reduction })), [head]);
        expect(F.reparameterizeHead(head, eps).shape).toEqual([n, k]);
      }),
      { seed: 172, numRuns: RUNS },
    );
  });
});

describe('gradcheck: the VQ-VAE primitives', () => {
  it(`${checks('gatherRows')} with repeated, missing and single rows`, () => {
    fc.assert(
      fc.property(dimArb({ max: 7 }), dimArb({ max: 5 }), dimArb({ max: 9 }), seedArb, (K, d, n, seed) => {
        const table = leaf([K, d], seed);
        const rng = new Rng(seed);
        const idx = Int32Array.from({ length: n }, () => rng.int(0, K));
        gradcheck((t) => F.gatherRows(t, idx).tanh(), [table]);
        const y = F.gatherRows(table, idx);
        expect(y.shape).toEqual([n, d]);
        for (let i = 0; i < n; i++) expect(Array.from(y.data.subarray(i * d, (i + 1) * d))).toEqual(Array.from(table.data.subarray(idx[i] * d, (idx[i] + 1) * d)));
      }),
      { seed: 181, numRuns: RUNS },
    );
  });

  it(`${checks('straightThrough')}: forward q, the gradient to x unchanged and none to q`, () => {
    fc.assert(
      fc.property(smallShape, seedArb, (shape, seed) => {
        const x = leaf(shape, seed);
        const c = randomTensor(shape, seed + 1);
        // With q = x + c (c constant) the op is x + c: its true derivative is the identity, which
        // the straight-through backward gives only if it passes g to x and nothing to q.
        gradcheck((t) => F.straightThrough(t, t.add(c)).tanh(), [x]);
        const q = leaf(shape, seed + 2);
        const y = F.straightThrough(x, q);
        expect(Array.from(y.data)).toEqual(Array.from(q.data));
        y.mul(c).sum().backward();
        expect(Array.from(x.grad!.data)).toEqual(Array.from(c.data));
        expect(q.grad).toBeNull();
      }),
      { seed: 182, numRuns: RUNS },
    );
  });

  it('bad inputs name the function and the shapes', () => {
    const t = randomTensor([3, 2], 1);
    expect(() => F.straightThrough(t, randomTensor([2, 3], 1))).toThrow(/straightThrough: x \[3, 2\] and q \[2, 3\]/);
    expect(() => F.gatherRows(t, [0, 3])).toThrow(/gatherRows: indices\[1\] must be an integer .* 0\.\.2 \(got 3\)/);
    expect(() => F.gatherRows(randomTensor([3], 1), [0])).toThrow(/table must be 2-D \[K, d\] \(got \[3\]\)/);
  });
});

// Discrete latents (issue 17): the Gumbel-softmax relaxation with fixed noise, and the KL to a
// uniform categorical, on groups of 2-5 categories along the last axis.
describe('gradcheck: categorical ops', () => {
  const groupCase = fc.record({
    rows: dimArb({ max: 4 }), variables: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 2, max: 5 }),
    flat: fc.boolean(), seed: seedArb,
  });
  const shapeOf = (rows: number, v: number, k: number, flat: boolean): number[] => (flat ? [rows, v * k] : [rows, v, k]);

  it(`${checks('gumbelSoftmax')} (soft, fixed noise, τ from 0.5 to 2) on [n, N, K] and [n, N·K]`, () => {
    fc.assert(
      fc.property(groupCase, fc.constantFrom(0.5, 1, 2), ({ rows, variables, k, flat, seed }, tau) => {
        const shape = shapeOf(rows, variables, k, flat);
        const x = leaf(shape, seed, { scale: 2 });
        const noise = new Rng(seed).fillGumbel(new Float64Array(x.size));
        gradcheck((t) => F.gumbelSoftmax(t, { tau, nCategories: k, noise }), [x]);
        expect(F.gumbelSoftmax(x, { tau, nCategories: k, noise }).shape).toEqual(shape);
      }),
      { seed: 41, numRuns: RUNS },
    );
  });

  it(`${checks('categoricalKl')} with every reduction on [n, N, K] and [n, N·K]`, () => {
    const reductionArb = fc.constantFrom<Reduction>('none', 'sum', 'mean', 'batchMean');
    fc.assert(
      fc.property(groupCase, reductionArb, ({ rows, variables, k, flat, seed }, reduction) => {
        const x = leaf(shapeOf(rows, variables, k, flat), seed, { scale: 3 });
        gradcheck((t) => F.categoricalKl(t, { nCategories: k, reduction }), [x]);
        expect(F.categoricalKl(x, { nCategories: k, reduction }).shape).toEqual(reduction === 'none' ? [rows] : []);
      }),
      { seed: 42, numRuns: RUNS },
    );
  });
});
