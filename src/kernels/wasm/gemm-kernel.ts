/**
 * The WebAssembly GEMM module, written against the builder: packing, the SIMD micro-kernel, the
 * edge-tile merge and the macro-kernel that walks one packed block of A against one packed block
 * of B. The cache-blocking loops around it live in JavaScript (`gemm-wasm.ts`), which calls in
 * a handful of times per product.
 *
 * @module
 */
import { type FunctionBuilder, ModuleBuilder } from './builder.js';
import { addConst, addLocal, lessThan, minInto, whileLoop } from './emit.js';
import { emitMicro, type MicroShape } from './micro.js';
import { emitPack } from './pack.js';

/** Exports of the instantiated GEMM module (byte pointers into its memory). */
export interface GemmExports {
  /** Packs an mc×kc block of A into MR-row panels; see `emitPack` for the argument meaning. */
  packA(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** Packs a kc×nc block of B into NR-column panels. */
  packB(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** C[mc×nc] = alpha·Apacked·Bpacked + beta·C, `ldc` in bytes, `tmp` an MR·NR f32 scratch tile. */
  macro(mc: number, nc: number, kc: number, pa: number, pb: number, c: number, ldc: number,
    alpha: number, beta: number, tmp: number): void;
}

/**
 * Register block of the shipped kernel with fused multiply-add, chosen by measurement (see
 * bench/gemm-tune.ts and micro.ts): 53.0 GFLOP/s against 49.6 for 4×8 on the tuning shapes.
 */
export const WASM_MICRO: MicroShape = { mr: 5, nr: 8, unroll: 1, shuffle: true };

/**
 * Register block of the plain-SIMD kernel: without fused multiply-add each update needs a
 * temporary register, and 4×8 with load-splats measures best (39.9 GFLOP/s against 34.9 for
 * 5×8 with shuffles).
 */
export const PLAIN_SIMD_MICRO: MicroShape = { mr: 4, nr: 8, unroll: 1 };

/**
 * Register block of the Gram kernel (gram-wasm.ts), whose triangle strips must start on both
 * an A and a B panel, so MR has to divide NR.
 */
export const GRAM_MICRO: MicroShape = { mr: 4, nr: 8, unroll: 1 };

/** Emits `edge(tmp, c, ldc, mr, nr, beta)`: C[0:mr, 0:nr] = tmp + beta·C (β = 0 never reads C). */
function emitEdge(mod: ModuleBuilder, nr: number): FunctionBuilder {
  const f = mod.function('edge', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32'], [], false);
  const [tmp, c, ldc, mRows, nCols, beta] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
  const i = f.local('i32');
  const j = f.local('i32');
  const t = f.local('i32');
  const p = f.local('i32');
  const code = f.code;
  code.i32Const(0).localSet(i);
  whileLoop(code, () => lessThan(code, i, mRows), () => {
    code.localGet(tmp).localGet(i).i32Const(nr * 4).i32Mul().i32Add().localSet(t);
    code.localGet(c).localGet(i).localGet(ldc).i32Mul().i32Add().localSet(p);
    code.i32Const(0).localSet(j);
    whileLoop(code, () => lessThan(code, j, nCols), () => {
      code.localGet(p).localGet(beta).f32Const(0).f32Eq().if('f32');
      code.localGet(t).f32Load();
      code.else().localGet(t).f32Load().localGet(p).f32Load().localGet(beta).f32Mul().f32Add();
      code.end().f32Store();
      addConst(code, t, 4);
      addConst(code, p, 4);
      addConst(code, j, 1);
    });
    addConst(code, i, 1);
  });
  return f;
}

/** Emits `macro`: every MR×NR tile of the block, edge tiles through the scratch tile. */
function emitMacro(mod: ModuleBuilder, shape: MicroShape, micro: FunctionBuilder, edge: FunctionBuilder): void {
  const { mr, nr } = shape;
  const f = mod.function('macro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'i32'], []);
  const [mc, nc, kc, pa, pb, c, ldc, alpha, beta, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => f.param(x));
  const [i, j, mRows, nCols, ap, bp, cp, aStep, bStep, rowStep, left, mrConst, nrConst] =
    Array.from({ length: 13 }, () => f.local('i32'));
  const code = f.code;
  code.localGet(kc).i32Const(mr * 4).i32Mul().localSet(aStep);
  code.localGet(kc).i32Const(nr * 4).i32Mul().localSet(bStep);
  code.localGet(ldc).i32Const(mr).i32Mul().localSet(rowStep);
  code.i32Const(mr).localSet(mrConst);
  code.i32Const(nr).localSet(nrConst);
  code.localGet(pb).localSet(bp);
  code.i32Const(0).localSet(j);
  whileLoop(code, () => lessThan(code, j, nc), () => {
    code.localGet(nc).localGet(j).i32Sub().localSet(left);
    minInto(code, nCols, nrConst, left);
    code.localGet(pa).localSet(ap);
    code.localGet(c).localGet(j).i32Const(4).i32Mul().i32Add().localSet(cp);
    code.i32Const(0).localSet(i);
    whileLoop(code, () => lessThan(code, i, mc), () => {
      code.localGet(mc).localGet(i).i32Sub().localSet(left);
      minInto(code, mRows, mrConst, left);
      code.localGet(mRows).i32Const(mr).i32Eq().localGet(nCols).i32Const(nr).i32Eq().i32And().if();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(cp).localGet(ldc).localGet(alpha).localGet(beta);
      code.call(mod.indexOf(micro));
      code.else();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(tmp).i32Const(nr * 4).localGet(alpha).f32Const(0);
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
 * The complete module bytes for a register block. The memory is imported as `env.memory` so
 * the runtime can grow it and keep typed-array views on it; `shared` imports a shared memory
 * instead (the thread pool's, `kernels/threads/`), with the same code.
 *
 * @example
 * ```ts
 * const bytes = buildGemmModule(WASM_MICRO);
 * WebAssembly.validate(bytes); // true where SIMD is supported
 * ```
 */
export function buildGemmModule(shape: MicroShape, shared = false): Uint8Array<ArrayBuffer> {
  if (shape.nr % 4 !== 0 || shape.mr < 1 || (shape.unroll & (shape.unroll - 1)) !== 0) {
    throw new RangeError(`buildGemmModule: invalid register block ${JSON.stringify(shape)}`);
  }
  const mod = new ModuleBuilder(1, shared);
  const micro = emitMicro(mod, shape);
  const edge = emitEdge(mod, shape.nr);
  emitPack(mod, 'packA', shape.mr);
  emitPack(mod, 'packB', shape.nr);
  emitMacro(mod, shape, micro, edge);
  return mod.build();
}
