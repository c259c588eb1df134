/**
 * L-BFGS, Newton-CG and their strong Wolfe line search on problems with known minimisers: Rosenbrock's
 * valley (minimum at 1), strictly convex quadratics (minimum A⁻¹b, checked against a Cholesky
 * solve), a start at the minimum (no iteration), and the stop reasons.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lbfgs, type Objective } from '../../src/optim/lbfgs.js';
import { dot, strongWolfe } from '../../src/optim/line-search.js';
import { newtonCg, type HessianProduct } from '../../src/optim/newton-cg.js';
import { choleskyInPlace, choleskySolveInPlace } from '../../src/linalg/cholesky.js';
import { Rng } from '../../src/random/rng.js';

/** The n-dimensional Rosenbrock function Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)². */
const rosenbrock: Objective = (x, g) => {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = 1 - x[i];
    const b = x[i + 1] - x[i] * x[i];
    f += a * a + 100 * b * b;
    g[i] += -2 * a - 400 * x[i] * b;
    g[i + 1] += 200 * b;
  }
  return f;
};

/** ½xᵀAx − bᵀx with A = MᵀM + εI for a random M, and its minimiser by Cholesky. */
function quadratic(n: number, seed: number, eps: number) {
  const rng = new Rng(seed);
  const M = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? eps : 0;
      for (let k = 0; k < n; k++) s += M[k * n + i] * M[k * n + j];
      A[i * n + j] = s;
    }
  }
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const fn: Objective = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i * n + j] * x[j];
      g[i] = ax - b[i];
      f += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return f;
  };
  const L = A.slice();
  choleskyInPlace(L, n);
  const xStar = b.slice();
  choleskySolveInPlace(L, n, xStar, 1);
  return { fn, A, xStar };
}

/**
 * |x − x*| ≤ ‖A⁻¹‖·‖∇f(x)‖ ≤ ‖∇f(x)‖₂ / 0.1 for the quadratics above (A ⪰ 0.1·I), plus rounding:
 * a returned point that meets gtol is as close to the minimiser as its gradient says.
 */
function expectWithinGradientBound(x: Float64Array, xStar: Float64Array, grad: Float64Array): void {
  const bound = 10 * Math.hypot(...Array.from(grad)) * (1 + 1e-6) + 1e-12 * Math.max(1, ...Array.from(xStar, Math.abs));
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - xStar[i])).toBeLessThanOrEqual(bound);
}

describe('lbfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock function from (−1.2, 1)', () => {
    const r = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { gtol: 1e-10, maxIter: 1000 });
    expect(r.reason).toBe('gtol');
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-8);
    expect(r.f).toBeLessThan(1e-18);
    expect(r.nIter).toBeLessThan(100);
  });

  it('finds the minimum of the 10-D Rosenbrock function from 0', () => {
    const r = lbfgs(rosenbrock, new Float64Array(10), { gtol: 1e-9, maxIter: 1000 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-7);
  });

  it('reaches A⁻¹b on random strictly convex quadratics, including n = 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const { fn, xStar } = quadratic(n, seed, 0.1);
        // 1e-8 is about as far as the gradient of these quadratics resolves (|A|·|x| ~ 1e3).
        const r = lbfgs(fn, new Float64Array(n), { gtol: 1e-8, maxIter: 2000 });
        expect(r.converged).toBe(true);
        expectWithinGradientBound(r.x, xStar, r.grad);
      }),
      { numRuns: 40 },
    );
  });

  it('does not iterate from a point that already meets gtol, and leaves x0 alone', () => {
    const x0 = Float64Array.of(1, 1, 1);
    const r = lbfgs(rosenbrock, x0, { gtol: 1e-12 });
    expect(r.nIter).toBe(0);
    expect(r.nEval).toBe(1);
    expect(r.converged).toBe(true);
    r.x[0] = 5;
    expect(x0[0]).toBe(1);
  });

  it('reports maxIter when the budget runs out', () => {
    const r = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { gtol: 1e-12, maxIter: 3 });
    expect(r.reason).toBe('maxIter');
    expect(r.converged).toBe(false);
    expect(r.nIter).toBe(3);
  });

  it('stops with lineSearch when no step can lower f (a tolerance below rounding)', () => {
    // |x|^1.5 has a gradient that stays ~sqrt(|x|), far above gtol = 0 when f can no longer fall.
    const fn: Objective = (x, g) => {
      g[0] = 1.5 * Math.sign(x[0]) * Math.sqrt(Math.abs(x[0]));
      return Math.abs(x[0]) ** 1.5;
    };
    const r = lbfgs(fn, Float64Array.of(3), { gtol: 0, maxIter: 10_000 });
    expect(r.reason).toBe('lineSearch');
    expect(r.converged).toBe(false);
    expect(Math.abs(r.x[0])).toBeLessThan(1e-6);
  });

  it('throws when the objective is not finite at the start', () => {
    const fn: Objective = () => NaN;
    expect(() => lbfgs(fn, Float64Array.of(0))).toThrow(/lbfgs: the objective is NaN at the start point/);
  });
});

describe('strongWolfe', () => {
  it('returns a step meeting both strong Wolfe conditions along Rosenbrock descent directions', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -1, max: 3, noNaN: true }), fc.double({ min: 1e-4, max: 10, noNaN: true }), (a, b, alpha0) => {
        const x0 = Float64Array.of(a, b);
        const g0 = new Float64Array(2);
        const f0 = rosenbrock(x0, g0);
        fc.pre(Math.hypot(g0[0], g0[1]) > 1e-6);
        const d = Float64Array.of(-g0[0], -g0[1]);
        const x = new Float64Array(2);
        const g = new Float64Array(2);
        const r = strongWolfe(rosenbrock, x0, f0, g0, d, alpha0, x, g, { maxEval: 50 });
        expect(r.ok).toBe(true);
        expect(r.wolfe).toBe(true);
        expect(r.f).toBeLessThanOrEqual(f0 + 1e-4 * r.alpha * dot(g0, d));
        expect(Math.abs(dot(g, d))).toBeLessThanOrEqual(0.9 * Math.abs(dot(g0, d)));
        // x and g are the accepted point and its gradient.
        const check = new Float64Array(2);
        expect(rosenbrock(x, check)).toBe(r.f);
        expect(Array.from(check)).toEqual(Array.from(g));
        expect(x[0]).toBe(a + r.alpha * d[0]);
      }),
      { numRuns: 200 },
    );
  });

  it('backs off from a step where the objective overflows', () => {
    const fn: Objective = (x, g) => {
      g[0] = 2 * x[0];
      return x[0] > 10 ? Infinity : x[0] * x[0];
    };
    const x = new Float64Array(1);
    const g = new Float64Array(1);
    const r = strongWolfe(fn, Float64Array.of(-1), 1, Float64Array.of(-2), Float64Array.of(1), 100, x, g);
    expect(r.ok).toBe(true);
    expect(r.f).toBeLessThan(1);
  });
});

describe('newtonCg', () => {
  /** Rosenbrock's Hessian products (2-D). */
  const rosenbrockHessian: HessianProduct = (x) => {
    const h11 = 2 - 400 * (x[1] - 3 * x[0] * x[0]);
    const h12 = -400 * x[0];
    return (v, out) => {
      out[0] = h11 * v[0] + h12 * v[1];
      out[1] = h12 * v[0] + 200 * v[1];
    };
  };

  it('finds the minimum of the 2-D Rosenbrock function from (−1.2, 1), through negative curvature', () => {
    const r = newtonCg(rosenbrock, rosenbrockHessian, Float64Array.of(-1.2, 1), { gtol: 1e-10, maxIter: 200 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-8);
  });

  it('solves a strictly convex quadratic in a few Newton steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const { fn, A, xStar } = quadratic(n, seed, 0.1);
        const hessianAt: HessianProduct = () => (v, out) => {
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
            out[i] = s;
          }
        };
        const r = newtonCg(fn, hessianAt, new Float64Array(n), { gtol: 1e-8 });
        expect(r.converged).toBe(true);
        expect(r.nIter).toBeLessThan(15);
        expectWithinGradientBound(r.x, xStar, r.grad);
      }),
      { numRuns: 40 },
    );
  });

  it('reports maxIter and does not iterate from a minimum', () => {
    expect(newtonCg(rosenbrock, rosenbrockHessian, Float64Array.of(-1.2, 1), { gtol: 1e-12, maxIter: 2 }).reason).toBe('maxIter');
    const r = newtonCg(rosenbrock, rosenbrockHessian, Float64Array.of(1, 1));
    expect([r.nIter, r.nEval, r.reason]).toEqual([0, 1, 'gtol']);
  });
});
