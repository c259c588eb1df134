import type { FloatArray } from '../validate.js';
import { currentWorkspace } from './workspace.js';

/** The raw view of a tensor that forward and backward work on: storage and shape. */
export interface RawTensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
}

/** What a forward pass returns: the output and whatever its backward needs. */
export interface ForwardResult<S> {
  data: FloatArray;
  shape: number[];
  saved: S;
}

/** Everything a backward pass may read. `needsGrad[i]` lets it skip gradients nobody wants. */
export interface BackwardContext<A, S> {
  readonly inputs: readonly RawTensor[];
  readonly out: RawTensor;
  readonly attrs: A;
  readonly saved: S;
  readonly needsGrad: readonly boolean[];
}

/**
 * Per input, a buffer backward may write its gradient into instead of returning a new array, or
 * null. The engine offers a leaf's existing `grad` when that leaf receives no other
 * contribution, so a weight gradient costs no allocation and no extra pass. By default the
 * gradient is added (`+=`, e.g. a gemm with β = 1); with `replace` the buffer's old content is
 * discarded (β = 0), which the trainer uses instead of zeroing the buffers between steps.
 */
export type GradTargets = readonly (FloatArray | null)[] & { readonly replace?: boolean };

/**
 * One differentiable primitive: forward and backward side by side. Backward returns one
 * gradient per input, shaped like that input, or null where `needsGrad[i]` is false. Where it
 * wrote into `into[i]` it returns that very array, which tells the engine the gradient is in.
 */
export interface OpDef<A, S = unknown> {
  readonly name: string;
  forward(inputs: readonly RawTensor[], attrs: A): ForwardResult<S>;
  backward(gradOut: FloatArray, ctx: BackwardContext<A, S>, into?: GradTargets): (FloatArray | null)[];
}

/** Lets a family file declare an op with precise attribute and saved types. */
export function defineOp<A, S>(def: OpDef<A, S>): OpDef<A, S> {
  return def;
}

/**
 * A zeroed array of the same storage type as `like`: new, or recycled from the current
 * training step's workspace (see workspace.ts).
 */
export function allocLike(like: FloatArray, n: number): FloatArray {
  const ws = currentWorkspace();
  if (ws !== null) return ws.alloc(like instanceof Float64Array, n);
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Like {@link allocLike}, but a recycled array is not cleared first: only for an output whose
 * every element the caller writes before anything reads it (a product with β = 0, a
 * row-by-row fill), where the clearing would be a wasted pass over memory.
 */
export function allocOutputLike(like: FloatArray, n: number): FloatArray {
  const ws = currentWorkspace();
  if (ws !== null) return ws.alloc(like instanceof Float64Array, n, false);
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Where the product gradient for input k goes: into the engine's target (β = 1 to add, β = 0
 * when the target is to be replaced), or into a new array (β = 0).
 */
export function productInto(into: GradTargets | undefined, k: number, size: number, like: FloatArray): { c: FloatArray; beta: number } {
  const target = into?.[k];
  if (!target) return { c: allocOutputLike(like, size), beta: 0 };
  return { c: target, beta: into!.replace ? 0 : 1 };
}

/**
 * Puts a double-accumulated gradient v into the engine's target t: t += v with v first rounded
 * to the storage type of `like` (the gradient's), the same bits as storing v into
 * `allocLike(like)` and adding that array afterwards; with `replace`, t = v.
 */
export function addRounded(t: FloatArray, v: Float64Array, like: FloatArray, replace = false): void {
  const f32 = like instanceof Float32Array;
  if (replace) for (let j = 0; j < t.length; j++) t[j] = f32 ? Math.fround(v[j]) : v[j];
  else if (f32) for (let j = 0; j < t.length; j++) t[j] += Math.fround(v[j]);
  else for (let j = 0; j < t.length; j++) t[j] += v[j];
}
