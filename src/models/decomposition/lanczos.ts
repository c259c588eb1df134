/**
 * Golub–Kahan–Lanczos bidiagonalisation with full reorthogonalisation (Golub & Kahan 1965;
 * Simon & Zha 2000 for the reorthogonalised variant), in float64 on a {@link DataOperator}:
 *
 *   X·V_L = U_L·B_L,   Xᵀ·U_L = V_L·B_Lᵀ + β_L·v_{L+1}·e_Lᵀ,
 *
 * with B_L upper bidiagonal (α on the diagonal, β above it). The SVD of the small B_L gives
 * Ritz triplets whose residual ‖Xᵀ·u − σ·v‖ is exactly |β_L·x_L| (x the left singular vector
 * of B_L), so convergence is checked without touching X. The basis grows until the k leading
 * residuals are at most tol·σ₁, or to min(rows, cols), where it is exact. Every new vector is
 * orthogonalised twice against the basis (classical Gram–Schmidt twice, which keeps it
 * orthogonal to rounding); a breakdown (an invariant subspace) continues from a random vector
 * orthogonal to the basis.
 *
 * @module
 */
import { thinSvd } from '../../linalg/svd.js';
import type { Rng } from '../../random/rng.js';
import type { DataOperator } from './linear-operator.js';
import type { Triplets } from './randomized-range.js';

/** Removes from w its components along the vectors of `basis` (twice), returns ‖w‖. */
function orthogonalise(w: Float64Array, basis: readonly Float64Array[]): number {
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let d = 0;
      for (let i = 0; i < w.length; i++) d += b[i] * w[i];
      if (d !== 0) for (let i = 0; i < w.length; i++) w[i] -= d * b[i];
    }
  }
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * w[i];
  return Math.sqrt(s);
}

/** A random unit vector orthogonal to `basis` (length n > basis.length), or null when none is found. */
function freshVector(n: number, basis: readonly Float64Array[], rng: Rng): Float64Array | null {
  for (let attempt = 0; attempt < 5; attempt++) {
    const w = new Float64Array(n);
    rng.fillNormal(w);
    const norm = orthogonalise(w, basis);
    if (norm > 1e-8 * Math.sqrt(n)) {
      for (let i = 0; i < n; i++) w[i] /= norm;
      return w;
    }
  }
  return null;
}

function apply(f: (B: Float64Array, p: number) => Float64Array, v: Float64Array): Float64Array {
  return f(v, 1);
}

/**
 * The k leading singular triplets of X by Lanczos bidiagonalisation. `tol` bounds the
 * residual of each triplet relative to σ₁. Signs are not fixed here.
 */
export function lanczosTriplets(X: DataOperator, k: number, tol: number, rng: Rng): Triplets {
  const m = X.rows;
  const n = X.cols;
  const r = Math.min(m, n);
  const U: Float64Array[] = [];
  const V: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let v = freshVector(n, [], rng) as Float64Array;
  // The first step: u₁ = X·v₁ / α₁.
  V.push(v);
  let u = apply(X.mul, v);
  let a = orthogonalise(u, []);
  let scale = a; // running estimate of ‖X‖ for the breakdown test
  let target = Math.min(r, Math.max(2 * k + 1, k + 20));
  for (;;) {
    // Close step j: u_j from α_j (or a fresh vector on breakdown).
    if (a <= 1e-13 * Math.max(scale, Number.MIN_VALUE)) {
      const w = freshVector(m, U, rng);
      if (w === null) break;
      u = w;
      a = 0;
    } else {
      for (let i = 0; i < m; i++) u[i] /= a;
    }
    U.push(u);
    alpha.push(a);
    scale = Math.max(scale, a);
    const L = U.length;
    // v_{j+1} = Xᵀ·u_j − α_j·v_j, orthogonalised against V.
    const w = apply(X.mulT, u);
    for (let i = 0; i < n; i++) w[i] -= a * v[i];
    let b = orthogonalise(w, V);
    if (L >= target || L === r) {
      beta.push(b); // β_L: the residual coupling of the Ritz triplets
      const result = ritz(U, V, alpha, beta, k, m, n);
      const converged = result.residuals.every((res) => res <= tol * Math.max(result.s[0], Number.MIN_VALUE));
      if (converged || L === r) return result;
      beta.pop();
      target = Math.min(r, L + Math.max(k + 10, Math.ceil(L / 2)));
    }
    if (b <= 1e-13 * Math.max(scale, Number.MIN_VALUE)) {
      const fresh = freshVector(n, V, rng);
      if (fresh === null) {
        beta.push(0);
        return ritz(U, V, alpha, beta, k, m, n);
      }
      v = fresh;
      b = 0;
    } else {
      for (let i = 0; i < n; i++) w[i] /= b;
      v = w;
    }
    beta.push(b);
    V.push(v);
    scale = Math.max(scale, b);
    // u_{j+1} = X·v_{j+1} − β_j·u_j, orthogonalised against U.
    u = apply(X.mul, v);
    for (let i = 0; i < m; i++) u[i] -= b * U[L - 1][i];
    a = orthogonalise(u, U);
  }
  // No fresh left vector exists only once U spans the whole space, i.e. after the exact step.
  return ritz(U, V, alpha, beta, k, m, n);
}

/** Ritz triplets of the bidiagonal B_L (L = U.length) and their residuals |β_L·x_L|. */
function ritz(
  U: readonly Float64Array[], V: readonly Float64Array[], alpha: readonly number[], beta: readonly number[], k: number, m: number, n: number,
): Triplets & { residuals: number[] } {
  const L = U.length;
  const B = new Float64Array(L * L);
  for (let j = 0; j < L; j++) {
    B[j * L + j] = alpha[j];
    if (j + 1 < L) B[j * L + j + 1] = beta[j];
  }
  const small = thinSvd(B, L, L, true); // B = X·S·Yᵀ: u L×L (columns x), vt L×L (rows y)
  const x = small.u as Float64Array;
  const kk = Math.min(k, L);
  const residuals: number[] = [];
  const betaL = beta[L - 1];
  for (let c = 0; c < kk; c++) residuals.push(Math.abs(betaL * x[(L - 1) * L + c]));
  const u = new Float64Array(m * k);
  const vt = new Float64Array(k * n);
  for (let c = 0; c < kk; c++) {
    for (let t = 0; t < L; t++) {
      const xc = x[t * L + c];
      if (xc !== 0) for (let i = 0; i < m; i++) u[i * k + c] += U[t][i] * xc;
      const yc = small.vt[c * L + t];
      if (yc !== 0) for (let j = 0; j < n; j++) vt[c * n + j] += V[t][j] * yc;
    }
  }
  return { s: small.s.slice(0, k), u, vt, residuals };
}
