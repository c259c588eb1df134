/**
 * The elementary reflector shared by the QR and tridiagonal reductions.
 *
 * @module
 */

/**
 * Output slot of {@link householderInPlace}: β, the value the reflected vector keeps.
 *
 * @example
 * ```ts
 * const out: ReflectorBeta = { beta: 0 };
 * householderInPlace(x, 0, x.length, out); // out.beta = ∓‖x‖
 * ```
 */
export interface ReflectorBeta {
  beta: number;
}

/**
 * Builds H = I − τ·v·vᵀ mapping the segment x = `a[off .. off + m)` to (β, 0, …, 0), with v₀ = 1
 * and the rest of v written over x. Returns τ (0 when x is already of that form). Scaled like
 * LAPACK dlarfg, so ‖x‖ neither overflows nor underflows.
 *
 * @example
 * ```ts
 * const a = new Float64Array([3, 4]);
 * const out = { beta: 0 };
 * const tau = householderInPlace(a, 0, 2, out); // out.beta = -5, tau = 1.6, a = [1, 0.5]
 * ```
 */
export function householderInPlace(a: Float64Array, off: number, m: number, out: ReflectorBeta): number {
  const alpha = a[off];
  let scale = 0;
  for (let i = 1; i < m; i++) scale = Math.max(scale, Math.abs(a[off + i]));
  if (scale === 0) {
    out.beta = alpha;
    a[off] = 1;
    return 0;
  }
  scale = Math.max(scale, Math.abs(alpha));
  let ss = 0;
  for (let i = 1; i < m; i++) {
    const t = a[off + i] / scale;
    ss += t * t;
  }
  const as = alpha / scale;
  const norm = scale * Math.sqrt(as * as + ss);
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const inv = 1 / (alpha - beta);
  for (let i = 1; i < m; i++) a[off + i] *= inv;
  a[off] = 1;
  out.beta = beta;
  return tau;
}
