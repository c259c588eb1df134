/**
 * The large-input path of the transforms of {@link PCA}, {@link IncrementalPCA}, {@link PPCA} and
 * {@link FactorAnalysis}: ((X ⊘ s) − 1mᵀ)·op(B) with X read, checked and centred by the threads
 * themselves (kernels/threads/centred-product-f64.ts), for the bytes of the one-thread path
 * (toMatrix, the centring loop, then `gemmCore`). Null sends the caller down that path: one
 * thread, an input that is not a float32 or float64 `{ data, shape }` of the fitted width (nested
 * arrays, other typed arrays, a sparse matrix, a wrong shape, whose errors that path reports), a
 * small product, or a value that is not finite (that path then names it, as before).
 *
 * @module
 */
import { getBackend } from '../../kernels/backend.js';
import { PARALLEL_TRANSFORM, centredProductParallelF64 } from '../../kernels/threads/centred-product-f64.js';
import { getThreads } from '../../kernels/threads/threads.js';
import { CsrMatrix } from '../../sparse/csr.js';

/**
 * Z = ((X ⊘ s) − 1mᵀ)·op(B), rows × k, on the thread pool, or null (see the module comment).
 * `b` is k × d (op(B) = Bᵀ) when `transB`, else d × k; `scale` null for none.
 *
 * @example
 * ```ts
 * const z = pooledCentredProduct(X, d, mean, null, components, true, k); // PCA's scores, or null
 * ```
 */
export function pooledCentredProduct(
  X: unknown, d: number, mean: Float64Array, scale: Float64Array | null, b: Float64Array, transB: boolean, k: number,
): { z: Float64Array; rows: number } | null {
  if (X instanceof CsrMatrix || X === null || typeof X !== 'object' || Array.isArray(X)) return null;
  const { data, shape } = X as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array || data instanceof Float64Array) || !Array.isArray(shape) || shape.length !== 2) return null;
  const [rows, cols] = shape as unknown[];
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || cols !== d || data.length !== rows * d) return null;
  if (rows * d * k < PARALLEL_TRANSFORM || getBackend() !== 'wasm') return null;
  const threads = getThreads();
  if (threads < 2) return null;
  const out = centredProductParallelF64(threads, { x: data, rows, cols: d, mean, scale, b, transB, k });
  return out === null || !('z' in out) ? null : { z: out.z, rows };
}
