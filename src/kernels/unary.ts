import type { FloatArray } from '../validate.js';
import { log1pexp, sigmoid } from './stable.js';

/**
 * Elementwise maps, one tight loop each (no per-element closure). NaN propagates: every loop
 * is written so that a NaN input gives a NaN output. ReLU lives in relu.ts, the one shared by
 * the relu op and the fused linear layer.
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
