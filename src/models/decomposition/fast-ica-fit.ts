/**
 * Hyvärinen's fixed-point FastICA (Hyvärinen & Oja 2000), step for step as scikit-learn's
 * `FastICA` defines it, so that with the same `wInit` the unmixing matrix agrees to rounding:
 * whitening K = (U/d)ᵀ[:k] with the columns of U signed by their first entry, X₁ = √n·K·X_cᵀ,
 * then the parallel (symmetric decorrelation W ← (WWᵀ)^−½W) or deflation (Gram–Schmidt) loop,
 * and for `'unit-variance'` the rows of W divided by the standard deviations of the sources.
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { fixRowSigns, gram, symmetricEigen, thinSvd } from '../../linalg/index.js';
import { Rng } from '../../random/rng.js';
import { toMatrix, type MatrixInput } from '../../validate.js';
import type { FastICAFit, FastICAFun, ResolvedFastICAOptions } from './fast-ica-state.js';

/** numpy's `finfo(float64).tiny` and `eps`, the clips scikit-learn applies. */
const TINY = 2.2250738585072014e-308;
const EPS = 2.220446049250313e-16;

/**
 * g(u) in place on the k×n rows of `wx`, and the mean of g′ over each row (length k).
 * logcosh: g = tanh(αu), g′ = α(1 − tanh²); exp: g = u·e^(−u²/2), g′ = (1 − u²)e^(−u²/2); cube: g = u³, g′ = 3u².
 */
export function contrast(fun: FastICAFun, alpha: number, wx: Float64Array, k: number, n: number): Float64Array {
  const gPrime = new Float64Array(k);
  for (let q = 0; q < k; q++) {
    let s = 0;
    for (let t = q * n; t < (q + 1) * n; t++) {
      const u = wx[t];
      if (fun === 'logcosh') {
        const g = Math.tanh(alpha * u);
        wx[t] = g;
        s += alpha * (1 - g * g);
      } else if (fun === 'exp') {
        const e = Math.exp(-(u * u) / 2);
        wx[t] = u * e;
        s += (1 - u * u) * e;
      } else {
        wx[t] = u * u * u;
        s += 3 * u * u;
      }
    }
    gPrime[q] = s / n;
  }
  return gPrime;
}

/** (WWᵀ)^−½·W for a k×k W (a new array): eigenvalues clipped at `tiny`, as scikit-learn does. */
export function symmetricDecorrelation(w: Float64Array, k: number): Float64Array {
  const wwt = new Float64Array(k * k);
  gemmCore(false, true, k, k, k, 1, w, k, w, k, 0, wwt, k);
  const { values, vectors: u } = symmetricEigen(wwt, k, k);
  const scaled = new Float64Array(k * k); // U·diag(s^−½)
  for (let i = 0; i < k; i++) for (let q = 0; q < k; q++) scaled[i * k + q] = u[i * k + q] / Math.sqrt(Math.max(values[q], TINY));
  const inv = new Float64Array(k * k);
  gemmCore(false, true, k, k, k, 1, scaled, k, u, k, 0, inv, k);
  const out = new Float64Array(k * k);
  gemmCore(false, false, k, k, k, 1, inv, k, w, k, 0, out, k);
  return out;
}

interface Loop { w: Float64Array; nIter: number; converged: boolean }

function parallelLoop(x1: Float64Array, k: number, n: number, wInit: Float64Array, o: ResolvedFastICAOptions): Loop {
  let w = symmetricDecorrelation(wInit, k);
  const wx = new Float64Array(k * n);
  for (let it = 1; it <= o.maxIter; it++) {
    gemmCore(false, false, k, n, k, 1, w, k, x1, n, 0, wx, n);
    const gPrime = contrast(o.fun, o.alpha, wx, k, n);
    const step = new Float64Array(k * k); // g(WX)·Xᵀ/n − diag(mean g′)·W
    gemmCore(false, true, k, k, n, 1 / n, wx, n, x1, n, 0, step, k);
    for (let q = 0; q < k; q++) for (let j = 0; j < k; j++) step[q * k + j] -= gPrime[q] * w[q * k + j];
    const w1 = symmetricDecorrelation(step, k);
    let lim = 0;
    for (let q = 0; q < k; q++) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += w1[q * k + j] * w[q * k + j];
      lim = Math.max(lim, Math.abs(Math.abs(dot) - 1));
    }
    w = w1;
    if (lim < o.tol) return { w, nIter: it, converged: true };
  }
  return { w, nIter: o.maxIter, converged: false };
}

function deflationLoop(x1: Float64Array, k: number, n: number, wInit: Float64Array, o: ResolvedFastICAOptions): Loop {
  const W = new Float64Array(k * k);
  const wx = new Float64Array(n);
  let nIter = 0;
  let converged = true;
  for (let j = 0; j < k; j++) {
    let w = normalised(wInit.slice(j * k, (j + 1) * k));
    let done = false;
    let it = 1;
    for (; it <= o.maxIter; it++) {
      gemmCore(false, false, 1, n, k, 1, w, k, x1, n, 0, wx, n);
      const gPrime = contrast(o.fun, o.alpha, wx, 1, n)[0];
      const w1 = new Float64Array(k); // mean(X·g(wᵀX)) − mean(g′)·w
      gemmCore(false, true, 1, k, n, 1 / n, wx, n, x1, n, 0, w1, k);
      for (let a = 0; a < k; a++) w1[a] -= gPrime * w[a];
      // Gram–Schmidt against the components already found: w1 −= (w1·W[:j]ᵀ)·W[:j].
      const proj = new Float64Array(j);
      for (let p = 0; p < j; p++) for (let a = 0; a < k; a++) proj[p] += w1[a] * W[p * k + a];
      for (let p = 0; p < j; p++) for (let a = 0; a < k; a++) w1[a] -= proj[p] * W[p * k + a];
      normalised(w1);
      let dot = 0;
      for (let a = 0; a < k; a++) dot += w1[a] * w[a];
      w = w1;
      if (Math.abs(Math.abs(dot) - 1) < o.tol) {
        done = true;
        break;
      }
    }
    if (!done) converged = false;
    nIter = Math.max(nIter, Math.min(it, o.maxIter));
    W.set(w, j * k);
  }
  return { w: W, nIter, converged };
}

function normalised(v: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const r = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] /= r;
  return v;
}

/**
 * The whitening K (k×d) of centred n×d data: from the SVD of X_c or the eigendecomposition of
 * X_cᵀX_c, the columns of U signed so that their first entry is positive (scikit-learn's
 * `u *= sign(u[0])`). A direction without variance among the first k is an error.
 */
function whitening(xc: Float64Array, n: number, d: number, k: number, solver: 'svd' | 'eigh', where: string): Float64Array {
  let u: Float64Array; // d×r, columns
  let s: Float64Array;
  let r: number;
  if (solver === 'svd') {
    const res = thinSvd(xc.slice(), n, d, false);
    r = res.s.length;
    s = res.s;
    u = new Float64Array(d * r);
    for (let q = 0; q < r; q++) for (let j = 0; j < d; j++) u[j * r + q] = res.vt[q * d + j];
  } else {
    const g = gram(xc, n, d); // X_cᵀX_c (syrk: half a gemm)
    const e = symmetricEigen(g, d, k); // only the k vectors K needs
    r = k;
    u = e.vectors;
    s = Float64Array.from(e.values, (v) => Math.sqrt(v < EPS ? EPS : v));
  }
  const scale = Math.max(s[0], Number.MIN_VALUE);
  if (!(s[k - 1] > 1e-12 * scale)) {
    throw new RangeError(`${where}: X has only ${countAbove(s, 1e-12 * scale)} directions with variance, fewer than nComponents = ${k}; whitening needs nComponents <= the rank of the centred X`);
  }
  const K = new Float64Array(k * d);
  for (let q = 0; q < k; q++) {
    const sign = u[q] < 0 ? -1 : 1; // u[0][q]
    for (let j = 0; j < d; j++) K[q * d + j] = (sign * u[j * r + q]) / s[q];
  }
  return K;
}

function countAbove(s: Float64Array, t: number): number {
  let c = 0;
  for (const v of s) if (v > t) c++;
  return c;
}

/** The Moore–Penrose pseudo-inverse (d×k) of a full-row-rank k×d matrix, by SVD. */
export function pseudoInverse(c: Float64Array, k: number, d: number): Float64Array {
  const { u, s, vt } = thinSvd(c.slice(), k, d, true);
  const r = s.length;
  const cut = Math.max(k, d) * EPS * s[0];
  const out = new Float64Array(d * k);
  for (let q = 0; q < r; q++) {
    if (!(s[q] > cut)) continue;
    for (let j = 0; j < d; j++) {
      const v = vt[q * d + j] / s[q];
      for (let i = 0; i < k; i++) out[j * k + i] += v * (u as Float64Array)[i * r + q];
    }
  }
  return out;
}

/**
 * Fits FastICA to the rows of X. Signs: each row of `components` is flipped so that its
 * largest-magnitude entry is positive (the first one on ties); the same rows of W and the
 * matching columns of `mixing` follow, so sources = (x − mean)·componentsᵀ are only negated.
 */
export function fitFastICA(X: MatrixInput, o: ResolvedFastICAOptions, where: string): FastICAFit {
  const x = toMatrix(X, where, 'X', { minRows: 2 });
  const { rows: n, cols: d } = x;
  const limit = Math.min(n, d);
  const k = o.whiten === false ? d : (o.nComponents ?? limit);
  if (k > limit) {
    throw new RangeError(`${where}: nComponents must be <= min(nSamples, nFeatures) = ${limit} (got ${k})`);
  }
  const mean = new Float64Array(d);
  let x1: Float64Array; // k×n
  let K: Float64Array | null = null;
  let xc: Float64Array = x.data;
  if (o.whiten !== false) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    xc = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = x.data[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) {
      let any = false;
      for (let i = 1; i < n && !any; i++) any = x.data[i * d + j] !== x.data[j];
      if (!any) throw new RangeError(`${where}: column ${j} of X is constant (${x.data[j]}), so X cannot be whitened; drop it`);
    }
    K = whitening(xc, n, d, k, o.whitenSolver, where);
    x1 = new Float64Array(k * n);
    gemmCore(false, true, k, n, d, Math.sqrt(n), K, d, xc, d, 0, x1, n);
  } else {
    x1 = new Float64Array(k * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x1[j * n + i] = x.data[i * d + j];
  }
  let wInit: Float64Array;
  if (o.wInit !== null) {
    if (o.wInit.k !== k) throw new ShapeError(`${where}: wInit must be [${k}, ${k}] (got shape ${formatShape([o.wInit.k, o.wInit.k])})`);
    wInit = o.wInit.data;
  } else {
    wInit = new Float64Array(k * k);
    new Rng(o.seed).fillNormal(wInit);
  }
  const loop = o.algorithm === 'parallel' ? parallelLoop(x1, k, n, wInit, o) : deflationLoop(x1, k, n, wInit, o);
  const w = loop.w;
  let components: Float64Array;
  if (K !== null) {
    components = new Float64Array(k * d);
    gemmCore(false, false, k, d, k, 1, w, k, K, d, 0, components, d);
    if (o.whiten === 'unit-variance') {
      // S = X_c·(WK)ᵀ; each row of W (and of WK) is divided by its source's population std.
      const src = new Float64Array(n * k);
      gemmCore(false, true, n, k, d, 1, xc, d, components, d, 0, src, k);
      for (let q = 0; q < k; q++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += src[i * k + q];
        m /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (src[i * k + q] - m) ** 2;
        const sd = Math.sqrt(v / n);
        for (let j = 0; j < k; j++) w[q * k + j] /= sd;
        for (let j = 0; j < d; j++) components[q * d + j] /= sd;
      }
    }
  } else {
    components = w.slice();
  }
  const signs = fixRowSigns(components, k, d);
  for (let q = 0; q < k; q++) if (signs[q] < 0) for (let j = 0; j < k; j++) w[q * k + j] = -w[q * k + j];
  assertFinite(components, where);
  return {
    components, mixing: pseudoInverse(components, k, d), mean, whitening: K, unmixing: w,
    kurtosis: sourceKurtosis(xc, n, d, components, k),
    d, k, nSamples: n, nIter: loop.nIter, converged: loop.converged,
  };
}

/**
 * The excess kurtosis m₄/m₂² − 3 of each source of the training rows xc (centred, or raw with
 * `whiten: false`). A Gaussian source has 0, with sampling standard deviation √(24/n).
 */
function sourceKurtosis(xc: Float64Array, n: number, d: number, components: Float64Array, k: number): Float64Array {
  const src = new Float64Array(n * k);
  gemmCore(false, true, n, k, d, 1, xc, d, components, d, 0, src, k);
  return Float64Array.from({ length: k }, (_, q) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += src[i * k + q];
    m /= n;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const v = (src[i * k + q] - m) ** 2;
      m2 += v;
      m4 += v * v;
    }
    return (m4 / n) / (m2 / n) ** 2 - 3;
  });
}

function assertFinite(a: Float64Array, where: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`${where}: the unmixing matrix became non-finite (a source with zero variance?); try another wInit or seed`);
  }
}
