import type { FloatArray } from '../validate.js';
import { Tensor } from '../tensor/tensor.js';

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
 * One differentiable primitive: forward and backward side by side. Backward returns one
 * gradient per input, shaped like that input, or null where `needsGrad[i]` is false.
 */
export interface OpDef<A, S = unknown> {
  readonly name: string;
  forward(inputs: readonly RawTensor[], attrs: A): ForwardResult<S>;
  backward(gradOut: FloatArray, ctx: BackwardContext<A, S>): (FloatArray | null)[];
}

/** The graph record a recorded output keeps: how it was made. */
export interface GraphNode {
  readonly op: OpDef<unknown, unknown>;
  readonly inputs: readonly Tensor[];
  readonly ctx: BackwardContext<unknown, unknown>;
}

/** Lets a family file declare an op with precise attribute and saved types. */
export function defineOp<A, S>(def: OpDef<A, S>): OpDef<A, S> {
  return def;
}

/** A new array of the same storage type as `like`. */
export function allocLike(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function promote(t: Tensor, wide: boolean): RawTensor {
  if (!wide || t.data instanceof Float64Array) return t;
  return { data: Float64Array.from(t.data), shape: t.shape };
}

/**
 * Runs `op` eagerly and, when some input requires a gradient, links the output to a graph
 * node. Mixed float32/float64 inputs compute in float64.
 */
export function apply<A, S>(op: OpDef<A, S>, inputs: readonly Tensor[], attrs: A): Tensor {
  const wide = inputs.some((t) => t.data instanceof Float64Array);
  const raw = inputs.map((t) => promote(t, wide));
  const { data, shape, saved } = op.forward(raw, attrs);
  const record = inputs.some((t) => t.requiresGrad);
  const out = new Tensor(data, shape, { requiresGrad: record });
  if (record) {
    const ctx: BackwardContext<A, S> = {
      inputs: raw, out: { data, shape }, attrs, saved, needsGrad: inputs.map((t) => t.requiresGrad),
    };
    out.node = { op: op as OpDef<unknown, unknown>, inputs, ctx: ctx as BackwardContext<unknown, unknown> };
  }
  return out;
}
