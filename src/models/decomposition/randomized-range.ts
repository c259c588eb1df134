/**
 * Randomized truncated SVD of a {@link DataOperator}, the algorithm of scikit-learn's
 * `randomized_svd` (Halko, Martinsson & Tropp 2011, Algorithm 4.4 with power iterations):
 * work on Xᵀ when X has fewer rows than columns; Q = range of X·Ω for a Gaussian Ω with
 * k + nOversamples columns, refined by nIter power iterations, each pass normalised by the
 * chosen normaliser ('auto': none for nIter ≤ 2, else LU with partial pivoting; 'QR';
 * 'none'); then the SVD of the small B = Qᵀ·X. The Gaussian draws come from latent-ts's own
 * seeded {@link Rng}, so values agree with scikit-learn's to the accuracy of the method, not
 * bit for bit.
 *
 * @module
 */
import { thinQ } from '../../linalg/qr.js';
import { thinSvd } from '../../linalg/svd.js';
import type { Rng } from '../../random/rng.js';
import { transposed, type DataOperator } from './linear-operator.js';

/**
 * How each power iteration re-normalises its block (scikit-learn's `power_iteration_normalizer`).
 *
 * @example
 * ```ts
 * new TruncatedSVD({ nComponents: 10, powerIterationNormalizer: 'QR' });
 * ```
 */
export type PowerIterationNormalizer = 'auto' | 'QR' | 'LU' | 'none';

/** The leading k singular triplets: vt k×cols (rows of Vᵀ), s descending, u rows×k. */
export interface Triplets {
  s: Float64Array;
  vt: Float64Array;
  u: Float64Array;
}

/**
 * P·L of the LU factorisation with partial pivoting of the m×p matrix `a` (m ≥ p), as SciPy's
 * `lu(a, permute_l=True)`: unit lower-trapezoidal L with its rows permuted back, m×p.
 */
export function permutedL(a: Float64Array, m: number, p: number): Float64Array {
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  const pos = new Int32Array(m).fill(p); // position of each row in perm, p once past the pivots
  for (let j = 0; j < Math.min(m, p); j++) {
    let best = j;
    let bestAbs = -1;
    for (let r = j; r < m; r++) {
      const v = Math.abs(a[perm[r] * p + j]);
      if (v > bestAbs) {
        bestAbs = v;
        best = r;
      }
    }
    const t = perm[j];
    perm[j] = perm[best];
    perm[best] = t;
    const pr = perm[j];
    pos[pr] = j;
    const piv = a[pr * p + j];
    if (piv === 0) continue;
    for (let r = j + 1; r < m; r++) {
      const row = perm[r];
      const l = a[row * p + j] / piv;
      a[row * p + j] = l;
      if (l !== 0) for (let c = j + 1; c < p; c++) a[row * p + c] -= l * a[pr * p + c];
    }
  }
  const out = new Float64Array(m * p);
  for (let row = 0; row < m; row++) {
    const t = pos[row];
    for (let c = 0; c < p; c++) out[row * p + c] = c < t ? a[row * p + c] : c === t ? 1 : 0;
  }
  return out;
}

/**
 * The k leading singular triplets of X by randomized SVD, options as scikit-learn's
 * `randomized_svd`. Signs are not fixed here (the caller applies its convention).
 */
export function randomizedTriplets(
  X: DataOperator, k: number, nOversamples: number, nIter: number, normalizer: PowerIterationNormalizer, rng: Rng,
): Triplets {
  const flip = X.rows < X.cols;
  const A = flip ? transposed(X) : X;
  const m = A.rows;
  const n = A.cols;
  const size = Math.min(k + nOversamples, n);
  const norm = normalizer === 'auto' ? (nIter <= 2 ? 'none' : 'LU') : normalizer;
  const apply = (y: Float64Array, rows: number): Float64Array => (norm === 'LU' ? permutedL(y, rows, size) : norm === 'QR' ? thinQ(y, rows, size) : y);
  let q: Float64Array = new Float64Array(n * size);
  rng.fillNormal(q);
  for (let it = 0; it < nIter; it++) {
    q = apply(A.mul(q, size), m);
    q = apply(A.mulT(q, size), n);
  }
  const Q = thinQ(A.mul(q, size), m, size); // m×size
  // B = Qᵀ·A (size×n), formed as (Aᵀ·Q)ᵀ.
  const bt = A.mulT(Q, size); // n×size
  const b = new Float64Array(size * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) b[j * n + i] = bt[i * size + j];
  const small = thinSvd(b, size, n, true); // u size×size, vt size×n
  const ub = small.u as Float64Array;
  // U = Q·U_B (m×k), keeping k columns.
  const u = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += Q[i * size + t] * ub[t * size + c];
      u[i * k + c] = s;
    }
  }
  const s = small.s.slice(0, k);
  const vt = small.vt.slice(0, k * n);
  if (!flip) return { s, vt, u };
  // X = Aᵀ: its right vectors are A's left ones and vice versa.
  const vtX = new Float64Array(k * m);
  for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) vtX[c * m + i] = u[i * k + c];
  const uX = new Float64Array(n * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < n; j++) uX[j * k + c] = vt[c * n + j];
  return { s, vt: vtX, u: uX };
}
