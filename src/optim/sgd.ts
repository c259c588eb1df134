import type { FloatArray } from '../validate.js';
import { assertNumber } from '../validate.js';
import { Optimizer, type ParamsInput } from './optimizer.js';

/**
 * Options of {@link SGD}; defaults are PyTorch's.
 *
 * @example
 * ```ts
 * const sgd = new SGD(mlp.parameters(), { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
 * ```
 */
export interface SGDOptions {
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Momentum factor μ. Default 0. */
  momentum?: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening?: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with PyTorch's semantics: d = g + λp; with momentum,
 * b ← d on the first step, b ← μb + (1−τ)d after, and d = d + μb (Nesterov) or d = b;
 * then p ← p − lr·d. Buffer: `momentum_buffer`.
 *
 * @example
 * ```ts
 * const opt = new SGD(mlp.parameters(), { learningRate: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer {
  readonly type: string = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: ParamsInput, options: SGDOptions = {}) {
    super(params, options.learningRate ?? 1e-3, 'SGD');
    this.momentum = assertNumber(options.momentum ?? 0, 'momentum', 'SGD', { min: 0 });
    this.dampening = assertNumber(options.dampening ?? 0, 'dampening', 'SGD');
    this.weightDecay = assertNumber(options.weightDecay ?? 0, 'weightDecay', 'SGD', { min: 0 });
    this.nesterov = options.nesterov ?? false;
    if (typeof this.nesterov !== 'boolean') throw new RangeError(`SGD: nesterov must be a boolean (got ${typeof this.nesterov})`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(`SGD: nesterov needs momentum > 0 and dampening 0 (got momentum ${this.momentum}, dampening ${this.dampening})`);
    }
  }

  hyper(): Record<string, number | boolean> {
    return { learningRate: this.learningRate, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected update(name: string, p: FloatArray, g: FloatArray): void {
    const lr = this.learningRateOf(name);
    const wd = this.weightDecay;
    const mu = this.momentum;
    const n = p.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) p[i] -= lr * (wd === 0 ? g[i] : g[i] + wd * p[i]);
      return;
    }
    const first = this.peek('momentum_buffer', name) === null;
    const b = this.buffer('momentum_buffer', name, p);
    const keep = 1 - this.dampening;
    const nesterov = this.nesterov;
    for (let i = 0; i < n; i++) {
      const d = wd === 0 ? g[i] : g[i] + wd * p[i];
      b[i] = first ? d : mu * b[i] + keep * d;
      p[i] -= lr * (nesterov ? d + mu * b[i] : b[i]);
    }
  }
}
