/** The test helpers are code too: allclose, ulpDiff32 and the arbitraries get checked here. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor } from '../../src/tensor/tensor.js';
import { allclose, assertAllclose, compareClose, isClose, unravelIndex } from './allclose.js';
import { broadcastOf, broadcastShapesArb, dimArb, randomTensor, shapeArb, SPECIAL_DIMS } from './arbitraries.js';
import { ulp32, ulpDiff32, ulpDiff64 } from './ulp.js';

describe('allclose', () => {
  it('follows |a − e| ≤ atol + rtol·|e| (asymmetric in e, like PyTorch)', () => {
    expect(isClose(1.05, 1, 0.1, 0, false)).toBe(true);
    expect(isClose(1, 1.1, 0.05, 0, false)).toBe(false);
    expect(isClose(1e-9, 0, 0, 1e-8, false)).toBe(true);
    expect(isClose(1e-6, 0, 1, 0, false)).toBe(false); // relative-only can never match 0
  });

  it('Inf matches only the same Inf; NaN only with equalNaN; NaN never matches a number or Inf', () => {
    expect(isClose(Infinity, Infinity, 0, 0, false)).toBe(true);
    expect(isClose(-Infinity, Infinity, 1, 1, false)).toBe(false);
    expect(isClose(1e308, Infinity, 1, 1, false)).toBe(false);
    expect(isClose(NaN, NaN, 1, 1, false)).toBe(false);
    expect(isClose(NaN, NaN, 0, 0, true)).toBe(true);
    expect(isClose(NaN, Infinity, 1, 1, true)).toBe(false);
    expect(isClose(0, NaN, 1, 1, true)).toBe(false);
    expect(isClose(-0, 0, 0, 0, false)).toBe(true);
  });

  it('compares shapes first', () => {
    expect(allclose([1, 2, 3, 4], [[1, 2], [3, 4]])).toBe(false);
    expect(compareClose(Tensor.zeros([2, 3]), Tensor.zeros([3, 2])).message).toMatch(/shape mismatch: actual \[2, 3\], expected \[3, 2\]/);
    expect(allclose(Tensor.zeros([]), 0)).toBe(true);
    expect(allclose({ data: [1, 2], shape: [2, 1] }, [[1], [2]])).toBe(true);
  });

  it('reports the mismatch count, worst errors and their flat and multi-indices', () => {
    const e = [[1, 2, 3], [4, 5, 6]];
    const a = [[1, 2.5, 3], [4, 5, 12]];
    const r = compareClose(a, e, { rtol: 1e-3, atol: 0 });
    expect(r.pass).toBe(false);
    expect(r.mismatches).toBe(2);
    expect(r.worstAbs).toBe(6);
    expect(r.worstAbsIndex).toBe(5);
    expect(r.worstRel).toBe(1);
    expect(r.message).toMatch(/2 of 6 elements mismatch/);
    expect(r.message).toMatch(/Worst abs error 6 at flat index 5 \[1, 2\] \(actual 12, expected 6\)/);
    expect(r.message).toMatch(/worst rel error 1 at flat index 5 \[1, 2\]/);
    expect(r.message).toMatch(/first mismatch at flat index 1 \[0, 1\]/);
    expect(() => assertAllclose(a, e, { context: 'ctx' })).toThrow(/^ctx: allclose: 2 of 6/);
    expect(() => assertAllclose(e, e)).not.toThrow();
  });

  it('unravelIndex inverts row-major flattening', () => {
    expect(unravelIndex(0, [])).toEqual([]);
    expect(unravelIndex(5, [2, 3])).toEqual([1, 2]);
    expect(unravelIndex(23, [2, 3, 4])).toEqual([1, 2, 3]);
  });
});

describe('ulpDiff32', () => {
  it('counts float32 steps across zero and treats ±0 as equal', () => {
    const next = (x: number): number => { const f = new Float32Array([x]); new Int32Array(f.buffer)[0] += 1; return f[0]; };
    expect(ulpDiff32(1, 1)).toBe(0);
    expect(ulpDiff32(1, next(1))).toBe(1);
    expect(ulpDiff32(0, -0)).toBe(0);
    expect(ulpDiff32(2 ** -149, -(2 ** -149))).toBe(2);
    expect(ulpDiff32(NaN, NaN)).toBe(0);
    expect(ulpDiff32(NaN, 1)).toBe(Infinity);
    expect(ulpDiff32(3.4028234663852886e38, Infinity)).toBe(1);
    expect(ulpDiff32(1, 1 + 2 ** -30)).toBe(0); // rounds to the same float32
    expect(ulp32(1)).toBe(2 ** -23);
    expect(ulp32(3.4028234663852886e38)).toBe(2 ** 104);
    expect(ulpDiff64(1, 1 + 2 ** -52)).toBe(1);
  });

  it('is a metric along the float32 line (symmetric, triangle equality on ordered triples)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), fc.float({ noNaN: true }), (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p - q);
        expect(ulpDiff32(x, z)).toBe(ulpDiff32(x, y) + ulpDiff32(y, z));
        expect(ulpDiff32(a, b)).toBe(ulpDiff32(b, a));
      }),
      { seed: 111, numRuns: 200 },
    );
  });
});

describe('arbitraries', () => {
  it('shapes respect their bounds; dims favour the special extents', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, maxDim: 31, maxSize: 100 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(4);
        expect(s.reduce((a, d) => a * d, 1)).toBeLessThanOrEqual(100);
        for (const d of s) expect(d).toBeGreaterThanOrEqual(1);
      }),
      { seed: 112, numRuns: 200 },
    );
    const dims = fc.sample(dimArb({ max: 31 }), { seed: 1, numRuns: 400 });
    expect(dims.filter((d) => SPECIAL_DIMS.includes(d)).length).toBeGreaterThan(250);
  });

  it('broadcast shape tuples really broadcast', () => {
    fc.assert(
      fc.property(broadcastShapesArb(3), (shapes) => {
        expect(() => broadcastOf(...shapes)).not.toThrow();
      }),
      { seed: 113, numRuns: 200 },
    );
  });

  it('randomTensor is deterministic in the seed and honours positive/kinks', () => {
    const a = randomTensor([5, 5], 3);
    expect(Array.from(randomTensor([5, 5], 3).data)).toEqual(Array.from(a.data));
    expect(Array.from(randomTensor([5, 5], 4).data)).not.toEqual(Array.from(a.data));
    for (const v of randomTensor([100], 5, { positive: 0.1 }).data) expect(v).toBeGreaterThanOrEqual(0.1);
    for (const v of randomTensor([100], 6, { kinks: [0, 1], margin: 0.05 }).data) {
      expect(Math.abs(v)).toBeGreaterThanOrEqual(0.05 - 1e-15);
      expect(Math.abs(v - 1)).toBeGreaterThanOrEqual(0.05 - 1e-15);
    }
  });
});
