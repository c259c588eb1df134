/**
 * The `gemm` entry point on both backends (docs/testing.md §3.1 items 26–28 and 30, §3.4 bound):
 * random shapes through the block edges, all transposes, α ∈ {1, −0.5, 0}, β ∈ {0, 1, 0.3},
 * NaN-prefilled C for β = 0, padded leading dimensions, unmutated inputs, NaN propagation and
 * bitwise determinism.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackendName, getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { gemm, gemmCore } from '../../src/kernels/gemm.js';
import {
  type BoundKind, F64, type GemmCase, LOOSE_F32, TIGHT_F32, bytesOf, checkGemm, gemmArrays, gemmCaseArb, sameBytes,
} from '../helpers/gemm-cases.js';

function run(c: GemmCase, dtype: 'float32' | 'float64', kind: BoundKind, rowStep = 1): void {
  const x = gemmArrays(c, dtype);
  const a = bytesOf(x.A);
  const b = bytesOf(x.B);
  const C = x.C.slice();
  gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, C, x.ldc);
  expect(checkGemm(c, x, C, kind, rowStep)).toBe('');
  expect(sameBytes(bytesOf(x.A), a) && sameBytes(bytesOf(x.B), b)).toBe(true);
}

const base: GemmCase = {
  transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, beta: 0, padA: 0, padB: 0, padC: 0, seed: 1,
};

/** The six products of one VAE 784-400-20 step at batch 128, and one wider than NC. */
const LARGE: [boolean, boolean, number, number, number][] = [
  [false, false, 128, 400, 784], [false, false, 128, 784, 400],
  [true, false, 784, 400, 128], [true, false, 400, 784, 128],
  [false, true, 128, 784, 400], [false, true, 128, 400, 784],
  [false, false, 5, 2100, 20],
];

const backends: [BackendName, BoundKind, boolean][] = [
  ['js', TIGHT_F32, true],
  ['wasm', LOOSE_F32, isWasmAvailable()],
];

describe.each(backends)('gemm on the %s backend', (name, f32Bound, available) => {
  let saved: BackendName;
  beforeEach(() => {
    saved = getBackend();
    if (available) setBackend(name);
  });
  afterEach(() => setBackend(saved));

  it.skipIf(!available)('float32 matches the float64 reference within the §3.4 bound', () => {
    fc.assert(fc.property(gemmCaseArb(), (c) => run(c, 'float32', f32Bound)), { seed: 26, numRuns: 200 });
  });

  it.skipIf(!available)('float64 matches the reference within the float64 bound', () => {
    fc.assert(fc.property(gemmCaseArb(), (c) => run(c, 'float64', F64)), { seed: 27, numRuns: 100 });
  });

  it.skipIf(!available)('handles the VAE products and a product wider than NC', () => {
    for (const [i, [transA, transB, m, n, k]] of LARGE.entries()) {
      const beta = [0, 1, 0.3][i % 3];
      run({ ...base, transA, transB, m, n, k, alpha: i % 2 ? -0.5 : 1, beta, padC: i % 2, seed: i }, 'float32', f32Bound, 11);
    }
  });

  it.skipIf(!available)('k = 0 gives β·C and never reads A or B; m = 0 or n = 0 is a no-op (the core: such A and B fail the entry\'s length checks)', () => {
    const A = new Float32Array([NaN]);
    const C = new Float32Array([2, NaN, -4, 6]);
    gemmCore(false, false, 2, 2, 0, 1, A, 1, A, 1, 0.5, C, 2);
    expect(Array.from(C.subarray(0, 1))).toEqual([1]);
    expect(Number.isNaN(C[1])).toBe(true);
    expect(Array.from(C.subarray(2))).toEqual([-2, 3]);
    const Z = new Float32Array([NaN, 1, 2, 3]);
    gemmCore(false, false, 2, 2, 0, 1, A, 1, A, 1, 0, Z, 2);
    expect(Array.from(Z)).toEqual([0, 0, 0, 0]);
    const untouched = new Float32Array([7, 8, 9]);
    gemmCore(false, false, 0, 3, 4, 1, A, 4, A, 3, 0, untouched, 3);
    gemmCore(false, false, 3, 0, 4, 1, A, 4, A, 0, 0, untouched, 1);
    expect(Array.from(untouched)).toEqual([7, 8, 9]);
  });

  it.skipIf(!available)('NaN in row i of op(A) makes row i of C NaN and leaves the rest correct', () => {
    const prop = fc.property(gemmCaseArb({ maxDim: 40, maxK: 60 }), fc.nat(), fc.nat(), (c0, ri, pi) => {
      const c = { ...c0, alpha: c0.alpha === 0 ? 1 : c0.alpha };
      const x = gemmArrays(c, 'float32');
      const i = ri % c.m;
      const p = pi % c.k;
      x.A[c.transA ? p * x.lda + i : i * x.lda + p] = NaN;
      const C = x.C.slice();
      gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, C, x.ldc);
      for (let j = 0; j < c.n; j++) expect(Number.isNaN(C[i * x.ldc + j])).toBe(true);
      // checkGemm's reference has the same NaN row, so it checks the other rows with the bound.
      expect(checkGemm(c, x, C, f32Bound)).toBe('');
    });
    fc.assert(prop, { seed: 28, numRuns: 100 });
  });

  it.skipIf(!available)('NaN in column j of op(B) makes column j of C NaN', () => {
    const c: GemmCase = { ...base, transB: true, m: 37, n: 29, k: 600, beta: 0.3 };
    const x = gemmArrays(c, 'float32');
    x.B[11 * x.ldb + 123] = NaN; // op(B)(123, 11)
    const C = x.C.slice();
    gemm(false, true, c.m, c.n, c.k, 1, x.A, x.lda, x.B, x.ldb, c.beta, C, x.ldc);
    for (let i = 0; i < c.m; i++) expect(Number.isNaN(C[i * x.ldc + 11])).toBe(true);
    expect(checkGemm(c, x, C, f32Bound)).toBe('');
  });

  it.skipIf(!available)('is bitwise deterministic across repeated calls, after calls with other shapes', () => {
    const cases: GemmCase[] = [
      { ...base, m: 130, n: 400, k: 1030, seed: 5 },
      { ...base, transA: true, m: 9, n: 17, k: 257, beta: 0.3, seed: 6 },
      { ...base, transB: true, m: 300, n: 70, k: 31, seed: 7 },
    ];
    const once = (c: GemmCase): Float32Array => {
      const x = gemmArrays(c, 'float32');
      const C = x.C.slice() as Float32Array;
      gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, C, x.ldc);
      return C;
    };
    const first = cases.map(once);
    for (let round = 0; round < 3; round++) {
      for (const [i, c] of [...cases.entries()].reverse()) {
        expect(sameBytes(bytesOf(once(c)), bytesOf(first[i]))).toBe(true);
      }
    }
  });
});

describe('gemm with mixed storage', () => {
  it('runs float32 A with float64 B and C in double (the TypeScript kernel)', () => {
    const c: GemmCase = { ...base, transA: true, m: 33, n: 20, k: 70, beta: 1, seed: 9 };
    const x32 = gemmArrays(c, 'float32');
    const x = { ...x32, B: Float64Array.from(x32.B), C: Float64Array.from(x32.C) };
    const C = x.C.slice();
    gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, C, x.ldc);
    expect(checkGemm(c, x, C, F64)).toBe('');
  });
});
