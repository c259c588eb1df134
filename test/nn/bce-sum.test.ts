import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bceWithLogits } from '../../src/autodiff/functional.js';
import { gradcheck } from '../../src/autodiff/gradcheck.js';
import type { Reduction } from '../../src/autodiff/functional.js';
import { ShapeError } from '../../src/errors.js';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';

/** The fused sum: bceWithLogits reduced, on same-shape operands. */
const bceSum = (l: Tensor, y: Tensor, reduction: Reduction) => bceWithLogits(l, y, { reduction });

describe('bceWithLogits reduced (the fused Bernoulli loss of the VAE)', () => {
  it('equals the elementwise loss summed and scaled, in value and gradient, including large |logits|', () => {
    const reductions = fc.constantFrom<Reduction>('sum', 'mean', 'batchMean');
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), reductions, (n, d, seed, reduction) => {
      const rng = new Rng(seed);
      const l1 = Tensor.randn([n, d], rng, { dtype: 'float64', std: 8, requiresGrad: true });
      const y = Tensor.rand([n, d], rng, { dtype: 'float64' });
      const l2 = new Tensor(l1.data.slice(), l1.shape, { requiresGrad: true });
      const scale = reduction === 'sum' ? 1 : reduction === 'mean' ? 1 / (n * d) : 1 / n;
      const a = bceSum(l1, y, reduction);
      const b = bceWithLogits(l2, y, { reduction: 'none' }).sum().mul(scale);
      expect(a.item()).toBeCloseTo(b.item(), 10);
      a.mul(3).backward(); // a non-unit upstream gradient
      b.mul(3).backward();
      assertAllclose(l1.grad!.data, l2.grad!.data, { rtol: 1e-12, atol: 1e-14 });
    }), { seed: 5, numRuns: 50 });
  });

  it('passes float64 gradcheck for logits and targets', () => {
    const rng = new Rng(1);
    const l = Tensor.randn([3, 4], rng, { dtype: 'float64', requiresGrad: true });
    const y = Tensor.rand([3, 4], rng, { dtype: 'float64', requiresGrad: true });
    gradcheck((l, y) => bceSum(l, y, 'batchMean'), [l, y]);
  });

  it('gives the same gradient on a second backward through the same graph', () => {
    const l = Tensor.randn([2, 3], new Rng(2), { requiresGrad: true });
    const loss = bceSum(l, Tensor.full([2, 3], 0.5), 'batchMean');
    loss.backward();
    const first = Array.from(l.grad!.data);
    l.grad = null;
    loss.backward();
    expect(Array.from(l.grad!.data)).toEqual(first);
  });

  it('is finite and exact at extreme logits, propagates NaN, and checks shapes', () => {
    const l = Tensor.from([[-1e4, 1e4, -100, 100, 0]], { dtype: 'float64' });
    const y = Tensor.from([[0, 1, 1, 0, 0.5]], { dtype: 'float64' });
    expect(bceSum(l, y, 'sum').item()).toBeCloseTo(100 + 100 + Math.log(2), 10);
    expect(Number.isNaN(bceSum(Tensor.from([[NaN]]), Tensor.from([[1]]), 'sum').item())).toBe(true);
    expect(() => bceSum(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]), 'sum')).toThrow(ShapeError);
  });
});

describe('bceWithLogits reduced on WebAssembly SIMD (float32, backend wasm)', () => {
  it.skipIf(!isWasmAvailable())('loads, and matches the float64 formula to float32 accuracy over chunk edges, odd lengths and extreme logits', async () => {
    const { getBackend, setBackend } = await import('../../src/kernels/backend.js');
    const { isBceWasmAvailable } = await import('../../src/kernels/wasm/bce-sum.js');
    expect(isBceWasmAvailable()).toBe(true);
    const before = getBackend();
    setBackend('wasm');
    try {
      for (const n of [1, 3, 4, 7, 4096, 4099, 3 * 4096 + 5]) {
        const rng = new Rng(n);
        const l = Tensor.randn([n], rng, { std: 6, requiresGrad: true });
        const specials = [0, -0, 1e-8, -1e-8, 20, -20, 88, -88, 90, -90, 100, -100, 1e4, -1e4];
        for (let i = 0; i < Math.min(n, specials.length); i++) l.data[i] = specials[i];
        const y = Tensor.rand([n], rng);
        for (let i = 0; i < n; i += 5) y.data[i] = i % 2;
        const loss = bceSum(l, y, 'sum');
        loss.backward();
        let ref = 0;
        let scaleOfSum = 0;
        for (let i = 0; i < n; i++) {
          const x = l.data[i];
          const t = y.data[i];
          const term = Math.max(x, 0) - t * x + Math.log1p(Math.exp(-Math.abs(x)));
          ref += term;
          scaleOfSum += Math.abs(term);
          const sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
          const g = sig - t;
          expect(Math.abs(l.grad!.data[i] - g)).toBeLessThanOrEqual(4e-7 * Math.max(Math.abs(g), Math.abs(t)) + 1e-30);
        }
        // Float32 accumulation over 1,024 terms per lane: a few 1e-6 of Σ|terms| at worst.
        expect(Math.abs(loss.item() - ref)).toBeLessThanOrEqual(1e-5 * scaleOfSum + 1e-6);
      }
      const nan = bceSum(Tensor.from([0.5, NaN, 1, 2, 3]), Tensor.from([1, 1, 0, 0, 1]), 'sum');
      expect(Number.isNaN(nan.item())).toBe(true);
      // Same inputs, same bytes.
      const a = Tensor.randn([999], new Rng(1));
      const t = Tensor.rand([999], new Rng(2));
      expect(bceSum(a, t, 'sum').item()).toBe(bceSum(a, t, 'sum').item());
    } finally {
      setBackend(before);
    }
  });
});

describe('bceSum SIMD kernel unrolling', () => {
  it.skipIf(!isWasmAvailable())('the interleaved loop gives the bits of one vector at a time', async () => {
    const { buildBceModule } = await import('../../src/kernels/wasm/bce-sum.js');
    const n = 4096;
    const rng = new Rng(3);
    const L = Tensor.randn([n], rng, { std: 8 }).data;
    const Y = Tensor.rand([n], rng).data;
    [NaN, 100, -100, 0, -0, 1e-30, Infinity, -Infinity, 88, -88].forEach((v, i) => { L[i * 7] = v; });
    const outputs = [1, 2, 8].map((unroll) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
      const run = new WebAssembly.Instance(new WebAssembly.Module(buildBceModule(unroll)), { env: { memory } }).exports.bce as (...a: number[]) => void;
      const heap = new Float32Array(memory.buffer);
      return [16, 48, 4080 * 4, 4096 * 4].map((bytes) => {
        heap.fill(0);
        heap.set(L, 0);
        heap.set(Y, n);
        run(0, n * 4, 2 * n * 4, 3 * n * 4, bytes, 1 / 128);
        return Array.from(new Uint32Array(memory.buffer, 2 * n * 4, n + 4));
      });
    });
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });
});
