/**
 * Limited-memory BFGS on a float64 objective (Nocedal 1980; Liu & Nocedal 1989; Nocedal & Wright
 * 2006, Algorithm 7.4 and 7.5): the two-loop recursion over the last `memory` steps, initial
 * Hessian γI with γ = sᵀy / yᵀy, and a strong Wolfe line search (src/optim/line-search.ts). It
 * is a pure function of plain arrays, with no graph or Parameter: the closed-form estimators
 * (logistic regression) use it on their own objectives.
 *
 * @module
 */
import { dot, strongWolfe } from './line-search.js';
import { maxAbs, type MinimizeResult, type MinimizeStop, type Objective } from './minimize.js';

export type { MinimizeResult, MinimizeStop, Objective } from './minimize.js';

/**
 * Options of {@link lbfgs}.
 *
 * @example
 * ```ts
 * lbfgs(fn, x0, { maxIter: 500, gtol: 1e-8, memory: 10 });
 * ```
 */
export interface LbfgsOptions {
  /** Iterations (line searches) at most. Default 100. */
  maxIter?: number;
  /** Stop when max |∂f/∂xᵢ| ≤ gtol (scipy's L-BFGS-B `gtol`). Default 1e-5. */
  gtol?: number;
  /** Steps kept for the Hessian estimate (scipy's `maxcor`). Default 10. */
  memory?: number;
  /** Objective evaluations per line search at most (scipy's `maxls`). Default 20. */
  maxLineSearch?: number;
}

/**
 * Minimises `fn` from `x0` (not modified). The first step, and any step after the memory is
 * reset, starts the line search at 1/‖∇f‖₂ along −∇f, as L-BFGS-B does; later steps start at 1.
 * A step whose sᵀy is not positive is not stored (the strong Wolfe search makes that rare). When
 * a line search fails, the memory is dropped and steepest descent is tried once more before
 * stopping with `reason: 'lineSearch'`.
 *
 * @example
 * ```ts
 * // Rosenbrock: minimum 0 at (1, 1).
 * const rosen: Objective = (x, g) => {
 *   const [a, b] = [1 - x[0], x[1] - x[0] * x[0]];
 *   g[0] = -2 * a - 400 * x[0] * b;
 *   g[1] = 200 * b;
 *   return a * a + 100 * b * b;
 * };
 * lbfgs(rosen, Float64Array.of(-1.2, 1), { gtol: 1e-10 }).x; // ≈ [1, 1]
 * ```
 */
export function lbfgs(fn: Objective, x0: Float64Array, options: LbfgsOptions = {}): MinimizeResult {
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-5;
  const m = Math.max(1, options.memory ?? 10);
  const maxEval = options.maxLineSearch ?? 20;
  const n = x0.length;

  let x = x0.slice();
  let g = new Float64Array(n);
  let f = fn(x, g);
  let nEval = 1;
  if (!Number.isFinite(f)) throw new RangeError(`lbfgs: the objective is ${f} at the start point`);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const history = new StepMemory(n, m);

  const done = (nIter: number, reason: MinimizeStop): MinimizeResult => ({ x, f, grad: g, nIter, nEval, converged: reason === 'gtol', reason });
  if (maxAbs(g) <= gtol) return done(0, 'gtol');

  for (let iter = 1; iter <= maxIter; iter++) {
    let fresh = history.size === 0;
    history.direction(g, d);
    if (!(dot(d, g) < 0)) {
      history.clear();
      fresh = true;
      for (let i = 0; i < n; i++) d[i] = -g[i];
    }
    let ls = strongWolfe(fn, x, f, g, d, fresh ? 1 / Math.sqrt(dot(d, d)) : 1, xNew, gNew, { maxEval });
    nEval += ls.nEval;
    if (!ls.ok && !fresh) {
      history.clear();
      for (let i = 0; i < n; i++) d[i] = -g[i];
      ls = strongWolfe(fn, x, f, g, d, 1 / Math.sqrt(dot(d, d)), xNew, gNew, { maxEval });
      nEval += ls.nEval;
    }
    if (!ls.ok) return done(iter - 1, 'lineSearch');
    history.push(x, xNew, g, gNew);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = ls.f;
    if (maxAbs(g) <= gtol) return done(iter, 'gtol');
  }
  return done(maxIter, 'maxIter');
}

/** The last m pairs s = x₊ − x, y = g₊ − g in a ring, and the two-loop recursion over them. */
class StepMemory {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  /** Index of the oldest pair. */
  private start = 0;
  size = 0;

  constructor(private readonly n: number, private readonly m: number) {
    this.s = Array.from({ length: m }, () => new Float64Array(n));
    this.y = Array.from({ length: m }, () => new Float64Array(n));
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }

  push(x: Float64Array, xNew: Float64Array, g: Float64Array, gNew: Float64Array): void {
    const slot = (this.start + this.size) % this.m;
    const s = this.s[slot];
    const y = this.y[slot];
    for (let i = 0; i < this.n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (!(sy > Number.EPSILON * dot(y, y))) return;
    this.rho[slot] = 1 / sy;
    if (this.size < this.m) this.size++;
    else this.start = (this.start + 1) % this.m;
  }

  /** d = −H·g, H the L-BFGS inverse-Hessian estimate (N&W Algorithm 7.4). */
  direction(g: Float64Array, d: Float64Array): void {
    const { n, m, s, y, rho, alpha } = this;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    if (this.size === 0) return;
    for (let k = this.size - 1; k >= 0; k--) {
      const j = (this.start + k) % m;
      alpha[j] = rho[j] * dot(s[j], d);
      const yj = y[j];
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * yj[i];
    }
    const newest = (this.start + this.size - 1) % m;
    const gamma = 1 / (rho[newest] * dot(y[newest], y[newest]));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < this.size; k++) {
      const j = (this.start + k) % m;
      const beta = rho[j] * dot(y[j], d);
      const sj = s[j];
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * sj[i];
    }
  }
}
