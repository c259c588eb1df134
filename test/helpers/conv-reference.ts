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
