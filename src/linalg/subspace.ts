/**
 * Leading eigenvectors of a symmetric positive semi-definite matrix by block subspace iteration
 * on the float32 `gemm` (Rutishauser's simultaneous iteration with a final Rayleigh–Ritz step;
 * Saad, Numerical Methods for Large Eigenvalue Problems, 2nd ed., §5.2). For the PCA covariance
 * solver: a subspace that holds the top eigenvectors to about float32 accuracy, which the
 * float64 Rayleigh–Ritz step on the data then refines.
 *
 * Each iteration is W = A·V (float32 SIMD gemm) and an orthonormalisation of W by shifted
 * Cholesky QR3, also on the float32 gemm (W's condition number is about λ₁/λ_m, so plain
 * Cholesky QR in float32 would fail). After q iterations the angle between the i-th eigenvector and span(V) is about
 * (λ_{m+1}/λᵢ)^q times its initial value (Saad, Theorem 5.2), so the iteration count follows
 * from Ritz value estimates of that ratio. When the ratio is too close to 1 (no gap between the
 * wanted eigenvalues and the rest of the block), or the block is rank deficient, the function
 * gives up and returns null: the caller then uses the dense eigensolver.
 *
 * @module
 */
import { gemmCore } from '../kernels/gemm.js';
import { residentBlock } from '../kernels/threads/resident-f32.js';
import { getThreads } from '../kernels/threads/threads.js';
import { Rng } from '../random/rng.js';
import { choleskyInPlace } from './cholesky.js';
import { symmetricEigen } from './eigh.js';
import { fixColumnSigns } from './matrix.js';

/**
 * Options of {@link subspaceEigen}.
 *
 * @example
 * ```ts
 * subspaceEigen(a, n, 63, 50, { extra: 64, maxIter: 40 });
 * ```
 */
export interface SubspaceOptions {
  /** Block size beyond the p wanted vectors. Default 64. */
  extra?: number;
  /** Give up (return null) when the estimated iteration count exceeds this. Default 40. */
  maxIter?: number;
  /** Target reduction of the initial angles of the top k eigenvectors. Default 1e-7. */
  tol?: number;
  /** Seed of the Gaussian start block. Default 0x5eed. */
  seed?: number;
}

/**
 * The top p Ritz pairs of a subspace iteration.
 *
 * @example
 * ```ts
 * const r: SubspaceEigen | null = subspaceEigen(a, n, 63, 50);
 * ```
 */
export interface SubspaceEigen {
  /** The p largest Ritz values, descending. */
  values: Float64Array;
  /**
   * n×p row-major: a basis of the subspace, unit columns in descending Ritz order, each
   * sign-fixed, orthogonal only to about 1e-4 (the last step is one float64 multiplication by
   * A); callers finish with a Rayleigh–Ritz step that allows a non-orthonormal basis.
   */
  vectors: Float64Array;
  /** Iterations run. */
  iterations: number;
}

/**
 * Approximate leading eigenpairs of the symmetric positive semi-definite n×n matrix `a`
 * (row-major, float64, not modified): the top p Ritz pairs of a block of m = p + extra vectors,
 * iterated until the top k eigenvectors are converged to the tolerance, or null when the block
 * offers no usable gap, is rank deficient, or m is not small next to n (dense is cheaper then).
 * Deterministic: a fixed seed and a fixed sequence of operations.
 *
 * @example
 * ```ts
 * const r = subspaceEigen(cov, 784, 63, 50);
 * if (r === null) { ... dense fallback ... }
 * ```
 */
export function subspaceEigen(a: Float64Array, n: number, p: number, k: number, options: SubspaceOptions = {}): SubspaceEigen | null {
  const m = Math.min(n, p + (options.extra ?? 32));
  const maxIter = options.maxIter ?? 40;
  const tol = options.tol ?? 1e-6;
  if (k < 1 || p < k || 3 * m > n) return null;
  // On threads every float32 array of the iteration lives in the shared pool's memory, so the
  // products run on the threads in place (kernels/threads/resident-f32.ts); the same bytes.
  const lengths = [n * n, n * m, n * m, m * m, m * m, m * m, m * m, n * p, n * p, p * p, p * p];
  const block = getThreads() > 1 ? residentBlock(getThreads(), lengths) : null;
  const [a32, v, w, h32, y32, s32, t32, vp, wp, s32p, t32p] = block?.arrays ?? lengths.map((l) => new Float32Array(l));
  const mul: Product = block === null ? gemmCore : block.gemm;
  for (let i = 0; i < n * n; i++) a32[i] = a[i];
  const rng = new Rng(options.seed ?? 0x5eed);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  const ws = new Workspace(m, s32, t32, mul);
  if (!orthonormalise(v, w, n, m, ws, 3)) return null;
  v.set(w);
  const h = new Float64Array(m * m);
  let need = maxIter;
  for (let q = 1; ; q++) {
    // One power step with Rayleigh–Ritz: W = A·V, H = VᵀW = YΘYᵀ, then V ← orth(W·Y·Θ⁻¹).
    // The columns of W·Y are nearly A's eigenvectors times θᵢ, so after scaling each column
    // to unit norm the basis is well conditioned and float32 keeps every direction to its own
    // relative precision (without the rotation, the small directions of W would only be
    // known to float32 precision relative to λ₁).
    mul(false, false, n, m, n, 1, a32, n, v, m, 0, w, m);
    if (q % CHECK_EVERY !== 0 && q < need) {
      // A plain power step: only the span matters until the next Ritz step.
      if (!orthonormalise(w, v, n, m, ws, 2)) return null;
      continue;
    }
    mul(true, false, m, m, n, 1, v, m, w, m, 0, h32, m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) h[i * m + j] = 0.5 * (h32[i * m + j] + h32[j * m + i]);
    const eig = symmetricEigen(h, m, m);
    const theta = eig.values;
    if (!(theta[m - 1] > 0)) return null; // rank deficient block: dense
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) y32[i * m + j] = eig.vectors[i * m + j] / theta[j];
    mul(false, false, n, m, m, 1, w, m, y32, m, 0, v, m);
    if (q % CHECK_EVERY === 0) {
      // After q steps the top-k angles shrink like ρ^q, ρ = λ_{m+1}/λ_k ≤ θ_m/θ_k (estimate).
      const rho = theta[m - 1] / theta[k - 1];
      need = rho >= 1 ? Infinity : Math.ceil((1.25 * Math.log(tol)) / Math.log(rho));
      if (!(need <= maxIter)) return null;
    }
    if (q >= need) {
      // v = W·Y·Θ⁻¹: columns in descending Ritz order; orthonormalise the first p.
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) vp[i * p + j] = v[i * m + j];
      if (!orthonormalise(vp, wp, n, p, new Workspace(p, s32p, t32p, mul), 2)) return null;
      // One float64 step, A·Vp, removes the float32 accumulation error of A·V (about
      // 2⁻²⁴·√n·‖A‖ per entry, large next to small eigenvalue gaps) from the basis.
      const vectors = new Float64Array(n * p);
      gemmCore(false, false, n, p, n, 1, a, n, Float64Array.from(wp), p, 0, vectors, p);
      normaliseColumns(vectors, n, p);
      fixColumnSigns(vectors, n, p);
      return { values: theta.slice(0, p), vectors, iterations: q };
    }
    // The scaled columns are nearly orthonormal: one plain Cholesky QR pass suffices, and the
    // shifted pair is the fallback.
    if (cholPass(v, w, n, m, ws, 0)) v.set(w);
    else if (orthonormalise(v, w, n, m, ws, 2)) v.set(w);
    else return null;
  }
}

/**
 * Iterations between Rayleigh–Ritz steps (and estimates of the convergence ratio). Between
 * them each step only re-orthonormalises, which costs a quarter of the m×m eigensolve.
 */
const CHECK_EVERY = 4;

/** The float32 product the iteration uses: `gemmCore`, or a resident block's (same arguments, same bytes). */
type Product = (
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
) => unknown;

/** Scratch arrays of the orthonormalisation (s32, t32: m×m) and the product that runs it. */
class Workspace {
  readonly s: Float64Array;
  constructor(m: number, readonly s32: Float32Array, readonly t32: Float32Array, readonly mul: Product) {
    this.s = new Float64Array(m * m);
  }
}

/** Relative diagonal shift of the first Cholesky QR pass (shifted CholeskyQR3). */
const SHIFT = 1e-5;

/**
 * out ← a basis of span(x) for n×m x by shifted Cholesky QR (Fukaya, Kannan, Nakatsukasa,
 * Yamamoto & Yanagisawa, SIAM J. Sci. Comput. 42, 2020), Gram matrices and products on the
 * float32 gemm: the first pass factors XᵀX + s·I with s = 10⁻⁵·tr(XᵀX), so it succeeds however
 * ill-conditioned x is and leaves a basis of condition number at most about 300; each further
 * plain pass squares the distance from orthonormality (`passes` = 3: orthonormal to float32
 * accuracy; 2 is enough between power steps). Every pass is an invertible change of basis, so
 * the span is kept. x is overwritten. False when a Gram matrix is not positive definite.
 */
function orthonormalise(x: Float32Array, out: Float32Array, n: number, m: number, ws: Workspace, passes: number): boolean {
  let src = x;
  let dst = out;
  for (let pass = 0; pass < passes; pass++) {
    if (!cholPass(src, dst, n, m, ws, pass === 0 ? SHIFT : 0)) return false;
    [src, dst] = [dst, src];
  }
  if (src !== out) out.set(src);
  return true;
}

/** dst ← src·R⁻¹ for RᵀR = srcᵀ·src + shift·tr·I. */
function cholPass(src: Float32Array, dst: Float32Array, n: number, m: number, ws: Workspace, shift: number): boolean {
  const { s, s32, t32, mul } = ws;
  mul(true, false, m, m, n, 1, src, m, src, m, 0, s32, m);
  let tr = 0;
  for (let i = 0; i < m; i++) tr += s32[i * m + i];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) s[i * m + j] = 0.5 * (s32[i * m + j] + s32[j * m + i]);
  for (let i = 0; i < m; i++) s[i * m + i] += shift * tr;
  if (!inverseCholeskyFactor(s, m, t32)) return false;
  mul(false, false, n, m, m, 1, src, m, t32, m, 0, dst, m);
  return true;
}

/** t ← L⁻ᵀ (upper triangular, float32) for S = L·Lᵀ; s is overwritten. False unless S > 0. */
function inverseCholeskyFactor(s: Float64Array, m: number, t: Float32Array): boolean {
  if (choleskyInPlace(s, m) >= 0) return false;
  // L⁻¹ row by row: row i = (eᵢ − Σ_{q<i} L[i,q]·row q of L⁻¹)/L[i,i], contiguous axpys.
  const inv = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let q = 0; q < i; q++) {
      const f = s[ri + q];
      const rq = q * m;
      for (let j = 0; j <= q; j++) inv[ri + j] -= f * inv[rq + j];
    }
    const r = 1 / s[ri + i];
    for (let j = 0; j < i; j++) inv[ri + j] *= r;
    inv[ri + i] = r;
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) t[i * m + j] = j >= i ? inv[j * m + i] : 0;
  return true;
}

/** Scales each column of the n×p row-major x to unit norm. */
function normaliseColumns(x: Float64Array, n: number, p: number): void {
  const ss = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) ss[j] += x[i * p + j] ** 2;
  for (let j = 0; j < p; j++) ss[j] = ss[j] > 0 ? 1 / Math.sqrt(ss[j]) : 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] *= ss[j];
}
