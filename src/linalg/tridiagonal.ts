/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Qᵀ, and the
 * application of Q to a block of vectors. Unchecked cores: callers validate.
 *
 * Layout: row-major n×n, only the upper triangle (c ≥ r) is read and updated. Step j reflects
 * row j beyond the diagonal, so every inner loop runs over a contiguous row. The rank-2 update
 * of step j is fused with the symmetric matrix-vector product of step j + 1 (each element of
 * the trailing matrix is loaded once per step instead of twice), which is what makes this
 * memory-bound reduction fast in JavaScript (Golub & Van Loan, 4th ed., §8.3.1, Algorithm 8.3.1,
 * reorganised by rows).
 *
 * @module
 */
import { householderInPlace } from './householder.js';
import { applyBlockReflector, formT } from './qr.js';

/**
 * The tridiagonal T (diagonal d, off-diagonal e) and the reflector scalars of Q.
 *
 * @example
 * ```ts
 * const { d, e, tau }: Tridiagonal = tridiagonalize(a, n);
 * ```
 */
export interface Tridiagonal {
  /** Diagonal of T, length n. */
  d: Float64Array;
  /** Off-diagonal of T, length n (e[i] couples i and i + 1; e[n − 1] = 0). */
  e: Float64Array;
  /** τⱼ of Hⱼ = I − τⱼ vⱼ vⱼᵀ; vⱼ is stored in row j of the matrix, from column j + 1. */
  tau: Float64Array;
}

/**
 * Reduces the symmetric matrix `a` (n×n row-major, upper triangle used, overwritten) to
 * tridiagonal form. On return row j holds vⱼ from column j + 1.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 1, 2, 1, 3, 0, 2, 0, 1]);
 * const { d, e, tau } = tridiagonalize(a, 3); // a now holds the reflectors
 * ```
 */
export function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  const w = new Float64Array(n);
  let p = new Float64Array(n);
  let pNext = new Float64Array(n);
  const hb = { beta: 0 };
  if (n === 0) return { d, e, tau };
  // First reflector and its product p = A22·v, computed on their own; later steps fuse.
  if (n > 2) {
    tau[0] = householderInPlace(a, 1, n - 1, hb);
    e[0] = hb.beta;
    symv(a, n, 1, p);
  }
  for (let j = 0; j < n - 2; j++) {
    d[j] = a[j * n + j];
    const t = tau[j];
    const v0 = j * n; // v_c = a[v0 + c] for c > j
    // w = τp − (τ²/2)(pᵀv)v with p = A22·v, so that H·A22·H = A22 − vwᵀ − wvᵀ.
    let pv = 0;
    for (let c = j + 1; c < n; c++) pv += p[c] * a[v0 + c];
    const half = 0.5 * t * t * pv;
    for (let c = j + 1; c < n; c++) w[c] = t * p[c] - half * a[v0 + c];
    // Row j + 1 first: after its update it holds the next reflector's input.
    const r1 = j + 1;
    updateRow(a, n, r1, v0, w);
    const last = j + 1 === n - 2;
    if (!last) {
      tau[j + 1] = householderInPlace(a, r1 * n + r1 + 1, n - r1 - 1, hb);
      e[j + 1] = hb.beta;
      pNext.fill(0, r1 + 1, n);
      fusedRows(a, n, j + 2, v0, w, r1 * n, pNext);
      const swap = p;
      p = pNext;
      pNext = swap;
    } else {
      updateRow(a, n, n - 1, v0, w);
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
    if (n === 2) tau[0] = 0;
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  e[n - 1] = 0;
  if (n > 2) tau[n - 2] = 0;
  return { d, e, tau };
}

/** Row r of A22 ← A22 − v wᵀ − w vᵀ (upper part, c ≥ r). */
function updateRow(a: Float64Array, n: number, r: number, v0: number, w: Float64Array): void {
  const vr = a[v0 + r];
  const wr = w[r];
  const row = r * n;
  for (let c = r; c < n; c++) a[row + c] -= vr * w[c] + wr * a[v0 + c];
}

/**
 * For rows r ≥ r0: applies the rank-2 update of the current step and, in the same pass,
 * accumulates p = A'·v' for the next reflector v' (stored at a[u0 + c], c ≥ r0).
 */
function fusedRows(a: Float64Array, n: number, r0: number, v0: number, w: Float64Array, u0: number, p: Float64Array): void {
  for (let r = r0; r < n; r++) {
    const vr = a[v0 + r];
    const wr = w[r];
    const ur = a[u0 + r];
    const row = r * n;
    const diag = a[row + r] - (vr * w[r] + wr * vr);
    a[row + r] = diag;
    let acc = diag * ur;
    for (let c = r + 1; c < n; c++) {
      const x = a[row + c] - (vr * w[c] + wr * a[v0 + c]);
      a[row + c] = x;
      acc += x * a[u0 + c];
      p[c] += x * ur;
    }
    p[r] += acc;
  }
}

/** p[c] = (A[r0:, r0:] · v)[c] for c ≥ r0, with v at row r0 − 1 from column r0 (upper storage). */
function symv(a: Float64Array, n: number, r0: number, p: Float64Array): void {
  const u0 = (r0 - 1) * n;
  p.fill(0);
  for (let r = r0; r < n; r++) {
    const row = r * n;
    const ur = a[u0 + r];
    let acc = a[row + r] * ur;
    for (let c = r + 1; c < n; c++) {
      const x = a[row + c];
      acc += x * a[u0 + c];
      p[c] += x * ur;
    }
    p[r] += acc;
  }
}

/** Reflectors per block of the back-transformation. */
const NB = 32;

/**
 * Y ← Q·Y for the Q of {@link tridiagonalize}: Y is n×k row-major. Q = H₀H₁⋯H_{n−3}, so the
 * reflectors are applied last block first; each block of NB consecutive reflectors acts as one
 * compact-WY block reflector I − V·T·Vᵀ through two gemm calls (LAPACK dormtr's scheme).
 *
 * @example
 * ```ts
 * const { d, e, tau } = tridiagonalize(a, n);
 * const { vectors } = tridiagonalEigen(d, e, n, k);
 * applyQ(a, tau, n, vectors, k); // eigenvectors of the original matrix
 * ```
 */
export function applyQ(a: Float64Array, tau: Float64Array, n: number, y: Float64Array, k: number): void {
  const last = n - 3;
  if (last < 0 || k === 0) return;
  const first = Math.floor(last / NB) * NB;
  for (let j0 = first; j0 >= 0; j0 -= NB) {
    const nb = Math.min(NB, last - j0 + 1);
    const rows = n - j0 - 1; // reflector j acts on rows j + 1 … n − 1
    const vt = new Float64Array(nb * rows);
    for (let q = 0; q < nb; q++) {
      const j = j0 + q;
      // v_j over rows j + 1 … n − 1 (v_j[j + 1] = 1 is stored), zero above.
      vt.set(a.subarray(j * n + j + 1, j * n + n), q * rows + q);
    }
    const t = formT(vt, nb, rows, tau.subarray(j0, j0 + nb));
    applyBlockReflector(vt, nb, rows, t, y.subarray((j0 + 1) * k), k, k, false);
  }
}
