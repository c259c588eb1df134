/**
 * Factor analysis by scikit-learn's SVD-based EM (Barber, BRML §21.2.2; its `svd_method='lapack'`):
 * with Ψ the diagonal noise, each step takes the SVD of X̃ = X_c·Ψ^−½/√n, sets
 * W = diag(√max(s² − 1, 0))·Vᵀₖ·Ψ^½ and Ψ = max(var(X) − diag(WᵀW), 1e-12), and records
 * ℓ = −n/2·(D ln 2π + k + Σₖ ln s² + Σ_{rest} s² + Σ ln Ψ).
 *
 * One change of order, not of result: X_c = Q·R is factored once, and since Q has orthonormal
 * columns X̃ and R·Ψ^−½/√n have the same singular values and right vectors, so every step
 * decomposes a D×D matrix instead of an n×D one.
 *
 * @module
 */
import { ShapeError } from '../../errors.js';
import { fixRowSigns, householderQR, thinSvd } from '../../linalg/index.js';
import { toMatrix, type MatrixInput } from '../../validate.js';
import type { FactorAnalysisFit, FactorRotation, ResolvedFactorAnalysisOptions } from './factor-analysis-state.js';

/** scikit-learn's floor of Ψ and of √Ψ. */
const SMALL = 1e-12;
const LN_2PI = Math.log(2 * Math.PI);

/**
 * The orthogonal rotation of the D×k loadings A (row-major) that maximises the varimax or
 * quartimax criterion (Kaiser 1958), by the SVD iteration scikit-learn uses: at most 100 steps,
 * stopping when the criterion grows by less than a factor 1 + tol. Returns (A·R)ᵀ, k×D.
 */
export function orthoRotation(a: Float64Array, d: number, k: number, method: Exclude<FactorRotation, null>, tol = 1e-6, maxIter = 100): Float64Array {
  let r = new Float64Array(k * k);
  for (let q = 0; q < k; q++) r[q * k + q] = 1;
  let variance = 0;
  const b = new Float64Array(d * k);
  for (let it = 0; it < maxIter; it++) {
    multiply(a, r, b, d, k);
    const colSq = new Float64Array(k);
    if (method === 'varimax') for (let i = 0; i < d; i++) for (let q = 0; q < k; q++) colSq[q] += b[i * k + q] ** 2;
    const t = new Float64Array(d * k); // B³ − B·diag(Σᵢ B²)/D
    for (let i = 0; i < d; i++) for (let q = 0; q < k; q++) t[i * k + q] = b[i * k + q] ** 3 - b[i * k + q] * (colSq[q] / d);
    const m = new Float64Array(k * k); // Aᵀ·T
    for (let i = 0; i < d; i++) for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) m[p * k + q] += a[i * k + p] * t[i * k + q];
    const { u, s, vt } = thinSvd(m, k, k, true);
    const next = new Float64Array(k * k);
    multiply(u as Float64Array, vt, next, k, k);
    r = next;
    let sum = 0;
    for (const v of s) sum += v;
    if (variance !== 0 && sum < variance * (1 + tol)) break;
    variance = sum;
  }
  multiply(a, r, b, d, k);
  const out = new Float64Array(k * d);
  for (let i = 0; i < d; i++) for (let q = 0; q < k; q++) out[q * d + i] = b[i * k + q];
  return out;
}

/** out (rows×k) = x (rows×k)·y (k×k). */
function multiply(x: Float64Array, y: Float64Array, out: Float64Array, rows: number, k: number): void {
  out.fill(0);
  for (let i = 0; i < rows; i++) for (let p = 0; p < k; p++) {
    const v = x[i * k + p];
    for (let q = 0; q < k; q++) out[i * k + q] += v * y[p * k + q];
  }
}

/**
 * Fits factor analysis to the rows of X (at least 2). The loadings' signs are fixed as PCA's:
 * each row of `components` has its largest-magnitude entry positive.
 */
export function fitFactorAnalysis(X: MatrixInput, o: ResolvedFactorAnalysisOptions, where: string): FactorAnalysisFit {
  const x = toMatrix(X, where, 'X', { minRows: 2 });
  const { rows: n, cols: d } = x;
  const k = o.nComponents ?? d;
  if (k > d) throw new RangeError(`${where}: nComponents must be <= nFeatures = ${d} (got ${k})`);
  if (o.noiseVarianceInit !== null && o.noiseVarianceInit.length !== d) {
    throw new ShapeError(`${where}: noiseVarianceInit has ${o.noiseVarianceInit.length} entries, but X has ${d} features`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const xc = x.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] -= mean[j];
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) variance[j] += xc[i * d + j] ** 2;
  for (let j = 0; j < d; j++) variance[j] /= n;
  // The rows whose SVD each step needs: R of X_c = QR when that is smaller, else X_c.
  const m = n > d ? d : n;
  const base = n > d ? householderQR(xc.slice(), n, d).r : xc;
  let psi = o.noiseVarianceInit === null ? new Float64Array(d).fill(1) : o.noiseVarianceInit.slice();
  const llConst = d * LN_2PI + k;
  const scaled = new Float64Array(m * d);
  const sqrtPsi = new Float64Array(d);
  const w = new Float64Array(k * d);
  const loglike: number[] = [];
  let old = -Infinity;
  let converged = false;
  let nIter = 0;
  const root = Math.sqrt(n);
  for (let it = 1; it <= o.maxIter; it++) {
    nIter = it;
    for (let j = 0; j < d; j++) sqrtPsi[j] = Math.sqrt(psi[j]) + SMALL;
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) scaled[i * d + j] = base[i * d + j] / (sqrtPsi[j] * root);
    const { s, vt } = thinSvd(scaled.slice(), m, d, false);
    let unexplained = 0;
    for (let q = k; q < s.length; q++) unexplained += s[q] * s[q];
    let ll = llConst + unexplained;
    w.fill(0);
    for (let q = 0; q < k; q++) {
      const s2 = q < s.length ? s[q] * s[q] : 0;
      ll += Math.log(s2);
      const f = Math.sqrt(Math.max(s2 - 1, 0));
      if (q < s.length) for (let j = 0; j < d; j++) w[q * d + j] = f * vt[q * d + j] * sqrtPsi[j];
    }
    for (let j = 0; j < d; j++) ll += Math.log(psi[j]);
    ll *= -n / 2;
    loglike.push(ll);
    if (ll - old < o.tol) {
      converged = true;
      break;
    }
    old = ll;
    const next = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let sq = 0;
      for (let q = 0; q < k; q++) sq += w[q * d + j] ** 2;
      next[j] = Math.max(variance[j] - sq, SMALL);
    }
    psi = next;
  }
  if (!Number.isFinite(loglike[loglike.length - 1])) {
    throw new RangeError(`${where}: the log-likelihood is not finite (${loglike[loglike.length - 1]}); X has fewer than nComponents = ${k} directions with variance`);
  }
  let components: Float64Array = w;
  if (o.rotation !== null) {
    const a = new Float64Array(d * k);
    for (let q = 0; q < k; q++) for (let j = 0; j < d; j++) a[j * k + q] = w[q * d + j];
    components = orthoRotation(a, d, k, o.rotation);
  }
  fixRowSigns(components, k, d);
  return { components, noiseVariance: psi, mean, loglike: Float64Array.from(loglike), d, k, nSamples: n, nIter, converged };
}
