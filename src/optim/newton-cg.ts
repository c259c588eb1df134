/**
 * Truncated Newton (Newton-CG; Nocedal & Wright 2006, Algorithm 7.1) on a float64 objective
 * whose Hessian is available as a product H·v: each iteration solves H·p = −∇f approximately by
 * conjugate gradients, stopped when the residual's 1-norm falls below
 * min(0.5, √‖∇f‖₁)·‖∇f‖₁ (the forcing sequence of scikit-learn's `_newton_cg`, which gives
 * superlinear convergence) or when a direction of non-positive curvature appears, then takes a
 * strong Wolfe step from α = 1 (src/optim/line-search.ts).
 *
 * @module
 */
import { dot, strongWolfe } from './line-search.js';
import { maxAbs, type MinimizeResult, type MinimizeStop, type Objective } from './minimize.js';

/**
 * The Hessian at x as a product: `hessianAt(x)` returns v ↦ H(x)·v (written into `out`). The
 * returned function is used until the next `hessianAt` call.
 *
 * @example
 * ```ts
 * // f(x) = ½ Σ aᵢxᵢ²: H = diag(a).
 * const hessianAt: HessianProduct = () => (v, out) => { for (let i = 0; i < v.length; i++) out[i] = a[i] * v[i]; };
 * ```
 */
export type HessianProduct = (x: Float64Array) => (v: Float64Array, out: Float64Array) => void;

/**
 * Options of {@link newtonCg}.
 *
 * @example
 * ```ts
 * newtonCg(fn, hessianAt, x0, { maxIter: 50, gtol: 1e-8 });
 * ```
 */
export interface NewtonCgOptions {
  /** Newton iterations at most. Default 100. */
  maxIter?: number;
  /** Stop when max |∂f/∂xᵢ| ≤ gtol. Default 1e-5. */
  gtol?: number;
  /** Conjugate-gradient steps per iteration at most. Default 200 (scikit-learn's `maxinner`). */
  maxInner?: number;
}

/**
 * Minimises `fn` from `x0` (not modified), with the Hessian products of `hessianAt`.
 *
 * @example
 * ```ts
 * const { x, converged } = newtonCg(fn, hessianAt, new Float64Array(n), { gtol: 1e-10 });
 * ```
 */
export function newtonCg(fn: Objective, hessianAt: HessianProduct, x0: Float64Array, options: NewtonCgOptions = {}): MinimizeResult {
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-5;
  const maxInner = options.maxInner ?? 200;
  const n = x0.length;
  let x = x0.slice();
  let g = new Float64Array(n);
  let f = fn(x, g);
  let nEval = 1;
  if (!Number.isFinite(f)) throw new RangeError(`newtonCg: the objective is ${f} at the start point`);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const p = new Float64Array(n);
  const cg = new ConjugateGradient(n);
  const done = (nIter: number, reason: MinimizeStop): MinimizeResult => ({ x, f, grad: g, nIter, nEval, converged: reason === 'gtol', reason });

  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol) return done(iter, 'gtol');
    let norm1 = 0;
    for (let i = 0; i < n; i++) norm1 += Math.abs(g[i]);
    cg.solve(hessianAt(x), g, p, Math.min(0.5, Math.sqrt(norm1)) * norm1, maxInner);
    if (!(dot(p, g) < 0)) for (let i = 0; i < n; i++) p[i] = -g[i];
    const ls = strongWolfe(fn, x, f, g, p, 1, xNew, gNew);
    nEval += ls.nEval;
    if (!ls.ok) return done(iter, 'lineSearch');
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = ls.f;
  }
  return done(maxIter, maxAbs(g) <= gtol ? 'gtol' : 'maxIter');
}

/** Conjugate gradients for H·p = −g from p = 0, with its work arrays. */
class ConjugateGradient {
  private readonly r: Float64Array;
  private readonly d: Float64Array;
  private readonly hd: Float64Array;

  constructor(n: number) {
    this.r = new Float64Array(n);
    this.d = new Float64Array(n);
    this.hd = new Float64Array(n);
  }

  /**
   * Writes the CG iterate into p. Stops when ‖r‖₁ ≤ tol, after maxInner steps, or at a direction
   * of curvature dᵀHd ≤ 0: then the iterate so far is returned (on the first step, the
   * steepest-descent direction −g).
   */
  solve(hv: (v: Float64Array, out: Float64Array) => void, g: Float64Array, p: Float64Array, tol: number, maxInner: number): void {
    const { r, d, hd } = this;
    const n = g.length;
    p.fill(0);
    r.set(g);
    for (let i = 0; i < n; i++) d[i] = -g[i];
    let rr = dot(r, r);
    for (let step = 0; step <= maxInner; step++) {
      let norm1 = 0;
      for (let i = 0; i < n; i++) norm1 += Math.abs(r[i]);
      if (norm1 <= tol) return;
      hv(d, hd);
      const curv = dot(d, hd);
      // Only a direction without positive curvature stops the solve. (scikit-learn's `_cg` also
      // stops at 0 ≤ dᵀHd ≤ 3ε, an absolute test that near the optimum, where d is small, ends
      // every solve at p = 0 and leaves its Newton-CG crawling along the gradient.)
      if (!(curv > 0)) {
        if (step === 0) p.set(d);
        return;
      }
      const alpha = rr / curv;
      for (let i = 0; i < n; i++) {
        p[i] += alpha * d[i];
        r[i] += alpha * hd[i];
      }
      const rrNew = dot(r, r);
      const beta = rrNew / rr;
      for (let i = 0; i < n; i++) d[i] = -r[i] + beta * d[i];
      rr = rrNew;
    }
  }
}
