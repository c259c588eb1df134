/**
 * The stable scalar helpers in float64: special values, asymptotic forms where the exact
 * answer is known to double precision, identities, range and monotonicity, and logSumExp's
 * invariances and edge cases (empty, all −∞, +∞, NaN, offset/stride).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { log1pexp, logSigmoid, logSumExp, logSumExpParts, sigmoid, softplus } from '../../src/kernels/stable.js';
import { normalArray, seedArb } from '../helpers/arbitraries.js';
import { ulpDiff64 } from '../helpers/ulp.js';

const wide = fc.double({ min: -1e300, max: 1e300, noNaN: true });
const moderate = fc.double({ min: -700, max: 700, noNaN: true });

describe('special values', () => {
  const table: [string, (x: number) => number, number, number][] = [
    ['softplus', softplus, -Infinity, 0], ['softplus', softplus, Infinity, Infinity], ['softplus', softplus, NaN, NaN],
    ['softplus', softplus, 0, Math.LN2], ['softplus', softplus, -0, Math.LN2],
    ['log1pexp', log1pexp, 1e308, 1e308], ['log1pexp', log1pexp, -1e308, 0],
    ['logSigmoid', logSigmoid, -Infinity, -Infinity], ['logSigmoid', logSigmoid, Infinity, -0], ['logSigmoid', logSigmoid, NaN, NaN],
    ['logSigmoid', logSigmoid, 0, -Math.LN2], ['logSigmoid', logSigmoid, -1e308, -1e308],
    ['sigmoid', sigmoid, -Infinity, 0], ['sigmoid', sigmoid, Infinity, 1], ['sigmoid', sigmoid, NaN, NaN],
    ['sigmoid', sigmoid, 0, 0.5], ['sigmoid', sigmoid, -0, 0.5], ['sigmoid', sigmoid, 800, 1], ['sigmoid', sigmoid, -800, 0],
  ];
  it.each(table)('%s(%d) = %d', (_name, f, x, y) => {
    const v = f(x);
    if (Number.isNaN(y)) expect(v).toBeNaN();
    else expect(v === y || Object.is(v, y)).toBe(true);
  });
});

describe('accuracy where the exact answer is known to double precision', () => {
  it('x < −40: softplus(x) = eˣ, sigmoid(x) = eˣ, logSigmoid(x) = x, to 2 ulp (no 1 + eˣ cancellation)', () => {
    fc.assert(
      fc.property(fc.double({ min: -740, max: -40, noNaN: true }), (x) => {
        // log1p(e) = e − e²/2 + …; e² / 2 < 1e-17·e here, far below half an ulp.
        expect(ulpDiff64(softplus(x), Math.exp(x))).toBeLessThanOrEqual(2);
        expect(ulpDiff64(sigmoid(x), Math.exp(x))).toBeLessThanOrEqual(2);
        expect(ulpDiff64(logSigmoid(x), x)).toBeLessThanOrEqual(1);
      }),
      { seed: 71, numRuns: 300 },
    );
  });

  it('x > 40: softplus(x) = x, logSigmoid(x) = −e⁻ˣ to 2 ulp, 1 − sigmoid(x) = e⁻ˣ to 1e-16·x', () => {
    fc.assert(
      fc.property(fc.double({ min: 40, max: 1e300, noNaN: true }), (x) => {
        expect(ulpDiff64(softplus(x), x)).toBeLessThanOrEqual(1);
        if (x < 700) expect(ulpDiff64(logSigmoid(x), -Math.exp(-x))).toBeLessThanOrEqual(2);
        expect(sigmoid(x)).toBeLessThanOrEqual(1);
        expect(1 - sigmoid(x)).toBeLessThanOrEqual(2 ** -52);
      }),
      { seed: 72, numRuns: 300 },
    );
  });

  it('tiny |x|: softplus(x) = ln 2 + x/2 + x²/8, sigmoid(x) = ½ + x/4 to 2 ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e-6, max: 1e-6, noNaN: true }), (x) => {
        expect(ulpDiff64(softplus(x), Math.LN2 + x / 2 + (x * x) / 8)).toBeLessThanOrEqual(2);
        expect(ulpDiff64(sigmoid(x), 0.5 + x / 4)).toBeLessThanOrEqual(2);
      }),
      { seed: 73, numRuns: 300 },
    );
  });

  it('where the naive formula is accurate (−1 ≤ x ≤ 30), softplus equals log(1 + eˣ) to 1e-14', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 30, noNaN: true }), (x) => {
        const naive = Math.log(1 + Math.exp(x));
        expect(Math.abs(softplus(x) - naive)).toBeLessThanOrEqual(1e-14 * Math.abs(naive));
      }),
      { seed: 74, numRuns: 300 },
    );
  });
});

describe('identities, range and monotonicity', () => {
  it('softplus(x) − softplus(−x) = x; sigmoid(x) + sigmoid(−x) = 1; logSigmoid(x) = −softplus(−x); exp(logSigmoid) = sigmoid', () => {
    fc.assert(
      fc.property(moderate, (x) => {
        const d = softplus(x) - softplus(-x);
        expect(Math.abs(d - x)).toBeLessThanOrEqual(4e-16 * (Math.abs(x) + 1));
        expect(Math.abs(sigmoid(x) + sigmoid(-x) - 1)).toBeLessThanOrEqual(2.3e-16);
        expect(logSigmoid(x)).toBe(-softplus(-x));
        const s = sigmoid(x);
        expect(Math.abs(Math.exp(logSigmoid(x)) - s)).toBeLessThanOrEqual(1e-15 * s + 1e-300);
      }),
      { seed: 75, numRuns: 500 },
    );
  });

  it('sigmoid ∈ [0, 1], softplus ≥ max(x, 0), logSigmoid ≤ 0, all finite for finite x', () => {
    fc.assert(
      fc.property(wide, (x) => {
        const s = sigmoid(x);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(softplus(x)).toBeGreaterThanOrEqual(Math.max(x, 0));
        expect(logSigmoid(x)).toBeLessThanOrEqual(0);
        for (const v of [s, softplus(x), logSigmoid(x)]) expect(Number.isFinite(v)).toBe(true);
      }),
      { seed: 76, numRuns: 500 },
    );
  });

  it('softplus, sigmoid and logSigmoid are non-decreasing', () => {
    fc.assert(
      fc.property(wide, wide, (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        expect(softplus(x)).toBeLessThanOrEqual(softplus(y));
        expect(sigmoid(x)).toBeLessThanOrEqual(sigmoid(y));
        expect(logSigmoid(x)).toBeLessThanOrEqual(logSigmoid(y));
      }),
      { seed: 77, numRuns: 500 },
    );
  });
});

describe('logSumExp', () => {
  const vec = fc.record({ seed: seedArb, n: fc.integer({ min: 1, max: 64 }), e: fc.integer({ min: -2, max: 300 }) });
  const values = (seed: number, n: number, e: number): Float64Array => normalArray(seed, n).map((v) => v * 10 ** (e % 4) * (e > 3 ? e : 1));

  it('max ≤ lse ≤ max + log n, and lse of n copies of c is c + log n', () => {
    fc.assert(
      fc.property(vec, ({ seed, n, e }) => {
        const x = values(seed, n, e);
        const m = Math.max(...x);
        const l = logSumExp(x);
        expect(l).toBeGreaterThanOrEqual(m);
        expect(l).toBeLessThanOrEqual(m + Math.log(n) + 1e-12 * Math.abs(m) + 1e-15);
        const c = x[0];
        expect(Math.abs(logSumExp(new Float64Array(n).fill(c)) - (c + Math.log(n)))).toBeLessThanOrEqual(4e-16 * (Math.abs(c) + Math.log(n) + 1));
      }),
      { seed: 78, numRuns: 200 },
    );
  });

  it('shift invariance lse(x + c) = lse(x) + c, and permutation invariance', () => {
    fc.assert(
      fc.property(vec, fc.double({ min: -1e4, max: 1e4, noNaN: true }), ({ seed, n, e }, c) => {
        const x = values(seed, n, e);
        const shifted = x.map((v) => v + c);
        const scale = Math.max(...x.map(Math.abs)) + Math.abs(c) + 1;
        expect(Math.abs(logSumExp(shifted) - (logSumExp(x) + c))).toBeLessThanOrEqual(1e-14 * scale + 2e-16 * n);
        const reversed = x.slice().reverse();
        expect(Math.abs(logSumExp(reversed) - logSumExp(x))).toBeLessThanOrEqual(1e-15 * (Math.abs(logSumExp(x)) + n));
      }),
      { seed: 79, numRuns: 200 },
    );
  });

  it('offset and stride select a strided slice', () => {
    const x = Float64Array.from([9, 1, 9, 2, 9, 3, 9]);
    expect(logSumExp(x, 1, 3, 2)).toBe(logSumExp(Float64Array.from([1, 2, 3])));
    expect(logSumExpParts(x, 1, 3, 2)).toEqual(logSumExpParts(Float64Array.from([1, 2, 3])));
  });

  it('edge cases: empty → −∞; all −∞ → −∞; any +∞ → +∞; any NaN → NaN; huge values stay finite', () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([Infinity, 1])).toBe(Infinity);
    expect(logSumExp([Infinity, -Infinity])).toBe(Infinity);
    expect(logSumExp([1, NaN])).toBeNaN();
    expect(logSumExp([Infinity, NaN])).toBeNaN();
    expect(logSumExp([1e308, 1e308])).toBe(1e308 + Math.LN2);
    expect(logSumExp([-1e308, -1e308])).toBe(-1e308);
    expect(logSumExpParts([3e38, 3e38])).toEqual([3e38, Math.LN2]);
  });
});
