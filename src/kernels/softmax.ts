import type { FloatArray } from '../validate.js';
import { logSumExpParts } from './stable.js';

/**
 * Softmax, log-softmax and the softmax cross-entropy over one axis, max-shifted so that no exp
 * overflows. Every slice is reduced in double (logSumExpParts) and each output is rounded
 * once, so float32 storage costs a single rounding; NaN in a slice gives NaN for all of it.
 * The slices of a tensor are `x[o·len·inner + a·inner + i]` for a = 0..len−1 (axisExtents of
 * reduce.ts gives outer, len, inner).
 *
 * @module
 */

/**
 * Writes log softmax into `out` (may be `x`'s length, not `x`) and returns the two parts of each
 * slice's log Σ exp in double: `shift` = max and `logSum` = log Σ exp(x − max), both
 * `[outer·inner]`. y = (x − shift) − logSum: the shift is subtracted first, so a huge common
 * offset (x = 3e38 + small) leaves the small differences intact.
 */
export function logSoftmaxAxis(
  x: FloatArray, outer: number, len: number, inner: number, out: FloatArray,
): { shift: Float64Array; logSum: Float64Array } {
  const shift = new Float64Array(outer * inner);
  const logSum = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const j = o * inner + i;
      const base = o * len * inner + i;
      const [m, l] = logSumExpParts(x, base, len, inner);
      shift[j] = m;
      logSum[j] = l;
      for (let a = 0; a < len; a++) {
        const k = base + a * inner;
        out[k] = x[k] - m - l;
      }
    }
  }
  return { shift, logSum };
}

/** Writes softmax exp((x − max) − log Σ exp(x − max)) into `out`, slice by slice along the axis. */
export function softmaxAxis(x: FloatArray, outer: number, len: number, inner: number, out: FloatArray): FloatArray {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const [m, l] = logSumExpParts(x, base, len, inner);
      for (let a = 0; a < len; a++) {
        const k = base + a * inner;
        out[k] = Math.exp(x[k] - m - l);
      }
    }
  }
  return out;
}

/**
 * The cross-entropy of each row of `logits` `[rows, classes]` against its integer label:
 * lᵣ = log Σ exp(xᵣ) − xᵣ,ᵧ = (max − xᵣ,ᵧ) + log Σ exp(xᵣ − max), written to `losses[r]`;
 * `probs` receives each row's softmax (what the gradient p − onehot(y) needs). Returns Σ lᵣ in
 * double. Labels are trusted here (the functional wrapper checks them).
 */
export function softmaxCrossEntropyRows(
  logits: FloatArray, labels: Int32Array, rows: number, classes: number, losses: FloatArray, probs: FloatArray,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const [m, l] = logSumExpParts(logits, base, classes, 1);
    for (let c = 0; c < classes; c++) probs[base + c] = Math.exp(logits[base + c] - m - l);
    const loss = m - logits[base + labels[r]] + l;
    losses[r] = loss;
    total += loss;
  }
  return total;
}
