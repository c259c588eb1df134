/**
 * im2col and col2im for NCHW images (groups = 1), the pieces that turn a convolution into one
 * GEMM. For a batch x [n, c, h, w] and a kernel kh × kw with stride, padding and dilation, the
 * column matrix is [c·kh·kw, n·oh·ow]: row (ci, i, j), column (b, y, x) holds
 * x[b, ci, y·sh − ph + i·dh, x·sw − pw + j·dw], or 0 where that falls in the padding. Putting
 * the whole batch in the columns makes the weight gradient one product (ĝ·colᵀ) instead of one
 * per image.
 *
 * col2im is the adjoint: it adds each column entry back onto the pixel it was read from, so
 * overlapping windows sum. Both take the image size and the output size explicitly; a position
 * outside the image is skipped, which is also what a transposed convolution's output padding
 * needs (rows past the last window receive nothing).
 *
 * @module
 */
import type { FloatArray } from '../validate.js';

/**
 * The geometry of one 2-D convolution: image, kernel and output extents, stride, padding and
 * dilation per axis.
 *
 * @example
 * ```ts
 * const g: ConvGeometry = { c: 1, h: 28, w: 28, kh: 4, kw: 4, oh: 14, ow: 14, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 };
 * ```
 */
export interface ConvGeometry {
  /** Channels of the image. */
  c: number;
  /** Image height and width. */
  h: number; w: number;
  /** Kernel height and width. */
  kh: number; kw: number;
  /** Output height and width (the number of window positions). */
  oh: number; ow: number;
  /** Stride, padding and dilation, per axis. */
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

/**
 * The number of window positions along one axis, PyTorch's formula:
 * ⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1 (≤ 0 when the kernel does not fit).
 *
 * @example
 * ```ts
 * convOutputSize(28, 4, 2, 1, 1); // 14
 * ```
 */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * The output size of a transposed convolution along one axis, PyTorch's formula:
 * (size − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1.
 *
 * @example
 * ```ts
 * convTransposeOutputSize(7, 4, 2, 1, 1, 0); // 14
 * ```
 */
export function convTransposeOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/**
 * The window positions x in [0, out) whose tap x·stride − pad + offset falls inside [0, size):
 * [first, last). Computing the range once per row keeps the inner loops free of bounds tests.
 */
function validRange(size: number, out: number, stride: number, pad: number, offset: number): [number, number] {
  const shift = offset - pad; // tap = x·stride + shift
  const first = shift >= 0 ? 0 : Math.min(out, Math.ceil(-shift / stride));
  const last = Math.max(first, Math.min(out, Math.ceil((size - shift) / stride)));
  return [first, last];
}

/**
 * The one loop over the column matrix both kernels run: per row (ci, i, j) and image b, the
 * window rows y whose tap falls inside the image, and in each the window columns [x0, x1) that
 * do. `add` false: im2col (col ← x, zeros where the tap is in the padding, every element
 * written). `add` true: col2im (x += col at each tap, in this (ci, i, j) order, the padding's
 * entries dropped). One loop for both keeps the adjoint pair on the same index arithmetic.
 */
function columns(x: FloatArray, n: number, g: ConvGeometry, col: FloatArray, add: boolean): void {
  const { c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw } = g;
  const l = oh * ow;
  const cols = n * l;
  for (let ci = 0; ci < c; ci++) {
    for (let i = 0; i < kh; i++) {
      const [y0, y1] = validRange(h, oh, sh, ph, i * dh);
      for (let j = 0; j < kw; j++) {
        const [x0, x1] = validRange(w, ow, sw, pw, j * dw);
        const shift = j * dw - pw;
        const row = ((ci * kh + i) * kw + j) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ci) * h * w;
          const o = row + b * l;
          if (!add && y0 > 0) col.fill(0, o, o + y0 * ow);
          if (!add && y1 < oh) col.fill(0, o + y1 * ow, o + l);
          for (let y = y0; y < y1; y++) {
            const d = o + y * ow;
            const base = plane + (y * sh - ph + i * dh) * w + shift;
            if (add) {
              for (let xx = x0; xx < x1; xx++) x[base + xx * sw] += col[d + xx];
              continue;
            }
            for (let xx = 0; xx < x0; xx++) col[d + xx] = 0;
            if (sw === 1) col.set(x.subarray(base + x0, base + x1), d + x0);
            else for (let xx = x0; xx < x1; xx++) col[d + xx] = x[base + xx * sw];
            for (let xx = x1; xx < ow; xx++) col[d + xx] = 0;
          }
        }
      }
    }
  }
}

/**
 * Fills `col` [c·kh·kw, n·oh·ow] from the batch `x` [n, c, h, w]; every element of `col` is
 * written (padding as 0), so it need not be cleared.
 *
 * @example
 * ```ts
 * im2col(x, n, g, col); // col.length === g.c * g.kh * g.kw * n * g.oh * g.ow
 * ```
 */
export function im2col(x: FloatArray, n: number, g: ConvGeometry, col: FloatArray): FloatArray {
  columns(x, n, g, col, false);
  return col;
}

/**
 * Adds `col` [c·kh·kw, n·oh·ow] back onto the batch `x` [n, c, h, w] (x += col2im(col)): the
 * adjoint of {@link im2col}. Clear `x` first for the plain scatter.
 *
 * @example
 * ```ts
 * col2im(col, n, g, dx); // dx must be zeroed by the caller
 * ```
 */
export function col2im(col: FloatArray, n: number, g: ConvGeometry, x: FloatArray): FloatArray {
  columns(x, n, g, col, true);
  return x;
}

/**
 * out[j, i, :] = src[i, j, :] for src [a, b, inner]: swaps the two leading axes, which moves a
 * product's [channels, n·l] layout to NCHW [n, channels, l] and back. With `bias` (length a)
 * it adds bias[i] to every element of out[·, i, ·].
 *
 * @example
 * ```ts
 * swapLeading(y, o, n, l, out, bias); // [o, n, l] → [n, o, l] plus the bias per channel
 * ```
 */
export function swapLeading(src: FloatArray, a: number, b: number, inner: number, out: FloatArray, bias: FloatArray | null = null): FloatArray {
  for (let i = 0; i < a; i++) {
    const add = bias === null ? 0 : bias[i];
    for (let j = 0; j < b; j++) {
      const s = (i * b + j) * inner;
      const d = (j * a + i) * inner;
      if (bias === null) out.set(src.subarray(s, s + inner), d);
      else for (let k = 0; k < inner; k++) out[d + k] = src[s + k] + add;
    }
  }
  return out;
}

/**
 * Σ over the batch and the pixels of g [n, c, l], per channel, in double: a convolution's
 * bias gradient.
 *
 * @example
 * ```ts
 * const db = channelSums(g, n, c, l); // Float64Array of length c
 * ```
 */
export function channelSums(g: FloatArray, n: number, c: number, l: number): Float64Array {
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      let s = 0;
      const o = (b * c + ci) * l;
      for (let k = 0; k < l; k++) s += g[o + k];
      acc[ci] += s;
    }
  }
  return acc;
}
