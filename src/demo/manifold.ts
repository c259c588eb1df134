/**
 * The latent grid decoded into the "learned manifold" picture: points of a 2-D latent plane
 * spaced by the inverse normal CDF, so that equal areas of the N(0, I) prior get equal cells
 * (Kingma & Welling 2014, figure 4).
 *
 * @module
 */

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1).
 *
 * @throws RangeError for p outside (0, 1).
 * @example
 * ```ts
 * inverseNormalCdf(0.975); // 1.95996...
 * ```
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormalCdf: p must be in (0, 1) (got ${p})`);
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  if (p > 1 - P_LOW) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q)
    / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/**
 * A `side × side` grid of 2-D latent points as a `[side², 2]` row-major array: coordinate i
 * along each axis is Φ⁻¹((i + ½) / side). Rows of the grid run from high z₂ (top) to low z₂, and
 * columns from low z₁ (left) to high z₁, so an image grid drawn in row order reads like a plot.
 *
 * @example
 * ```ts
 * const Z = latentGrid(20);          // 400 points, ±1.96 at the edges
 * const images = vae.decode({ data: Z, shape: [400, 2] });
 * ```
 */
export function latentGrid(side: number): Float32Array {
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`latentGrid: side must be a positive integer (got ${side})`);
  const ticks = Array.from({ length: side }, (_, i) => inverseNormalCdf((i + 0.5) / side));
  const out = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const k = (r * side + c) * 2;
      out[k] = ticks[c];
      out[k + 1] = ticks[side - 1 - r];
    }
  }
  return out;
}
