import type { FloatArray } from '../../validate.js';
import { allocLike, allocOutputLike, defineOp, type OpDef } from '../op.js';
import { scaleOf, type LossAttrs } from './losses.js';

/**
 * Ops on a Gaussian encoder's head h = [μ | ln σ²] of shape [n, 2k] read in place, for the
 * VAE's step (models/neural/vae-network.ts): the graph
 * `reparameterize(h.slice(1, 0, k), h.slice(1, k, 2k), ε)` and `gaussianKl(μ, ln σ²)` without
 * the two slices (forward and back) and with one pass for the KL, about 0.2 ms of the calling
 * thread's time a step (bench/README.md, VAE). Each gives the bytes of that graph:
 *
 * - the forward values are computed with the same operations in the same order;
 * - the engine adds the two ops' gradients of h, where the graph added the two slices' (each
 *   zero outside its half) after adding μ's and ln σ²'s own contributions. The sum with a zero
 *   turns −0 into +0; {@link reparameterizeHead} adds that zero to its gradient, and
 *   (a + 0) + b equals (a + b) + 0 for every a and b, signed zeros and infinities included.
 */

/** What {@link reparameterizeHead}'s backward reuses: σ = e^{½·ln σ²}, rounded as stored. */
export interface HeadSaved {
  readonly std: FloatArray;
}

/** z = μ + e^{½·ln σ²} ⊙ ε from h [n, 2k] and ε [n, k], as `reparameterize` on h's halves. */
export const reparameterizeHead: OpDef<null, HeadSaved> = defineOp<null, HeadSaved>({
  name: 'reparameterizeHead',
  forward: ([head, eps]) => {
    const [n, k] = eps.shape;
    const [h, e] = [head.data, eps.data];
    const z = allocOutputLike(e, n * k);
    const std = allocOutputLike(e, n * k);
    const f32 = z instanceof Float32Array;
    const f = Math.fround;
    for (let r = 0; r < n; r++) {
      const at = 2 * k * r;
      for (let j = 0, i = r * k; j < k; j++, i++) {
        const s = f32 ? f(Math.exp(f(h[at + k + j] * 0.5))) : Math.exp(h[at + k + j] * 0.5);
        std[i] = s;
        z[i] = h[at + j] + (f32 ? f(s * e[i]) : s * e[i]);
      }
    }
    return { data: z, shape: [n, k], saved: { std } };
  },
  backward: (g, { inputs: [head, eps], saved: { std }, needsGrad }) => {
    if (!needsGrad[0]) return [null, null];
    const [n, k] = eps.shape;
    const e = eps.data;
    const d = allocOutputLike(head.data, 2 * n * k);
    const f32 = d instanceof Float32Array;
    const f = Math.fround;
    for (let r = 0; r < n; r++) {
      const at = 2 * k * r;
      for (let j = 0, i = r * k; j < k; j++, i++) {
        // The chain's ∂/∂μ = g and ∂/∂ln σ² = ((g·ε)·σ)·½, each + 0 (see the module note).
        d[at + j] = g[i] + 0;
        d[at + k + j] = (f32 ? f(f(f(g[i] * e[i]) * std[i]) * 0.5) : g[i] * e[i] * std[i] * 0.5) + 0;
      }
    }
    return [d, null];
  },
});

/** What {@link gaussianKlHead}'s backward reuses: ∂l/∂ln σ² = ½(σ² − 1) per element, rounded as stored, and the scale. */
export interface KlHeadSaved {
  readonly dLogVar: FloatArray;
  readonly scale: number;
}

/** KL(N(μ, diag σ²) ‖ N(0, I)) of h [n, 2k]'s halves, reduced, as `gaussianKl` on them (not 'none'). */
export const gaussianKlHead: OpDef<LossAttrs, KlHeadSaved> = defineOp<LossAttrs, KlHeadSaved>({
  name: 'gaussianKlHead',
  forward: ([head], { reduction }) => {
    const [n, k2] = head.shape;
    const k = k2 / 2;
    const h = head.data;
    const dLogVar = allocOutputLike(h, n * k);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const at = k2 * r;
      for (let j = 0, i = r * k; j < k; j++, i++) {
        const mi = h[at + j];
        const li = h[at + k + j];
        const ev = Math.exp(li);
        dLogVar[i] = 0.5 * (ev - 1);
        total += -0.5 * (1 + li - mi * mi - ev);
      }
    }
    const scale = scaleOf(reduction, [n, k], 'gaussianKl');
    const data = allocLike(h, 1);
    data[0] = total * scale;
    return { data, shape: [], saved: { dLogVar, scale } };
  },
  backward: (g, { inputs: [head], saved: { dLogVar, scale }, needsGrad }) => {
    if (!needsGrad[0]) return [null];
    const [n, k2] = head.shape;
    const k = k2 / 2;
    const h = head.data;
    const s = g[0] * scale;
    const d = allocOutputLike(h, n * k2);
    for (let r = 0; r < n; r++) {
      const at = k2 * r;
      for (let j = 0, i = r * k; j < k; j++, i++) {
        d[at + j] = s * h[at + j];
        d[at + k + j] = s * dLogVar[i];
      }
    }
    return [d];
  },
});
