/**
 * The Gram kernel behind the PCA covariance solver against a float64 reference, on shapes with
 * 1 and odd sizes, with chunks and KC slices that do not divide the rows, and widths that are
 * not multiples of the register block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gramUpperWasm } from '../../src/kernels/wasm/gram-wasm.js';
import { wasmGramGemm } from '../../src/kernels/wasm/runtime.js';
import { Rng } from '../../src/random/rng.js';

const w = wasmGramGemm();
const U32 = 2 ** -24;

/** Largest violation of |got − exact| ≤ (chunk + 2)·u·Σ|xᵢxⱼ| over the upper triangle (≤ 0 passes). */
function worstExcess(x: Float32Array, rows: number, d: number, chunk: number, got: Float64Array): number {
  let worst = -Infinity;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let exact = 0;
      let abs = 0;
      for (let r = 0; r < rows; r++) {
        const p = x[r * d + i] * x[r * d + j];
        exact += p;
        abs += Math.abs(p);
      }
      const bound = (Math.min(chunk, rows) + 2) * U32 * abs + 1e-30;
      worst = Math.max(worst, Math.abs(got[i * d + j] - exact) - bound);
    }
  }
  return worst;
}

describe.skipIf(w === null)('Gram matrix on the WebAssembly kernel', () => {
  it('matches the float64 reference within the float32 summation bound (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 41 }), fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 0, max: 999 }),
      (rows, d, chunk, seed) => {
        const x = new Rng(seed).fillNormal(new Float32Array(rows * d)) as Float32Array;
        const before = x.slice();
        const out = new Float64Array(d * d);
        for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[i * d + j] = -7; // lower triangle sentinel
        expect(gramUpperWasm(w!, x, rows, d, chunk, out)).toBe(true);
        expect(worstExcess(x, rows, d, chunk, out)).toBeLessThanOrEqual(0);
        for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) expect(out[i * d + j]).toBe(-7);
        expect(x).toEqual(before);
      },
    ), { seed: 21, numRuns: 60 });
  });

  it('handles a chunk longer than one KC slice and a width past one strip', () => {
    const rows = 1100;
    const d = 75;
    const x = new Rng(4).fillNormal(new Float32Array(rows * d)) as Float32Array;
    const out = new Float64Array(d * d);
    expect(gramUpperWasm(w!, x, rows, d, 1024, out)).toBe(true);
    expect(worstExcess(x, rows, d, 1024, out)).toBeLessThanOrEqual(0);
  });

  it('adds to what out already holds (chunk sums accumulate in double)', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3×2
    const out = Float64Array.from([10, 20, 0, 30]);
    gramUpperWasm(w!, x, 3, 2, 2, out);
    expect(Array.from(out)).toEqual([10 + 35, 20 + 44, 0, 30 + 56]);
  });

  it('is bitwise repeatable', () => {
    const x = new Rng(8).fillNormal(new Float32Array(300 * 37)) as Float32Array;
    const a = new Float64Array(37 * 37);
    const b = new Float64Array(37 * 37);
    gramUpperWasm(w!, x, 300, 37, 128, a);
    gramUpperWasm(w!, x, 300, 37, 128, b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});
