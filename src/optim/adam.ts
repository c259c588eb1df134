import type { FloatArray } from '../validate.js';
import { assertNumber } from '../validate.js';
import { getBackend } from '../kernels/backend.js';
import { MOMENT_FLOOR, type AdamItem, type AdamScalars, adamCanShare, adamStepWasm, adamStepsShared } from '../kernels/wasm/adam.js';
import { Optimizer, type ParamsInput } from './optimizer.js';

/**
 * Options of {@link Adam} and {@link AdamW}; defaults are PyTorch's.
 *
 * @example
 * ```ts
 * const adamw = new AdamW(mlp.parameters(), { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 1e-2 });
 * ```
 */
export interface AdamOptions {
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Decay of the first-moment average. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average. Default 0.999. */
  beta2?: number;
  /** Added to √v̂ in the denominator. Default 1e-8. */
  eps?: number;
  /** L2 penalty (Adam: added to the gradient) or decoupled decay (AdamW). Default 0 (Adam), 1e-2 (AdamW). */
  weightDecay?: number;
}

function hyper(options: AdamOptions, where: string, defaultDecay: number) {
  return {
    beta1: assertNumber(options.beta1 ?? 0.9, 'beta1', where, { min: 0, max: 1, maxExclusive: true }),
    beta2: assertNumber(options.beta2 ?? 0.999, 'beta2', where, { min: 0, max: 1, maxExclusive: true }),
    eps: assertNumber(options.eps ?? 1e-8, 'eps', where, { min: 0 }),
    weightDecay: assertNumber(options.weightDecay ?? defaultDecay, 'weightDecay', where, { min: 0 }),
  };
}

/**
 * Adam (Kingma & Ba 2015) with PyTorch's semantics: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε). `weightDecay` adds λp to the gradient (L2).
 * Buffers: `exp_avg`, `exp_avg_sq`.
 *
 * @example
 * ```ts
 * const opt = new Adam(mlp.parameters(), { learningRate: 1e-3 });
 * mse(mlp.forward(x), y).backward();
 * opt.step();
 * opt.zeroGrad();
 * ```
 */
export class Adam extends Optimizer {
  readonly type: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Decoupled weight decay (AdamW) instead of L2 in the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsInput, options: AdamOptions = {}, where = 'Adam', defaultDecay = 0) {
    super(params, options.learningRate ?? 1e-3, where);
    const h = hyper(options, where, defaultDecay);
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.eps = h.eps;
    this.weightDecay = h.weightDecay;
  }

  hyper(): Record<string, number | boolean> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  /**
   * One update of every parameter with a gradient. On a threaded training arena (a fit's
   * parameters, gradients and moments in shared memory) all of them are one job shared with
   * its workers (kernels/wasm/adam.ts, `adamStepsShared`); otherwise each parameter in turn.
   */
  override step(): void {
    // Only a fit's threaded arena can share; anything else goes straight to the loop below.
    const first = this.params.values().next().value?.data;
    if (getBackend() === 'wasm' && first instanceof Float32Array && adamCanShare(first)) {
      const items: AdamItem[] = [];
      const names: string[] = [];
      for (const [name, param] of this.params) {
        const { data: p } = param;
        const g = param.grad?.data;
        if (g === undefined) continue;
        if (!(p instanceof Float32Array && g instanceof Float32Array)) {
          items.length = 0;
          break;
        }
        const m = this.buffer('exp_avg', name, p) as Float32Array;
        const v = this.buffer('exp_avg_sq', name, p) as Float32Array;
        items.push({ p, g, m, v, scalars: this.scalarsAt(name, this.stepCount(name) + 1) });
        names.push(name);
      }
      if (items.length > 0 && adamStepsShared(items)) {
        for (const name of names) this.countStep(name);
        return;
      }
    }
    super.step();
  }

  /** The kernel's scalars for parameter `name` at its 1-based step t. */
  private scalarsAt(name: string, t: number): AdamScalars {
    const lr = this.learningRateOf(name);
    return {
      beta1: this.beta1, beta2: this.beta2, eps: this.eps,
      stepSize: lr / (1 - this.beta1 ** t),
      // √v̂ = √v / √(1 − β₂ᵗ): multiply by the inverse, one division per element instead of two.
      invBc2Sqrt: 1 / Math.sqrt(1 - this.beta2 ** t),
      l2: this.decoupled ? 0 : this.weightDecay,
      keep: this.decoupled ? 1 - lr * this.weightDecay : 1,
    };
  }

  protected update(name: string, p: FloatArray, g: FloatArray, t: number): void {
    const m = this.buffer('exp_avg', name, p);
    const v = this.buffer('exp_avg_sq', name, p);
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const scalars = this.scalarsAt(name, t);
    const { stepSize, invBc2Sqrt, keep } = scalars;
    if (p instanceof Float32Array && g instanceof Float32Array && getBackend() === 'wasm') {
      if (adamStepWasm(p, g, m as Float32Array, v as Float32Array, scalars)) return;
    }
    const c1 = 1 - b1;
    const c2 = 1 - b2;
    if (keep !== 1) for (let i = 0; i < p.length; i++) p[i] *= keep;
    const l2 = this.decoupled ? 0 : this.weightDecay;
    const n = p.length;
    // Float32 moments below the smallest normal float are stored as zero, as in the SIMD kernel
    // (kernels/wasm/adam.ts explains why: stuck subnormals make every later step several times slower).
    const floor = m instanceof Float32Array ? MOMENT_FLOOR : 0;
    // A float32 m whose update stepSize·m/den would be below 2⁻¹²⁶ is stored as 0 too.
    const scaled = stepSize * 2 ** 126;
    for (let i = 0; i < n; i++) {
      const gi = l2 === 0 ? g[i] : g[i] + l2 * p[i];
      // The new moments are used in double before the store rounds them (reading them back
      // from float32 storage costs a third more time for a difference of one rounding).
      let mi = b1 * m[i] + c1 * gi;
      let vi = b2 * v[i] + c2 * gi * gi;
      if (Math.abs(mi) < floor) mi = 0;
      if (vi < floor) vi = 0;
      const den = Math.sqrt(vi) * invBc2Sqrt + eps;
      if (floor !== 0 && Math.abs(mi) * scaled < den) mi = 0;
      m[i] = mi;
      v[i] = vi;
      p[i] -= (stepSize * mi) / den;
    }
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019) with PyTorch's semantics: p ← p(1 − lr·λ) first, then the
 * Adam step without L2. Default `weightDecay` 1e-2.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { learningRate: 1e-3, weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  override readonly type: string = 'adamw';
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsInput, options: AdamOptions = {}) {
    super(params, options, 'AdamW', 1e-2);
  }
}
