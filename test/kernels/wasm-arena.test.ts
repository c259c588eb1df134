/**
 * The fixed-memory arena whose arrays the GEMM multiplies in place: its products must be the
 * copying kernel's bytes (so a fit gives the same numbers either way), the C window must be
 * respected, overlapping operands must fall back to the copying path, and the entry `gemm`
 * must route resident operands to it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/autodiff/workspace.js';
import { gemm } from '../../src/kernels/gemm.js';
import { WasmArena, arenaOf } from '../../src/kernels/wasm/arena.js';
import { gemmWasm } from '../../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../../src/kernels/wasm/runtime.js';
import { C_GAP, LOOSE_F32, bytesOf, checkGemm, gemmArrays, gemmCaseArb, sameBytes } from '../helpers/gemm-cases.js';

const w = wasmGemm();

/** A copy of `x` living in `arena`. */
function resident(arena: WasmArena, x: Float32Array): Float32Array {
  const v = arena.alloc(x.length);
  if (v === null) throw new Error('arena full');
  v.set(x);
  return v;
}

describe.skipIf(w === null)('WasmArena', () => {
  it('multiplies resident operands in place with the bytes of the copying kernel', () => {
    const arena = WasmArena.create(1 << 20) as WasmArena;
    fc.assert(fc.property(gemmCaseArb(), (c) => {
      const alpha = c.alpha === 0 ? 1 : c.alpha;
      const x = gemmArrays(c, 'float32');
      const copied = x.C.slice() as Float32Array;
      gemmWasm(w!, c.transA, c.transB, c.m, c.n, c.k, alpha, x.A as Float32Array, x.lda, x.B as Float32Array, x.ldb, c.beta, copied, x.ldc);
      arena.reset();
      const A = resident(arena, x.A as Float32Array);
      const B = resident(arena, x.B as Float32Array);
      const C = resident(arena, x.C as Float32Array);
      expect(arena.gemm(c.transA, c.transB, c.m, c.n, c.k, alpha, A, x.lda, B, x.ldb, c.beta, C, x.ldc)).toBe(true);
      expect(sameBytes(bytesOf(C), bytesOf(copied))).toBe(true);
      // Cells outside the m×n window of C (the ldc gaps) keep their marker value.
      expect(checkGemm({ ...c, alpha }, x, C, LOOSE_F32)).toBe('');
      expect(sameBytes(bytesOf(A), bytesOf(x.A)) && sameBytes(bytesOf(B), bytesOf(x.B))).toBe(true);
    }), { seed: 11, numRuns: 120 });
  });

  it('is used by gemm() only when all three operands are resident', () => {
    const arena = WasmArena.create(1 << 20) as WasmArena;
    const m = 33, n = 40, k = 50;
    const A = resident(arena, Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)));
    const B = resident(arena, Float32Array.from({ length: k * n }, (_, i) => Math.cos(i)));
    const C = arena.alloc(m * n) as Float32Array;
    gemm(false, false, m, n, k, 1, A, k, B, n, 0, C, n);
    const plain = new Float32Array(m * n);
    gemm(false, false, m, n, k, 1, A.slice(), k, B.slice(), n, 0, plain, n);
    expect(sameBytes(bytesOf(C), bytesOf(plain))).toBe(true);
    expect(arenaOf(C)).toBe(arena);
    expect(arenaOf(plain)).toBeUndefined();
  });

  it('refuses a C that overlaps an operand, and gemm() then computes it correctly by copying', () => {
    const arena = WasmArena.create(1 << 20) as WasmArena;
    const n = 24;
    const block = arena.alloc(3 * n * n) as Float32Array;
    for (let i = 0; i < block.length; i++) block[i] = ((i * 7) % 13) - 6;
    const A = block.subarray(0, n * n);
    const B = block.subarray(n * n, 2 * n * n);
    const C = block.subarray(n * n / 2, n * n / 2 + n * n); // overlaps A and B
    const want = new Float32Array(n * n);
    gemm(false, false, n, n, n, 1, A.slice(), n, B.slice(), n, 0, want, n);
    expect(arena.gemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n)).toBe(false);
    gemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n);
    expect(Array.from(C)).toEqual(Array.from(want));
  });

  it('hands out zeroed, 64-byte aligned arrays until it is full, and again after reset', () => {
    const arena = WasmArena.create(4096) as WasmArena;
    const a = arena.alloc(3) as Float32Array;
    a.fill(C_GAP);
    const b = arena.alloc(5) as Float32Array;
    expect(b.byteOffset - a.byteOffset).toBe(64);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0]);
    expect(arena.used).toBe(128);
    let got = 0;
    while (arena.alloc(1000) !== null) got++;
    expect(got).toBeGreaterThan(0);
    arena.reset();
    expect(arena.used).toBe(0);
    const again = arena.alloc(3) as Float32Array;
    expect(again.byteOffset).toBe(a.byteOffset);
    expect(Array.from(again)).toEqual([0, 0, 0]);
  });

  it('backs a workspace: float32 arrays come from the arena while it has room, then from the heap', () => {
    const arena = WasmArena.create(4096) as WasmArena;
    const ws = new Workspace();
    ws.useArena(arena);
    const first = ws.alloc(false, 16);
    expect(arena.holds(first)).toBe(true);
    expect(ws.alloc(true, 16)).toBeInstanceOf(Float64Array);
    const big = ws.alloc(false, 1 << 20);
    expect(arena.holds(big)).toBe(false);
    ws.recycle();
    expect(ws.peakBytes32).toBe(4 * (16 + (1 << 20)));
    expect(ws.alloc(false, 16)).toBe(first); // pooled and zeroed again
    ws.useArena(null);
    expect(arena.holds(ws.alloc(false, 16))).toBe(false);
  });
});
