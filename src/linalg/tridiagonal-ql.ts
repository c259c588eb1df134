/**
 * Eigenvalues and selected eigenvectors of a symmetric tridiagonal matrix by the implicit QL
 * method with Wilkinson-type shifts (the EISPACK tql2 iteration, Bowdler, Martin, Reinsch &
 * Wilkinson 1968). Unchecked core: callers validate.
 *
 * tql2 accumulates every plane rotation into an n×n matrix, about 3n³ flops. Here the rotations
 * are recorded as (i, c, s) instead, and once the eigenvalues are known they are replayed, last
 * to first, on the k unit vectors of the wanted eigenvalues only: T = Z Λ Zᵀ with
 * Z = G₁G₂⋯G_R, so Z eⱼ = G₁(G₂(⋯(G_R eⱼ))). The vectors are exactly tql2's, at a cost of
 * about 6k flops per rotation instead of 6n.
 *
 * @module
 */

/** A growable log of plane rotations acting on coordinates (i, i + 1). */
class RotationLog {
  index = new Int32Array(1024);
  c = new Float64Array(1024);
  s = new Float64Array(1024);
  length = 0;

  push(i: number, c: number, s: number): void {
    if (this.length === this.index.length) this.grow();
    this.index[this.length] = i;
    this.c[this.length] = c;
    this.s[this.length] = s;
    this.length++;
  }

  private grow(): void {
    const size = this.index.length * 2;
    const index = new Int32Array(size);
    const c = new Float64Array(size);
    const s = new Float64Array(size);
    index.set(this.index);
    c.set(this.c);
    s.set(this.s);
    this.index = index;
    this.c = c;
    this.s = s;
  }
}

const EPS = 2 ** -52;
const MAX_SWEEPS_PER_VALUE = 60;

/**
 * Runs implicit QL on (d, e), both overwritten: on return `d` holds the eigenvalues in the
 * iteration's order. `log` (if given) records every rotation. Throws if an eigenvalue needs
 * more than 60 iterations, which does not happen for finite input.
 */
function ql(d: Float64Array, e: Float64Array, n: number, log: RotationLog | null): void {
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    let iter = 0;
    if (m > l) {
      do {
        if (++iter > MAX_SWEEPS_PER_VALUE) throw new Error(`tridiagonal QL: no convergence for eigenvalue ${l}`);
        // Shift from the leading 2×2 block (tql2).
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL sweep from m − 1 down to l.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (log !== null) log.push(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Eigenvalues of T and the eigenvectors of its `k` largest.
 *
 * @example
 * ```ts
 * const { values, vectors }: TridiagonalEigen = tridiagonalEigen(d, e, n, 4);
 * ```
 */
export interface TridiagonalEigen {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** n×k row-major: column q is the eigenvector of values[q]. */
  vectors: Float64Array;
}

/**
 * How many eigenvectors to compute: a count, or a function that sees all eigenvalues
 * (descending) first and returns the count (for "enough components to explain 95%").
 *
 * @example
 * ```ts
 * const enough: VectorCount = (values) => values.filter((v) => v > 1e-3 * values[0]).length;
 * ```
 */
export type VectorCount = number | ((values: Float64Array) => number);

/**
 * All eigenvalues of the symmetric tridiagonal T (diagonal `d`, off-diagonal `e`, e[i] coupling
 * i and i + 1) in descending order, and the eigenvectors of the `k` largest. Inputs are not
 * modified.
 *
 * @example
 * ```ts
 * const { values, vectors } = tridiagonalEigen(new Float64Array([2, 2]), new Float64Array([1, 0]), 2, 1);
 * // values [3, 1]; vectors [0.7071, 0.7071] (2×1)
 * ```
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, n: number, count: VectorCount): TridiagonalEigen {
  const dd = Float64Array.from(d.subarray(0, n));
  const ee = Float64Array.from(e.subarray(0, n));
  if (n > 0) ee[n - 1] = 0;
  const log = count !== 0 ? new RotationLog() : null;
  ql(dd, ee, n, log);
  const order = descendingOrder(dd);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = dd[order[i]];
  const k = Math.max(0, Math.min(n, typeof count === 'number' ? count : count(values)));
  const vectors = new Float64Array(n * k);
  for (let q = 0; q < k; q++) vectors[order[q] * k + q] = 1;
  if (log !== null) replay(log, vectors, k);
  return { values, vectors };
}

/** Indices that sort `x` descending; ties keep the lower index first (stable). */
function descendingOrder(x: Float64Array): Int32Array {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  idx.sort((a, b) => x[b] - x[a] || a - b);
  return Int32Array.from(idx);
}

/** Y ← G₁(G₂(⋯(G_R Y))) for the logged rotations; Y is n×k row-major. */
function replay(log: RotationLog, y: Float64Array, k: number): void {
  const { index, c: cs, s: ss } = log;
  for (let r = log.length - 1; r >= 0; r--) {
    const c = cs[r];
    const s = ss[r];
    const a = index[r] * k;
    const b = a + k;
    for (let q = 0; q < k; q++) {
      const yi = y[a + q];
      const yj = y[b + q];
      y[a + q] = c * yi + s * yj;
      y[b + q] = c * yj - s * yi;
    }
  }
}
