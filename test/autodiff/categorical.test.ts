/**
 * The Gumbel-softmax relaxation and the categorical KL (issue 17): the sample's distribution
 * against the categorical, the straight-through forward and gradient, the KL against its
 * definition and at extreme logits, float32 against float64, and bad arguments.
 */
import { describe, expect, it } from 'vitest';
import { categoricalKl, gumbelSoftmax, softmax } from '../../src/autodiff/functional.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ShapeError } from '../../src/errors.js';

const LOGITS = [1.2, -0.4, 0.3, 2.0, -1.5];
const K = LOGITS.length;
const P = softmax(Tensor.from([LOGITS], { dtype: 'float64' })).data;
/** χ² with K − 1 = 4 degrees of freedom: the 0.999 quantile. */
const CHI2_4_999 = 18.467;

/** M samples of one K-category variable (M rows of the same logits) at temperature τ. */
function samples(m: number, tau: number, seed: number): Float64Array {
  const rows = Array.from({ length: m }, () => LOGITS);
  return gumbelSoftmax(Tensor.from(rows, { dtype: 'float64' }), { tau, rng: new Rng(seed) }).data as Float64Array;
}

function chiSquare(counts: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let c = 0; c < K; c++) s += (counts[c] - m * P[c]) ** 2 / (m * P[c]);
  return s;
}

describe('gumbelSoftmax: the sample approaches the categorical as τ → 0', () => {
  const M = 20000;

  it('the arg-max frequencies are softmax(logits) (Gumbel-max), χ² below its 0.999 quantile', () => {
    for (const tau of [1, 0.1, 0.01]) {
      const y = samples(M, tau, 7);
      const counts = new Float64Array(K);
      for (let i = 0; i < M; i++) {
        let best = 0;
        for (let c = 1; c < K; c++) if (y[i * K + c] > y[i * K + best]) best = c;
        counts[best]++;
      }
      expect(chiSquare(counts, M)).toBeLessThan(CHI2_4_999);
    }
  });

  it('the soft sample becomes one-hot and its mean the category probabilities', () => {
    const meanMax = (y: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < M; i++) s += Math.max(...y.subarray(i * K, (i + 1) * K));
      return s / M;
    };
    const sums = (y: Float64Array): Float64Array => {
      const s = new Float64Array(K);
      for (let i = 0; i < M; i++) for (let c = 0; c < K; c++) s[c] += y[i * K + c];
      return s;
    };
    const warm = samples(M, 2, 8);
    const cold = samples(M, 0.01, 8);
    expect(meanMax(warm)).toBeLessThan(0.8);
    expect(meanMax(cold)).toBeGreaterThan(0.995);
    // At τ = 0.01 the sample sums are (nearly) category counts: the same χ² bound holds; at τ = 2
    // the relaxed mean is far from the categorical's.
    expect(chiSquare(sums(cold), M)).toBeLessThan(CHI2_4_999);
    expect(chiSquare(sums(warm), M)).toBeGreaterThan(100);
  });

  it('each group sums to 1 on [n, N·K] with nCategories', () => {
    const x = Tensor.from([[3, -2, 0.5, 0, 0, 0], [10, 10, -10, 1, 2, 3]], { dtype: 'float64' });
    const y = gumbelSoftmax(x, { tau: 0.7, nCategories: 3, rng: new Rng(2) }).data;
    for (let g = 0; g < 4; g++) expect(y[3 * g] + y[3 * g + 1] + y[3 * g + 2]).toBeCloseTo(1, 14);
  });

  it('is the same with the noise given as with the stream it came from', () => {
    const x = Tensor.from([[0.2, -1, 0.4, 1.1]], { dtype: 'float64' });
    const noise = new Rng(5).fillGumbel(new Float64Array(4));
    const a = gumbelSoftmax(x, { tau: 0.3, rng: new Rng(5) }).data;
    const b = gumbelSoftmax(x, { tau: 0.3, noise }).data;
    expect(Array.from(a)).toEqual(Array.from(b));
    // y = softmax((x + g) / τ) by its definition.
    const z = Array.from(x.data, (v, i) => (v + noise[i]) / 0.3);
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const s = e.reduce((p, q) => p + q, 0);
    e.forEach((v, i) => expect(a[i]).toBeCloseTo(v / s, 14));
  });
});

describe('gumbelSoftmax: straight-through', () => {
  const x = Tensor.from([[[0.3, -0.2, 1.4], [2, 2.1, -3]], [[-1, 0, 1], [0.5, 0.5, 0.5]]], { dtype: 'float64', requiresGrad: true });
  const noise = new Rng(11).fillGumbel(new Float64Array(12));

  it('forwards an exact one-hot of the soft sample\'s arg-max', () => {
    const soft = gumbelSoftmax(x, { tau: 0.5, noise }).data;
    const hard = gumbelSoftmax(x, { tau: 0.5, noise, hard: true }).data;
    for (let g = 0; g < 4; g++) {
      const s = Array.from(soft.subarray(3 * g, 3 * g + 3));
      const best = s.indexOf(Math.max(...s));
      expect(Array.from(hard.subarray(3 * g, 3 * g + 3))).toEqual([0, 1, 2].map((c) => (c === best ? 1 : 0)));
    }
    const f32 = gumbelSoftmax(Tensor.from([[0.3, -0.2, 1.4]], { dtype: 'float32' }), { tau: 0.1, noise: noise.subarray(0, 3), hard: true });
    expect(f32.dtype).toBe('float32');
    expect(Array.from(f32.data).sort()).toEqual([0, 0, 1]);
  });

  it('back-propagates the soft sample\'s gradient', () => {
    const w = Tensor.from(Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)), { dtype: 'float64', shape: [2, 2, 3] });
    const grad = (hard: boolean): number[] => {
      x.zeroGrad();
      gumbelSoftmax(x, { tau: 0.5, noise, hard }).mul(w).sum().backward();
      return Array.from(x.grad!.data);
    };
    const soft = grad(false);
    expect(grad(true)).toEqual(soft);
    expect(soft.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it('keeps NaN logits NaN instead of a one-hot', () => {
    const y = gumbelSoftmax(Tensor.from([[NaN, 0, 1]], { dtype: 'float64' }), { tau: 1, noise: [0, 0, 0], hard: true }).data;
    expect(Array.from(y).every(Number.isNaN)).toBe(true);
  });
});

describe('categoricalKl', () => {
  it('equals Σ q log(q K) per variable, summed over a row', () => {
    const rows = [[0.5, -1, 2, 0, 0, 0.1], [3, 3, 3, -4, 8, 1]];
    const x = Tensor.from(rows, { dtype: 'float64' });
    const definition = rows.map((r) => {
      let kl = 0;
      for (let g = 0; g < 2; g++) {
        const l = r.slice(3 * g, 3 * g + 3);
        const e = l.map(Math.exp);
        const s = e.reduce((a, b) => a + b, 0);
        for (const v of e) kl += (v / s) * Math.log((v / s) * 3);
      }
      return kl;
    });
    const none = categoricalKl(x, { nCategories: 3, reduction: 'none' }).data;
    definition.forEach((d, i) => expect(none[i]).toBeCloseTo(d, 14));
    const three = categoricalKl(Tensor.from([[[0.5, -1, 2], [0, 0, 0.1]], [[3, 3, 3], [-4, 8, 1]]], { dtype: 'float64' }), { reduction: 'none' });
    expect(Array.from(three.data)).toEqual(Array.from(none));
    expect(categoricalKl(x, { nCategories: 3, reduction: 'sum' }).item()).toBeCloseTo(definition[0] + definition[1], 14);
    expect(categoricalKl(x, { nCategories: 3 }).item()).toBeCloseTo((definition[0] + definition[1]) / 2, 14);
    expect(categoricalKl(x, { nCategories: 3, reduction: 'batchMean' }).item()).toBeCloseTo((definition[0] + definition[1]) / 2, 14);
  });

  it('is 0 for uniform logits and log K for a certain one, finite at extreme logits', () => {
    expect(categoricalKl(Tensor.from([[7, 7, 7, 7]], { dtype: 'float64' })).item()).toBeCloseTo(0, 15);
    const certain = categoricalKl(Tensor.from([[1000, -1000, 0, 0]], { dtype: 'float64' }));
    expect(certain.item()).toBeCloseTo(Math.log(4), 12);
    const x = Tensor.from([[1e4, 0, -1e4]], { dtype: 'float32', requiresGrad: true });
    const kl = categoricalKl(x);
    kl.backward();
    expect(kl.item()).toBeCloseTo(Math.log(3), 5);
    expect(Array.from(x.grad!.data).every(Number.isFinite)).toBe(true);
  });

  it('in float32 agrees with float64 to float32 rounding', () => {
    const values = Array.from({ length: 24 }, (_, i) => 3 * Math.sin(i * 1.7));
    const a = categoricalKl(Tensor.from(values, { dtype: 'float64', shape: [2, 3, 4] }), { reduction: 'none' }).data;
    const b = categoricalKl(Tensor.from(values, { dtype: 'float32', shape: [2, 3, 4] }), { reduction: 'none' }).data;
    for (let i = 0; i < 2; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5 * Math.max(1, a[i]));
  });
});

describe('bad arguments', () => {
  const x = Tensor.from([[1, 2, 3, 4]], { dtype: 'float64' });
  it('gumbelSoftmax names the problem', () => {
    const rng = new Rng(1);
    expect(() => gumbelSoftmax(x, { tau: 0, rng })).toThrow(/tau must be a finite number > 0 \(got 0\)/);
    expect(() => gumbelSoftmax(x, { tau: Infinity, rng })).toThrow(/tau must be a finite number > 0/);
    expect(() => gumbelSoftmax(x, { nCategories: 3, rng })).toThrow(ShapeError);
    expect(() => gumbelSoftmax(x, { nCategories: 3, rng })).toThrow(/last axis of logits \[1, 4\] \(4\) is not a multiple of nCategories = 3/);
    expect(() => gumbelSoftmax(x, { nCategories: 1, rng })).toThrow(/nCategories must be an integer >= 2/);
    expect(() => gumbelSoftmax(x, {})).toThrow(/exactly one of rng and noise \(got neither\)/);
    expect(() => gumbelSoftmax(x, { rng, noise: [0, 0, 0, 0] })).toThrow(/got both/);
    expect(() => gumbelSoftmax(x, { noise: [0, 0] })).toThrow(/noise has 2 values, but logits \[1, 4\] have 4/);
    expect(() => gumbelSoftmax(x, { rng, temperature: 1 } as never)).toThrow(/unknown option 'temperature'/);
    expect(() => gumbelSoftmax(x, { rng, hard: 1 } as never)).toThrow(/hard must be a boolean/);
    expect(() => gumbelSoftmax(x, { rng: {} } as never)).toThrow(/rng must be an Rng/);
  });
  it('categoricalKl names the problem', () => {
    expect(() => categoricalKl(Tensor.from([1, 2], { dtype: 'float64' }))).toThrow(/at least 2 axes \(got \[2\]\)/);
    expect(() => categoricalKl(x, { nCategories: 3 })).toThrow(/not a multiple of nCategories = 3/);
    expect(() => categoricalKl(x, { reduction: 'avg' } as never)).toThrow(/reduction must be/);
    expect(() => categoricalKl(x, { k: 2 } as never)).toThrow(/unknown option 'k'/);
  });
});
