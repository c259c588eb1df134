/**
 * Blocked Householder QR of a tall row-major float64 matrix (m ≥ n). Each panel of NB columns
 * is copied transposed, so its reflectors are contiguous rows, factored column by column, and
 * turned into a compact-WY block reflector I − Y·T·Yᵀ (Schreiber & Van Loan 1989; LAPACK
 * dgeqrt/dlarft). The trailing columns are then updated with two `gemm` calls, which carry
 * almost all of the 2mn² − 2n³/3 flops.
 *
 * @module
 */
import { gemmCore } from '../kernels/gemm.js';
import { householderInPlace } from './householder.js';

/** Panel width. */
const NB = 32;

/** One panel's block reflector: Q_p = I − Y·T·Yᵀ, with Y stored transposed. */
interface Panel {
  /** First column (and row) of the panel. */
  j0: number;
  /** Panel width. */
  nb: number;
  /** nb × (m − j0): row i is vᵢ (zeros before i, 1 at i). */
  yt: Float64Array;
  /** nb × nb upper triangular T. */
  t: Float64Array;
}

/**
 * The R factor and, when kept, the block reflectors that make Q.
 *
 * @example
 * ```ts
 * const f: QRFactors = householderQR(a, m, n); // f.r is n×n, applyQ(f, z, c) forms Q·[Z; 0]
 * ```
 */
export interface QRFactors {
  /** n × n upper triangular R (A = Q·R). */
  r: Float64Array;
  /** Rows of A. */
  m: number;
  /** Columns of A. */
  n: number;
  /** The block reflectors, first to last (Q = Q₀Q₁⋯). */
  panels: Panel[];
}

/**
 * Factors the m×n row-major `a` (m ≥ n), which is overwritten as workspace: A = Q·R.
 *
 * @example
 * ```ts
 * const { r } = householderQR(new Float64Array([3, 4]), 2, 1); // r = [-5]
 * ```
 */
export function householderQR(a: Float64Array, m: number, n: number): QRFactors {
  const r = new Float64Array(n * n);
  const panels: Panel[] = [];
  for (let j0 = 0; j0 < n; j0 += NB) {
    const nb = Math.min(NB, n - j0);
    const rows = m - j0;
    const yt = new Float64Array(nb * rows);
    for (let i = 0; i < rows; i++) {
      const src = (j0 + i) * n + j0;
      for (let c = 0; c < nb; c++) yt[c * rows + i] = a[src + c];
    }
    const tau = factorPanel(yt, nb, rows, r, j0, n);
    const t = formT(yt, nb, rows, tau);
    panels.push({ j0, nb, yt, t });
    const width = n - j0 - nb;
    if (width > 0) {
      // A_trail ← Q_pᵀ·A_trail = (I − Y·Tᵀ·Yᵀ)·A_trail.
      applyBlockReflector(yt, nb, rows, t, a.subarray(j0 * n + j0 + nb), width, n, true);
      for (let i = 0; i < nb; i++) {
        const src = (j0 + i) * n + j0 + nb;
        r.set(a.subarray(src, src + width), (j0 + i) * n + j0 + nb);
      }
    }
  }
  return { r, m, n, panels };
}

/**
 * Householder QR of the transposed panel (row c is column c of the panel). Writes the panel's
 * block of R into `r`, leaves vᵢ in row i, and returns the τᵢ.
 */
function factorPanel(yt: Float64Array, nb: number, rows: number, r: Float64Array, j0: number, n: number): Float64Array {
  const tau = new Float64Array(nb);
  const hb = { beta: 0 };
  for (let i = 0; i < nb && i < rows; i++) {
    const vi = i * rows;
    tau[i] = householderInPlace(yt, vi + i, rows - i, hb);
    r[(j0 + i) * n + j0 + i] = hb.beta;
    const ti = tau[i];
    for (let c = i + 1; c < nb; c++) {
      const rc = c * rows;
      if (ti !== 0) {
        let s = 0;
        for (let p = i; p < rows; p++) s += yt[vi + p] * yt[rc + p];
        s *= ti;
        for (let p = i; p < rows; p++) yt[rc + p] -= s * yt[vi + p];
      }
      r[(j0 + i) * n + j0 + c] = yt[rc + i];
    }
  }
  // vᵢ is zero before position i; clear the R entries that shared those slots.
  for (let c = 0; c < nb; c++) yt.fill(0, c * rows, c * rows + Math.min(c, rows));
  return tau;
}

/**
 * T of the compact WY form H₀H₁⋯H_{nb−1} = I − Y·T·Yᵀ (forward, column-wise; LAPACK dlarft).
 * `yt` holds the reflectors as rows (nb × rows), `tau` their scalars.
 *
 * @example
 * ```ts
 * const t = formT(yt, nb, rows, tau); // nb×nb upper triangular
 * ```
 */
export function formT(yt: Float64Array, nb: number, rows: number, tau: Float64Array): Float64Array {
  const g = new Float64Array(nb * nb);
  gemmCore(false, true, nb, nb, rows, 1, yt, rows, yt, rows, 0, g, nb);
  const t = new Float64Array(nb * nb);
  for (let i = 0; i < nb; i++) {
    t[i * nb + i] = tau[i];
    // T[0:i, i] = −τᵢ·T[0:i, 0:i]·(Y[:, 0:i]ᵀ·vᵢ)
    for (let p = 0; p < i; p++) {
      let s = 0;
      for (let q = p; q < i; q++) s += t[p * nb + q] * g[q * nb + i];
      t[p * nb + i] = -tau[i] * s;
    }
  }
  return t;
}

/** W ← Tᵀ·W for upper triangular T (nb×nb) and W (nb×width), in place (bottom row first). */
function triangularTransposeTimes(t: Float64Array, nb: number, w: Float64Array, width: number): void {
  for (let i = nb - 1; i >= 0; i--) {
    const tii = t[i * nb + i];
    const wi = i * width;
    for (let c = 0; c < width; c++) w[wi + c] *= tii;
    for (let p = 0; p < i; p++) {
      const tpi = t[p * nb + i];
      if (tpi === 0) continue;
      const wp = p * width;
      for (let c = 0; c < width; c++) w[wi + c] += tpi * w[wp + c];
    }
  }
}

/** W ← T·W for upper triangular T, in place (top row first). */
function triangularTimes(t: Float64Array, nb: number, w: Float64Array, width: number): void {
  for (let i = 0; i < nb; i++) {
    const wi = i * width;
    const tii = t[i * nb + i];
    for (let c = 0; c < width; c++) w[wi + c] *= tii;
    for (let p = i + 1; p < nb; p++) {
      const tip = t[i * nb + p];
      if (tip === 0) continue;
      const wp = p * width;
      for (let c = 0; c < width; c++) w[wi + c] += tip * w[wp + c];
    }
  }
}

/**
 * Z ← (I − Y·T·Yᵀ)·Z, or with Tᵀ when `transposeT` (that is, the transpose of the block
 * reflector), for Z of `rows` × `width` with row stride `ldz`: two gemm calls and a triangular
 * product. `yt` holds Y transposed (nb × rows).
 *
 * @example
 * ```ts
 * applyBlockReflector(yt, nb, rows, t, z, width, width, false); // Z ← Q_block·Z
 * ```
 */
export function applyBlockReflector(
  yt: Float64Array, nb: number, rows: number, t: Float64Array, z: Float64Array, width: number, ldz: number, transposeT: boolean,
): void {
  const w = new Float64Array(nb * width);
  gemmCore(false, false, nb, width, rows, 1, yt, rows, z, ldz, 0, w, width);
  if (transposeT) triangularTransposeTimes(t, nb, w, width);
  else triangularTimes(t, nb, w, width);
  gemmCore(true, false, rows, width, nb, -1, yt, rows, w, width, 1, z, ldz);
}

/**
 * Q·[Z; 0] for the Q of {@link householderQR}: `z` is n×c, the result is a new m×c array.
 * With Z = I this is the thin Q.
 *
 * @example
 * ```ts
 * const f = householderQR(new Float64Array([3, 4]), 2, 1);
 * applyQ(f, new Float64Array([1]), 1); // [-0.6, -0.8]
 * ```
 */
export function applyQ(f: QRFactors, z: Float64Array, c: number): Float64Array {
  const { m, n, panels } = f;
  const out = new Float64Array(m * c);
  out.set(z.subarray(0, n * c));
  for (let p = panels.length - 1; p >= 0; p--) {
    const { j0, nb, yt, t } = panels[p];
    applyBlockReflector(yt, nb, m - j0, t, out.subarray(j0 * c), c, c, false);
  }
  return out;
}

/**
 * The thin orthonormal factor Q (m×n) of a tall m×n matrix; `a` is overwritten.
 *
 * @example
 * ```ts
 * thinQ(new Float64Array([3, 4]), 2, 1); // [-0.6, -0.8]
 * ```
 */
export function thinQ(a: Float64Array, m: number, n: number): Float64Array {
  const f = householderQR(a, m, n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return applyQ(f, eye, n);
}
