import { NonFiniteError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertNumber } from '../validate.js';

function tensorsOf(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>): Iterable<Tensor> {
  return params instanceof Map ? (params as ReadonlyMap<string, Tensor>).values() : (params as Iterable<Tensor>);
}

/**
 * The global L2 norm of the gradients of `params` (those with a gradient), accumulated in
 * double. NaN or ±Infinity when some gradient is not finite.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = gradNorm(model.parameters());
 * ```
 */
export function gradNorm(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>): number {
  let s = 0;
  for (const p of tensorsOf(params)) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    let part = 0;
    for (let i = 0; i < g.length; i++) part += g[i] * g[i];
    s += part;
  }
  return Math.sqrt(s);
}

/** Options of {@link clipGradNorm}. */
export interface ClipOptions {
  /** Throw a NonFiniteError when the norm is NaN or infinite (PyTorch `error_if_nonfinite`). Default true. */
  errorIfNonfinite?: boolean;
  /** The norm, when already computed (saves a pass). */
  norm?: number;
}

/**
 * Scales all gradients by one factor so that their global L2 norm is at most `maxNorm`
 * (PyTorch's `clip_grad_norm_`: factor maxNorm/(norm + 1e-6) when below 1; a no-op otherwise).
 * Returns the norm before clipping.
 *
 * @example
 * ```ts
 * loss.backward();
 * const before = clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>, maxNorm: number, options: ClipOptions = {}): number {
  assertNumber(maxNorm, 'maxNorm', 'clipGradNorm', { min: 0, minExclusive: true });
  const list = [...tensorsOf(params)];
  const norm = options.norm ?? gradNorm(list);
  if (!Number.isFinite(norm)) {
    if (options.errorIfNonfinite ?? true) throw new NonFiniteError(`clipGradNorm: the total gradient norm is ${norm}`);
    return norm;
  }
  const factor = maxNorm / (norm + 1e-6);
  if (factor >= 1) return norm;
  for (const p of list) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    for (let i = 0; i < g.length; i++) g[i] *= factor;
  }
  return norm;
}
