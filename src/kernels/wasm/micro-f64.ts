/**
 * The float64 WebAssembly SIMD micro-kernel (f64x2): an MR×NR block of C from one packed
 * MR-wide panel of A and one packed NR-wide panel of B, all doubles, with NR/2 f64x2
 * accumulators per row kept in locals. It has the float32 kernel's shape (micro.ts) with two
 * lanes per vector, and one property that kernel does not have: every element of C gets exactly
 * the arithmetic of the TypeScript float64 kernel (gemm-micro.ts, gemm-js.ts). Each accumulator
 * lane starts at 0 and adds a·b for p = 0 … kc − 1 in order, as a multiply then an add (no fused
 * multiply-add, which rounds once instead of twice), and the epilogue forms alpha·T + beta·C as
 * `mergeTile` does (α = 1 and β = 1 skip a multiplication that is exact). IEEE-754 addition and
 * multiplication are commutative, so the two kernels agree bit for bit whenever they cut k into
 * the same blocks (gemm-wasm-f64.ts uses the TypeScript kernel's KC).
 *
 * A's values for rows in pairs come from one vector load, each lane splatted with a shuffle (a
 * pure instruction V8 places next to its multiply-adds, see micro.ts); an odd last row uses
 * `v128.load64_splat`.
 *
 * @module
 */
import type { FunctionBuilder, ModuleBuilder } from './builder.js';
import { addConst, doWhile } from './emit.js';

/** Shape of a float64 register block. */
export interface MicroShapeF64 {
  /** Rows of C per block. */
  mr: number;
  /** Columns of C per block, a multiple of 2. */
  nr: number;
}

/** Byte lanes of `i8x16.shuffle` that splat f64 lane `lane` of the first operand. */
function splatLane(lane: number): number[] {
  const bytes = Array.from({ length: 8 }, (_, b) => 8 * lane + b);
  return [...bytes, ...bytes];
}

/**
 * Emits `micro(kc, a, b, c, ldc, alpha, beta)`: C[0:mr, 0:nr] = alpha·Ap·Bp + beta·C with byte
 * pointers `a`, `b`, `c`, `ldc` in bytes, kc ≥ 1 and f64 alpha, beta. β = 0 stores without
 * reading C, so NaN already in C never leaks.
 */
export function emitMicroF64(mod: ModuleBuilder, shape: MicroShapeF64): FunctionBuilder {
  const { mr, nr } = shape;
  const nv = nr / 2;
  const f = mod.function('micro', ['i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64'], [], false);
  const [kc, a, b, c, ldc, alpha, beta] = [0, 1, 2, 3, 4, 5, 6].map((i) => f.param(i));
  const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => f.local('v128')));
  const bv = Array.from({ length: nv }, () => f.local('v128'));
  const av = f.local('v128');
  const aq = f.local('v128');
  const end = f.local('i32');
  const scale = f.local('v128');
  const row = f.local('i32');
  const code = f.code;

  const kStep = (): void => {
    for (let v = 0; v < nv; v++) code.localGet(b).v128Load(16 * v, 8).localSet(bv[v]);
    for (let i = 0; i < mr; i++) {
      if (i % 2 === 0 && i + 1 < mr) code.localGet(a).v128Load(8 * i, 8).localSet(aq);
      if (i + 1 < mr || i % 2 === 1) code.localGet(aq).localGet(aq).i8x16Shuffle(splatLane(i % 2)).localSet(av);
      else code.localGet(a).v128Load64Splat(8 * i).localSet(av);
      for (let v = 0; v < nv; v++) {
        code.localGet(acc[i][v]).localGet(av).localGet(bv[v]).simd('f64x2.mul').simd('f64x2.add').localSet(acc[i][v]);
      }
    }
  };
  // Accumulators start at +0 (locals are zeroed), as the TypeScript kernel's do.
  code.localGet(kc).i32Const(mr * 8).i32Mul().localGet(a).i32Add().localSet(end);
  doWhile(code, () => {
    kStep();
    addConst(code, a, mr * 8);
    addConst(code, b, nr * 8);
  }, () => code.localGet(a).localGet(end).i32LtU());

  // Epilogue: T = alpha·acc (α = 1 skips the exact scaling), then C = T or beta·C + T.
  code.localGet(alpha).f64Const(1).f64Ne().if();
  code.localGet(alpha).simd('f64x2.splat').localSet(scale);
  for (const v of acc) for (const x of v) code.localGet(x).localGet(scale).simd('f64x2.mul').localSet(x);
  code.end();
  code.localGet(c).localSet(row);
  code.localGet(beta).f64Const(0).f64Eq().if();
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) code.localGet(row).localGet(acc[i][v]).v128Store(16 * v, 8);
    if (i < mr - 1) code.localGet(row).localGet(ldc).i32Add().localSet(row);
  }
  code.else();
  code.localGet(beta).simd('f64x2.splat').localSet(scale);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) {
      code.localGet(row)
        .localGet(row).v128Load(16 * v, 8).localGet(scale).simd('f64x2.mul')
        .localGet(acc[i][v]).simd('f64x2.add')
        .v128Store(16 * v, 8);
    }
    if (i < mr - 1) code.localGet(row).localGet(ldc).i32Add().localSet(row);
  }
  code.end();
  return f;
}
