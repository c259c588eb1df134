/**
 * Elementwise kernels within 1 ulp (float32) of Math.fround(reference64) (docs/testing.md §3.1
 * item 29), honest NaN propagation (item 28), and reductions within their error bound.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as K from '../../src/kernels/unary.js';
import { reluInto, reluMaskInto } from '../../src/kernels/relu.js';
import { axisExtents, logSumExpAxis, repeatAxis, sumAll, sumAxis } from '../../src/kernels/reduce.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as F from '../../src/autodiff/functional.js';
import { NASTY_VALUES, nastyArrayArb, normalArray, seedArb, shapeArb } from '../helpers/arbitraries.js';
import { U32, U64, ulpDiff32, ulpDiff64 } from '../helpers/ulp.js';

type Kernel = (x: Float32Array | Float64Array, out: Float32Array | Float64Array) => Float32Array | Float64Array;

// Float64 references, written independently of src/kernels.
const sigmoid64 = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus64 = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const UNARY: [string, Kernel, (x: number) => number, 'any' | 'positive' | 'nonneg'][] = [
  ['exp', K.expInto, Math.exp, 'any'],
  ['log', K.logInto, Math.log, 'positive'],
  ['sqrt', K.sqrtInto, Math.sqrt, 'nonneg'],
  ['square', K.squareInto, (x) => x * x, 'any'],
  ['abs', K.absInto, Math.abs, 'any'],
  ['tanh', K.tanhInto, Math.tanh, 'any'],
  ['sigmoid', K.sigmoidInto, sigmoid64, 'any'],
  ['relu', reluInto, (x) => Math.max(x, 0), 'any'],
  ['leakyRelu', (x, o) => K.leakyReluInto(x, 0.01, o), (x) => (x < 0 ? 0.01 * x : x), 'any'],
  ['softplus', K.softplusInto, softplus64, 'any'],
  ['logSigmoid', K.logSigmoidInto, (x) => -softplus64(-x), 'any'],
];

/** float32 values spread over many magnitudes: normal draws scaled by 10^e, e ∈ [−6, 2]. */
function spread32(seed: number, n: number, domain: 'any' | 'positive' | 'nonneg'): Float32Array {
  const z = normalArray(seed, 2 * n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = z[i] * 10 ** Math.round(-6 + ((z[n + i] + 3) / 6) * 8);
    if (domain !== 'any') v = Math.abs(v) + (domain === 'positive' ? 1e-30 : 0);
    out[i] = v;
  }
  return out;
}

describe('unary kernels', () => {
  for (const [name, kernel, ref, domain] of UNARY) {
    it(`${name}: float32 within 1 ulp of fround(float64 reference); float64 within 2 ulp`, () => {
      fc.assert(
        fc.property(seedArb, fc.integer({ min: 1, max: 300 }), (seed, n) => {
          const x = spread32(seed, n, domain);
          const y = kernel(x, new Float32Array(n));
          for (let i = 0; i < n; i++) {
            const r = Math.fround(ref(x[i]));
            if (ulpDiff32(y[i], r) > 1) throw new Error(`${name}(${x[i]}) = ${y[i]}, reference ${r}`);
          }
          const x64 = Float64Array.from(x, (v, i) => v * (1 + 1e-9 * (i % 7)));
          const y64 = kernel(x64, new Float64Array(n));
          for (let i = 0; i < n; i++) {
            if (ulpDiff64(y64[i], ref(x64[i])) > 2) throw new Error(`${name}(${x64[i]}) = ${y64[i]}, reference ${ref(x64[i])}`);
          }
        }),
        { seed: 61, numRuns: 50 },
      );
    });

    it(`${name}: NaN in, NaN out; no element but the NaN one is affected`, () => {
      const x = Float32Array.from([0.5, NaN, 2]);
      const y = kernel(x, new Float32Array(3));
      expect(y[1]).toBeNaN();
      expect(y[0]).toBe(Math.fround(ref(0.5)));
      expect(y[2]).toBe(Math.fround(ref(2)));
    });

    it(`${name}: may write in place (out === x)`, () => {
      const x = spread32(3, 50, domain);
      const expected = kernel(x, new Float32Array(50));
      const inPlace = Float32Array.from(x);
      kernel(inPlace, inPlace);
      expect(Array.from(inPlace)).toEqual(Array.from(expected));
    });
  }

  it('special values follow the IEEE reference', () => {
    const specials = Float64Array.from(NASTY_VALUES);
    for (const [name, kernel, ref] of UNARY) {
      const y = kernel(specials, new Float64Array(specials.length));
      specials.forEach((v, i) => {
        const r = ref(v);
        expect(Object.is(y[i], r) || (Number.isNaN(y[i]) && Number.isNaN(r)) || (y[i] === r), `${name}(${v}) = ${y[i]}, expected ${r}`).toBe(true);
      });
    }
  });

  it('robustness on nasty arrays: no throw; NaN out exactly where the reference is NaN; same infinities', () => {
    fc.assert(
      fc.property(nastyArrayArb(24), fc.boolean(), (values, wide) => {
        const x = wide ? Float64Array.from(values) : Float32Array.from(values);
        for (const [name, kernel, ref] of UNARY) {
          const y = kernel(x, wide ? new Float64Array(x.length) : new Float32Array(x.length));
          x.forEach((v, i) => {
            const r = wide ? ref(v) : Math.fround(ref(v));
            expect(Number.isNaN(y[i]), `${name}(${v}) NaN-ness`).toBe(Number.isNaN(r));
            if (!Number.isFinite(r) && !Number.isNaN(r)) expect(y[i], `${name}(${v})`).toBe(r);
          });
        }
        let ref = 0;
        for (const v of x) ref += v;
        const s = new Tensor(x, [x.length]).sum().item();
        if (Number.isNaN(ref)) expect(s).toBeNaN();
        else if (!Number.isFinite(ref) || wide) expect(s).toBe(wide ? ref : Math.fround(ref));
        expect(Number.isNaN(new Tensor(x, [x.length]).logSumExp().item())).toBe(x.some((v) => Number.isNaN(v)));
      }),
      { seed: 65, numRuns: 200 },
    );
  });

  it('relu backward (reluMaskInto on the input): g where x > 0, 0 where x ≤ 0, NaN where x is NaN', () => {
    const x = Float64Array.from([2, -1, 0, -0, NaN, 1e-30]);
    const g = Float64Array.from([3, 3, 3, 3, 3, 3]);
    expect(Array.from(reluMaskInto(g, x, new Float64Array(6)))).toEqual([3, 0, 0, 0, NaN, 3]);
  });
});

describe('NaN propagates honestly through ops (docs/testing.md §3.1 item 28)', () => {
  it('relu(NaN), exp(NaN), every unary op of NaN is NaN, and so is its gradient', () => {
    const ops: ((t: Tensor) => Tensor)[] = [
      (t) => t.relu(), (t) => t.exp(), (t) => t.log(), (t) => t.sqrt(), (t) => t.square(), (t) => t.abs(), (t) => t.tanh(),
      (t) => t.sigmoid(), (t) => t.leakyRelu(), (t) => t.softplus(), (t) => t.logSigmoid(),
    ];
    for (const f of ops) {
      const x = Tensor.from([1, NaN, 3], { requiresGrad: true });
      const y = f(x);
      expect(y.data[1]).toBeNaN();
      expect(Number.isNaN(y.data[0])).toBe(false);
      y.sum().backward();
      expect(x.grad!.data[1]).toBeNaN();
      expect(Number.isNaN(x.grad!.data[0])).toBe(false);
    }
    // neg's derivative does not depend on x: the value is NaN, the gradient stays −1.
    const x = Tensor.from([NaN], { requiresGrad: true });
    const y = x.neg();
    expect(y.data[0]).toBeNaN();
    y.sum().backward();
    expect(x.grad!.data[0]).toBe(-1);
  });

  it('sum, mean and logSumExp with a NaN are NaN only in the affected slice', () => {
    const x = Tensor.from([[1, 2, 3], [4, NaN, 6]]);
    expect(x.sum().item()).toBeNaN();
    expect(x.mean().item()).toBeNaN();
    expect(x.logSumExp().item()).toBeNaN();
    for (const r of [x.sum(1), x.mean(1), x.logSumExp(1)]) {
      expect(Number.isNaN(r.data[0])).toBe(false);
      expect(r.data[1]).toBeNaN();
    }
    const cols = x.sum(0);
    expect([Number.isNaN(cols.data[0]), Number.isNaN(cols.data[1]), Number.isNaN(cols.data[2])]).toEqual([false, true, false]);
    expect(sumAll(Float64Array.from([1, NaN, -Infinity]))).toBeNaN();
    expect(sumAll(Float64Array.from([Infinity, -Infinity]))).toBeNaN();
  });

  it('a NaN in row i of A makes row i of A·B NaN and leaves the other rows exact', () => {
    const a = Tensor.from([[1, 2], [NaN, 1], [3, -1]], { dtype: 'float64' });
    const b = Tensor.from([[1, 0, 2], [0, 1, 1]], { dtype: 'float64' });
    const c = a.matmul(b);
    expect(c.toArray()).toEqual([[1, 2, 4], [NaN, NaN, NaN], [3, -1, 5]]);
  });

  it('the losses propagate NaN from any input', () => {
    const ok = Tensor.from([0.5, 0.5]);
    const bad = Tensor.from([0.5, NaN]);
    for (const l of [
      F.mse(bad, ok, { reduction: 'none' }), F.bceWithLogits(ok, bad, { reduction: 'none' }),
      F.gaussianNll(ok, ok, bad, { reduction: 'none' }), F.gaussianKl(bad, ok, { reduction: 'none' }),
    ]) {
      expect(l.data[0]).not.toBeNaN();
      expect(l.data[1]).toBeNaN();
    }
  });
});

describe('reductions', () => {
  it('sum in float32 meets the float64-accumulation bound u32·|s| + n·u64·Σ|x|', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: -3, max: 3 }), (seed, n, e) => {
        const z = normalArray(seed, n);
        const x = Float32Array.from(z, (v) => v * 10 ** e + (seed % 2 ? 10 ** e : 0));
        let s = 0;
        let abs = 0;
        for (const v of x) { s += v; abs += Math.abs(v); }
        const got = new Tensor(x, [n]).sum().item();
        expect(Math.abs(got - s)).toBeLessThanOrEqual(U32 * Math.abs(s) + 2 * n * U64 * abs);
        // The recursive float32 bound of docs/testing.md §3.4 holds a fortiori.
        expect(Math.abs(got - s)).toBeLessThanOrEqual(Math.max(n - 1, 1) * U32 * abs);
      }),
      { seed: 62, numRuns: 60 },
    );
  });

  it('catches float32 accumulation: [2^24, 1 × 1000, −2^24] sums to exactly 1000', () => {
    const x = new Float32Array(1002).fill(1);
    x[0] = 2 ** 24;
    x[1001] = -(2 ** 24);
    expect(new Tensor(x, [1002]).sum().item()).toBe(1000);
    expect(new Tensor(x, [1002]).mean().item()).toBe(Math.fround(1000 / 1002));
    expect(new Tensor(x, [1, 1002, 1]).sum(1).item()).toBe(1000);
    expect(sumAll(x)).toBe(1000);
  });

  it('sumAxis equals a naive loop and repeatAxis is its adjoint', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, maxSize: 200, maxDim: 13 }), seedArb, (shape, seed) => {
        const x = normalArray(seed, shape.reduce((a, d) => a * d, 1));
        for (let axis = 0; axis < shape.length; axis++) {
          const [outer, len, inner] = axisExtents(shape, axis);
          expect(outer * len * inner).toBe(x.length);
          const s = sumAxis(x, outer, len, inner, new Float64Array(outer * inner));
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              let want = 0;
              for (let a = 0; a < len; a++) want += x[(o * len + a) * inner + i];
              expect(s[o * inner + i]).toBe(want);
            }
          }
          const g = normalArray(seed + 1, outer * inner);
          const r = repeatAxis(g, outer, len, inner, new Float64Array(x.length));
          let lhs = 0;
          let rhs = 0;
          for (let k = 0; k < s.length; k++) lhs += s[k] * g[k];
          for (let k = 0; k < x.length; k++) rhs += x[k] * r[k];
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(lhs)) * x.length);
        }
      }),
      { seed: 63, numRuns: 60 },
    );
  });

  it('logSumExpAxis equals a max-shifted float64 reference within 1 ulp (float32 output)', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, maxSize: 200, maxDim: 13 }), seedArb, fc.integer({ min: 0, max: 3 }), (shape, seed, e) => {
        const x = Float32Array.from(normalArray(seed, shape.reduce((a, d) => a * d, 1)), (v) => v * 10 ** e);
        for (let axis = 0; axis < shape.length; axis++) {
          const [outer, len, inner] = axisExtents(shape, axis);
          const out = logSumExpAxis(x, outer, len, inner, new Float32Array(outer * inner));
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              let m = -Infinity;
              for (let a = 0; a < len; a++) m = Math.max(m, x[(o * len + a) * inner + i]);
              let s = 0;
              for (let a = 0; a < len; a++) s += Math.exp(x[(o * len + a) * inner + i] - m);
              expect(ulpDiff32(out[o * inner + i], m + Math.log(s))).toBeLessThanOrEqual(1);
            }
          }
        }
      }),
      { seed: 64, numRuns: 60 },
    );
  });
});
