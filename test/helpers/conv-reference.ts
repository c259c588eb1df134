/**
 * Naive direct convolutions in float64, the references for the im2col kernels and the conv ops:
 * the sums of the definitions, loop by loop, with no shared code.
 */

/** Stride, padding, dilation (and output padding for the transpose), per axis. */
export interface ConvParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** y[b, o, y, x] = bias[o] + Σ_{c,i,j} x[b, c, y·s − p + i·d, x·s − p + j·d]·w[o, c, i, j]. */
export function directConv2d(
  x: ArrayLike<number>, xs: readonly number[], w: ArrayLike<number>, ws: readonly number[], bias: ArrayLike<number> | null, p: ConvParams,
): { data: Float64Array; shape: number[] } {
  const [n, c, h, wd] = xs;
  const [o, , kh, kw] = ws;
  const oh = Math.floor((h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) / p.stride[0]) + 1;
  const ow = Math.floor((wd + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) / p.stride[1]) + 1;
  const out = new Float64Array(n * o * oh * ow);
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    let s = bias === null ? 0 : bias[oc];
    for (let ci = 0; ci < c; ci++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const iy = y * p.stride[0] - p.padding[0] + i * p.dilation[0];
      const ix = xx * p.stride[1] - p.padding[1] + j * p.dilation[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      s += x[((b * c + ci) * h + iy) * wd + ix] * w[((oc * c + ci) * kh + i) * kw + j];
    }
    out[((b * o + oc) * oh + y) * ow + xx] = s;
  }
  return { data: out, shape: [n, o, oh, ow] };
}

/**
 * The transposed convolution by scattering: every input pixel x[b, c, y, x] adds
 * x·w[c, o, i, j] to out[b, o, y·s − p + i·d, x·s − p + j·d]; w is [in, out, kh, kw].
 */
export function directConvTranspose2d(
  x: ArrayLike<number>, xs: readonly number[], w: ArrayLike<number>, ws: readonly number[], bias: ArrayLike<number> | null,
  p: ConvParams & { outputPadding: [number, number] },
): { data: Float64Array; shape: number[] } {
  const [n, c, h, wd] = xs;
  const [, o, kh, kw] = ws;
  const oh = (h - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (kh - 1) + p.outputPadding[0] + 1;
  const ow = (wd - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (kw - 1) + p.outputPadding[1] + 1;
  const out = new Float64Array(n * o * oh * ow);
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let k = 0; k < oh * ow; k++) out[(b * o + oc) * oh * ow + k] = bias === null ? 0 : bias[oc];
  for (let b = 0; b < n; b++) for (let ci = 0; ci < c; ci++) for (let y = 0; y < h; y++) for (let xx = 0; xx < wd; xx++) {
    const v = x[((b * c + ci) * h + y) * wd + xx];
    for (let oc = 0; oc < o; oc++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const oy = y * p.stride[0] - p.padding[0] + i * p.dilation[0];
      const ox = xx * p.stride[1] - p.padding[1] + j * p.dilation[1];
      if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
      out[((b * o + oc) * oh + oy) * ow + ox] += v * w[((ci * o + oc) * kh + i) * kw + j];
    }
  }
  return { data: out, shape: [n, o, oh, ow] };
}

/** The geometry fields the naive column loops read (kernels/im2col.ts's ConvGeometry). */
interface Geometry { c: number; h: number; w: number; kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

/**
 * The column matrix by its definition, one element at a time with a bounds test: row (ci, i, j),
 * column (b, y, x) holds x[b, ci, y·sh − ph + i·dh, x·sw − pw + j·dw] or 0 outside the image.
 * With `add`, the adjoint instead: each column entry is added onto its pixel, taps in (ci, i, j)
 * order, so the float sums are the plain loop's.
 */
function naiveColumns(x: Float32Array | Float64Array, n: number, g: Geometry, col: Float32Array | Float64Array, add: boolean): void {
  const cols = n * g.oh * g.ow;
  for (let ci = 0; ci < g.c; ci++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        for (let b = 0; b < n; b++) {
          for (let y = 0; y < g.oh; y++) {
            for (let xx = 0; xx < g.ow; xx++) {
              const iy = y * g.sh - g.ph + i * g.dh;
              const ix = xx * g.sw - g.pw + j * g.dw;
              const at = ((ci * g.kh + i) * g.kw + j) * cols + (b * g.oh + y) * g.ow + xx;
              const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
              const px = ((b * g.c + ci) * g.h + iy) * g.w + ix;
              if (add) { if (inside) x[px] += col[at]; } else col[at] = inside ? x[px] : 0;
            }
          }
        }
      }
    }
  }
}

/** im2col by its definition (see {@link naiveColumns}). */
export function naiveIm2col(x: Float32Array | Float64Array, n: number, g: Geometry, col: Float32Array | Float64Array): void {
  naiveColumns(x, n, g, col, false);
}

/** col2im by its definition: x += the adjoint of im2col applied to col, in tap order. */
export function naiveCol2im(col: Float32Array | Float64Array, n: number, g: Geometry, x: Float32Array | Float64Array): void {
  naiveColumns(x, n, g, col, true);
}
