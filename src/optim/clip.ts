import { NonFiniteError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertNumber } from '../validate.js';
import { getBackend } from '../kernels/backend.js';
import { sumOfSquaresWasm, sumsOfSquaresShared } from '../kernels/wasm/sum-squares.js';

function tensorsOf(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>): Iterable<Tensor> {
  return params instanceof Map ? (params as ReadonlyMap<string, Tensor>).values() : (params as Iterable<Tensor>);
}

/** Below this many elements the TypeScript loop beats copying into WebAssembly memory. */
const WASM_MIN = 4096;

/**
 * Σ x², four independent accumulators (the add latency, not the loads, bounds a single chain).
 * Large float32 arrays on the `'wasm'` backend take the SIMD kernel, which adds in the same
 * order and returns the same bits.
 */
export function sumOfSquares(x: Float32Array | Float64Array): number {
  if (x instanceof Float32Array && x.length >= WASM_MIN && getBackend() === 'wasm') {
    const s = sumOfSquaresWasm(x);
    if (s !== null) return s;
  }
  return sumOfSquaresJs(x);
}

/** The TypeScript loop behind {@link sumOfSquares}. */
export function sumOfSquaresJs(x: Float32Array | Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = x.length - (x.length % 4);
  for (let i = 0; i < n4; i += 4) {
    const a = x[i];
    const b = x[i + 1];
    const c = x[i + 2];
    const d = x[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (let i = n4; i < x.length; i++) s0 += x[i] * x[i];
  return s0 + s1 + s2 + s3;
}

/**
 * The global L2 norm of the gradients of `params` (those with a gradient), accumulated in
 * double. NaN or ±Infinity when some gradient is not finite.
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = gradNorm(model.parameters());
 * ```
 */
export function gradNorm(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>): number {
  const grads: Array<Float32Array | Float64Array> = [];
  for (const p of tensorsOf(params)) {
    const g = p.grad?.data;
    if (g !== undefined) grads.push(g);
  }
  // A fit's gradients in a threaded arena: one array per thread at a time, the same sums.
  const shared = getBackend() === 'wasm' && grads.every((g) => g instanceof Float32Array) ? sumsOfSquaresShared(grads as Float32Array[]) : null;
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += shared?.[i] ?? sumOfSquares(grads[i]);
  return Math.sqrt(s);
}

/**
 * Options of {@link clipGradNorm}.
 *
 * @example
 * ```ts
 * const normBefore = clipGradNorm(mlp.parameters(), 1.0, { errorIfNonfinite: true });
 * ```
 */
export interface ClipOptions {
  /** Throw a NonFiniteError when the norm is NaN or infinite (PyTorch `error_if_nonfinite`). Default true. */
  errorIfNonfinite?: boolean;
  /** The norm, when already computed (saves a pass). */
  norm?: number;
}

/**
 * Scales all gradients by one factor so that their global L2 norm is at most `maxNorm`
 * (PyTorch's `clip_grad_norm_`: factor maxNorm/(norm + 1e-6) when below 1; a no-op otherwise).
 * Returns the norm before clipping.
 *
 * @example
 * ```ts
 * loss.backward();
 * const before = clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(params: ReadonlyMap<string, Tensor> | Iterable<Tensor>, maxNorm: number, options: ClipOptions = {}): number {
  assertNumber(maxNorm, 'maxNorm', 'clipGradNorm', { min: 0, minExclusive: true });
  const list = [...tensorsOf(params)];
  const norm = options.norm ?? gradNorm(list);
  if (!Number.isFinite(norm)) {
    if (options.errorIfNonfinite ?? true) throw new NonFiniteError(`clipGradNorm: the total gradient norm is ${norm}`);
    return norm;
  }
  const factor = maxNorm / (norm + 1e-6);
  if (factor >= 1) return norm;
  for (const p of list) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    for (let i = 0; i < g.length; i++) g[i] *= factor;
  }
  return norm;
}
