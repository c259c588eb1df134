/**
 * What the float64 minimisers ({@link lbfgs} in src/optim/lbfgs.ts, {@link newtonCg} in
 * src/optim/newton-cg.ts) take and return: an objective with its gradient, and the last iterate
 * with why the search stopped.
 *
 * @module
 */

/**
 * An objective on float64 vectors: returns f(x) and writes ∇f(x) into `grad`. It must not keep
 * or modify `x`.
 *
 * @example
 * ```ts
 * const sphere: Objective = (x, grad) => {
 *   let f = 0;
 *   for (let i = 0; i < x.length; i++) { f += x[i] * x[i]; grad[i] = 2 * x[i]; }
 *   return f;
 * };
 * ```
 */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/**
 * Why a minimiser stopped: the gradient test passed (`gtol`), the iteration budget ran out
 * (`maxIter`), or no step along even the steepest-descent direction lowered f (`lineSearch`,
 * usually rounding noise at a tolerance below what float64 resolves).
 *
 * @example
 * ```ts
 * if (lbfgs(fn, x0).reason !== 'gtol') console.warn('not converged');
 * ```
 */
export type MinimizeStop = 'gtol' | 'maxIter' | 'lineSearch';

/**
 * What a minimiser returns.
 *
 * @example
 * ```ts
 * const { x, f, nIter, converged } = lbfgs(fn, x0);
 * ```
 */
export interface MinimizeResult {
  /** The last iterate. */
  x: Float64Array;
  /** f(x). */
  f: number;
  /** ∇f(x). */
  grad: Float64Array;
  /** Iterations run (scipy's `nit`). */
  nIter: number;
  /** Objective evaluations. */
  nEval: number;
  /** `reason === 'gtol'`. */
  converged: boolean;
  reason: MinimizeStop;
}

/** max |vᵢ|. */
export function maxAbs(v: Float64Array): number {
  let r = 0;
  for (let i = 0; i < v.length; i++) r = Math.max(r, Math.abs(v[i]));
  return r;
}
