/**
 * The SIMD column moments and centred copy used by PCA must give exactly the values of the
 * scalar loops (so the fit does not depend on the backend), on shapes with 1 and odd numbers of
 * rows and columns, and across chunk boundaries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildColumnStatsModule, centreCopyWasm, columnMomentsWasm } from '../../src/kernels/wasm/column-stats.js';
import { Rng } from '../../src/random/rng.js';

function scalarMoments(x: Float32Array, rows: number, cols: number) {
  const sum = new Float64Array(cols);
  const sq = new Float64Array(cols);
  const lo = Float64Array.from(x.subarray(0, cols));
  const hi = Float64Array.from(x.subarray(0, cols));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = x[i * cols + j];
      sum[j] += v;
      sq[j] += v * v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  return { sum, sq, lo, hi };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function data(rows: number, cols: number, seed: number, offset: number): Float32Array {
  const x = new Rng(seed).fillNormal(new Float32Array(rows * cols)) as Float32Array;
  for (let i = 0; i < x.length; i++) x[i] = x[i] * 3 + offset * ((i % cols) + 1);
  return x;
}

const shapeArb = fc.record({
  rows: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 150, max: 400 })),
  cols: fc.oneof(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 700, max: 900 })),
  seed: fc.integer({ min: 0, max: 1000 }),
  offset: fc.constantFrom(0, 0.5, 1000),
});

describe('column statistics on WebAssembly SIMD', () => {
  it('emits a module that validates', () => {
    expect(WebAssembly.validate(buildColumnStatsModule())).toBe(true);
  });

  it('computes the moments of the scalar loops bit for bit (property)', () => {
    fc.assert(fc.property(shapeArb, ({ rows, cols, seed, offset }) => {
      const x = data(rows, cols, seed, offset);
      const before = x.slice();
      const got = columnMomentsWasm(x, rows, cols);
      expect(got).not.toBeNull();
      const want = scalarMoments(x, rows, cols);
      expect(sameBits(got!.sum, want.sum)).toBe(true);
      expect(sameBits(got!.sq, want.sq)).toBe(true);
      expect(sameBits(got!.lo, want.lo)).toBe(true);
      expect(sameBits(got!.hi, want.hi)).toBe(true);
      expect(sameBits(x, before)).toBe(true);
    }), { seed: 5, numRuns: 40 });
  });

  it('crosses chunk boundaries (more rows than one chunk holds)', () => {
    const rows = 1500;
    const cols = 97;
    const x = data(rows, cols, 9, 2);
    const got = columnMomentsWasm(x, rows, cols)!;
    const want = scalarMoments(x, rows, cols);
    expect(sameBits(got.sum, want.sum) && sameBits(got.sq, want.sq)).toBe(true);
    const out = new Float32Array(rows * cols);
    const c = Float64Array.from({ length: cols }, (_, j) => Math.fround(j * 0.25 - 3));
    expect(centreCopyWasm(x, out, rows, cols, c)).toBe(true);
    expect(sameBits(out, Float32Array.from(x, (v, i) => v - c[i % cols]))).toBe(true);
  });

  it('centres as fround(x − c) does, bit for bit, for float32-exact centres (property)', () => {
    fc.assert(fc.property(shapeArb, ({ rows, cols, seed, offset }) => {
      const x = data(rows, cols, seed, offset);
      const c = Float64Array.from({ length: cols }, (_, j) => Math.fround(offset * (j + 1) + 0.1 * j));
      const out = new Float32Array(rows * cols).fill(NaN);
      expect(centreCopyWasm(x, out, rows, cols, c)).toBe(true);
      const want = Float32Array.from(x, (v, i) => v - c[i % cols]);
      expect(sameBits(out, want)).toBe(true);
    }), { seed: 6, numRuns: 40 });
  });

  it('declines, writing nothing, when a centre is not a float32 or the matrix is too wide', () => {
    const x = data(3, 5, 1, 0);
    const out = new Float32Array(15).fill(7);
    expect(centreCopyWasm(x, out, 3, 5, Float64Array.from([0.1, 0, 0, 0, 0]))).toBe(false);
    expect(Array.from(out)).toEqual(new Array(15).fill(7));
    expect(columnMomentsWasm(new Float32Array(9000), 1, 9000)).toBeNull();
    expect(centreCopyWasm(new Float32Array(9000), new Float32Array(9000), 1, 9000, new Float64Array(9000))).toBe(false);
  });
});
