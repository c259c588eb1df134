/**
 * Probabilistic PCA with missing values (NaN entries), where no JavaScript or scikit-learn
 * implementation goes. Row n observes the features oₙ; its marginal is
 * x_o ~ N(μ_o, W_oW_oᵀ + σ²I), so with M_n = W_oᵀW_o + σ²I (PRML 12.41 on the observed rows):
 *   E[zₙ|x_o] = ẑₙ = M_n⁻¹W_oᵀ(x_o − μ_o),  Cov[zₙ|x_o] = Σₙ = σ²M_n⁻¹        (PRML 12.42)
 *   ln p(x_o) = −½[|o| ln 2π + (|o| − k) ln σ² + ln|M_n| + σ⁻²‖r_o − W_oẑₙ‖² + ‖ẑₙ‖²]
 * (the same Woodbury evaluation as the complete case; see gaussian.ts).
 *
 * EM treats z as the only latent variable and maximises the observed-data likelihood exactly:
 * given the posteriors, the M-step is one (k + 1)-dimensional least-squares problem per
 * feature j for w̃ⱼ = [wⱼ; μⱼ] over the rows that observe j (Ilin & Raiko 2010, JMLR 11, §3.2,
 * solved jointly for wⱼ and μⱼ here), then σ² is the mean expected squared residual over the
 * observed entries. Each iteration costs O(N·D·k + N·k³) and never lowers the likelihood.
 *
 * @module
 */
import { NonFiniteError } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { LN_2PI } from '../../kernels/stable.js';
import { choleskyInPlace, choleskySolveInPlace, logDetFromCholesky } from '../../linalg/index.js';
import type { EmResult, EmSettings } from './ppca-em.js';


/**
 * Per-row posterior quantities under the observed features.
 *
 * @example
 * ```ts
 * const { z, cov, logLik }: RowPosteriors = rowPosteriors(w, mu, sigma2, d, k, x, n);
 * ```
 */
export interface RowPosteriors {
  /** n×k posterior means. */
  z: Float64Array;
  /** n×k×k posterior covariances σ²M_n⁻¹. */
  cov: Float64Array;
  /** n observed-data log-likelihoods. */
  logLik: Float64Array;
  /** Observed entries per row. */
  observed: Int32Array;
}

/**
 * Posterior means, covariances and observed-data log-likelihoods of every row of X (n×D,
 * NaN = missing) under (W, μ, σ²). A row with nothing observed gets the prior and ln p = 0.
 *
 * @example
 * ```ts
 * const { z, cov, logLik } = rowPosteriors(W, mu, sigma2, d, k, X, n);
 * ```
 */
export function rowPosteriors(w: Float64Array, mu: Float64Array, sigma2: number, d: number, k: number, x: Float64Array, n: number): RowPosteriors {
  // R₀ = X − μ with zeros at missing entries, T = R₀·W (rows are W_oᵀ r_o).
  const r0 = new Float64Array(n * d);
  const observed = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === v) {
        r0[i * d + j] = v - mu[j];
        observed[i]++;
      }
    }
  }
  const t = new Float64Array(n * k);
  gemmCore(false, false, n, k, d, 1, r0, d, w, k, 0, t, k);
  const g = new Float64Array(k * k);
  gemmCore(true, false, k, k, d, 1, w, k, w, k, 0, g, k);
  const z = new Float64Array(n * k);
  const cov = new Float64Array(n * k * k);
  const logDetM = new Float64Array(n);
  const full = completeFactor(g, sigma2, k);
  const m = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    let l: Float64Array;
    if (observed[i] === d) {
      l = full;
    } else {
      rowMatrix(w, g, sigma2, d, k, x, i, observed[i], m);
      if (choleskyInPlace(m, k) >= 0) throw new Error('PPCA: M for an incomplete row is not positive definite');
      l = m;
    }
    logDetM[i] = logDetFromCholesky(l, k);
    const zi = z.subarray(i * k, i * k + k);
    zi.set(t.subarray(i * k, i * k + k));
    choleskySolveInPlace(l, k, zi, 1);
    const ci = cov.subarray(i * k * k, (i + 1) * k * k);
    for (let q = 0; q < k; q++) ci[q * k + q] = sigma2;
    choleskySolveInPlace(l, k, ci, k);
  }
  // Residuals r_o − W_oẑ on observed entries.
  const zw = new Float64Array(n * d);
  gemmCore(false, true, n, d, k, 1, z, k, w, k, 0, zw, d);
  const logLik = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e2 = 0;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === v) e2 += (r0[i * d + j] - zw[i * d + j]) ** 2;
    }
    let z2 = 0;
    for (let q = 0; q < k; q++) z2 += z[i * k + q] ** 2;
    const o = observed[i];
    logLik[i] = o === 0 ? 0 : -0.5 * (o * LN_2PI + (o - k) * Math.log(sigma2) + logDetM[i] + e2 / sigma2 + z2);
  }
  return { z, cov, logLik, observed };
}

/** Cholesky factor of WᵀW + σ²I, shared by every complete row. */
function completeFactor(g: Float64Array, sigma2: number, k: number): Float64Array {
  const l = Float64Array.from(g);
  for (let q = 0; q < k; q++) l[q * k + q] += sigma2;
  if (choleskyInPlace(l, k) >= 0) throw new Error('PPCA: M = WᵀW + σ²I is not positive definite');
  return l;
}

/** M_n = W_oᵀW_o + σ²I, built from whichever of the observed or missing sets is smaller. */
function rowMatrix(w: Float64Array, g: Float64Array, sigma2: number, d: number, k: number, x: Float64Array, i: number, nObs: number, m: Float64Array): void {
  const fromMissing = d - nObs < nObs;
  if (fromMissing) m.set(g);
  else m.fill(0);
  const sign = fromMissing ? -1 : 1;
  for (let j = 0; j < d; j++) {
    const isObs = x[i * d + j] === x[i * d + j];
    if (isObs === fromMissing) continue;
    const wj = j * k;
    for (let p = 0; p < k; p++) {
      const a = sign * w[wj + p];
      if (a === 0) continue;
      for (let q = 0; q < k; q++) m[p * k + q] += a * w[wj + q];
    }
  }
  for (let q = 0; q < k; q++) m[q * k + q] += sigma2;
}

/** Per-column mean and variance of the observed values; throws for an unobserved column. */
function observedMoments(x: Float64Array, n: number, d: number, where: string): { mean: Float64Array; variance: number } {
  const mean = new Float64Array(d);
  const count = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === v) {
        mean[j] += v;
        count[j]++;
      }
    }
  }
  for (let j = 0; j < d; j++) {
    if (count[j] === 0) throw new NonFiniteError(`${where}: X column ${j} has no observed (non-NaN) values`);
    mean[j] /= count[j];
  }
  let ss = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === v) {
        ss += (v - mean[j]) ** 2;
        total++;
      }
    }
  }
  return { mean, variance: ss / total };
}

/**
 * EM on data with NaN entries. Returns W (D×k), μ and σ², with the same bookkeeping as the
 * complete-data EM.
 *
 * @example
 * ```ts
 * const res = runMissingEm(X, n, d, { k: 2, maxIter: 500, tol: 1e-9, rng, sigma2Floor }, 'PPCA.fit');
 * ```
 */
export function runMissingEm(x: Float64Array, n: number, d: number, s: EmSettings, where: string): EmResult & { mu: Float64Array } {
  const { k } = s;
  const init = observedMoments(x, n, d, where);
  const mu = init.mean.slice();
  let w: Float64Array = new Float64Array(d * k);
  for (let i = 0; i < w.length; i++) w[i] = s.rng.normal() * Math.sqrt(init.variance);
  let sigma2 = Math.max(init.variance, s.sigma2Floor);
  const history: number[] = [];
  let converged = false;
  let it = 0;
  while (it < s.maxIter) {
    it++;
    const post = rowPosteriors(w, mu, sigma2, d, k, x, n);
    let ll = 0;
    for (let i = 0; i < n; i++) ll += post.logLik[i];
    history.push(ll / n);
    const next = mStep(x, n, d, k, post);
    w = next.w;
    mu.set(next.mu);
    sigma2 = Math.max(next.sigma2, s.sigma2Floor);
    const h = history.length;
    if (h >= 2 && Math.abs(history[h - 1] - history[h - 2]) <= s.tol * Math.max(1, Math.abs(history[h - 1]))) {
      converged = true;
      break;
    }
  }
  return { w, mu, sigma2, nIter: it, converged, history: Float64Array.from(history) };
}

/**
 * The exact M-step: for each feature j, [wⱼ; μⱼ] = Aⱼ⁻¹bⱼ with Aⱼ = Σ_{n∋j} E[z̃z̃ᵀ] and
 * bⱼ = Σ_{n∋j} xₙⱼ·E[z̃] (z̃ = [z; 1]); then σ² = (1/|O|)·Σ_{(n,j)∈O} E[(xₙⱼ − wⱼᵀzₙ − μⱼ)²].
 * Aⱼ (and Qⱼ = Σ_{n∋j} Σₙ) are all-rows sums minus the rows that miss j, so that part of the
 * cost scales with the number of missing entries.
 */
function mStep(x: Float64Array, n: number, d: number, k: number, post: RowPosteriors): { w: Float64Array; mu: Float64Array; sigma2: number } {
  const k1 = k + 1;
  const kk = k * k;
  const { z, cov, observed } = post;
  const aTotal = new Float64Array(k1 * k1);
  const aMinus = new Float64Array(d * k1 * k1);
  const qTotal = new Float64Array(kk);
  const qMinus = new Float64Array(d * kk);
  const e = new Float64Array(k1 * k1);
  for (let i = 0; i < n; i++) {
    if (observed[i] === 0) continue;
    expectedOuter(z, cov, i, k, e);
    const ci = cov.subarray(i * kk, (i + 1) * kk);
    for (let t = 0; t < e.length; t++) aTotal[t] += e[t];
    for (let t = 0; t < kk; t++) qTotal[t] += ci[t];
    if (observed[i] === d) continue;
    for (let j = 0; j < d; j++) {
      if (x[i * d + j] === x[i * d + j]) continue;
      const o = j * k1 * k1;
      for (let t = 0; t < e.length; t++) aMinus[o + t] += e[t];
      const oq = j * kk;
      for (let t = 0; t < kk; t++) qMinus[oq + t] += ci[t];
    }
  }
  // b = X₀ᵀ·Z̃ with zeros at missing entries and rows of Z̃ = [ẑₙ, 1].
  const x0 = new Float64Array(n * d);
  for (let t = 0; t < x0.length; t++) x0[t] = x[t] === x[t] ? x[t] : 0;
  const zt = new Float64Array(n * k1);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < k; q++) zt[i * k1 + q] = z[i * k + q];
    zt[i * k1 + k] = 1;
  }
  const b = new Float64Array(d * k1);
  gemmCore(true, false, d, k1, n, 1, x0, d, zt, k1, 0, b, k1);
  const w = new Float64Array(d * k);
  const mu = new Float64Array(d);
  const a = new Float64Array(k1 * k1);
  const sol = new Float64Array(k1);
  let quad = 0;
  for (let j = 0; j < d; j++) {
    for (let t = 0; t < a.length; t++) a[t] = aTotal[t] - aMinus[j * k1 * k1 + t];
    if (choleskyInPlace(a, k1) >= 0) throw new Error(`PPCA EM: the normal equations of feature ${j} are singular`);
    sol.set(b.subarray(j * k1, j * k1 + k1));
    choleskySolveInPlace(a, k1, sol, 1);
    for (let q = 0; q < k; q++) w[j * k + q] = sol[q];
    mu[j] = sol[k];
    // wⱼᵀQⱼwⱼ: the posterior-variance part of the expected squared residuals of feature j.
    for (let p = 0; p < k; p++) {
      let acc = 0;
      for (let q = 0; q < k; q++) acc += (qTotal[p * k + q] - qMinus[j * kk + p * k + q]) * sol[q];
      quad += sol[p] * acc;
    }
  }
  return { w, mu, sigma2: (squaredResiduals(x, n, d, k, w, mu, z) + quad) / countObserved(observed) };
}

function countObserved(observed: Int32Array): number {
  let c = 0;
  for (let i = 0; i < observed.length; i++) c += observed[i];
  return c;
}

/** E[z̃z̃ᵀ] for row i: [[Σᵢ + ẑẑᵀ, ẑ], [ẑᵀ, 1]], (k + 1)² entries. */
function expectedOuter(z: Float64Array, cov: Float64Array, i: number, k: number, out: Float64Array): void {
  const k1 = k + 1;
  for (let p = 0; p < k; p++) {
    const zp = z[i * k + p];
    for (let q = 0; q < k; q++) out[p * k1 + q] = cov[i * k * k + p * k + q] + zp * z[i * k + q];
    out[p * k1 + k] = zp;
    out[k * k1 + p] = zp;
  }
  out[k * k1 + k] = 1;
}

/** Σ_{(n,j)∈O} (xₙⱼ − wⱼᵀẑₙ − μⱼ)² for the new W and μ. */
function squaredResiduals(x: Float64Array, n: number, d: number, k: number, w: Float64Array, mu: Float64Array, z: Float64Array): number {
  const zw = new Float64Array(n * d);
  gemmCore(false, true, n, d, k, 1, z, k, w, k, 0, zw, d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === v) total += (v - mu[j] - zw[i * d + j]) ** 2;
    }
  }
  return total;
}
