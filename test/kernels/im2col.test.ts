/**
 * im2col followed by one GEMM equals the naive direct convolution, and col2im is the adjoint of
 * im2col, on random NCHW shapes including extents of 1 and odd sizes, strides, paddings and
 * dilations (docs/testing.md: every kernel against a naive reference).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm } from '../../src/kernels/gemm.js';
import {
  channelSums, col2im, convOutputSize, convTransposeOutputSize, im2col, swapLeading, type ConvGeometry,
} from '../../src/kernels/im2col.js';
import { Rng } from '../../src/random/rng.js';
import { expectAllclose } from '../helpers/allclose.js';
import { directConv2d, naiveCol2im, naiveIm2col } from '../helpers/conv-reference.js';

function normals(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** A random convolution whose kernel fits the padded image. */
const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), o: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
  kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }),
  dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1 << 20 }),
}).filter((k) => convOutputSize(k.h, k.kh, k.sh, k.ph, k.dh) >= 1 && convOutputSize(k.w, k.kw, k.sw, k.pw, k.dw) >= 1);

function geometryOf(k: { c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }): ConvGeometry {
  return {
    ...k, oh: convOutputSize(k.h, k.kh, k.sh, k.ph, k.dh), ow: convOutputSize(k.w, k.kw, k.sw, k.pw, k.dw),
  };
}

describe('im2col + gemm', () => {
  it('equals the direct convolution (with bias) on random shapes', () => {
    fc.assert(fc.property(caseArb, (k) => {
      const g = geometryOf(k);
      const x = normals(k.n * k.c * k.h * k.w, k.seed);
      const wt = normals(k.o * k.c * k.kh * k.kw, k.seed + 1);
      const bias = normals(k.o, k.seed + 2);
      const rows = k.c * k.kh * k.kw;
      const cols = k.n * g.oh * g.ow;
      const col = im2col(x, k.n, g, new Float64Array(rows * cols).fill(NaN)); // every element written
      const prod = new Float64Array(k.o * cols);
      gemm(false, false, k.o, cols, rows, 1, wt, rows, col, cols, 0, prod, cols);
      const y = swapLeading(prod, k.o, k.n, g.oh * g.ow, new Float64Array(prod.length), bias);
      const ref = directConv2d(x, [k.n, k.c, k.h, k.w], wt, [k.o, k.c, k.kh, k.kw], bias, {
        stride: [k.sh, k.sw], padding: [k.ph, k.pw], dilation: [k.dh, k.dw],
      });
      expectAllclose(y, ref.data, { rtol: 1e-12, atol: 1e-12 });
    }), { seed: 17, numRuns: 150 });
  });

  it('col2im is the adjoint of im2col: ⟨im2col(x), C⟩ = ⟨x, col2im(C)⟩', () => {
    fc.assert(fc.property(caseArb, (k) => {
      const g = geometryOf(k);
      const x = normals(k.n * k.c * k.h * k.w, k.seed);
      const size = k.c * k.kh * k.kw * k.n * g.oh * g.ow;
      const cm = normals(size, k.seed + 3);
      const col = im2col(x, k.n, g, new Float64Array(size));
      const back = col2im(cm, k.n, g, new Float64Array(x.length));
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < size; i++) lhs += col[i] * cm[i];
      for (let i = 0; i < x.length; i++) rhs += x[i] * back[i];
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(lhs)));
    }), { seed: 18, numRuns: 150 });
  });

  it('im2col and col2im give the bits of the definition loops in float32 (col2im onto nonzero x), windows covering all or part of the image', () => {
    const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Uint32Array(a.buffer));
    fc.assert(fc.property(caseArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), (k, cutH, cutW) => {
      // Fewer windows than fit, as a transposed convolution's output padding leaves them.
      const full = geometryOf(k);
      const g = { ...full, oh: Math.max(1, full.oh - cutH), ow: Math.max(1, full.ow - cutW) };
      const x = Float32Array.from(normals(k.n * k.c * k.h * k.w, k.seed));
      const size = k.c * k.kh * k.kw * k.n * g.oh * g.ow;
      const ref = new Float32Array(size);
      naiveIm2col(x, k.n, g, ref);
      expect(bits(im2col(x, k.n, g, new Float32Array(size).fill(NaN)))).toEqual(bits(ref));
      const cm = Float32Array.from(normals(size, k.seed + 5));
      const start = Float32Array.from(normals(x.length, k.seed + 6));
      const expected = start.slice();
      naiveCol2im(cm, k.n, g, expected);
      expect(bits(col2im(cm, k.n, g, start.slice()))).toEqual(bits(expected));
    }), { seed: 19, numRuns: 200 });
  });

  it('the conv VAE layers: the bits of the definition loops', () => {
    // The index of the first differing float32 bit pattern, −1 when none (toEqual on millions of elements is slow).
    const firstDiff = (a: Float32Array | Float64Array, b: Float32Array | Float64Array): number => {
      const [u, v] = [new Uint32Array(a.buffer), new Uint32Array(b.buffer)];
      for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
      return u.length === v.length ? -1 : u.length;
    };
    const n = 16;
    for (const g of [
      { c: 1, h: 28, w: 28, kh: 4, kw: 4, oh: 14, ow: 14, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 },
      { c: 32, h: 14, w: 14, kh: 4, kw: 4, oh: 7, ow: 7, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 },
    ]) {
      const x = Float32Array.from(normals(n * g.c * g.h * g.w, g.c));
      const size = g.c * g.kh * g.kw * n * g.oh * g.ow;
      const ref = new Float32Array(size);
      naiveIm2col(x, n, g, ref);
      const col = im2col(x, n, g, new Float32Array(size));
      expect(firstDiff(col, ref)).toBe(-1);
      const expected = x.slice();
      naiveCol2im(col, n, g, expected);
      expect(firstDiff(col2im(col, n, g, x.slice()), expected)).toBe(-1);
    }
  });

  it('col2im adds onto what is there', () => {
    const g: ConvGeometry = { c: 1, h: 3, w: 3, kh: 2, kw: 2, oh: 2, ow: 2, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1 };
    const col = new Float64Array(4 * 4).fill(1);
    const x = col2im(col, 1, g, new Float64Array(9).fill(10));
    // Corner pixels are in one window, edge middles in two, the centre in four.
    expect(Array.from(x)).toEqual([11, 12, 11, 12, 14, 12, 11, 12, 11]);
  });
});

describe('shape formulas and helpers', () => {
  it('match PyTorch on known cases', () => {
    expect(convOutputSize(28, 4, 2, 1, 1)).toBe(14);
    expect(convOutputSize(14, 4, 2, 1, 1)).toBe(7);
    expect(convOutputSize(5, 3, 2, 0, 2)).toBe(1);
    expect(convOutputSize(2, 3, 1, 0, 1)).toBe(0);
    expect(convTransposeOutputSize(7, 4, 2, 1, 1, 0)).toBe(14);
    expect(convTransposeOutputSize(3, 3, 2, 1, 1, 1)).toBe(6);
    expect(convTransposeOutputSize(1, 1, 1, 0, 1, 0)).toBe(1);
  });

  it('swapLeading and channelSums', () => {
    const src = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // [2, 3, 2]
    expect(Array.from(swapLeading(src, 2, 3, 2, new Float64Array(12)))).toEqual([1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12]);
    expect(Array.from(swapLeading(src, 2, 3, 2, new Float64Array(12), Float64Array.from([100, 0])))).toEqual([101, 102, 7, 8, 103, 104, 9, 10, 105, 106, 11, 12]);
    expect(Array.from(channelSums(src, 2, 3, 2))).toEqual([1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12]);
  });
});
