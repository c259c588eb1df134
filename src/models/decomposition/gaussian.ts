/**
 * The Gaussian of probabilistic PCA, N(x | μ, C) with C = W·Wᵀ + σ²I (Bishop, PRML §12.2;
 * Tipping & Bishop 1999), evaluated without ever forming or inverting a D×D matrix. Shared by
 * {@link PPCA} and by `PCA.score` (scikit-learn's likelihood, where W = Vₖ(Λₖ − σ²I)^½).
 *
 * Correct forms (the lecture prints two of them wrongly):
 * - M = WᵀW + σ²I (k×k), PRML (12.41);
 * - C⁻¹ = σ⁻²(I − W·M⁻¹·Wᵀ), PRML (12.40), Woodbury;
 * - p(z|x) = N(z | M⁻¹Wᵀ(x − μ), σ²M⁻¹), PRML (12.42);
 * - ln|C| = (D − k)·ln σ² + ln|M| (matrix determinant lemma).
 *
 * The quadratic form uses the posterior mean ẑ = M⁻¹Wᵀr (r = x − μ): since C⁻¹r = σ⁻²(r − Wẑ)
 * and Wᵀ(r − Wẑ) = σ²ẑ, rᵀC⁻¹r = σ⁻²‖r − Wẑ‖² + ‖ẑ‖². Both terms are non-negative, so nothing
 * cancels even when σ² is many orders below the signal (the direct σ⁻²(‖r‖² − rᵀWM⁻¹Wᵀr)
 * loses every digit there).
 *
 * @module
 */
import { ConvergenceError } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { LN_2PI } from '../../kernels/stable.js';
import { choleskyInPlace, choleskySolveInPlace, logDetFromCholesky, spdInverse } from '../../linalg/index.js';
import type { Rng } from '../../random/rng.js';


/**
 * Relative floor of the noise variance (times the mean variance) of both models' likelihoods:
 * data in a k-dimensional subspace have σ² = 0, and the density needs σ² > 0.
 *
 * @example
 * ```ts
 * Math.max(pca.noiseVariance, NOISE_FLOOR * pca.totalVariance / pca.nFeatures); // σ² used by score
 * ```
 */
export const NOISE_FLOOR = 1e-12;

/**
 * A PPCA Gaussian with its k×k quantities precomputed.
 *
 * @example
 * ```ts
 * const g: LowRankGaussian = lowRankGaussian(w, mu, 0.1, d, k);
 * logLikelihoodRows(g, x, n);
 * ```
 */
export interface LowRankGaussian {
  /** D×k row-major. */
  w: Float64Array;
  mu: Float64Array;
  sigma2: number;
  d: number;
  k: number;
  /** Cholesky factor of M = WᵀW + σ²I (k×k, lower). */
  mChol: Float64Array;
  /** ln|C| = (D − k)·ln σ² + ln|M|. */
  logDetC: number;
}

/**
 * Precomputes M = WᵀW + σ²I (PRML 12.41), its Cholesky factor, and ln|C|. Requires σ² > 0.
 *
 * @example
 * ```ts
 * const g = lowRankGaussian(new Float64Array([1, 0]), new Float64Array(2), 0.5, 2, 1);
 * g.logDetC; // ln(1.5) + ln(0.5)
 * ```
 */
export function lowRankGaussian(w: Float64Array, mu: Float64Array, sigma2: number, d: number, k: number): LowRankGaussian {
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) {
    throw new ConvergenceError(`PPCA: the noise variance must be finite and > 0 (got ${sigma2})`);
  }
  const m = new Float64Array(k * k);
  gemmCore(true, false, k, k, d, 1, w, k, w, k, 0, m, k);
  for (let i = 0; i < k; i++) m[i * k + i] += sigma2;
  if (choleskyInPlace(m, k) >= 0) throw new ConvergenceError('PPCA: M = WᵀW + σ²I is not positive definite');
  const logDetC = (d - k) * Math.log(sigma2) + logDetFromCholesky(m, k);
  return { w, mu, sigma2, d, k, mChol: m, logDetC };
}

/** R = X − 1μᵀ for a complete n×D matrix (a new array). */
function residuals(g: LowRankGaussian, x: Float64Array, n: number): Float64Array {
  const { d, mu } = g;
  const r = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) r[i * d + j] = x[i * d + j] - mu[j];
  return r;
}

/**
 * Posterior means E[z|x] = M⁻¹Wᵀ(x − μ) (PRML 12.42) of the n rows of a complete X, n×k.
 *
 * @example
 * ```ts
 * const Z = posteriorMeans(g, X.data, nRows); // n×k
 * ```
 */
export function posteriorMeans(g: LowRankGaussian, x: Float64Array, n: number): Float64Array {
  return posteriorFromResiduals(g, residuals(g, x, n), n);
}

function posteriorFromResiduals(g: LowRankGaussian, r: Float64Array, n: number): Float64Array {
  const { d, k, w } = g;
  const rw = new Float64Array(n * k);
  gemmCore(false, false, n, k, d, 1, r, d, w, k, 0, rw, k);
  return posteriorFromProducts(g, rw, n);
}

/**
 * Posterior means from the products R·W (n×k, R = X − 1μᵀ), which a caller may have formed
 * another way, e.g. from sparse rows without the dense R.
 *
 * @example
 * ```ts
 * posteriorFromProducts(g, centredProduct(csr, g.mu, g.w, g.k, where, 'PPCA'), n); // n×k
 * ```
 */
export function posteriorFromProducts(g: LowRankGaussian, rw: Float64Array, n: number): Float64Array {
  const { k } = g;
  // Zᵀ = M⁻¹·(R·W)ᵀ: solve with the Cholesky factor on the k×n right-hand side.
  const rhs = new Float64Array(k * n);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) rhs[q * n + i] = rw[i * k + q];
  choleskySolveInPlace(g.mChol, k, rhs, n);
  const z = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) z[i * k + q] = rhs[q * n + i];
  return z;
}

/**
 * The posterior covariance σ²M⁻¹ (PRML 12.42), k×k. Not σ⁻²M⁻¹, as the lecture has it.
 *
 * @example
 * ```ts
 * posteriorCovariance(g); // k×k Float64Array
 * ```
 */
export function posteriorCovariance(g: LowRankGaussian): Float64Array {
  const { k, sigma2 } = g;
  const l = g.mChol;
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  choleskySolveInPlace(l, k, inv, k);
  for (let i = 0; i < inv.length; i++) inv[i] *= sigma2;
  symmetrise(inv, k);
  return inv;
}

/**
 * ln N(xₙ | μ, C) for each row of a complete n×D X (PRML 12.44 per sample):
 * −½[D ln 2π + ln|C| + σ⁻²‖r − Wẑ‖² + ‖ẑ‖²] (see the module comment).
 *
 * @example
 * ```ts
 * const ll = logLikelihoodRows(g, X.data, nRows); // Float64Array of n values
 * ```
 */
export function logLikelihoodRows(g: LowRankGaussian, x: Float64Array, n: number): Float64Array {
  const { d, k, w, sigma2 } = g;
  const r = residuals(g, x, n);
  const z = posteriorFromResiduals(g, r, n);
  // E = R − Ẑ·Wᵀ, in place.
  gemmCore(false, true, n, d, k, -1, z, k, w, k, 1, r, d);
  const out = new Float64Array(n);
  const base = d * LN_2PI + g.logDetC;
  for (let i = 0; i < n; i++) {
    let e2 = 0;
    for (let j = 0; j < d; j++) e2 += r[i * d + j] ** 2;
    let z2 = 0;
    for (let q = 0; q < k; q++) z2 += z[i * k + q] ** 2;
    out[i] = -0.5 * (base + e2 / sigma2 + z2);
  }
  return out;
}

/**
 * C = W·Wᵀ + σ²I as a dense D×D array (for inspection; never used to evaluate the density).
 *
 * @example
 * ```ts
 * covarianceMatrix(g); // D×D Float64Array
 * ```
 */
export function covarianceMatrix(w: Float64Array, sigma2: number, d: number, k: number): Float64Array {
  const c = new Float64Array(d * d);
  gemmCore(false, true, d, d, k, 1, w, k, w, k, 0, c, d);
  for (let i = 0; i < d; i++) c[i * d + i] += sigma2;
  symmetrise(c, d);
  return c;
}

/**
 * C⁻¹ = σ⁻²(I − W·M⁻¹·Wᵀ) (PRML 12.40, Woodbury) as a dense D×D array: only the k×k M is
 * inverted, never a D×D matrix.
 *
 * @example
 * ```ts
 * precisionMatrix(g); // D×D Float64Array
 * ```
 */
export function precisionMatrix(g: LowRankGaussian): Float64Array {
  const { d, k, w, sigma2 } = g;
  const mInv = posteriorCovariance(g);
  for (let i = 0; i < mInv.length; i++) mInv[i] /= sigma2; // M⁻¹
  const wm = new Float64Array(d * k);
  gemmCore(false, false, d, k, k, 1, w, k, mInv, k, 0, wm, k);
  const p = new Float64Array(d * d);
  gemmCore(false, true, d, d, k, -1 / sigma2, wm, k, w, k, 0, p, d);
  for (let i = 0; i < d; i++) p[i * d + i] += 1 / sigma2;
  symmetrise(p, d);
  return p;
}

/**
 * n draws x = W·z + μ + σ·ε with z ~ N(0, I_k), ε ~ N(0, I_D) (PRML 12.33), n×D.
 *
 * @example
 * ```ts
 * sampleRows(w, mu, sigma2, d, k, 100, new Rng(1)); // 100×D Float64Array
 * ```
 */
export function sampleRows(w: Float64Array, mu: Float64Array, sigma2: number, d: number, k: number, n: number, rng: Rng): Float64Array {
  const z = new Float64Array(n * k);
  const out = new Float64Array(n * d);
  const sigma = Math.sqrt(sigma2);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < k; q++) z[i * k + q] = rng.normal();
    for (let j = 0; j < d; j++) out[i * d + j] = mu[j] + sigma * rng.normal();
  }
  gemmCore(false, true, n, d, k, 1, z, k, w, k, 1, out, d);
  return out;
}

/** Averages the two triangles of a square matrix (they differ by rounding only). */
function symmetrise(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
}

/** Re-exported so model code needs one import for the k×k inverse. */
export { spdInverse };
