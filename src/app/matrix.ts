/**
 * Dense matrices as the demo and the command line pass them around, and the few measures on
 * them both use.
 *
 * @module
 */

/**
 * A dense row-major matrix.
 *
 * @example
 * ```ts
 * const m: Matrix = { data: new Float32Array(6), shape: [2, 3] };
 * ```
 */
export interface Matrix {
  data: Float32Array | Float64Array;
  shape: [number, number];
}

/** Anything with `data` and a 2-D `shape`, e.g. a Tensor. */
type Shaped = { data: ArrayLike<number>; shape: readonly number[] };

/**
 * A `{ data, shape }` view of a 2-D result (a Tensor or a typed matrix), float32 or float64.
 *
 * @example
 * ```ts
 * asMatrix(pca.encode(X)).shape; // [n, k]
 * ```
 */
export function asMatrix(t: Shaped): Matrix {
  if (t.shape.length !== 2) throw new RangeError(`expected a 2-D result, got shape [${t.shape.join(', ')}]`);
  const data = t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
  return { data, shape: [t.shape[0], t.shape[1]] };
}

/**
 * The values of a per-row result (a Tensor, typed array or number array) as a Float64Array.
 *
 * @example
 * ```ts
 * rowValues(vae.elbo(X)); // Float64Array of n ELBOs
 * ```
 */
export function rowValues(v: ArrayLike<number> | { data: ArrayLike<number> }): Float64Array {
  const data = 'data' in v ? v.data : v;
  return Float64Array.from(data as ArrayLike<number>);
}

/**
 * Mean squared error per value between two matrices of the same shape.
 *
 * @example
 * ```ts
 * meanSquaredError(test, asMatrix(pca.reconstruct(test))); // e.g. 0.052
 * ```
 */
export function meanSquaredError(a: Matrix, b: Matrix): number {
  if (a.data.length !== b.data.length) throw new RangeError(`meanSquaredError: ${a.data.length} vs ${b.data.length} values`);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += d * d;
  }
  return s / a.data.length;
}
