/**
 * The float64 WebAssembly GEMM module (f64x2), written against the builder like the float32 one
 * (gemm-kernel.ts) and with its exports: packing, the micro-kernel, the edge-tile merge and the
 * macro-kernel over one packed block of A and one of B. The blocking loops live in JavaScript
 * (gemm-wasm-f64.ts, and the thread pool's panels).
 *
 * @module
 */
import { type FunctionBuilder, ModuleBuilder } from './builder.js';
import { addConst, addLocal, lessThan, minInto, whileLoop } from './emit.js';
import { emitMicroF64, type MicroShapeF64 } from './micro-f64.js';
import { emitPackF64 } from './pack-f64.js';

/** Exports of the instantiated float64 GEMM module (byte pointers into its memory). */
export interface GemmF64Exports {
  /** Packs an mc×kc block of A into MR-row panels; see `emitPackF64` for the argument meaning. */
  packA(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** Packs a kc×nc block of B into NR-column panels. */
  packB(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** C[mc×nc] = alpha·Apacked·Bpacked + beta·C, `ldc` in bytes, `tmp` an MR·NR f64 scratch tile. */
  macro(mc: number, nc: number, kc: number, pa: number, pb: number, c: number, ldc: number,
    alpha: number, beta: number, tmp: number): void;
}

/**
 * Register block of the shipped float64 kernel, chosen by measurement (`npm run bench --
 * gemm-f64 --only micro`; best CPU time, X 20,000 rows): 10.1 / 12.1 / 15.9 / 17.1 GFLOP/s on
 * NMF's X·Hᵀ, Xᵀ·W, a Gram block row and 256³, against 9.1 / 11.1 / 16.4 / 18.8 for 3×6; blocks
 * of 12 or more accumulators (6×4, 4×6, 3×8) spill. NMF's 20 columns are five whole 4-wide panels.
 */
export const F64_MICRO: MicroShapeF64 = { mr: 4, nr: 4 };

/** Emits `edge(tmp, c, ldc, mr, nr, beta)`: C[0:mr, 0:nr] = tmp + beta·C (β = 0 never reads C). */
function emitEdge(mod: ModuleBuilder, nr: number): FunctionBuilder {
  const f = mod.function('edge', ['i32', 'i32', 'i32', 'i32', 'i32', 'f64'], [], false);
  const [tmp, c, ldc, mRows, nCols, beta] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
  const i = f.local('i32');
  const j = f.local('i32');
  const t = f.local('i32');
  const p = f.local('i32');
  const code = f.code;
  code.i32Const(0).localSet(i);
  whileLoop(code, () => lessThan(code, i, mRows), () => {
    code.localGet(tmp).localGet(i).i32Const(nr * 8).i32Mul().i32Add().localSet(t);
    code.localGet(c).localGet(i).localGet(ldc).i32Mul().i32Add().localSet(p);
    code.i32Const(0).localSet(j);
    whileLoop(code, () => lessThan(code, j, nCols), () => {
      code.localGet(p).localGet(beta).f64Const(0).f64Eq().if('f64');
      code.localGet(t).f64Load();
      code.else().localGet(t).f64Load().localGet(p).f64Load().localGet(beta).f64Mul().f64Add();
      code.end().f64Store();
      addConst(code, t, 8);
      addConst(code, p, 8);
      addConst(code, j, 1);
    });
    addConst(code, i, 1);
  });
  return f;
}

/** Emits `macro`: every MR×NR tile of the block, edge tiles through the scratch tile. */
function emitMacro(mod: ModuleBuilder, shape: MicroShapeF64, micro: FunctionBuilder, edge: FunctionBuilder): void {
  const { mr, nr } = shape;
  const f = mod.function('macro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64', 'i32'], []);
  const [mc, nc, kc, pa, pb, c, ldc, alpha, beta, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => f.param(x));
  const [i, j, mRows, nCols, ap, bp, cp, aStep, bStep, rowStep, left, mrConst, nrConst] =
    Array.from({ length: 13 }, () => f.local('i32'));
  const code = f.code;
  code.localGet(kc).i32Const(mr * 8).i32Mul().localSet(aStep);
  code.localGet(kc).i32Const(nr * 8).i32Mul().localSet(bStep);
  code.localGet(ldc).i32Const(mr).i32Mul().localSet(rowStep);
  code.i32Const(mr).localSet(mrConst);
  code.i32Const(nr).localSet(nrConst);
  code.localGet(pb).localSet(bp);
  code.i32Const(0).localSet(j);
  whileLoop(code, () => lessThan(code, j, nc), () => {
    code.localGet(nc).localGet(j).i32Sub().localSet(left);
    minInto(code, nCols, nrConst, left);
    code.localGet(pa).localSet(ap);
    code.localGet(c).localGet(j).i32Const(8).i32Mul().i32Add().localSet(cp);
    code.i32Const(0).localSet(i);
    whileLoop(code, () => lessThan(code, i, mc), () => {
      code.localGet(mc).localGet(i).i32Sub().localSet(left);
      minInto(code, mRows, mrConst, left);
      code.localGet(mRows).i32Const(mr).i32Eq().localGet(nCols).i32Const(nr).i32Eq().i32And().if();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(cp).localGet(ldc).localGet(alpha).localGet(beta);
      code.call(mod.indexOf(micro));
      code.else();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(tmp).i32Const(nr * 8).localGet(alpha).f64Const(0);
      code.call(mod.indexOf(micro));
      code.localGet(tmp).localGet(cp).localGet(ldc).localGet(mRows).localGet(nCols).localGet(beta);
      code.call(mod.indexOf(edge));
      code.end();
      addLocal(code, ap, aStep);
      addLocal(code, cp, rowStep);
      addConst(code, i, mr);
    });
    addLocal(code, bp, bStep);
    addConst(code, j, nr);
  });
}

/**
 * The complete float64 module bytes for a register block, importing `env.memory` (shared with
 * `shared`, for the thread pool).
 *
 * @example
 * ```ts
 * const bytes = buildGemmF64Module(F64_MICRO);
 * WebAssembly.validate(bytes); // true where SIMD is supported
 * ```
 */
export function buildGemmF64Module(shape: MicroShapeF64 = F64_MICRO, shared = false): Uint8Array<ArrayBuffer> {
  if (shape.nr % 2 !== 0 || shape.nr < 2 || shape.mr < 1) {
    throw new RangeError(`buildGemmF64Module: invalid register block ${JSON.stringify(shape)}`);
  }
  const mod = new ModuleBuilder(1, shared);
  const micro = emitMicroF64(mod, shape);
  const edge = emitEdge(mod, shape.nr);
  emitPackF64(mod, 'packA', shape.mr);
  emitPackF64(mod, 'packB', shape.nr);
  emitMacro(mod, shape, micro, edge);
  return mod.build();
}
