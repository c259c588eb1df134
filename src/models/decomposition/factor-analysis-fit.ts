/**
 * How FactorAnalysis is fitted: the SVD-based EM of scikit-learn's `FactorAnalysis` (Barber,
 * BRML Algorithm 21.1; Bishop, PRML §12.2.4) and the orthogonal rotations of the loadings.
 *
 * Each iteration takes the SVD of X̃ = X_c·Ψ^{-1/2}/√N. Its k leading squared singular values
 * sᵢ and right vectors vᵢ give W = diag(√max(sᵢ − 1, 0))·Vₖᵀ·Ψ^{1/2}, the log-likelihood
 * −N/2·(D ln 2π + k + Σᵢ≤ₖ ln sᵢ + Σᵢ>ₖ sᵢ + Σⱼ ln ψⱼ), and the update ψ = max(var − diag(WᵀW), 1e-12).
 * Because Ψ^{-1/2} scales columns, X_c = Q·R gives X̃ = Q·(R·Ψ^{-1/2}/√N) with Q orthonormal:
 * both have the same singular values and right vectors, so for N > D one Householder QR before
 * the loop leaves a D×D SVD per iteration instead of an N×D one, with nothing squared (unlike
 * an eigendecomposition of the covariance).
 *
 * @module
 */
import { ConvergenceError, ShapeError, formatShape } from '../../errors.js';
import { fixRowSigns, householderQR, thinSvd, truncatedSvd } from '../../linalg/index.js';
import { Rng } from '../../random/rng.js';
import { toMatrix, type MatrixInput } from '../../validate.js';
import type { FactorAnalysisFit, FactorAnalysisRotation, ResolvedFactorAnalysisOptions } from './factor-analysis-state.js';

/** scikit-learn's SMALL: added to √ψ before dividing, and the floor of ψ. */
const SMALL = 1e-12;
/** Oversampling of the randomized SVD (scikit-learn's `randomized_svd` default). */
const OVERSAMPLES = 10;

/**
 * Fits Ψ, W and μ by scikit-learn's EM; rotates W if asked; each row of the result has its
 * largest-magnitude loading positive.
 *
 * @example
 * ```ts
 * const fit = fitFactorAnalysis(X, validateFactorAnalysisOptions({ nComponents: 3 }, 'FactorAnalysis'), 'FactorAnalysis.fit');
 * ```
 */
export function fitFactorAnalysis(X: MatrixInput, options: Readonly<ResolvedFactorAnalysisOptions>, where: string): FactorAnalysisFit {
  const x = toMatrix(X, where, 'X');
  const { rows: n, cols: d } = x;
  if (n < 2) throw new ShapeError(`${where}: X has ${n} sample(s) (shape ${formatShape([n, d])}); at least 2 samples are needed`);
  const k = options.nComponents ?? d;
  if (k > Math.min(n, d)) {
    throw new RangeError(`${where}: nComponents must be at most min(nSamples, nFeatures) = ${Math.min(n, d)} for X of shape ${formatShape([n, d])} (got ${k})`);
  }
  const init = options.noiseVarianceInit;
  if (init !== null && init.length !== d) {
    throw new ShapeError(`${where}: noiseVarianceInit has ${init.length} values, but X has ${d} features`);
  }
  const { mu, centred, variance } = centre(x.data, n, d);
  // B has the singular values and right vectors of X_c: R of its QR when N > D, else X_c.
  const rows = n > d ? d : n;
  const b = n > d ? householderQR(centred, n, d).r : centred;
  const psi = init === null ? new Float64Array(d).fill(1) : Float64Array.from(init);
  const rng = new Rng(options.seed);
  const nsqrt = Math.sqrt(n);
  const llconst = d * Math.log(2 * Math.PI) + k;
  const loglike: number[] = [];
  const sqrtPsi = new Float64Array(d);
  const a = new Float64Array(rows * d);
  let w = new Float64Array(k * d);
  let oldLl = -Infinity;
  let converged = false;
  let iter = 0;
  while (iter < options.maxIter) {
    iter++;
    for (let j = 0; j < d; j++) sqrtPsi[j] = Math.sqrt(psi[j]) + SMALL;
    for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) a[i * d + j] = b[i * d + j] / (sqrtPsi[j] * nsqrt);
    const { s2, vt, unexplained } = options.svdMethod === 'lapack' ? exactSvd(a, rows, d, k) : randomSvd(a, rows, d, k, options.iteratedPower, rng);
    w = new Float64Array(k * d);
    let ll = llconst + unexplained;
    for (let q = 0; q < k; q++) {
      if (!(s2[q] > 0)) {
        throw new ConvergenceError(`${where}: the scaled data have rank ${q} < nComponents = ${k} (singular value ${q + 1} is 0), so the likelihood is unbounded; use fewer components`);
      }
      ll += Math.log(s2[q]);
      const scale = Math.sqrt(Math.max(s2[q] - 1, 0));
      for (let j = 0; j < d; j++) w[q * d + j] = scale * vt[q * d + j] * sqrtPsi[j];
    }
    for (let j = 0; j < d; j++) ll += Math.log(psi[j]);
    ll *= -n / 2;
    loglike.push(ll);
    if (ll - oldLl < options.tol) {
      converged = true;
      break;
    }
    oldLl = ll;
    for (let j = 0; j < d; j++) {
      let ww = 0;
      for (let q = 0; q < k; q++) ww += w[q * d + j] ** 2;
      psi[j] = Math.max(variance[j] - ww, SMALL);
    }
  }
  const components = options.rotation === null ? w : rotate(w, k, d, options.rotation);
  fixRowSigns(components, k, d);
  return { components, psi, mu, d, k, nSamples: n, nIter: iter, converged, loglike: Float64Array.from(loglike) };
}

/** Column means, the centred copy X_c, and the column variances (1/N, as numpy's `var`). */
function centre(x: Float64Array, n: number, d: number): { mu: Float64Array; centred: Float64Array; variance: Float64Array } {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  const centred = new Float64Array(n * d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j] - mu[j];
      centred[i * d + j] = v;
      variance[j] += v * v;
    }
  }
  for (let j = 0; j < d; j++) variance[j] /= n;
  return { mu, centred, variance };
}

interface LeadingSvd {
  /** k squared singular values, descending. */
  s2: Float64Array;
  /** k×D right singular vectors. */
  vt: Float64Array;
  /** The sum of the squared singular values beyond k. */
  unexplained: number;
}

/** The exact thin SVD (scikit-learn's 'lapack'): the discarded part is Σᵢ>ₖ sᵢ². */
function exactSvd(a: Float64Array, m: number, d: number, k: number): LeadingSvd {
  const { s, vt } = thinSvd(a.slice(), m, d, false);
  const s2 = new Float64Array(k);
  for (let q = 0; q < k; q++) s2[q] = s[q] * s[q];
  let unexplained = 0;
  for (let q = k; q < s.length; q++) unexplained += s[q] * s[q];
  return { s2, vt: vt.subarray(0, k * d), unexplained };
}

/** The seeded randomized SVD (scikit-learn's 'randomized'): the discarded part is ‖A‖² − Σᵢ≤ₖ sᵢ². */
function randomSvd(a: Float64Array, m: number, d: number, k: number, nIter: number, rng: Rng): LeadingSvd {
  const { s, vt } = truncatedSvd(a, m, d, k, OVERSAMPLES, nIter, rng, false);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * a[i];
  const s2 = new Float64Array(k);
  let explained = 0;
  for (let q = 0; q < k; q++) {
    s2[q] = s[q] * s[q];
    explained += s2[q];
  }
  return { s2, vt, unexplained: total - explained };
}

/**
 * scikit-learn's `_ortho_rotation` of the loadings (k×D rows; tol 1e-6, at most 100 steps):
 * with L = Wᵀ (D×k) and Λ = L·R, each step sets R = U·Vᵀ from the SVD of Lᵀ(Λ³ − Λ·diag(Σᵢ Λᵢq²)/D)
 * for varimax, Lᵀ·Λ³ for quartimax, until Σ of the singular values grows by less than a
 * factor 1 + tol. Returns (L·R)ᵀ, k×D.
 *
 * @example
 * ```ts
 * const rotated = rotate(components, 3, 10, 'varimax');
 * ```
 */
export function rotate(components: Float64Array, k: number, d: number, method: Exclude<FactorAnalysisRotation, null>): Float64Array {
  const tol = 1e-6;
  let r = new Float64Array(k * k);
  for (let q = 0; q < k; q++) r[q * k + q] = 1;
  const lam = new Float64Array(d * k);
  const target = new Float64Array(d * k);
  let variance = 0;
  for (let step = 0; step < 100; step++) {
    rotated(components, r, k, d, lam);
    const colMean = new Float64Array(k);
    if (method === 'varimax') {
      for (let j = 0; j < d; j++) for (let q = 0; q < k; q++) colMean[q] += lam[j * k + q] ** 2;
      for (let q = 0; q < k; q++) colMean[q] /= d;
    }
    for (let j = 0; j < d; j++) {
      for (let q = 0; q < k; q++) {
        const v = lam[j * k + q];
        target[j * k + q] = v * v * v - v * colMean[q];
      }
    }
    // G = Lᵀ·target (k×k), with L[j][q] = components[q·d + j].
    const g = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += components[p * d + j] * target[j * k + q];
        g[p * k + q] = s;
      }
    }
    const { u, s, vt } = thinSvd(g, k, k, true);
    const uu = u as Float64Array;
    r = new Float64Array(k * k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += uu[p * k + t] * vt[t * k + q];
        r[p * k + q] = acc;
      }
    }
    let next = 0;
    for (let q = 0; q < k; q++) next += s[q];
    if (variance !== 0 && next < variance * (1 + tol)) break;
    variance = next;
  }
  rotated(components, r, k, d, lam);
  const out = new Float64Array(k * d);
  for (let j = 0; j < d; j++) for (let q = 0; q < k; q++) out[q * d + j] = lam[j * k + q];
  return out;
}

/** Λ = L·R (D×k) with L = componentsᵀ. */
function rotated(components: Float64Array, r: Float64Array, k: number, d: number, out: Float64Array): void {
  for (let j = 0; j < d; j++) {
    for (let q = 0; q < k; q++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += components[p * d + j] * r[p * k + q];
      out[j * k + q] = acc;
    }
  }
}
