/**
 * binaryBroadcast, expandTo and unbroadcast against a naive index-based reference on random
 * broadcast-compatible shapes (including 0-d, size-1 axes and empty axes), in float32 and
 * float64, for every fast path the kernels classify (same, scalar, row, general).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binaryBroadcast, type BinaryKind } from '../../src/kernels/binary.js';
import { broadcastMode, expandTo, unbroadcast } from '../../src/kernels/broadcast.js';
import { broadcastShapes } from '../../src/tensor/shape.js';
import { ShapeError } from '../../src/errors.js';
import { broadcastOf, broadcastShapesArb, normalArray, seedArb } from '../helpers/arbitraries.js';

type Arr = Float32Array | Float64Array;
const KINDS: BinaryKind[] = ['add', 'sub', 'mul', 'div'];
const size = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);

/** Flat index into `inShape` of the element that broadcasts to out multi-index `idx`. */
function sourceIndex(idx: readonly number[], inShape: readonly number[]): number {
  let flat = 0;
  const off = idx.length - inShape.length;
  for (let i = 0; i < inShape.length; i++) flat = flat * inShape[i] + (inShape[i] === 1 ? 0 : idx[off + i]);
  return flat;
}

function* multiIndices(shape: readonly number[]): Generator<number[]> {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
}

function naiveBinary(kind: BinaryKind, a: Arr, sa: number[], b: Arr, sb: number[], out: Arr, so: number[]): Arr {
  let k = 0;
  for (const idx of multiIndices(so)) {
    const x = a[sourceIndex(idx, sa)];
    const y = b[sourceIndex(idx, sb)];
    out[k++] = kind === 'add' ? x + y : kind === 'sub' ? x - y : kind === 'mul' ? x * y : x / y;
  }
  return out;
}

/** The naive scatter-add and, per output, Σ|g| over its terms (for the rounding bound). */
function naiveUnbroadcast(g: ArrayLike<number>, so: number[], si: number[]): { sum: Float64Array; absSum: Float64Array } {
  const sum = new Float64Array(size(si));
  const absSum = new Float64Array(size(si));
  let k = 0;
  for (const idx of multiIndices(so)) {
    const j = sourceIndex(idx, si);
    sum[j] += g[k];
    absSum[j] += Math.abs(g[k++]);
  }
  return { sum, absSum };
}

function filled(n: number, seed: number, dtype: 'float32' | 'float64', awayFromZero = false): Arr {
  const src = normalArray(seed, n);
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = awayFromZero ? Math.sign(src[i] || 1) * (Math.abs(src[i]) + 0.25) : src[i];
  return out;
}

const dtypeArb = fc.constantFrom<'float32' | 'float64'>('float32', 'float64');
const pairs = fc.oneof(broadcastShapesArb(2, { maxRank: 4, maxSize: 60 }), broadcastShapesArb(2, { maxRank: 3, minDim: 0, maxSize: 30 }));

describe('binaryBroadcast', () => {
  it('equals the naive index-based reference bit for bit, every kind, both dtypes', () => {
    fc.assert(
      fc.property(pairs, seedArb, dtypeArb, ([sa, sb], seed, dtype) => {
        const so = broadcastOf(sa, sb);
        expect(broadcastShapes(sa, sb, 'add')).toEqual(so);
        const a = filled(size(sa), seed, dtype);
        const b = filled(size(sb), seed + 1, dtype, true);
        for (const kind of KINDS) {
          const make = (): Arr => (dtype === 'float32' ? new Float32Array(size(so)) : new Float64Array(size(so)));
          const got = binaryBroadcast(kind, a, sa, b, sb, make(), so);
          const want = naiveBinary(kind, a, sa, b, sb, make(), so);
          expect(Array.from(got)).toEqual(Array.from(want));
          // Swapped operands exercise the left-hand fast paths.
          const got2 = binaryBroadcast(kind, b, sb, a, sa, make(), so);
          const want2 = naiveBinary(kind, b, sb, a, sa, make(), so);
          expect(Array.from(got2)).toEqual(Array.from(want2));
        }
      }),
      { seed: 51, numRuns: 150 },
    );
  });

  it('covers every mode pair explicitly', () => {
    const shapes: [number[], number[]][] = [
      [[2, 3], [2, 3]], [[2, 3], []], [[], [2, 3]], [[2, 3], [3]], [[3], [2, 3]], [[2, 3], [1, 3]],
      [[2, 3], [2, 1]], [[2, 1], [1, 3]], [[4, 1, 3], [2, 1]], [[1], [1]], [[], []], [[3], [1]], [[5, 3], [5, 3]],
      [[1, 3], [2, 1]], [[2, 1, 3], [1, 4, 3]],
    ];
    for (const [sa, sb] of shapes) {
      const so = broadcastOf(sa, sb);
      const a = filled(size(sa), 1, 'float64');
      const b = filled(size(sb), 2, 'float64', true);
      for (const kind of KINDS) {
        const got = binaryBroadcast(kind, a, sa, b, sb, new Float64Array(size(so)), so);
        expect(Array.from(got), `${kind} ${JSON.stringify([sa, sb])}`).toEqual(Array.from(naiveBinary(kind, a, sa, b, sb, new Float64Array(size(so)), so)));
      }
    }
  });

  it('propagates NaN and Inf elementwise in every path', () => {
    for (const [sa, sb] of [[[2, 3], [3]], [[2, 3], []], [[2, 3], [2, 3]], [[2, 3], [2, 1]]] as [number[], number[]][]) {
      const so = broadcastOf(sa, sb);
      const a = new Float64Array(size(sa)).fill(1);
      a[0] = NaN;
      const b = new Float64Array(size(sb)).fill(Infinity);
      const out = binaryBroadcast('add', a, sa, b, sb, new Float64Array(size(so)), so);
      expect(out[0]).toBeNaN();
      for (let i = 1; i < out.length; i++) expect(out[i]).toBe(Infinity);
    }
  });
});

describe('broadcastMode', () => {
  it('classifies the fast paths', () => {
    expect(broadcastMode([2, 3], [2, 3])).toBe('same');
    expect(broadcastMode([1, 2, 3], [2, 3])).toBe('same');
    expect(broadcastMode([], [2, 3])).toBe('scalar');
    expect(broadcastMode([1, 1], [2, 3])).toBe('scalar');
    expect(broadcastMode([3], [2, 3])).toBe('row');
    expect(broadcastMode([1, 3], [4, 2, 3])).toBe('row');
    expect(broadcastMode([2, 1], [2, 3])).toBe('general');
    expect(broadcastMode([3, 1], [3, 3])).toBe('general');
    expect(broadcastMode([2, 3], [4, 2, 3])).toBe('general');
  });
});

describe('expandTo and unbroadcast', () => {
  it('expandTo equals the naive gather', () => {
    fc.assert(
      fc.property(pairs, seedArb, ([sa, sb], seed) => {
        const so = broadcastOf(sa, sb);
        const a = filled(size(sa), seed, 'float64');
        const got = expandTo(a, sa, so, new Float64Array(size(so)));
        const want = Array.from(multiIndices(so), (idx) => a[sourceIndex(idx, sa)]);
        expect(Array.from(got)).toEqual(want);
      }),
      { seed: 52, numRuns: 150 },
    );
  });

  it('unbroadcast equals the naive scatter-add (float64 accumulation, then one rounding)', () => {
    fc.assert(
      fc.property(pairs, seedArb, dtypeArb, ([sa, sb], seed, dtype) => {
        const so = broadcastOf(sa, sb);
        for (const si of [sa, sb]) {
          const g = filled(size(so), seed, dtype);
          const out = dtype === 'float32' ? new Float32Array(size(si)) : new Float64Array(size(si));
          const got = unbroadcast(g, so, si, out);
          const { sum, absSum } = naiveUnbroadcast(g, so, si);
          for (let i = 0; i < sum.length; i++) {
            const w = dtype === 'float32' ? Math.fround(sum[i]) : sum[i];
            // Summation order may differ from the reference: one float32 rounding of the result
            // plus the float64 accumulation bound n·u64·Σ|g| (catches float32 accumulation).
            const tol = (dtype === 'float32' ? Math.abs(w) * 2 ** -24 : 0) + size(so) * 2 ** -53 * absSum[i];
            expect(Math.abs(got[i] - w), `element ${i} of [${si}] from [${so}]`).toBeLessThanOrEqual(tol);
          }
        }
      }),
      { seed: 53, numRuns: 150 },
    );
  });

  it('unbroadcast is the adjoint of expandTo: ⟨expand(x), g⟩ = ⟨x, unbroadcast(g)⟩', () => {
    fc.assert(
      fc.property(pairs, seedArb, ([sa, sb], seed) => {
        const so = broadcastOf(sa, sb);
        const x = filled(size(sa), seed, 'float64');
        const g = filled(size(so), seed + 1, 'float64');
        const ex = expandTo(x, sa, so, new Float64Array(size(so)));
        const ub = unbroadcast(g, so, sa, new Float64Array(size(sa)));
        let lhs = 0;
        let rhs = 0;
        let scale = 0;
        for (let i = 0; i < ex.length; i++) { lhs += ex[i] * g[i]; scale += Math.abs(ex[i] * g[i]); }
        for (let i = 0; i < ub.length; i++) rhs += x[i] * ub[i];
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-13 * (scale + 1));
      }),
      { seed: 54, numRuns: 100 },
    );
  });
});

describe('broadcastShapes', () => {
  const ok: [number[], number[], number[]][] = [
    [[2, 3], [3], [2, 3]], [[], [4], [4]], [[5, 1, 4], [3, 1], [5, 3, 4]], [[0], [1], [0]], [[1, 0], [3, 1], [3, 0]], [[], [], []],
  ];
  it.each(ok)('%j with %j gives %j', (a, b, out) => {
    expect(broadcastShapes(a, b, 'add')).toEqual(out);
    expect(broadcastShapes(b, a, 'add')).toEqual(out);
  });
  const bad: [number[], number[], RegExp][] = [
    [[2, 3], [4], /^add: shapes \[2, 3\] and \[4\] cannot broadcast$/],
    [[2, 3], [3, 2], /^add: shapes \[2, 3\] and \[3, 2\] cannot broadcast$/],
    [[0], [2], /^add: shapes \[0\] and \[2\] cannot broadcast$/],
  ];
  it.each(bad)('%j with %j throws ShapeError %s', (a, b, re) => {
    expect(() => broadcastShapes(a, b, 'add')).toThrow(ShapeError);
    expect(() => broadcastShapes(a, b, 'add')).toThrow(re);
  });
});
