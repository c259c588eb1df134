/**
 * The float64 WebAssembly GEMM (kernels/wasm/gemm-wasm-f64.ts): within the float64 bound of the
 * naive reference on random shapes (1, odd sizes, KC edges, every transpose, α, β, padded
 * leading dimensions, NaN in C for β = 0 and in the padding), and the same bytes as the
 * TypeScript float64 kernel, with the default blocks and with tiny ones that cross every block
 * loop; register blocks with odd MR and NR ≠ 4 too; and through the `gemm` entry point.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm } from '../../src/kernels/gemm.js';
import type { Blocking } from '../../src/kernels/gemm-blocking.js';
import { gemmJs } from '../../src/kernels/gemm-js.js';
import { buildGemmF64Module } from '../../src/kernels/wasm/gemm-kernel-f64.js';
import { type WasmGemmF64, gemmWasmF64, loadWasmGemmF64, wasmGemmF64 } from '../../src/kernels/wasm/gemm-wasm-f64.js';
import { F64, type GemmCase, bytesOf, checkGemm, gemmArrays, gemmCaseArb, sameBytes } from '../helpers/gemm-cases.js';

const TINY: Blocking = { kc: 5, mc: 8, nc: 16 };
const w = wasmGemmF64();
const nonZeroAlpha = (c: GemmCase): GemmCase => ({ ...c, alpha: c.alpha === 0 ? 1 : c.alpha });

function both(k: WasmGemmF64, c: GemmCase, blocking?: Blocking, stageWholeA?: number): { wasm: Float64Array; js: Float64Array; ok: string } {
  const x = gemmArrays(c, 'float64');
  const a = bytesOf(x.A);
  const b = bytesOf(x.B);
  const wasm = x.C.slice() as Float64Array;
  const js = x.C.slice() as Float64Array;
  expect(gemmWasmF64(k, c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A as Float64Array, x.lda, x.B as Float64Array, x.ldb, c.beta, wasm, x.ldc, blocking, stageWholeA)).toBe(true);
  gemmJs(c.transA, c.transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, js, x.ldc, blocking === undefined ? undefined : { ...TINY, kc: blocking.kc });
  expect(sameBytes(bytesOf(x.A), a) && sameBytes(bytesOf(x.B), b)).toBe(true);
  return { wasm, js, ok: checkGemm(c, x, wasm, F64) };
}

describe.skipIf(w === null)('float64 WebAssembly SIMD GEMM', () => {
  const kernels: [string, WasmGemmF64 | null][] = [
    [`default ${w?.shape.mr}×${w?.shape.nr}`, w], ['3×6', loadWasmGemmF64({ mr: 3, nr: 6 })], ['5×2', loadWasmGemmF64({ mr: 5, nr: 2 })],
  ];
  for (const [name, k] of kernels) {
    for (const [label, blocking] of [['default blocks', undefined], ['tiny blocks', TINY]] as const) {
      it(`${name}: meets the float64 bound and gives the TypeScript kernel's bytes, ${label}`, () => {
        expect(k).not.toBeNull();
        // Aᵀ's windows staged per KC block (the default at these sizes) or per MC block (limit 0).
        fc.assert(fc.property(gemmCaseArb(), fc.boolean(), (c, perBlock) => {
          const r = both(k as WasmGemmF64, nonZeroAlpha(c), blocking, perBlock ? 0 : undefined);
          expect(r.ok).toBe('');
          expect(sameBytes(bytesOf(r.wasm), bytesOf(r.js))).toBe(true);
        }), { seed: 11, numRuns: 100 });
      });
    }
  }

  it('gives the same bytes as the TypeScript kernel through gemm on a product above the crossover, and on every transpose', () => {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const c: GemmCase = { transA, transB, m: 70, n: 37, k: 1100, alpha: -0.5, beta: 0.3, padA: 2, padB: 0, padC: 1, seed: 5 };
      const x = gemmArrays(c, 'float64');
      const viaGemm = x.C.slice();
      const js = x.C.slice();
      gemm(transA, transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, viaGemm, x.ldc);
      gemmJs(transA, transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, js, x.ldc);
      expect(checkGemm(c, x, viaGemm, F64)).toBe('');
      expect(sameBytes(bytesOf(viaGemm), bytesOf(js))).toBe(true);
    }
  });

  it('gives the same bytes when a large C runs in bands of rows', () => {
    for (const [transA, transB] of [[false, false], [true, true], [true, false]] as const) {
      const c: GemmCase = { transA, transB, m: 700, n: 9, k: 530, alpha: 1, beta: 0.3, padA: 1, padB: 2, padC: 3, seed: 9 };
      const x = gemmArrays(c, 'float64');
      const banded = x.C.slice() as Float64Array;
      const js = x.C.slice();
      // 256-row bands (the fewest rows a band has): 3 bands.
      expect(gemmWasmF64(w as WasmGemmF64, transA, transB, c.m, c.n, c.k, c.alpha, x.A as Float64Array, x.lda, x.B as Float64Array, x.ldb, c.beta, banded, x.ldc, undefined, undefined, 1)).toBe(true);
      gemmJs(transA, transB, c.m, c.n, c.k, c.alpha, x.A, x.lda, x.B, x.ldb, c.beta, js, x.ldc);
      expect(sameBytes(bytesOf(banded), bytesOf(js))).toBe(true);
    }
  });

  it('returns false and leaves C untouched when the memory cannot grow', () => {
    const k = w as WasmGemmF64;
    const refusing: WasmGemmF64 = { shape: k.shape, exports: k.exports, heap: () => k.heap(), reserve: () => false };
    const C = new Float64Array([1, 2, 3, 4]);
    expect(gemmWasmF64(refusing, false, false, 2, 2, 2, 1, new Float64Array(4), 2, new Float64Array(4), 2, 0, C, 2)).toBe(false);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
  });

  it('rejects register blocks it cannot build', () => {
    expect(() => buildGemmF64Module({ mr: 4, nr: 3 })).toThrow(/invalid register block/);
    expect(() => buildGemmF64Module({ mr: 0, nr: 4 })).toThrow(/invalid register block/);
  });
});
