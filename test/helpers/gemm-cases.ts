/**
 * GEMM test cases: a fast-check arbitrary of small integers (flags, extents, padding, a seed),
 * the arrays it describes (filled from `new Rng(seed).normal()`, padding gaps filled with NaN so
 * that a kernel reading outside its window is caught), the float64 reference from the same
 * float32-rounded inputs, and the elementwise error bound of docs/testing.md §3.4.
 */
import fc from 'fast-check';
import { JS_BLOCKING } from '../../src/kernels/gemm-js.js';
import { gemmReference } from '../../src/kernels/gemm-reference.js';
import { WASM_BLOCKING } from '../../src/kernels/wasm/gemm-wasm.js';
import { Rng } from '../../src/random/rng.js';
import type { FloatArray } from '../../src/validate.js';
import { dimArb, seedArb } from './arbitraries.js';

/** Unit roundoffs. */
export const U32 = 2 ** -24;
export const U64 = 2 ** -53;

/** Extents that break blocked kernels: tiny, both register-block edges, primes. */
export const GEMM_DIMS: readonly number[] = [1, 2, 3, 4, 5, 7, 8, 9, 13, 31, 63, 64, 65];
/** Inner dimensions: the same plus the KC block edges of both kernels (KC − 1, KC, KC + 1). */
export const GEMM_K_DIMS: readonly number[] = [
  ...GEMM_DIMS,
  ...[JS_BLOCKING.kc, WASM_BLOCKING.kc].flatMap((kc) => [kc - 1, kc, kc + 1]),
];

/** What a case is made from; everything is a small integer or a flag. */
export interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** Extra columns of each stored array beyond the minimum leading dimension. */
  padA: number;
  padB: number;
  padC: number;
  seed: number;
}

/** Arbitrary of {@link GemmCase}; `maxDim` bounds m and n, `maxK` bounds k. */
export function gemmCaseArb({ maxDim = 70, maxK = Math.max(...GEMM_K_DIMS) } = {}): fc.Arbitrary<GemmCase> {
  const pad = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 70, max: 90 }));
  return fc.record({
    transA: fc.boolean(),
    transB: fc.boolean(),
    m: dimArb({ min: 1, max: maxDim, specials: GEMM_DIMS }),
    n: dimArb({ min: 1, max: maxDim, specials: GEMM_DIMS }),
    k: dimArb({ min: 1, max: maxK, specials: GEMM_K_DIMS }),
    alpha: fc.constantFrom(1, -0.5, 0),
    beta: fc.constantFrom(0, 1, 0.3),
    padA: pad,
    padB: pad,
    padC: pad,
    seed: seedArb,
  });
}

/** The arrays of a case, in one storage type. */
export interface GemmArrays<T extends FloatArray = FloatArray> {
  A: T;
  lda: number;
  B: T;
  ldb: number;
  /** C before the call: NaN when β = 0 (it must not leak), the padding gaps hold a sentinel. */
  C: T;
  ldc: number;
}

/** The value written into C's padding gaps; a kernel must leave it alone. */
export const C_GAP = 12345;

function fill<T extends FloatArray>(make: (n: number) => T, rows: number, cols: number, ld: number, rng: Rng, gap: number): T {
  const X = make(rows === 0 ? 0 : (rows - 1) * ld + cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < ld && r * ld + c < X.length; c++) X[r * ld + c] = c < cols ? rng.normal() : gap;
  }
  return X;
}

/** Builds the arrays of a case with `new Rng(seed)`. */
export function gemmArrays(c: GemmCase, dtype: 'float32' | 'float64'): GemmArrays {
  const make = (n: number): FloatArray => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
  const rng = new Rng(c.seed);
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.padA;
  const ldb = bCols + c.padB;
  const ldc = c.n + c.padC;
  const A = fill(make, aRows, aCols, lda, rng, NaN);
  const B = fill(make, bRows, bCols, ldb, rng, NaN);
  const C = fill(make, c.m, c.n, ldc, rng, C_GAP);
  if (c.beta === 0) for (let i = 0; i < c.m; i++) C.fill(NaN, i * ldc, i * ldc + c.n);
  return { A, lda, B, ldb, C, ldc };
}

/** Rows of C that {@link checkGemm} compares: every `rowStep`-th and the last. */
export function sampledRows(m: number, rowStep: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < m; i += rowStep) rows.push(i);
  if (rows[rows.length - 1] !== m - 1) rows.push(m - 1);
  return rows;
}

/**
 * The float64 reference (`gemmReference` on float64 copies of the same, already rounded, inputs)
 * and the per-entry scale |α|·(|op(A)|·|op(B)|) + |β|·|C0| of the bound, for the given rows of C
 * (each row is a 1×n product on subarrays, so large cases can be sampled).
 */
export function gemmExpected(c: GemmCase, x: GemmArrays, rows: readonly number[]): { C: Float64Array; scale: Float64Array } {
  const A = Float64Array.from(x.A);
  const B = Float64Array.from(x.B);
  const absA = A.map(Math.abs);
  const absB = B.map(Math.abs);
  const C = Float64Array.from(x.C);
  const scale = new Float64Array(C.length);
  for (const i of rows) {
    const a = c.transA ? i : i * x.lda;
    const at = i * x.ldc;
    gemmReference(c.transA, c.transB, 1, c.n, c.k, c.alpha, A.subarray(a), x.lda, B, x.ldb, c.beta, C.subarray(at), x.ldc);
    gemmReference(c.transA, c.transB, 1, c.n, c.k, Math.abs(c.alpha), absA.subarray(a), x.lda, absB, x.ldb, 0, scale.subarray(at), x.ldc);
    if (c.beta !== 0) for (let j = at; j < at + c.n; j++) scale[j] += Math.abs(c.beta * x.C[j]);
  }
  return { C, scale };
}

/** Unit roundoffs of the final rounding (`store`) and of the accumulation (`acc`). */
export interface BoundKind {
  store: number;
  acc: number;
}

/** float32 storage, float64 accumulation and one rounding: u32·|C| + k·u64·(|A|·|B|). */
export const TIGHT_F32: BoundKind = { store: U32, acc: U64 };
/** float32 storage and accumulation: u32·|C| + 2k·u32·(|A|·|B|). */
export const LOOSE_F32: BoundKind = { store: U32, acc: U32 };
/** float64 throughout. */
export const F64: BoundKind = { store: U64, acc: U64 };

/**
 * Checks the m×n window of `actual` against the reference (every row, or every `rowStep`-th and
 * the last), and that C's padding gaps are untouched. The bound is |Ĉ − C| ≤ store·|C| + 2·(k+2)·acc·scale: Higham's γ_k
 * dot-product bound with two more terms for α and β, doubled to cover the reference's own
 * float64 rounding as well as the kernel's. Returns '' or a description of the first failure.
 */
export function checkGemm(c: GemmCase, x: GemmArrays, actual: FloatArray, kind: BoundKind, rowStep = 1): string {
  const rows = sampledRows(c.m, rowStep);
  const { C, scale } = gemmExpected(c, x, rows);
  for (const i of rows) {
    for (let j = 0; j < x.ldc && i * x.ldc + j < actual.length; j++) {
      const at = i * x.ldc + j;
      const got = actual[at];
      if (j >= c.n) {
        if (got !== C_GAP) return `C gap at [${i}, ${j}] was overwritten with ${got}`;
        continue;
      }
      const want = C[at];
      if (Number.isNaN(want) !== Number.isNaN(got)) return `C[${i}, ${j}] = ${got}, expected ${want}`;
      if (Number.isNaN(want)) continue;
      const bound = kind.store * Math.abs(want) + 2 * (c.k + 2) * kind.acc * scale[at];
      if (!(Math.abs(got - want) <= bound)) {
        return `C[${i}, ${j}] = ${got}, expected ${want}: error ${Math.abs(got - want)} > bound ${bound}`;
      }
    }
  }
  return '';
}

/** Byte copy of an array, to prove it was not mutated. */
export function bytesOf(x: FloatArray): Uint8Array {
  return new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
}

/** Whether two arrays hold identical bytes. */
export function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
