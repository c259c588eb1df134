/**
 * The WebAssembly SIMD micro-kernel: an MR×NR block of C from one packed MR-wide panel of A and
 * one packed NR-wide panel of B, with NR/4 f32x4 accumulators per row kept in locals (V8 maps
 * them to xmm registers). Each k step loads NR/4 vectors of B, splats MR scalars of A straight
 * from memory (`v128.load32_splat`), and does MR·NR/4 multiply-adds. Baseline SIMD has no fused
 * multiply-add, so each update is `f32x4.mul` then `f32x4.add`.
 *
 * Register pressure decides the block. V8 gives WebAssembly 15 xmm registers, and TurboFan
 * issues a step's loads in program order at the top of the loop body but places the pure
 * arithmetic late, so every splat loaded from memory stays live until the multiply-adds: 4×8
 * needs 8 accumulators + 2 B vectors + 4 splats, and 5×8 or 6×8 that way spill accumulators to
 * the stack (36 and 37 GFLOP/s against 57 on hot panels). A splat made by a shuffle of an A
 * vector is pure, so it is placed next to the two multiply-adds that use it and occupies a
 * register only briefly: 5×8 with rows 0–3 shuffled from one load and row 4 load-splat fits (10
 * accumulators + 2 B + 1 A vector + 1 splat + a shuffle temporary) and runs at 62–64 GFLOP/s on
 * hot panels against 56–58 for 4×8, near the 65 of two 128-bit FMA ports: ten independent
 * accumulators hide the 4-cycle FMA latency that eight only just cover.
 *
 * @module
 */
import type { FunctionBuilder, ModuleBuilder } from './builder.js';
import { addConst, doWhile } from './emit.js';

/** Shape of the register block. */
export interface MicroShape {
  /** Rows of C per block. */
  mr: number;
  /** Columns of C per block, a multiple of 4. */
  nr: number;
  /** k steps per loop iteration, a power of two. */
  unroll: number;
  /** Use relaxed-SIMD multiply-add (only where `WebAssembly.validate` accepts it). */
  fma?: boolean;
  /**
   * Take A's values for rows in groups of four from one vector load and splat each lane with a
   * shuffle (the rows past the last group of four still use `v128.load32_splat`). See the
   * module comment for why this matters.
   */
  shuffle?: boolean;
}

/**
 * Emits `micro(kc, a, b, c, ldc, alpha, beta)`: C[0:mr, 0:nr] = alpha·Ap·Bp + beta·C with
 * byte pointers `a`, `b`, `c`, `ldc` in bytes and kc ≥ 1. β = 0 stores without reading C, so
 * NaN already in C never leaks.
 */
export function emitMicro(mod: ModuleBuilder, shape: MicroShape): FunctionBuilder {
  const { mr, nr, unroll } = shape;
  const nv = nr / 4;
  const f = mod.function('micro', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32'], [], false);
  const [kc, a, b, c, ldc, alpha, beta] = [0, 1, 2, 3, 4, 5, 6].map((i) => f.param(i));
  const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => f.local('v128')));
  const bv = Array.from({ length: nv }, () => f.local('v128'));
  const av = f.local('v128');
  const aq = Array.from({ length: Math.ceil(mr / 4) }, () => f.local('v128'));
  const end = f.local('i32');
  const scale = f.local('v128');
  const row = f.local('i32');
  const code = f.code;

  // One k step at byte offset `step` into the current position of both panels.
  const kStep = (step: number): void => {
    for (let v = 0; v < nv; v++) code.localGet(b).v128Load((step * nr + 4 * v) * 4).localSet(bv[v]);
    if (shape.shuffle) for (let q = 0; q < Math.floor(mr / 4); q++) code.localGet(a).v128Load((step * mr + 4 * q) * 4, 4).localSet(aq[q]);
    for (let i = 0; i < mr; i++) {
      if (shape.shuffle && i < mr - (mr % 4)) {
        const lane = i % 4;
        code.localGet(aq[i >> 2]).localGet(aq[i >> 2]).i8x16Shuffle([0, 1, 2, 3].flatMap(() => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3])).localSet(av);
      } else code.localGet(a).v128Load32Splat((step * mr + i) * 4).localSet(av);
      for (let v = 0; v < nv; v++) {
        if (shape.fma) code.localGet(av).localGet(bv[v]).localGet(acc[i][v]).f32x4RelaxedMadd().localSet(acc[i][v]);
        else code.localGet(acc[i][v]).localGet(av).localGet(bv[v]).f32x4Mul().f32x4Add().localSet(acc[i][v]);
      }
    }
  };
  const loopTo = (steps: number): void => {
    doWhile(code, () => {
      for (let s = 0; s < steps; s++) kStep(s);
      addConst(code, a, steps * mr * 4);
      addConst(code, b, steps * nr * 4);
    }, () => code.localGet(a).localGet(end).i32LtU());
  };

  // Main loop over the k steps that fill whole unrolled iterations, then the remainder.
  const fullEnd = f.local('i32');
  code.localGet(kc).i32Const(mr * 4).i32Mul().localGet(a).i32Add().localSet(fullEnd);
  if (unroll > 1) {
    code.localGet(kc).i32Const(-unroll).i32And().i32Const(mr * 4).i32Mul().localGet(a).i32Add().localSet(end);
    code.localGet(a).localGet(end).i32LtU().if();
    loopTo(unroll);
    code.end();
  }
  code.localGet(fullEnd).localSet(end);
  code.localGet(a).localGet(end).i32LtU().if();
  loopTo(1);
  code.end();

  // Epilogue: C = alpha·acc (β = 0) or alpha·acc + beta·C; α = 1 (every product of a training
  // step) skips the scaling, which is exact either way.
  code.localGet(alpha).f32Const(1).f32Ne().if();
  code.localGet(alpha).f32x4Splat().localSet(scale);
  for (const v of acc) for (const x of v) code.localGet(x).localGet(scale).f32x4Mul().localSet(x);
  code.end();
  code.localGet(c).localSet(row);
  code.localGet(beta).f32Const(0).f32Eq().if();
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) code.localGet(row).localGet(acc[i][v]).v128Store(16 * v, 4);
    if (i < mr - 1) code.localGet(row).localGet(ldc).i32Add().localSet(row);
  }
  code.else();
  code.localGet(beta).f32x4Splat().localSet(scale);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) {
      code.localGet(row)
        .localGet(row).v128Load(16 * v, 4).localGet(scale).f32x4Mul()
        .localGet(acc[i][v]).f32x4Add()
        .v128Store(16 * v, 4);
    }
    if (i < mr - 1) code.localGet(row).localGet(ldc).i32Add().localSet(row);
  }
  code.end();
  return f;
}
