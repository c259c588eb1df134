import { ShapeError, formatShape } from '../errors.js';

/** Number of elements of a shape (1 for a 0-d scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and extents. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The NumPy broadcast of two shapes, or a ShapeError naming the op. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Checks that `shape` is a list of non-negative integers; returns a copy. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: shape must be an array of non-negative integers (got ${JSON.stringify(shape)})`);
  }
  return shape.slice();
}

/**
 * Normalises a possibly negative axis against a rank, or throws. As in PyTorch, a 0-d tensor
 * accepts axis 0 and −1 (it behaves as one axis of extent 1).
 */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const n = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + n : axis;
}
