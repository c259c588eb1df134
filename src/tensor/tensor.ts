import { ShapeError, describeValue, formatShape } from '../errors.js';
import type { Rng } from '../random/rng.js';
import type { FloatArray } from '../validate.js';
import type { BackwardContext, OpDef } from '../autodiff/op.js';
import { backward } from '../autodiff/graph.js';
// functional.ts imports this file back: the engine's one, deliberate import circle (see there).
import * as F from '../autodiff/functional.js';
import { checkShape, sizeOf } from './shape.js';

/**
 * Storage type of a tensor.
 *
 * @example
 * ```ts
 * const x = Tensor.zeros([2, 3], { dtype: 'float64' as DType });
 * ```
 */
export type DType = 'float32' | 'float64';

/**
 * Options shared by tensor constructors.
 *
 * @example
 * ```ts
 * const w = Tensor.randn([4, 3], new Rng(0), { dtype: 'float32', requiresGrad: true });
 * ```
 */
export interface TensorOptions {
  /** Storage type. Default `'float32'`. */
  dtype?: DType;
  /** Record operations on this tensor for {@link Tensor.backward}. Default false. */
  requiresGrad?: boolean;
}

/**
 * Nested arrays of numbers of any depth (a number is a 0-d tensor).
 *
 * @example
 * ```ts
 * const values: NestedArray = [[1, 2], [3, 4]];
 * const t = Tensor.from(values);
 * ```
 */
export type NestedArray = number | readonly NestedArray[];

/** The graph record a recorded output keeps: how it was made (see autodiff/functional.ts). */
export interface GraphNode {
  readonly op: OpDef<unknown, unknown>;
  readonly inputs: readonly Tensor[];
  readonly ctx: BackwardContext<unknown, unknown>;
}

function allocate(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

function inferShape(values: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0] as NestedArray;
  }
  if (!Array.isArray(v) && typeof v !== 'number') {
    throw new TypeError(`${where}: values must be numbers or nested arrays of numbers (got ${describeValue(v)})`);
  }
  return shape;
}

function checkRng(rng: unknown, where: string): void {
  const r = rng as Partial<Rng> | null | undefined;
  if (r === null || typeof r !== 'object' || typeof r.fillNormal !== 'function' || typeof r.fillUniform !== 'function') {
    throw new TypeError(`${where}: rng must be an Rng, e.g. new Rng(42) (got ${describeValue(rng)})`);
  }
}

function flatten(values: NestedArray, shape: readonly number[], out: FloatArray, where: string): void {
  let k = 0;
  const walk = (v: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`${where}: values${path} is not a number (got ${describeValue(v)})`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v)) throw new ShapeError(`${where}: values${path} is not an array, expected length ${shape[depth]}`);
    if (v.length !== shape[depth]) throw new ShapeError(`${where}: values${path} has length ${v.length}, expected ${shape[depth]}`);
    for (let i = 0; i < v.length; i++) walk(v[i] as NestedArray, depth + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
}

/**
 * A dense row-major n-d array of float32 (default) or float64 that records the operations
 * applied to it when `requiresGrad` is set, for reverse-mode differentiation. Graphs are
 * ordinary objects: when the result is unreachable the garbage collector frees them, so there
 * is nothing to dispose.
 *
 * @example
 * ```ts
 * const w = Tensor.from([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = w.square().sum();
 * loss.backward();
 * w.grad!.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** Contiguous row-major storage. */
  readonly data: FloatArray;
  /** Extent of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Storage type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Whether operations on this tensor are recorded for backward. */
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf after {@link Tensor.backward}; null before. */
  grad: Tensor | null = null;
  /** @internal The node that produced this tensor, when it was recorded. */
  node: GraphNode | null = null;

  /** Wraps `data` (not copied) with `shape`. */
  constructor(data: FloatArray, shape: readonly number[], options: { requiresGrad?: boolean } = {}) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new TypeError(`Tensor: data must be a Float32Array or Float64Array (got ${describeValue(data)})`);
    }
    const s = checkShape(shape, 'Tensor');
    if (sizeOf(s) !== data.length) {
      throw new ShapeError(`Tensor: data has ${data.length} elements, but shape ${formatShape(s)} needs ${sizeOf(s)}`);
    }
    this.data = data;
    this.shape = Object.freeze(s);
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
    this.size = data.length;
    this.requiresGrad = options.requiresGrad ?? false;
  }

  /** Builds a tensor from nested arrays, or from any numeric array with an explicit shape (copied). */
  static from(values: NestedArray | ArrayLike<number>, options?: TensorOptions & { shape?: readonly number[] }): Tensor {
    const dtype = options?.dtype ?? 'float32';
    if (options?.shape !== undefined) {
      const shape = checkShape(options.shape, 'Tensor.from');
      const src = values as ArrayLike<number>;
      if (typeof src !== 'object' || src === null || typeof src.length !== 'number') {
        throw new TypeError(`Tensor.from: with a shape, values must be an array of numbers (got ${describeValue(values)})`);
      }
      if (src.length !== sizeOf(shape)) {
        throw new ShapeError(`Tensor.from: values have ${src.length} elements, but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
      }
      const data = allocate(dtype, src.length);
      const typed = ArrayBuffer.isView(src);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        if (!typed && typeof v !== 'number') {
          throw new TypeError(`Tensor.from: values[${i}] is not a number (got ${describeValue(v)})`);
        }
        data[i] = v;
      }
      return new Tensor(data, shape, options);
    }
    if (ArrayBuffer.isView(values)) {
      return Tensor.from(values as unknown as ArrayLike<number>, { ...options, shape: [(values as unknown as ArrayLike<number>).length] });
    }
    const nested = values as NestedArray;
    const shape = inferShape(nested, 'Tensor.from');
    const data = allocate(dtype, sizeOf(shape));
    flatten(nested, shape, data, 'Tensor.from');
    return new Tensor(data, shape, options);
  }

  /** A tensor of zeros. */
  static zeros(shape: readonly number[], options?: TensorOptions): Tensor {
    return Tensor.full(shape, 0, options);
  }

  /** A tensor of ones. */
  static ones(shape: readonly number[], options?: TensorOptions): Tensor {
    return Tensor.full(shape, 1, options);
  }

  /** A tensor filled with `value`. */
  static full(shape: readonly number[], value: number, options?: TensorOptions): Tensor {
    const s = checkShape(shape, 'Tensor.full');
    if (typeof value !== 'number') throw new TypeError(`Tensor.full: value must be a number (got ${describeValue(value)})`);
    const data = allocate(options?.dtype ?? 'float32', sizeOf(s));
    data.fill(value);
    return new Tensor(data, s, options);
  }

  /** Normal deviates N(mean, std²) drawn from `rng`. */
  static randn(shape: readonly number[], rng: Rng, options?: TensorOptions & { mean?: number; std?: number }): Tensor {
    const s = checkShape(shape, 'Tensor.randn');
    checkRng(rng, 'Tensor.randn');
    const data = allocate(options?.dtype ?? 'float32', sizeOf(s));
    rng.fillNormal(data, options?.mean ?? 0, options?.std ?? 1);
    return new Tensor(data, s, options);
  }

  /** Uniform deviates in [low, high) drawn from `rng`. */
  static rand(shape: readonly number[], rng: Rng, options?: TensorOptions & { low?: number; high?: number }): Tensor {
    const s = checkShape(shape, 'Tensor.rand');
    checkRng(rng, 'Tensor.rand');
    const data = allocate(options?.dtype ?? 'float32', sizeOf(s));
    rng.fillUniform(data, options?.low ?? 0, options?.high ?? 1);
    return new Tensor(data, s, options);
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (depth: number, offset: number): NestedArray => {
      if (depth === this.shape.length) return this.data[offset];
      let stride = 1;
      for (let i = depth + 1; i < this.shape.length; i++) stride *= this.shape[i];
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[depth]; i++) out.push(build(depth + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`Tensor.item: needs exactly 1 element (got shape ${formatShape(this.shape)})`);
    return this.data[0];
  }

  /** A tensor sharing this one's data that records nothing: gradients stop here. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A deep copy (new storage), optionally in another dtype. Not recorded. */
  clone(dtype: DType = this.dtype): Tensor {
    const data = allocate(dtype, this.size);
    data.set(this.data);
    return new Tensor(data, this.shape);
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** Back-propagates from this tensor (a scalar, or pass `gradient` of the same shape). */
  backward(gradient?: Tensor): void {
    backward(this, gradient);
  }

  add(other: Tensor | number): Tensor { return F.add(this, other); }
  sub(other: Tensor | number): Tensor { return F.sub(this, other); }
  mul(other: Tensor | number): Tensor { return F.mul(this, other); }
  div(other: Tensor | number): Tensor { return F.div(this, other); }
  neg(): Tensor { return F.neg(this); }
  exp(): Tensor { return F.exp(this); }
  log(): Tensor { return F.log(this); }
  sqrt(): Tensor { return F.sqrt(this); }
  square(): Tensor { return F.square(this); }
  abs(): Tensor { return F.abs(this); }
  tanh(): Tensor { return F.tanh(this); }
  sigmoid(): Tensor { return F.sigmoid(this); }
  relu(): Tensor { return F.relu(this); }
  leakyRelu(slope = 0.01): Tensor { return F.leakyRelu(this, slope); }
  softplus(): Tensor { return F.softplus(this); }
  logSigmoid(): Tensor { return F.logSigmoid(this); }
  /** Matrix product `op(this)·op(other)` of 2-D tensors; transposes are flags, never copies. */
  matmul(other: Tensor, options?: F.MatmulOptions): Tensor { return F.matmul(this, other, options); }
  sum(axis?: number, keepDims = false): Tensor { return F.sum(this, axis, keepDims); }
  mean(axis?: number, keepDims = false): Tensor { return F.mean(this, axis, keepDims); }
  logSumExp(axis?: number, keepDims = false): Tensor { return F.logSumExp(this, axis, keepDims); }
  reshape(shape: readonly number[]): Tensor { return F.reshape(this, shape); }
  transpose(perm?: readonly number[]): Tensor { return F.transpose(this, perm); }
  broadcastTo(shape: readonly number[]): Tensor { return F.broadcastTo(this, shape); }
  slice(axis: number, start: number, end: number): Tensor { return F.slice(this, axis, start, end); }
}

/**
 * @internal Points `t` at other storage of the same type and length (the trainer moves
 * parameters into a WebAssembly arena for the duration of a fit and back afterwards).
 */
export function replaceStorage(t: Tensor, data: FloatArray): void {
  if (data.length !== t.size || (data instanceof Float64Array) !== (t.dtype === 'float64')) {
    throw new TypeError(`replaceStorage: storage must be ${t.dtype} with ${t.size} elements (got ${data.constructor.name} of ${data.length})`);
  }
  (t as { data: FloatArray }).data = data;
}
