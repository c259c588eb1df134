/**
 * conv2d and convTranspose2d: equal to PyTorch (float64 fixture from scripts/fixtures/conv.py),
 * to the naive direct convolutions, float32 (the WebAssembly GEMM) close to float64, and every
 * bad input a clear error naming the shapes. Their gradchecks are in gradcheck-ops.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conv2d, convTranspose2d } from '../../src/autodiff/functional.js';
import { backward } from '../../src/autodiff/graph.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectAllclose } from '../helpers/allclose.js';
import { randomTensor } from '../helpers/arbitraries.js';
import { directConv2d, directConvTranspose2d } from '../helpers/conv-reference.js';

interface FixtureCase {
  op: 'conv2d' | 'convTranspose2d';
  options: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; outputPadding?: [number, number] };
  x: { shape: number[]; data: number[] };
  weight: { shape: number[]; data: number[] };
  bias: number[] | null;
  g: number[];
  y: { shape: number[]; data: number[] };
  dx: number[];
  dweight: number[];
  dbias: number[] | null;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/conv.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

function run(c: FixtureCase, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  return c.op === 'conv2d' ? conv2d(x, w, b, c.options) : convTranspose2d(x, w, b, c.options);
}

describe('against PyTorch (float64)', () => {
  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i: output and gradients to 1e-12', (_, c) => {
    const x = new Tensor(Float64Array.from(c.x.data), c.x.shape, { requiresGrad: true });
    const w = new Tensor(Float64Array.from(c.weight.data), c.weight.shape, { requiresGrad: true });
    const b = c.bias === null ? null : new Tensor(Float64Array.from(c.bias), [c.bias.length], { requiresGrad: true });
    const y = run(c, x, w, b);
    expect(y.shape).toEqual(c.y.shape);
    expectAllclose(y.data, c.y.data, { rtol: 1e-12, atol: 1e-12 });
    y.mul(new Tensor(Float64Array.from(c.g), c.y.shape)).sum().backward();
    expectAllclose(x.grad!.data, c.dx, { rtol: 1e-12, atol: 1e-12 });
    expectAllclose(w.grad!.data, c.dweight, { rtol: 1e-12, atol: 1e-12 });
    if (b !== null) expectAllclose(b.grad!.data, c.dbias!, { rtol: 1e-12, atol: 1e-12 });
  });
});

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 4 }), o: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 8 }),
  kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
  s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  p: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  d: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })),
  op: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  bias: fc.boolean(), seed: fc.integer({ min: 0, max: 1 << 20 }),
});

describe('against the direct convolutions', () => {
  it('conv2d, float64 and float32, on random shapes', () => {
    fc.assert(fc.property(caseArb, (k) => {
      fc.pre(k.h + 2 * k.p[0] >= k.d[0] * (k.kh - 1) + 1 && k.w + 2 * k.p[1] >= k.d[1] * (k.kw - 1) + 1);
      const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
      const w = randomTensor([k.o, k.c, k.kh, k.kw], k.seed + 1);
      const b = k.bias ? randomTensor([k.o], k.seed + 2) : null;
      const p = { stride: k.s, padding: k.p, dilation: k.d };
      const ref = directConv2d(x.data, x.shape, w.data, w.shape, b?.data ?? null, p);
      const y = conv2d(x, w, b, p);
      expect(y.shape).toEqual(ref.shape);
      expectAllclose(y.data, ref.data, { rtol: 1e-12, atol: 1e-12 });
      const y32 = conv2d(x.clone('float32'), w.clone('float32'), b?.clone('float32'), p);
      expect(y32.dtype).toBe('float32');
      expectAllclose(y32.data, ref.data, { rtol: 1e-4, atol: 1e-4 });
    }), { seed: 173, numRuns: 120 });
  });

  it('convTranspose2d, float64 and float32, on random shapes with output padding', () => {
    fc.assert(fc.property(caseArb, (k) => {
      const outputPadding: [number, number] = [k.op[0] % Math.max(k.s[0], k.d[0]), k.op[1] % Math.max(k.s[1], k.d[1])];
      const size = (i: number, kern: number, a: 0 | 1): number => (i - 1) * k.s[a] - 2 * k.p[a] + k.d[a] * (kern - 1) + outputPadding[a] + 1;
      fc.pre(size(k.h, k.kh, 0) >= 1 && size(k.w, k.kw, 1) >= 1);
      const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
      const w = randomTensor([k.c, k.o, k.kh, k.kw], k.seed + 1);
      const b = k.bias ? randomTensor([k.o], k.seed + 2) : null;
      const p = { stride: k.s, padding: k.p, dilation: k.d, outputPadding };
      const ref = directConvTranspose2d(x.data, x.shape, w.data, w.shape, b?.data ?? null, p);
      const y = convTranspose2d(x, w, b, p);
      expect(y.shape).toEqual(ref.shape);
      expectAllclose(y.data, ref.data, { rtol: 1e-12, atol: 1e-12 });
      const y32 = convTranspose2d(x.clone('float32'), w.clone('float32'), b?.clone('float32'), p);
      expectAllclose(y32.data, ref.data, { rtol: 1e-4, atol: 1e-4 });
    }), { seed: 174, numRuns: 120 });
  });

  it('a product large enough for the blocked GEMM (the VAE\'s first layer)', () => {
    const x = randomTensor([4, 1, 28, 28], 5, { dtype: 'float32' });
    const w = randomTensor([32, 1, 4, 4], 6, { dtype: 'float32' });
    const b = randomTensor([32], 7, { dtype: 'float32' });
    const p = { stride: [2, 2] as [number, number], padding: [1, 1] as [number, number], dilation: [1, 1] as [number, number] };
    const ref = directConv2d(x.data, x.shape, w.data, w.shape, b.data, p);
    const y = conv2d(x, w, b, { stride: 2, padding: 1 });
    expect(y.shape).toEqual([4, 32, 14, 14]);
    expectAllclose(y.data, ref.data, { rtol: 1e-4, atol: 1e-4 });
    const t = convTranspose2d(y, randomTensor([32, 1, 4, 4], 8, { dtype: 'float32' }), null, { stride: 2, padding: 1 });
    expect(t.shape).toEqual([4, 1, 28, 28]);
  });
});

describe('bad inputs', () => {
  const x = Tensor.zeros([2, 3, 5, 5], { dtype: 'float64' });
  const w = Tensor.zeros([4, 3, 3, 3], { dtype: 'float64' });

  it('channel mismatch names both shapes', () => {
    expect(() => conv2d(x, Tensor.zeros([4, 2, 3, 3]))).toThrow('conv2d: x [2, 3, 5, 5] has 3 channels but weight [4, 2, 3, 3] ([out, in, kh, kw]) expects 2');
    expect(() => convTranspose2d(x, Tensor.zeros([2, 4, 3, 3]))).toThrow('convTranspose2d: x [2, 3, 5, 5] has 3 channels but weight [2, 4, 3, 3] ([in, out, kh, kw]) expects 2');
  });

  it('non-4-D input or weight, wrong bias', () => {
    expect(() => conv2d(Tensor.zeros([3, 25]), w)).toThrow('conv2d: x must be 4-D [n, channels, height, width] (got [3, 25])');
    expect(() => conv2d(x, Tensor.zeros([4, 27]))).toThrow('conv2d: weight must be 4-D [out, in, kh, kw] (got [4, 27])');
    expect(() => conv2d(x, w, Tensor.zeros([3]))).toThrow('conv2d: bias [3] does not match weight [4, 3, 3, 3] (need [4])');
  });

  it('a kernel larger than the padded input', () => {
    expect(() => conv2d(x, Tensor.zeros([4, 3, 7, 3]))).toThrow('conv2d: kernel [7, 3] (dilated [7, 3]) is larger than the padded input [5, 5] (x [2, 3, 5, 5], weight [4, 3, 7, 3], padding [0, 0])');
    expect(() => conv2d(x, w, null, { dilation: 3 })).toThrow('kernel [3, 3] (dilated [7, 7]) is larger than the padded input [5, 5]');
    expect(conv2d(x, Tensor.zeros([4, 3, 7, 3]), null, { padding: 1 }).shape).toEqual([2, 4, 1, 5]);
    expect(() => convTranspose2d(Tensor.zeros([1, 1, 1, 1]), Tensor.zeros([1, 1, 1, 1]), null, { padding: 1 })).toThrow('convTranspose2d: the output size [-1, -1] is not positive');
  });

  it('options: ranges, pairs, unknown keys, output padding rule', () => {
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow('conv2d: stride must be an integer >= 1 or a pair [height, width] of them (got 0)');
    expect(() => conv2d(x, w, null, { padding: [1, 1, 1] as unknown as [number, number] })).toThrow('conv2d: padding must be');
    expect(() => conv2d(x, w, null, { padding: -1 })).toThrow('conv2d: padding must be an integer >= 0');
    expect(() => conv2d(x, w, null, { outputPadding: 1 } as never)).toThrow("conv2d: unknown option 'outputPadding'");
    expect(() => convTranspose2d(x, Tensor.zeros([3, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(
      'convTranspose2d: outputPadding must be smaller than either stride or dilation (got outputPadding [2, 2], stride [2, 2], dilation [1, 1])',
    );
    // PyTorch allows output padding below the dilation even at stride 1.
    expect(convTranspose2d(x, Tensor.zeros([3, 2, 3, 3]), null, { dilation: 2, outputPadding: 1 }).shape).toEqual([2, 2, 10, 10]);
    expect(() => conv2d(x, 'w' as never)).toThrow("conv2d: argument 'weight' must be a Tensor");
  });
});

describe('gradients written into the engine\'s targets (the trainer\'s replaceGrads path)', () => {
  const builds: [string, number[][], (l: Tensor[]) => Tensor][] = [];
  for (const n of [1, 3]) {
    builds.push([`conv2d n=${n}`, [[n, 2, 7, 6], [3, 2, 3, 3], [3]], ([x, w, b]) => conv2d(x, w, b, { stride: 2, padding: 1 })]);
    builds.push([`convTranspose2d n=${n}`, [[n, 3, 4, 3], [3, 2, 4, 4], [2]], ([x, w, b]) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 })]);
  }

  function grads(shapes: number[][], build: (l: Tensor[]) => Tensor, dtype: 'float32' | 'float64', start: ((i: number) => Float32Array | Float64Array) | null, replace: boolean) {
    const leaves = shapes.map((s, i) => new Tensor(randomTensor(s, 40 + i, { dtype }).data, s, { requiresGrad: true }));
    if (start !== null) leaves.forEach((t, i) => (t.grad = new Tensor(start(i), t.shape)));
    const y = build(leaves);
    backward(y.mul(randomTensor(y.shape, 90, { dtype })).sum(), undefined, { replaceGrads: replace });
    return leaves.map((t) => Array.from(t.grad!.data));
  }

  it.each(builds)('%s: zeroed and stale targets give the fresh gradients\' values; non-zero ones add', (_, shapes, build) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const fresh = grads(shapes, build, dtype, null, false);
      const alloc = (i: number) => (dtype === 'float32' ? new Float32Array(fresh[i].length) : new Float64Array(fresh[i].length));
      expect(grads(shapes, build, dtype, alloc, false)).toEqual(fresh);
      const stale = (i: number) => alloc(i).fill(7);
      expect(grads(shapes, build, dtype, stale, true)).toEqual(fresh);
      const added = grads(shapes, build, dtype, stale, false);
      added.forEach((g, i) => expectAllclose(g, fresh[i].map((v) => v + 7), { rtol: 1e-5, atol: 1e-5 }));
    }
  });
});
