import { ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertInt } from '../validate.js';
import { Module } from './module.js';

function axis(dim: number, rank: number, where: string, name: string): number {
  assertInt(dim, name, where);
  const a = dim < 0 ? dim + rank : dim;
  if (a < 0 || a >= rank) throw new ShapeError(`${where}: ${name} ${dim} is out of range for a ${rank}-D input`);
  return a;
}

/**
 * Flattens axes `startDim` … `endDim` into one, PyTorch's `nn.Flatten` (defaults 1 and −1:
 * [n, c, h, w] → [n, c·h·w]). No parameters; the reshape shares the data.
 *
 * @example
 * ```ts
 * new Flatten().forward(Tensor.zeros([8, 64, 7, 7])).shape; // [8, 3136]
 * ```
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    assertInt(startDim, 'startDim', 'Flatten');
    assertInt(endDim, 'endDim', 'Flatten');
  }

  /** x → x with axes startDim … endDim merged. */
  forward(x: Tensor): Tensor {
    const rank = x.shape.length;
    const s = axis(this.startDim, rank, 'Flatten.forward', 'startDim');
    const e = axis(this.endDim, rank, 'Flatten.forward', 'endDim');
    if (s > e) throw new ShapeError(`Flatten.forward: startDim ${this.startDim} comes after endDim ${this.endDim} for x ${formatShape(x.shape)}`);
    const merged = x.shape.slice(s, e + 1).reduce((a, d) => a * d, 1);
    return x.reshape([...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
  }
}

/**
 * Splits axis `dim` into `sizes`, PyTorch's `nn.Unflatten`: with dim 1 and sizes [64, 7, 7],
 * [n, 3136] → [n, 64, 7, 7]. The product of `sizes` must equal the axis' extent. No parameters.
 *
 * @example
 * ```ts
 * new Unflatten(1, [1, 28, 28]).forward(Tensor.zeros([8, 784])).shape; // [8, 1, 28, 28]
 * ```
 */
export class Unflatten extends Module {
  /** The extents axis `dim` is split into. */
  readonly sizes: readonly number[];

  constructor(readonly dim: number, sizes: readonly number[]) {
    super();
    assertInt(dim, 'dim', 'Unflatten');
    if (!Array.isArray(sizes) || sizes.length === 0) throw new RangeError(`Unflatten: sizes must be a non-empty array of extents (got ${JSON.stringify(sizes)})`);
    sizes.forEach((d, i) => assertInt(d, `sizes[${i}]`, 'Unflatten', 1));
    this.sizes = Object.freeze(sizes.slice());
  }

  /** x → x with axis `dim` split into `sizes`. */
  forward(x: Tensor): Tensor {
    const a = axis(this.dim, x.shape.length, 'Unflatten.forward', 'dim');
    const product = this.sizes.reduce((p, d) => p * d, 1);
    if (x.shape[a] !== product) {
      throw new ShapeError(`Unflatten.forward: axis ${a} of x ${formatShape(x.shape)} has ${x.shape[a]} elements, but sizes ${formatShape(this.sizes)} hold ${product}`);
    }
    return x.reshape([...x.shape.slice(0, a), ...this.sizes, ...x.shape.slice(a + 1)]);
  }
}
