/**
 * fast-check generators. Properties draw *small integers* (extents, seeds, exponents) and
 * fill arrays from `new Rng(seed)`, so shrinking moves toward small shapes, a failing seed
 * replays exactly, and values stay well scaled (docs/testing.md §2). Nasty values (NaN, ±Inf, ±0,
 * subnormals, huge) have their own generators and are for robustness tests only.
 */
import fc from 'fast-check';
import { Rng } from '../../src/random/rng.js';
import { Tensor, type DType } from '../../src/tensor/tensor.js';

/** The planned GEMM register block (docs/design.md §3: a 4×8 micro-kernel). */
export const MR = 4;
export const NR = 8;

/** Extents that tend to break blocked kernels and broadcasting: tiny, block edges, primes. */
export const SPECIAL_DIMS: readonly number[] = [1, 2, 3, MR - 1, MR, MR + 1, NR - 1, NR, NR + 1, 7, 13, 31];

/** Options of {@link dimArb}. */
export interface DimOptions {
  min?: number;
  max?: number;
  /** Favoured values (those inside [min, max] are used). Default {@link SPECIAL_DIMS}. */
  specials?: readonly number[];
}

/** One extent: mostly a special value, sometimes any integer in [min, max]. Shrinks toward small. */
export function dimArb({ min = 1, max = 8, specials = SPECIAL_DIMS }: DimOptions = {}): fc.Arbitrary<number> {
  const inRange = [...new Set(specials.filter((d) => d >= min && d <= max))].sort((a, b) => a - b);
  const any = fc.integer({ min, max });
  if (inRange.length === 0) return any;
  return fc.oneof({ arbitrary: fc.constantFrom(...inRange), weight: 3 }, { arbitrary: any, weight: 1 });
}

/** Options of {@link shapeArb}. */
export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  minDim?: number;
  maxDim?: number;
  /** Extents are halved (largest first) until the size fits. Default 64. */
  maxSize?: number;
  specials?: readonly number[];
}

/** Halves the largest extent until the product is at most `maxSize` (keeps extents ≥ minDim). */
function capSize(shape: number[], maxSize: number, minDim: number): number[] {
  const s = shape.slice();
  const size = (): number => s.reduce((a, d) => a * d, 1);
  while (size() > maxSize) {
    let k = 0;
    for (let i = 1; i < s.length; i++) if (s[i] > s[k]) k = i;
    if (s[k] <= Math.max(minDim, 1)) break;
    s[k] = Math.max(minDim, Math.floor(s[k] / 2));
  }
  return s;
}

/** A shape of rank in [minRank, maxRank] (rank 0 is a scalar) with favoured extents. */
export function shapeArb(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 7, maxSize = 64, specials } = options;
  return fc
    .array(dimArb({ min: minDim, max: maxDim, specials }), { minLength: minRank, maxLength: maxRank })
    .map((s) => capSize(s, maxSize, minDim));
}

/** A seed for {@link Rng}: a non-negative int32. */
export const seedArb: fc.Arbitrary<number> = fc.integer({ min: 0, max: 0x7fffffff });

/** NumPy broadcast of any number of shapes (throws if incompatible: a generator bug). */
export function broadcastOf(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const ax = rank - s.length + i;
      if (s[i] === 1) continue;
      if (out[ax] !== 1 && out[ax] !== s[i]) throw new Error(`broadcastOf: [${s}] does not broadcast`);
      out[ax] = s[i];
    }
  }
  return out;
}

/**
 * `count` shapes that broadcast together: each is a full base shape with some leading axes
 * dropped and some extents set to 1 (so the 1-element, scalar and row cases all occur).
 */
export function broadcastShapesArb(count: number, options: ShapeOptions = {}): fc.Arbitrary<number[][]> {
  const maxRank = options.maxRank ?? 3;
  const operand = fc.record({
    drop: fc.integer({ min: 0, max: maxRank }),
    ones: fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }),
  });
  return fc
    .tuple(shapeArb({ maxDim: 5, ...options }), fc.array(operand, { minLength: count, maxLength: count }))
    .map(([base, ops]) =>
      ops.map(({ drop, ones }) => base.slice(Math.min(drop, base.length)).map((d, i) => (ones[i] ? 1 : d))),
    );
}

/** Two broadcast-compatible shapes. */
export function broadcastPairArb(options: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  return broadcastShapesArb(2, options).map(([a, b]) => [a, b] as [number[], number[]]);
}

/** `n` draws of N(0, 1) from `new Rng(seed)`. */
export function normalArray(seed: number, n: number): Float64Array {
  return new Rng(seed).fillNormal(new Float64Array(n)) as Float64Array;
}

/** Options of {@link randomTensor}. */
export interface RandomTensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Multiplies the normal draws. Default 1. */
  scale?: number;
  /** Added after scaling. Default 0. */
  shift?: number;
  /** Map each value v to |v| + `positive` (for log, sqrt, division). */
  positive?: number;
  /** Push values within `margin` of any of `kinks` out to kink ± margin. */
  kinks?: readonly number[];
  margin?: number;
}

/** Pushes `v` at least `margin` away from every kink (keeps the side it was on). */
export function awayFromKinks(v: number, kinks: readonly number[], margin: number): number {
  let x = v;
  for (const k of kinks) if (Math.abs(x - k) < margin) x = x >= k ? k + margin : k - margin;
  return x;
}

/** A tensor of the given shape filled from `new Rng(seed).normal()` (float64 unless asked). */
export function randomTensor(shape: readonly number[], seed: number, options: RandomTensorOptions = {}): Tensor {
  const { dtype = 'float64', requiresGrad = false, scale = 1, shift = 0, positive, kinks, margin = 1e-2 } = options;
  const n = shape.reduce((a, d) => a * d, 1);
  const src = normalArray(seed, n);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = src[i] * scale + shift;
    if (positive !== undefined) v = Math.abs(v) + positive;
    if (kinks) v = awayFromKinks(v, kinks, margin);
    data[i] = v;
  }
  return new Tensor(data, shape, { requiresGrad });
}

/** A 2-D matrix `[rows, cols]` from `new Rng(seed).normal()`. */
export function randomMatrix(rows: number, cols: number, seed: number, options: RandomTensorOptions = {}): Tensor {
  return randomTensor([rows, cols], seed, options);
}

/** A shape and a seed: the usual property input. */
export function caseArb(options: ShapeOptions = {}): fc.Arbitrary<{ shape: number[]; seed: number }> {
  return fc.record({ shape: shapeArb(options), seed: seedArb });
}

/** Values that break careless numerics. For robustness tests only, never for identities. */
export const NASTY_VALUES: readonly number[] = [
  NaN, Infinity, -Infinity, 0, -0,
  Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -149, -(2 ** -149), 1e-40, // subnormals (float64, float32)
  1e30, -1e30, 100, -100, 3.4028234663852886e38, -3.4028234663852886e38, 1e-8, -1e-8,
];

/** One nasty value. */
export const nastyValueArb: fc.Arbitrary<number> = fc.constantFrom(...NASTY_VALUES);

/** An array mixing nasty values with ordinary doubles. */
export function nastyArrayArb(maxLength = 16): fc.Arbitrary<number[]> {
  return fc.array(fc.oneof({ arbitrary: nastyValueArb, weight: 2 }, { arbitrary: fc.double({ min: -10, max: 10, noNaN: true }), weight: 1 }), {
    minLength: 1, maxLength,
  });
}
