import type { FloatArray } from '../../validate.js';
import { getBackend } from '../../kernels/backend.js';
import { allocLike, allocOutputLike } from '../op.js';
import { bceSumWasm } from '../../kernels/wasm/bce-sum.js';

/** Σ [softplus(l) − y·l] over [from, to), writing d = scale·(σ(l) − y): the scalar path. */
function bceScalar(L: FloatArray, Y: FloatArray, d: FloatArray, scale: number, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const l = L[i];
    const y = Y[i];
    const e = Math.exp(-Math.abs(l));
    const r = 1 / (1 + e);
    // softplus(l) − y·l with softplus(l) = max(l, 0) + log1p(e^{−|l|}); NaN propagates.
    s += (l > 0 ? l - y * l : -y * l) + Math.log1p(e);
    d[i] = scale * ((l >= 0 ? r : e * r) - y);
  }
  return s;
}

/** What the summed mode keeps for backward: d = scale·(σ(l) − y), and the scale. */
export interface BceSumSaved {
  readonly d: FloatArray;
  readonly scale: number;
}

/**
 * scale · Σ [softplus(l) − y·l] for same-shape logits l and targets y: the reduced modes of
 * `bceWithLogits` (losses.ts), the Bernoulli decoder loss of a VAE on its hottest path. One exp
 * and one log1p per element (both from e = e^{−|l|}, so nothing overflows), and only the logit
 * gradient σ(l) − y is kept for backward (the elementwise loss keeps every partial).
 */
export function bceSumForward(L: FloatArray, Y: FloatArray, scale: number): { data: FloatArray; saved: BceSumSaved } {
  const n = L.length;
  const d = allocOutputLike(L, n); // the kernel (or its scalar tail) writes every value
  const scalar = (from: number, to: number): number => bceScalar(L, Y, d, scale, from, to);
  let s: number | null = null;
  if (L instanceof Float32Array && Y instanceof Float32Array && getBackend() === 'wasm') {
    s = bceSumWasm(L, Y, d as Float32Array, scale, scalar);
  }
  if (s === null) s = scalar(0, n);
  const out = allocLike(L, 1);
  out[0] = s * scale;
  return { data: out, saved: { d, scale } };
}

/** ∂/∂l = g·scale·(σ(l) − y), ∂/∂y = −g·scale·l, for the upstream scalar gradient g. */
export function bceSumBackward(g: FloatArray, logits: FloatArray, { d, scale }: BceSumSaved, needsGrad: readonly boolean[]): (FloatArray | null)[] {
  const k = g[0];
  let gl: FloatArray | null = null;
  let gy: FloatArray | null = null;
  if (needsGrad[0]) {
    // `d` holds scale·(σ(l) − y). With an upstream gradient of 1 (the loss itself, or a sum of
    // losses) it is the answer: returned as is, never written (the engine copies before
    // accumulating), so a second backward through the graph still finds it intact.
    if (k === 1) gl = d;
    else {
      gl = allocLike(d, d.length);
      for (let i = 0; i < gl.length; i++) gl[i] = k * d[i];
    }
  }
  if (needsGrad[1]) {
    gy = allocLike(d, d.length);
    const ky = k * scale;
    for (let i = 0; i < gy.length; i++) gy[i] = -ky * logits[i];
  }
  return [gl, gy];
}
