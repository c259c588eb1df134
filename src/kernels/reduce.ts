import type { FloatArray } from '../validate.js';
import { logSumExpParts } from './stable.js';

/**
 * Reductions over all elements or one axis. Accumulation is in double (JS numbers) and
 * written once, so float32 storage costs a single rounding.
 *
 * @module
 */

/** Σ x over all elements. */
export function sumAll(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Splits a shape around `axis` into (outer, length, inner) extents. */
export function axisExtents(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** out[o, i] = Σ_a x[o, a, i] over the middle extent. */
export function sumAxis(x: FloatArray, outer: number, len: number, inner: number, out: FloatArray): FloatArray {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * len * inner;
    for (let a = 0; a < len; a++) {
      const row = base + a * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[row + i];
    }
    out.set(acc, o * inner);
  }
  return out;
}

/**
 * out[o, i] = logΣexp_a x[o, a, i], shifted by the max for stability. When given, `shift` and
 * `logSum` receive the two parts in double (see logSumExpParts) for an accurate softmax.
 */
export function logSumExpAxis(
  x: FloatArray, outer: number, len: number, inner: number, out: FloatArray,
  shift?: Float64Array, logSum?: Float64Array,
): FloatArray {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const j = o * inner + i;
      const [m, l] = logSumExpParts(x, o * len * inner + i, len, inner);
      out[j] = m + l;
      if (shift) shift[j] = m;
      if (logSum) logSum[j] = l;
    }
  }
  return out;
}

/** Repeats `g` (shape [outer, inner]) along the middle extent: the adjoint of sumAxis. */
export function repeatAxis(g: FloatArray, outer: number, len: number, inner: number, out: FloatArray): FloatArray {
  for (let o = 0; o < outer; o++) {
    const src = o * inner;
    for (let a = 0; a < len; a++) {
      const dst = (o * len + a) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = g[src + i];
    }
  }
  return out;
}
