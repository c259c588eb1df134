/**
 * EM for probabilistic PCA on complete data (PRML §12.2.2, eqs. 12.54–12.57; Tipping & Bishop
 * 1999, eqs. 29–30). The E-step statistics enter the M-step only through S·W, so one iteration
 * needs a single product: S·W with the D×D sample covariance when D ≤ N (O(D²k)), or
 * X_cᵀ(X_c·W)/N straight from the data when D is large (O(NDk), no D×D matrix at all).
 *
 * With SW = S·W and M = WᵀW + σ²I:
 *   W_new  = SW·(σ²I + M⁻¹WᵀSW)⁻¹                      (TB 29; PRML 12.56 with 12.54–12.55)
 *   σ²_new = (tr S − tr(SW·M⁻¹·W_newᵀ)) / D            (TB 30; PRML 12.57)
 *   ℓ/N    = −½[D ln 2π + ln|C| + σ⁻²(tr S − tr(M⁻¹WᵀSW))]   (PRML 12.44 with 12.40)
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import { LN_2PI } from '../../kernels/stable.js';
import { gram, choleskyInPlace, logDetFromCholesky, luSolveInPlace, spdInverse } from '../../linalg/index.js';
import type { Rng } from '../../random/rng.js';


/**
 * Settings of an EM run.
 *
 * @example
 * ```ts
 * runEm(op, traceS, d, { k: 2, maxIter: 500, tol: 1e-9, rng: new Rng(0), sigma2Floor: 1e-12 });
 * ```
 */
export interface EmSettings {
  k: number;
  maxIter: number;
  /** Stop when |Δℓ| ≤ tol·max(1, |ℓ|) for the mean log-likelihood ℓ. */
  tol: number;
  rng: Rng;
  /** Lower bound on σ² (keeps M and C invertible when the data lie in a subspace). */
  sigma2Floor: number;
}

/**
 * The result of an EM run.
 *
 * @example
 * ```ts
 * const { w, sigma2, converged }: EmResult = runEm(op, traceS, d, settings);
 * ```
 */
export interface EmResult {
  /** D×k. */
  w: Float64Array;
  sigma2: number;
  nIter: number;
  converged: boolean;
  /** Mean log-likelihood before each M-step (non-decreasing up to rounding). */
  history: Float64Array;
}

/** Computes S·W (D×k) for the current W. */
type MomentOperator = (w: Float64Array) => Float64Array;

/**
 * The S·W operator of centred data X_c (N×D): from S itself when D ≤ N, from the data otherwise.
 *
 * @example
 * ```ts
 * const sw = momentOperator(Xc, n, d, k)(W); // D×k
 * ```
 */
export function momentOperator(xc: Float64Array, n: number, d: number, k: number): MomentOperator {
  if (d <= n) {
    const s = gram(xc, n, d);
    for (let i = 0; i < s.length; i++) s[i] /= n;
    return (w) => {
      const sw = new Float64Array(d * k);
      gemmCore(false, false, d, k, d, 1, s, d, w, k, 0, sw, k);
      return sw;
    };
  }
  return (w) => {
    const xw = new Float64Array(n * k);
    gemmCore(false, false, n, k, d, 1, xc, d, w, k, 0, xw, k);
    const sw = new Float64Array(d * k);
    gemmCore(true, false, d, k, n, 1 / n, xc, d, xw, k, 0, sw, k);
    return sw;
  };
}

/**
 * Runs EM from a random W (entries N(0, traceS/D)) and σ² = traceS/D.
 *
 * @example
 * ```ts
 * const res = runEm(momentOperator(Xc, n, d, k), traceS, d, { k, maxIter: 500, tol: 1e-10, rng, sigma2Floor });
 * ```
 */
export function runEm(sw: MomentOperator, traceS: number, d: number, s: EmSettings): EmResult {
  const { k } = s;
  const scale = traceS / d;
  let w: Float64Array = new Float64Array(d * k);
  for (let i = 0; i < w.length; i++) w[i] = s.rng.normal() * Math.sqrt(scale);
  let sigma2 = Math.max(scale, s.sigma2Floor);
  const history: number[] = [];
  let converged = false;
  let it = 0;
  while (it < s.maxIter) {
    it++;
    const step = emStep(sw(w), w, sigma2, traceS, d, k);
    history.push(step.logLik);
    w = step.w;
    sigma2 = Math.max(step.sigma2, s.sigma2Floor);
    const n = history.length;
    if (n >= 2 && Math.abs(history[n - 1] - history[n - 2]) <= s.tol * Math.max(1, Math.abs(history[n - 1]))) {
      converged = true;
      break;
    }
  }
  return { w, sigma2, nIter: it, converged, history: Float64Array.from(history) };
}

/** One EM iteration from SW = S·W; also returns ℓ/N at the incoming parameters. */
function emStep(sw: Float64Array, w: Float64Array, sigma2: number, traceS: number, d: number, k: number): { w: Float64Array; sigma2: number; logLik: number } {
  const m = new Float64Array(k * k);
  gemmCore(true, false, k, k, d, 1, w, k, w, k, 0, m, k);
  for (let i = 0; i < k; i++) m[i * k + i] += sigma2;
  const mInv = spdInverse(m, k);
  if (mInv === null) throw new Error('PPCA EM: M = WᵀW + σ²I lost positive definiteness');
  const wsw = new Float64Array(k * k);
  gemmCore(true, false, k, k, d, 1, w, k, sw, k, 0, wsw, k);
  const minvWsw = new Float64Array(k * k);
  gemmCore(false, false, k, k, k, 1, mInv, k, wsw, k, 0, minvWsw, k);
  // Log-likelihood at (W, σ²): ln|C| = (D − k) ln σ² + ln|M|.
  const mChol = Float64Array.from(m);
  choleskyInPlace(mChol, k);
  let trMinvWsw = 0;
  for (let i = 0; i < k; i++) trMinvWsw += minvWsw[i * k + i];
  const logDetC = (d - k) * Math.log(sigma2) + logDetFromCholesky(mChol, k);
  const logLik = -0.5 * (d * LN_2PI + logDetC + (traceS - trMinvWsw) / sigma2);
  // W_new = SW·(σ²I + M⁻¹WᵀSW)⁻¹, solved as (σ²I + M⁻¹WᵀSW)ᵀ·W_newᵀ = SWᵀ.
  const a = Float64Array.from(minvWsw);
  for (let i = 0; i < k; i++) a[i * k + i] += sigma2;
  const at = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) at[i * k + j] = a[j * k + i];
  const wNewT = new Float64Array(k * d); // becomes W_newᵀ, k×D
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) wNewT[i * d + j] = sw[j * k + i];
  luSolveInPlace(at, k, wNewT, d, 'PPCA EM');
  const wNew = new Float64Array(d * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) wNew[j * k + i] = wNewT[i * d + j];
  // σ²_new = (tr S − tr(SW·M⁻¹·W_newᵀ))/D.
  const swm = new Float64Array(d * k);
  gemmCore(false, false, d, k, k, 1, sw, k, mInv, k, 0, swm, k);
  let tr = 0;
  for (let i = 0; i < d * k; i++) tr += swm[i] * wNew[i];
  return { w: wNew, sigma2: (traceS - tr) / d, logLik };
}
