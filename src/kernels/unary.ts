import type { FloatArray } from '../validate.js';
import { log1pexp, sigmoid } from './stable.js';

/**
 * Elementwise maps, one tight loop each (no per-element closure). NaN propagates: every loop
 * is written so that a NaN input gives a NaN output (relu uses a comparison that is false for
 * NaN on the zero branch).
 *
 * @module
 */

export function expInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  return out;
}

export function logInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  return out;
}

export function sqrtInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
  return out;
}

export function squareInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
  return out;
}

export function absInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
  return out;
}

export function tanhInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  return out;
}

export function sigmoidInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = sigmoid(x[i]);
  return out;
}

export function reluInto(x: FloatArray, out: FloatArray): FloatArray {
  // `v < 0 ? 0 : v` keeps NaN (NaN < 0 is false).
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < 0 ? 0 : v;
  }
  return out;
}

export function leakyReluInto(x: FloatArray, slope: number, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < 0 ? slope * v : v;
  }
  return out;
}

export function softplusInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = log1pexp(x[i]);
  return out;
}

export function logSigmoidInto(x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < x.length; i++) out[i] = -log1pexp(-x[i]);
  return out;
}

/** out = g ⊙ mask(x > 0) (relu backward); at exactly 0 the subgradient is 0, as in PyTorch. */
export function reluBackwardInto(g: FloatArray, x: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < g.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? g[i] : v !== v ? NaN : 0;
  }
  return out;
}
