/**
 * The kernels behind `gemm`, called directly so that small shapes (which the entry point sends
 * to the direct loop) still run the blocked code, and with tiny cache blocks so that every
 * block loop (jc, pc, ic) and its edges are crossed at sizes a reference can check quickly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Blocking } from '../../src/kernels/gemm-blocking.js';
import { gemmJs } from '../../src/kernels/gemm-js.js';
import { gemmSmall } from '../../src/kernels/gemm-small.js';
import { gemmWasm } from '../../src/kernels/wasm/gemm-wasm.js';
import { loadWasmGemm, wasmGemm, type WasmGemm } from '../../src/kernels/wasm/runtime.js';
import type { FloatArray } from '../../src/validate.js';
import {
  type BoundKind, F64, type GemmCase, LOOSE_F32, TIGHT_F32, bytesOf, checkGemm, gemmArrays, gemmCaseArb, sameBytes,
} from '../helpers/gemm-cases.js';

type Kernel = (c: GemmCase, A: FloatArray, lda: number, B: FloatArray, ldb: number, C: FloatArray, ldc: number) => void;

/** Block limits small enough that 1–70 crosses several blocks in each loop (KC ± 1 at k = 4…6). */
const TINY: Blocking = { kc: 5, mc: 8, nc: 16 };

function check(kernel: Kernel, c: GemmCase, dtype: 'float32' | 'float64', kind: BoundKind): void {
  const x = gemmArrays(c, dtype);
  const a = bytesOf(x.A);
  const b = bytesOf(x.B);
  const C = x.C.slice();
  kernel(c, x.A, x.lda, x.B, x.ldb, C, x.ldc);
  expect(checkGemm(c, x, C, kind)).toBe('');
  expect(sameBytes(bytesOf(x.A), a) && sameBytes(bytesOf(x.B), b)).toBe(true);
}

// α = 0 is settled by the entry point; the kernels are only called with α ≠ 0.
const nonZeroAlpha = (c: GemmCase): GemmCase => ({ ...c, alpha: c.alpha === 0 ? 1 : c.alpha });

describe('TypeScript kernel', () => {
  for (const [label, blocking] of [['default blocks', undefined], ['tiny blocks', TINY]] as const) {
    const js: Kernel = (c, A, lda, B, ldb, C, ldc) =>
      gemmJs(c.transA, c.transB, c.m, c.n, c.k, c.alpha, A, lda, B, ldb, c.beta, C, ldc, blocking);
    it(`float32 meets the tight bound (double accumulation, one rounding), ${label}`, () => {
      fc.assert(fc.property(gemmCaseArb(), (c) => check(js, nonZeroAlpha(c), 'float32', TIGHT_F32)), { seed: 1, numRuns: 120 });
    });
    it(`float64 meets the float64 bound, ${label}`, () => {
      fc.assert(fc.property(gemmCaseArb(), (c) => check(js, nonZeroAlpha(c), 'float64', F64)), { seed: 2, numRuns: 80 });
    });
  }
});

describe('direct loop for tiny products', () => {
  const small: Kernel = (c, A, lda, B, ldb, C, ldc) =>
    gemmSmall(c.transA, c.transB, c.m, c.n, c.k, c.alpha, A, lda, B, ldb, c.beta, C, ldc);
  it('meets the tight float32 bound and the float64 bound', () => {
    const arb = gemmCaseArb({ maxDim: 16, maxK: 20 });
    fc.assert(fc.property(arb, (c) => check(small, nonZeroAlpha(c), 'float32', TIGHT_F32)), { seed: 3, numRuns: 100 });
    fc.assert(fc.property(arb, (c) => check(small, nonZeroAlpha(c), 'float64', F64)), { seed: 4, numRuns: 50 });
  });
});

const simd = loadWasmGemm('simd');

describe.skipIf(simd === null)('WebAssembly SIMD kernel', () => {
  const w = simd as WasmGemm;
  // The plain-SIMD 4×8 kernel, the shipped default (5×8 with shuffled A splats where relaxed
  // SIMD is available), and 5×8 with shuffles on plain SIMD (odd MR: edge panels of every size).
  const kernels: [string, WasmGemm | null][] = [
    ['plain 4×8', w], [`default ${wasmGemm()?.shape.mr}×${wasmGemm()?.shape.nr}`, wasmGemm()],
    ['plain 5×8 shuffled', loadWasmGemm('simd', { mr: 5, nr: 8, unroll: 1, shuffle: true })],
  ];
  for (const [name, k] of kernels) {
    for (const [label, blocking] of [['default blocks', undefined], ['tiny blocks', TINY]] as const) {
      const wasm: Kernel = (c, A, lda, B, ldb, C, ldc) => {
        const ok = gemmWasm(k as WasmGemm, c.transA, c.transB, c.m, c.n, c.k, c.alpha, A as Float32Array, lda, B as Float32Array, ldb,
          c.beta, C as Float32Array, ldc, blocking);
        expect(ok).toBe(true);
      };
      it.skipIf(k === null)(`${name}: float32 meets the float32-accumulation bound, ${label}`, () => {
        fc.assert(fc.property(gemmCaseArb(), (c) => check(wasm, nonZeroAlpha(c), 'float32', LOOSE_F32)), { seed: 5, numRuns: 150 });
      });
    }
  }

  it('grows its memory for a large product and stays correct and deterministic afterwards', () => {
    const fresh = loadWasmGemm('simd') as WasmGemm;
    const before = fresh.heap().length;
    const run = (c: GemmCase): Float32Array => {
      const x = gemmArrays(c, 'float32');
      const C = x.C.slice() as Float32Array;
      gemmWasm(fresh, c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A as Float32Array, x.lda, x.B as Float32Array, x.ldb,
        c.beta, C, x.ldc);
      expect(checkGemm(c, x, C, LOOSE_F32, 13)).toBe('');
      return C;
    };
    const smallCase: GemmCase = {
      transA: false, transB: true, m: 9, n: 70, k: 33, alpha: 1, beta: 0.3, padA: 0, padB: 0, padC: 2, seed: 3,
    };
    const first = run(smallCase);
    run({ ...smallCase, m: 500, n: 600, k: 400, padC: 0, beta: 0 });
    expect(fresh.heap().length).toBeGreaterThan(before);
    expect(sameBytes(bytesOf(run(smallCase)), bytesOf(first))).toBe(true);
  });

  it('returns false and leaves C untouched when the memory cannot grow', () => {
    const refusing: WasmGemm = { variant: w.variant, shape: w.shape, exports: w.exports, heap: () => w.heap(), reserve: () => false };
    const C = new Float32Array([1, 2, 3, 4]);
    const ok = gemmWasm(refusing, false, false, 2, 2, 2, 1, new Float32Array(4), 2, new Float32Array(4), 2, 0, C, 2);
    expect(ok).toBe(false);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
  });

  it('is what the backend loads only when relaxed SIMD is unavailable', () => {
    const loaded = wasmGemm()?.variant;
    // wasmGemm() has run, so on Node 20 the engine flag is set by now where it can be.
    if (loadWasmGemm('relaxed-simd') === null) expect(loaded).toBe('simd');
    else expect(loaded).toBe('relaxed-simd');
  });
});
