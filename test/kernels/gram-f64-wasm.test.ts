/**
 * BᵀB in double on WebAssembly SIMD (PCA's Rayleigh–Ritz step) against a float64 reference:
 * every product is exact in double, so only the order of the double additions may differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GramF64, buildGramF64Module } from '../../src/kernels/wasm/gram-f64.js';
import { Rng } from '../../src/random/rng.js';

function reference(b: Float32Array, rows: number, p: number): { h: Float64Array; abs: Float64Array } {
  const h = new Float64Array(p * p);
  const abs = new Float64Array(p * p);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const x = b[r * p + i] * b[r * p + j];
        h[i * p + j] += x;
        abs[i * p + j] += Math.abs(x);
      }
    }
  }
  return { h, abs };
}

describe('double-precision Gram of a narrow float32 matrix', () => {
  it('emits a module that validates', () => {
    expect(WebAssembly.validate(buildGramF64Module())).toBe(true);
  });

  it('matches the float64 reference to double rounding, over several add calls (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 0, max: 999 }),
      (p, parts, seed) => {
        const acc = GramF64.create(p);
        expect(acc).not.toBeNull();
        const rng = new Rng(seed);
        const all: number[] = [];
        for (const rows of parts) {
          const b = rng.fillNormal(new Float32Array(rows * p)) as Float32Array;
          const before = b.slice();
          acc!.add(b, rows);
          expect(b).toEqual(before);
          all.push(...b);
        }
        const rows = parts.reduce((s, r) => s + r, 0);
        const { h, abs } = reference(Float32Array.from(all), rows, p);
        const got = acc!.result();
        for (let i = 0; i < p * p; i++) {
          expect(Math.abs(got[i] - h[i])).toBeLessThanOrEqual((rows + 2) * 2 ** -53 * abs[i]);
        }
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) expect(got[i * p + j]).toBe(got[j * p + i]);
      },
    ), { seed: 31, numRuns: 60 });
  });

  it('spans chunks of the module memory and starts from zero each time', () => {
    const p = 7;
    const rows = 20000; // more rows than one 64 Ki-float chunk holds at this width
    const b = new Float32Array(rows * p).fill(0.5);
    GramF64.create(p)!.add(b, rows);
    const h = GramF64.create(p)!;
    h.add(b, rows);
    expect(Array.from(h.result())).toEqual(new Array(p * p).fill(rows * 0.25));
  });

  it('declines widths it cannot hold', () => {
    expect(GramF64.create(0)).toBeNull();
    expect(GramF64.create(256)).toBeNull();
  });
});
