/**
 * How PPCA is fitted: the closed form from the PCA spectrum, EM on complete data, and EM with
 * missing values; plus the noise floor for data that lie in a k-dimensional subspace.
 *
 * @module
 */
import { ConvergenceError, ShapeError, formatShape } from '../../errors.js';
import { fixColumnSigns, thinSvd } from '../../linalg/index.js';
import { Rng } from '../../random/rng.js';
import { toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { loadCentred, peekShape } from './data.js';
import { NOISE_FLOOR } from './gaussian.js';
import { fitSpectrum, type Spectrum } from './solvers.js';
import { centredSpectrum } from './centred-spectrum.js';
import type { CsrMatrix } from '../../sparse/csr.js';
import { momentOperator, runEm } from './ppca-em.js';
import { runMissingEm } from './ppca-missing.js';
import type { PPCAFit, ResolvedPPCAOptions } from './ppca-state.js';

/**
 * The closed-form ML fit, PRML 12.45–12.46, from the eigenpairs of S (1/N) computed by the PCA
 * solvers (covariance when N ≥ D, full SVD otherwise).
 *
 * @example
 * ```ts
 * const fit = fitClosedForm(X, validatePPCAOptions({ nComponents: 2 }, 'PPCA'), 'PPCA.fit');
 * ```
 */
export function fitClosedForm(X: MatrixInput, options: Readonly<ResolvedPPCAOptions>, where: string): PPCAFit {
  const k = options.nComponents;
  const shape = peekShape(X);
  const tall = shape === undefined || shape[0] >= shape[1];
  const sp = fitSpectrum(X, where, {
    nComponents: k, solver: tall ? 'covariance' : 'full', precision: 'auto', nOversamples: 10, nPowerIterations: 'auto', seed: 0,
  });
  return closedFormFromSpectrum(sp, k, where);
}

/**
 * The closed form on a {@link CsrMatrix}: the top k eigenpairs by Lanczos on the implicitly
 * centred matrix (centred-spectrum.ts, the dense centred matrix is never formed) and σ² from
 * the exact trace of S (the column variances of the sparse entries) minus the kept eigenvalues.
 * Only `method: 'closed-form'`: EM would need the dense rows.
 *
 * @example
 * ```ts
 * const fit = fitClosedFormSparse(csr, validatePPCAOptions({ nComponents: 2 }, 'PPCA'), 'PPCA.fit');
 * ```
 */
export function fitClosedFormSparse(X: CsrMatrix, options: Readonly<ResolvedPPCAOptions>, where: string): PPCAFit {
  const k = options.nComponents;
  const [n, d] = X.shape;
  if (options.method !== 'closed-form') {
    throw new TypeError(`${where}: method '${options.method}' needs a dense matrix, but X is a CsrMatrix of shape ${formatShape([n, d])}; use method 'closed-form' (centred implicitly), pass X.toDense(), or fit PCA / TruncatedSVD on the CsrMatrix`);
  }
  if (n >= 2 && k >= d) throw new RangeError(`${where}: PPCA requires nComponents < nFeatures (got ${k} ≥ ${d})`);
  const sp = centredSpectrum(X, where, { nComponents: k, solver: 'lanczos', precision: 'float64', nOversamples: 10, nPowerIterations: 'auto', seed: 0 }, 'lanczos');
  return closedFormFromSpectrum(sp, k, where);
}

/**
 * PRML 12.45–12.46 from a PCA spectrum of k components (N − 1 convention), in the 1/N
 * convention of S: what {@link fitClosedForm} does after its solver, shared with the fit from a
 * row source.
 *
 * @example
 * ```ts
 * const fit = closedFormFromSpectrum(spectrum, 2, 'PPCA.fit');
 * ```
 */
export function closedFormFromSpectrum(sp: Spectrum, k: number, where: string): PPCAFit {
  const { nSamples: n, nFeatures: d } = sp;
  const toN = (n - 1) / n; // N − 1 convention → 1/N convention
  const traceS = sp.totalVariance * toN;
  const floor = noiseFloor(traceS, d, where);
  const r = Math.min(n, d);
  const discarded = sp.noiseVariance * (r - k) * toN; // Σ_{i>k} λᵢ of S
  const ml = discarded / (d - k); // PRML 12.46
  const sigma2 = Math.max(ml, floor);
  const w = new Float64Array(d * k);
  for (let q = 0; q < k; q++) {
    const s = Math.sqrt(Math.max(sp.explainedVariance[q] * toN - sigma2, 0)); // PRML 12.45
    for (let j = 0; j < d; j++) w[j * k + q] = sp.components[q * d + j] * s;
  }
  return { w, mu: sp.mean, sigma2, d, k, nSamples: n, nIter: 0, converged: true, clamped: ml < floor, history: new Float64Array(0) };
}

/**
 * The EM fit (complete data, or NaN as missing values with `missing: 'nan'`), rotated to the
 * canonical W.
 *
 * @example
 * ```ts
 * const fit = fitEm(X, validatePPCAOptions({ nComponents: 2, method: 'em' }, 'PPCA'), 'PPCA.fit');
 * ```
 */
export function fitEm(X: MatrixInput, options: Readonly<ResolvedPPCAOptions>, where: string): PPCAFit {
  const { nComponents: k, maxIter, tol, seed, missing } = options;
  const rng = new Rng(seed);
  if (missing === 'nan') {
    const x = toMatrix(X, where, 'X', { allowNaN: true });
    checkRows(x.rows, x.cols, where);
    if (hasNaN(x.data)) {
      const floorBase = observedTrace(x.data, x.rows, x.cols);
      const sigma2Floor = noiseFloor(floorBase, x.cols, where);
      const res = runMissingEm(x.data, x.rows, x.cols, { k, maxIter, tol, rng, sigma2Floor }, where);
      return finishEm(res.w, res.mu, res.sigma2, sigma2Floor, x.cols, k, x.rows, res);
    }
    return fitCompleteEm(x, options, where, rng);
  }
  return fitCompleteEm(X, options, where, rng);
}

function fitCompleteEm(X: MatrixInput | DenseMatrix<Float64Array>, options: Readonly<ResolvedPPCAOptions>, where: string, rng: Rng): PPCAFit {
  const { nComponents: k, maxIter, tol } = options;
  const input = 'rows' in X ? { data: X.data, shape: [X.rows, X.cols] } : X;
  const c = loadCentred(input, where, false);
  const { rows: n, cols: d } = c;
  const traceS = c.sumSq / n;
  const sigma2Floor = noiseFloor(traceS, d, where);
  const res = runEm(momentOperator(c.data as Float64Array, n, d, k), traceS, d, { k, maxIter, tol, rng, sigma2Floor });
  return finishEm(res.w, c.mean, res.sigma2, sigma2Floor, d, k, n, res);
}

/** 1e-12 × the mean variance; ConvergenceError when there is no variance at all. */
function noiseFloor(trace: number, d: number, where: string): number {
  if (!(trace > 0)) {
    throw new ConvergenceError(`${where}: X has zero variance in every feature, so the PPCA likelihood is unbounded`);
  }
  return NOISE_FLOOR * (trace / d);
}

function checkRows(rows: number, cols: number, where: string): void {
  if (rows < 2) throw new ShapeError(`${where}: X has 1 sample (shape ${formatShape([rows, cols])}); at least 2 samples are needed`);
}

/**
 * True when the array holds a NaN.
 *
 * @example
 * ```ts
 * hasNaN(new Float64Array([1, NaN])); // true
 * ```
 */
export function hasNaN(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return true;
  return false;
}

/** Σⱼ of the observed variance of column j (the trace of S over observed entries). */
function observedTrace(x: Float64Array, n: number, d: number): number {
  let trace = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j];
      if (v === v) {
        s += v;
        c++;
      }
    }
    if (c === 0) continue;
    const m = s / c;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j];
      if (v === v) ss += (v - m) ** 2;
    }
    trace += ss / c;
  }
  return trace;
}

/** Rotates EM's W to the canonical R = I form (W = U·S from its SVD) and packs the result. */
function finishEm(
  w: Float64Array, mu: Float64Array, sigma2: number, floor: number, d: number, k: number, n: number,
  res: { nIter: number; converged: boolean; history: Float64Array },
): PPCAFit {
  const svd = thinSvd(Float64Array.from(w), d, k, true);
  const u = svd.u as Float64Array;
  const canon = new Float64Array(d * k);
  for (let j = 0; j < d; j++) for (let q = 0; q < k; q++) canon[j * k + q] = u[j * k + q] * svd.s[q];
  fixColumnSigns(canon, d, k);
  return {
    w: canon, mu: mu.slice(), sigma2, d, k, nSamples: n, nIter: res.nIter, converged: res.converged,
    clamped: sigma2 <= floor, history: res.history,
  };
}
