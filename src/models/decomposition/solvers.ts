/**
 * The spectral fits shared by {@link PCA} and PPCA's closed form: centring, the choice of solver and precision, and the
 * three solvers (full SVD, covariance eigendecomposition, randomized SVD). Every solver returns
 * the same thing: the leading right singular vectors of X_c = X − 1μᵀ and their variances
 * sᵢ²/(N − 1).
 *
 * Precision. The expensive product (XᵀX, or the passes of the randomized range finder) can run
 * in float32 through the SIMD `gemm`, about ten times faster than float64 here. Float32 sums
 * alone are not enough: the float32 Gram matrix (row chunks summed in float64) gives the top-50
 * variances of Fashion-MNIST to 9e-7 relative, too close to the 1e-6 target. So the `mixed`
 * strategy only uses them to find a subspace of k + oversampling directions V, and then
 * computes the variances by a Rayleigh–Ritz step on the data: B = X_c·V (sums of D terms),
 * H = BᵀB accumulated in float64, and the small generalized eigenproblem H·y = θ·(VᵀV)·y. A
 * Ritz value's error is quadratic in the subspace error (Parlett, The Symmetric Eigenvalue
 * Problem, §11.4), so what remains is the float32 rounding of B: measured 1.1e-7 relative on
 * Fashion-MNIST (pixels take 256 values per column, so their rounding errors repeat row after row) and about 1e-8 on
 * continuous synthetic data, against a float64 decomposition.
 *
 * @module
 */
import { formatShape } from '../../errors.js';
import { getBackend } from '../../kernels/backend.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Rng } from '../../random/rng.js';
import { defaultPowerIterations, gram, rangeFinder, symmetricEigen, thinQ, thinSvd, transpose, truncatedSvd } from '../../linalg/index.js';
import { subspaceEigen } from '../../linalg/subspace.js';
import { centredRows, loadCentred, peekShape, rawRows, storesFloat64, type Centred } from './data.js';
import { gramUpperWasm } from '../../kernels/wasm/gram-wasm.js';
import { type ChunkSource, gramUpperParallel } from '../../kernels/threads/gram-parallel.js';
import { getThreads } from '../../kernels/threads/threads.js';
import { wasmGramGemm } from '../../kernels/wasm/runtime.js';
import { mirrorUpper } from '../../linalg/syrk.js';
import { rayleighRitz, subtractOuter, type RawFit } from './ritz.js';

export { loadCentred, peekShape } from './data.js';

/**
 * Which algorithm fits the components.
 *
 * @example
 * ```ts
 * new PCA({ nComponents: 10, solver: 'covariance' });
 * ```
 */
export type PCASolver = 'auto' | 'full' | 'covariance' | 'randomized' | 'lanczos';
/**
 * Storage of the large products: `mixed` = float32 products with a float64 Rayleigh–Ritz step.
 *
 * @example
 * ```ts
 * new PCA({ nComponents: 50, solver: 'covariance', precision: 'mixed' });
 * ```
 */
export type PCAPrecision = 'auto' | 'float64' | 'mixed';

/**
 * What a solver needs to know.
 *
 * @example
 * ```ts
 * fitSpectrum(X, 'PCA.fit', { nComponents: 2, solver: 'auto', precision: 'auto', nOversamples: 10, nPowerIterations: 'auto', seed: 0 });
 * ```
 */
export interface SolverSettings {
  /** An integer count, a fraction of variance in (0, 1), or undefined for min(N, D). */
  nComponents: number | undefined;
  solver: PCASolver;
  precision: PCAPrecision;
  nOversamples: number;
  nPowerIterations: number | 'auto';
  seed: number | string;
}

/**
 * A fitted spectrum: the leading k directions of the centred data.
 *
 * @example
 * ```ts
 * const sp: Spectrum = fitSpectrum(X, 'PCA.fit', settings); // sp.components is k×D
 * ```
 */
export interface Spectrum {
  nSamples: number;
  nFeatures: number;
  mean: Float64Array;
  /** k×D row-major, orthonormal rows, each with its largest-magnitude entry positive. */
  components: Float64Array;
  /** sᵢ²/(N − 1), descending, length k. */
  explainedVariance: Float64Array;
  singularValues: Float64Array;
  /** ‖X_c‖_F²/(N − 1). */
  totalVariance: number;
  /** Mean variance of the discarded directions (scikit-learn's noise_variance_). */
  noiseVariance: number;
  solver: 'full' | 'covariance' | 'randomized' | 'lanczos';
  precision: 'float64' | 'mixed';
}

/** Below this many multiply-adds the float64 product is cheap enough to always use. */
const MIXED_MIN_WORK = 2 ** 30;

/**
 * The solver `auto` picks, as scikit-learn ≥ 1.5 does: `covariance` for tall data with at most
 * 1000 features (N ≥ 10·D), `full` when both sides are at most 500, `randomized` for an integer
 * k below 0.8·min(N, D), and `full` otherwise.
 *
 * @example
 * ```ts
 * resolveSolver('auto', 60000, 784, 50); // 'covariance'
 * ```
 */
export function resolveSolver(solver: PCASolver, n: number, d: number, nComponents: number | undefined): Exclude<PCASolver, 'auto'> {
  if (solver !== 'auto') return solver;
  if (d <= 1000 && n >= 10 * d) return 'covariance';
  if (Math.max(n, d) <= 500) return 'full';
  if (nComponents !== undefined && Number.isInteger(nComponents) && nComponents < 0.8 * Math.min(n, d)) return 'randomized';
  return 'full';
}

/**
 * The precision `auto` picks: `mixed` for the covariance and randomized solvers once the product
 * is large (at least 2³⁰ multiply-adds, about 60,000 × 784 × 23) and the float32 backend is
 * WebAssembly SIMD, where float32 is about ten times faster than float64 (measured 38–44 vs
 * 2–4 GFLOP/s on this product on the TypeScript float64 GEMM; on the f64x2 WebAssembly kernel
 * float64 runs at about 16, bench/README.md "Float64 GEMM", so about 3×, and the choice is kept);
 * float64 otherwise. `full` is always float64.
 *
 * @example
 * ```ts
 * resolvePrecision('auto', 'covariance', 60000, 784); // 'mixed' with the wasm backend
 * ```
 */
export function resolvePrecision(precision: PCAPrecision, solver: Exclude<PCASolver, 'auto'>, n: number, d: number): 'float64' | 'mixed' {
  if (solver === 'full' || solver === 'lanczos') return 'float64';
  if (precision !== 'auto') return precision;
  const work = solver === 'covariance' ? n * d * d : n * d * 64;
  return work >= MIXED_MIN_WORK && getBackend() === 'wasm' ? 'mixed' : 'float64';
}

/**
 * The number of components a fraction of variance asks for (scikit-learn's rule).
 *
 * @example
 * ```ts
 * countForFraction(Float64Array.of(3, 2, 1), 6, 0.7); // 2
 * ```
 */
export function countForFraction(variances: Float64Array, total: number, fraction: number): number {
  let cum = 0;
  for (let i = 0; i < variances.length; i++) {
    cum += variances[i];
    if (total > 0 && cum / total > fraction) return i + 1;
  }
  return Math.max(1, variances.length);
}

/**
 * Fits the spectrum of X with the settings' solver; throws for bad shapes or component counts.
 *
 * @example
 * ```ts
 * const sp = fitSpectrum([[1, 2], [3, 5], [4, 4]], 'PCA.fit', { nComponents: 1, solver: 'full', precision: 'auto', nOversamples: 10, nPowerIterations: 'auto', seed: 0 });
 * ```
 */
export function fitSpectrum(X: unknown, where: string, s: SolverSettings): Spectrum {
  const shape = peekShape(X);
  const [n0, d0] = shape ?? [0, 0];
  const solver = resolveSolver(s.solver, n0, d0, s.nComponents);
  if (solver === 'lanczos') throw new Error(`${where}: solver 'lanczos' runs on a linear operator (centredSpectrum in centred-spectrum.ts), not through fitSpectrum`);
  const precision = resolvePrecision(s.precision, solver, n0, d0);
  const c = loadCentred(X, where, precision === 'mixed');
  const { rows: n, cols: d } = c;
  const r = Math.min(n, d);
  const kReq = s.nComponents;
  if (kReq !== undefined && kReq >= 1 && kReq > r) {
    throw new RangeError(`${where}: nComponents must be <= min(nSamples, nFeatures) = ${r} (got ${kReq}) for X of shape ${formatShape([n, d])}`);
  }
  const total = c.sumSq / (n - 1);
  const pick = (variances: Float64Array): number =>
    kReq === undefined ? r : kReq < 1 ? Math.min(r, countForFraction(variances, total, kReq)) : kReq;
  const raw = solver === 'full' ? solveFull(c, pick)
    : solver === 'covariance' ? solveCovariance(c, pick, precision, kReq !== undefined && kReq >= 1 ? kReq : undefined)
      : solveRandomized(c, kReq ?? r, s, precision);
  const k = raw.variances.length;
  let kept = 0;
  for (let i = 0; i < k; i++) kept += raw.variances[i];
  const discarded = raw.discarded ?? total - kept;
  const noiseVariance = k < r ? Math.max(0, discarded / (r - k)) : 0;
  const singularValues = Float64Array.from(raw.variances, (v) => Math.sqrt(v * (n - 1)));
  return {
    nSamples: n, nFeatures: d, mean: c.mean, components: raw.components, explainedVariance: raw.variances,
    singularValues, totalVariance: total, noiseVariance, solver, precision,
  };
}

/**
 * Σ of values[k..r): the variances a float64 solver discards.
 *
 * @example
 * ```ts
 * tailSum(Float64Array.of(3, 2, 1), 1, 3); // 3
 * ```
 */
export function tailSum(values: Float64Array, k: number, r: number): number {
  let s = 0;
  for (let i = k; i < r; i++) s += Math.max(values[i], 0);
  return s;
}

/** Full float64 SVD of X_c (QR-reduced when tall). */
function solveFull(c: Centred, pick: (v: Float64Array) => number): RawFit {
  const { rows: n, cols: d } = c;
  const svd = thinSvd(c.data as Float64Array, n, d, false);
  const all = Float64Array.from(svd.s, (x) => (x * x) / (n - 1));
  const k = pick(all);
  return { components: svd.vt.slice(0, k * d), variances: all.slice(0, k), discarded: tailSum(all, k, all.length) };
}

/**
 * Eigendecomposition of X_cᵀX_c/(N − 1), refined by Rayleigh–Ritz in mixed precision. With an
 * integer k in mixed precision only a subspace holding the top k is needed: block subspace
 * iteration on the float32 gemm finds it (measured on 784×784: 0.1–0.3 s against 0.4 s for the
 * dense Householder + QL solver), and the dense solver remains the fallback when the spectrum
 * has no gap after k (see linalg/subspace.ts).
 */
function solveCovariance(c: Centred, pick: (v: Float64Array) => number, precision: 'float64' | 'mixed', kFixed?: number): RawFit {
  const { rows: n, cols: d } = c;
  const g = centredGram(c);
  subtractOuter(g, c.shift, d, n);
  const scale = 1 / (n - 1);
  for (let i = 0; i < g.length; i++) g[i] *= scale;
  let k = 0;
  let p = 0;
  const oversampled = (kk: number): number => Math.min(d, n, kk + Math.max(10, Math.ceil(kk / 4)));
  if (precision === 'mixed' && kFixed !== undefined && getBackend() === 'wasm') {
    // Only a subspace holding the top k is needed: subspace iteration on the float32 gemm when
    // the spectrum has a gap after k (null otherwise), then Rayleigh–Ritz on the data.
    // Its subspace is accurate enough (one float64 step ends it) that the data Rayleigh–Ritz
    // needs less oversampling than after the dense float32-Gram solve: k + max(5, k/10)
    // (measured: top-50 variances within 2e-7 of the float64 SVD on Fashion-MNIST).
    // Rounded up to a multiple of 8, the GEMM's register width, so X·V has no edge tiles.
    const pk = Math.min(d, n, Math.ceil((kFixed + Math.max(5, Math.ceil(kFixed / 10))) / 8) * 8);
    const sub = subspaceEigen(g, d, pk, kFixed);
    if (sub !== null) return rayleighRitz(c, sub.vectors, pk, kFixed);
  }
  const chooser = (values: Float64Array): number => {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
    k = pick(values);
    p = precision === 'mixed' ? oversampled(k) : k;
    return p;
  };
  const eig = symmetricEigen(g, d, chooser);
  if (precision === 'float64') {
    const discarded = tailSum(eig.values, k, Math.min(n, d));
    return { components: transpose(eig.vectors, d, k), variances: eig.values.slice(0, k), discarded };
  }
  return rayleighRitz(c, eig.vectors, p, k);
}

/** Rows per chunk of the float32 Gram: its sums in float32 never run over more rows. */
const GRAM_CHUNK = 1024;

/**
 * X̃ᵀX̃ (symmetric, float64) of the centred data. On the WebAssembly backend float32 data is
 * centred chunk by chunk into a scratch as the Gram is accumulated, so the full centred copy
 * is never written; the values are those of `gram` on that copy.
 */
function centredGram(c: Centred): Float64Array {
  const { rows: n, cols: d } = c;
  const w = getBackend() === 'wasm' && !storesFloat64(c) ? wasmGramGemm() : null;
  if (w === null || n * d * d < 2 ** 20) return gram(c.data, n, d, { chunkRows: GRAM_CHUNK });
  const out = new Float64Array(d * d);
  // On several threads the chunks are shared out, with the same bytes (kernels/threads/gram-parallel.ts).
  const threads = getThreads();
  // Data centred on the fly goes in raw, and the threads centre each chunk as they compute it.
  const raw = rawRows(c);
  const source: ChunkSource = raw === null ? (r0, m, into) => centredRows(c, r0, m, into) as Float32Array : (r0, m) => raw.data.subarray(r0 * d, (r0 + m) * d);
  if (threads > 1 && gramUpperParallel(threads, n, d, GRAM_CHUNK, source, out, raw?.centre) !== null) {
    mirrorUpper(out, d, d);
    return out;
  }
  const scratch = new Float32Array(Math.min(GRAM_CHUNK, n) * d);
  for (let r0 = 0; r0 < n; r0 += GRAM_CHUNK) {
    const m = Math.min(GRAM_CHUNK, n - r0);
    if (!gramUpperWasm(w, centredRows(c, r0, m, scratch) as Float32Array, m, d, GRAM_CHUNK, out)) {
      return gram(c.data, n, d, { chunkRows: GRAM_CHUNK });
    }
  }
  mirrorUpper(out, d, d);
  return out;
}

/** Randomized SVD; in mixed precision the float32 sketch is refined by Rayleigh–Ritz. */
function solveRandomized(c: Centred, k: number, s: SolverSettings, precision: 'float64' | 'mixed'): RawFit {
  const { rows: n, cols: d } = c;
  const nIter = s.nPowerIterations === 'auto' ? defaultPowerIterations(k, n, d) : s.nPowerIterations;
  const rng = new Rng(s.seed);
  if (precision === 'float64') {
    const t = truncatedSvd(c.data, n, d, k, s.nOversamples, nIter, rng, false);
    return { components: t.vt, variances: Float64Array.from(t.s, (x) => (x * x) / (n - 1)) };
  }
  const p = Math.min(k + s.nOversamples, n, d);
  const q = rangeFinder(c.data, n, d, p, nIter, rng);
  // Row-space basis V = orth(X_cᵀ·Q), D×p.
  const z = new Float32Array(d * p);
  gemmCore(true, false, d, p, n, 1, c.data, d, Float32Array.from(q), p, 0, z, p);
  const v = thinQ(Float64Array.from(z), d, p);
  return rayleighRitz(c, v, p, k);
}
