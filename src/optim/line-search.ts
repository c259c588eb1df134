/**
 * A line search for the strong Wolfe conditions on a float64 objective (Nocedal & Wright 2006,
 * Algorithms 3.5 and 3.6: bracketing, then zoom with safeguarded cubic interpolation). It is the
 * step-length rule of {@link lbfgs} (src/optim/lbfgs.ts).
 *
 * @module
 */
import type { Objective } from './minimize.js';

/** Sufficient decrease (Armijo) and curvature constants, and the evaluation budget. */
export interface LineSearchOptions {
  /** Armijo constant c₁. Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂ (0.9 suits quasi-Newton directions). Default 0.9. */
  c2?: number;
  /** Objective evaluations at most. Default 20 (scipy's L-BFGS-B `maxls`). */
  maxEval?: number;
}

/**
 * The outcome of {@link strongWolfe}. On success `x`, `grad` and `f` hold the accepted point.
 * When the budget ran out but some step decreased f enough (Armijo), that step is returned with
 * `wolfe: false`; when no step did, `ok` is false and `x`, `grad`, `f` are the start point's.
 */
export interface LineSearchResult {
  ok: boolean;
  /** Whether the accepted step also meets the curvature condition. */
  wolfe: boolean;
  alpha: number;
  f: number;
  nEval: number;
}

/** Relative size of the rounding noise assumed in f (sums of many terms lose digits). */
const F_NOISE = 1e-10;

/** One evaluated trial step: α, φ(α) = f(x₀ + α·d) and φ'(α) = ∇f·d. */
interface Trial {
  alpha: number;
  f: number;
  slope: number;
}

/**
 * Searches along `d` from `x0` (with value `f0` and gradient `g0`, and d a descent direction)
 * for a step α with f(x₀ + αd) ≤ f₀ + c₁α∇f₀·d and |∇f(x₀ + αd)·d| ≤ c₂|∇f₀·d|, starting at
 * `alpha0`. The accepted point and its gradient are written into `x` and `grad`.
 *
 * @example
 * ```ts
 * const r = strongWolfe(fn, x0, 10, g0, d, 1, x, grad);
 * if (r.ok) console.log(r.alpha, r.f);
 * ```
 */
export function strongWolfe(
  fn: Objective, x0: Float64Array, f0: number, g0: Float64Array, d: Float64Array, alpha0: number,
  x: Float64Array, grad: Float64Array, options: LineSearchOptions = {},
): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const maxEval = options.maxEval ?? 20;
  const n = x0.length;
  const slope0 = dot(g0, d);
  // The best Armijo point seen so far, kept so that a search that runs out of evaluations still
  // returns progress.
  const bestX = new Float64Array(n);
  const bestG = new Float64Array(n);
  let best: Trial | null = null;
  let nEval = 0;

  const evaluate = (alpha: number): Trial => {
    for (let i = 0; i < n; i++) x[i] = x0[i] + alpha * d[i];
    const f = fn(x, grad);
    nEval++;
    const t = { alpha, f, slope: dot(grad, d) };
    if (armijo(t) && (best === null || t.f < best.f)) {
      best = t;
      bestX.set(x);
      bestG.set(grad);
    }
    return t;
  };
  // Sufficient decrease: Armijo, or, once the decrease is below what f's rounding resolves,
  // Hager & Zhang's (2005) approximate form, which asks the slope for it instead
  // (φ'(α) ≤ (2c₁ − 1)φ'(0), exact for a quadratic). Without it a gradient tolerance below
  // f's resolution could never be met.
  const noise = F_NOISE * Math.abs(f0);
  const armijo = (t: Trial) => Number.isFinite(t.f)
    && (t.f <= f0 + c1 * t.alpha * slope0 || (t.f <= f0 + noise && t.slope <= (2 * c1 - 1) * slope0));
  const curvature = (t: Trial) => Math.abs(t.slope) <= -c2 * slope0;
  const accept = (t: Trial): LineSearchResult => ({ ok: true, wolfe: true, alpha: t.alpha, f: t.f, nEval });

  /** N&W Algorithm 3.6: `lo` meets Armijo with the lower f; the minimiser lies between lo and hi. */
  const zoom = (lo: Trial, hi: Trial): LineSearchResult | null => {
    while (nEval < maxEval) {
      const width = Math.abs(hi.alpha - lo.alpha);
      if (width <= 1e-16 * Math.max(lo.alpha, hi.alpha)) return null;
      const t = evaluate(cubicStep(lo, hi));
      if (!armijo(t) || t.f >= lo.f) {
        hi = t;
      } else {
        if (curvature(t)) return accept(t);
        if (t.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = t;
      }
    }
    return null;
  };

  const search = (): LineSearchResult | null => {
    let prev: Trial = { alpha: 0, f: f0, slope: slope0 };
    let alpha = alpha0;
    while (nEval < maxEval) {
      const t = evaluate(alpha);
      if (!armijo(t) || (prev.alpha > 0 && t.f >= prev.f)) return zoom(prev, t);
      if (curvature(t)) return accept(t);
      if (t.slope >= 0) return zoom(t, prev);
      prev = t;
      alpha *= 2;
    }
    return null;
  };

  const found = search();
  if (found !== null) return found;
  const b = best as Trial | null;
  if (b !== null) {
    x.set(bestX);
    grad.set(bestG);
    return { ok: true, wolfe: false, alpha: b.alpha, f: b.f, nEval };
  }
  x.set(x0);
  grad.set(g0);
  return { ok: false, wolfe: false, alpha: 0, f: f0, nEval };
}

/**
 * The minimiser of the cubic through (a, φ(a), φ'(a)) and (b, φ(b), φ'(b)) (N&W eq. 3.59), kept
 * at least a tenth of the interval away from either end; the midpoint when the cubic has no
 * usable minimiser (non-finite values, complex roots).
 */
function cubicStep(a: Trial, b: Trial): number {
  const lo = Math.min(a.alpha, b.alpha);
  const hi = Math.max(a.alpha, b.alpha);
  const mid = 0.5 * (lo + hi);
  if (!Number.isFinite(a.f) || !Number.isFinite(b.f)) return a.alpha + 0.1 * (b.alpha - a.alpha);
  const d1 = a.slope + b.slope - (3 * (a.f - b.f)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  if (!(disc >= 0)) return mid;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
  const t = b.alpha - ((b.alpha - a.alpha) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  const margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) return mid;
  return t;
}

/** Σ aᵢbᵢ. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
