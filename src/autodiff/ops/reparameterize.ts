import type { FloatArray } from '../../validate.js';
import { allocOutputLike, defineOp, type OpDef } from '../op.js';

/** What the backward of {@link reparameterize} reuses: σ = e^{½·logVar}, rounded as stored. */
export interface ReparameterizeSaved {
  readonly std: FloatArray;
}

/**
 * z = mean + e^{½·logVar} ⊙ ε, the reparameterised sample of a diagonal Gaussian, in one pass
 * over [mean, logVar, ε] (all of one shape and element type): the chain
 * `mean.add(logVar.mul(0.5).exp().mul(eps))` takes four ops and four arrays forward and as many
 * back, a serial cost of about 0.25 ms a step for the VAE's 128 × 20 latents (bench/README.md,
 * VAE). Every intermediate is rounded to the element type where the chain stores it, in the
 * chain's order, so z and both gradients have the chain's bytes: ∂z/∂mean = g (the same array,
 * as add's backward gives), ∂z/∂logVar = ((g·ε)·σ)·½, and ε gets none.
 */
export const reparameterize: OpDef<null, ReparameterizeSaved> = defineOp<null, ReparameterizeSaved>({
  name: 'reparameterize',
  forward: ([mean, logVar, eps]) => {
    const [m, lv, e] = [mean.data, logVar.data, eps.data];
    const n = m.length;
    const z = allocOutputLike(m, n);
    const std = allocOutputLike(m, n);
    if (z instanceof Float32Array) {
      const f = Math.fround;
      for (let i = 0; i < n; i++) {
        const s = f(Math.exp(f(lv[i] * 0.5)));
        std[i] = s;
        z[i] = m[i] + f(s * e[i]);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = Math.exp(lv[i] * 0.5);
        std[i] = s;
        z[i] = m[i] + s * e[i];
      }
    }
    return { data: z, shape: [...mean.shape], saved: { std } };
  },
  backward: (g, { inputs: [, , eps], saved: { std }, needsGrad }) => {
    let dLogVar: FloatArray | null = null;
    if (needsGrad[1]) {
      const e = eps.data;
      const d = allocOutputLike(g, g.length);
      if (d instanceof Float32Array) {
        const f = Math.fround;
        for (let i = 0; i < g.length; i++) d[i] = f(f(g[i] * e[i]) * std[i]) * 0.5;
      } else {
        for (let i = 0; i < g.length; i++) d[i] = g[i] * e[i] * std[i] * 0.5;
      }
      dLogVar = d;
    }
    return [needsGrad[0] ? g : null, dLogVar, null];
  },
});
