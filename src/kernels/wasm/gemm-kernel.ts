/**
 * The WebAssembly GEMM module, written against the builder: packing (pack.ts), the SIMD
 * micro-kernel (micro.ts), the edge-tile merge and the macro-kernel that walks one packed block
 * of A against one packed block of B (macro-kernel.ts, shared with the float64 module). The cache-blocking loops around it live in JavaScript (`gemm-wasm.ts`), which calls in
 * a handful of times per product.
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';
import { F32 } from './element.js';
import { emitEdge, emitMacro } from './macro-kernel.js';
import { emitMicro, type MicroShape } from './micro.js';
import { emitPack } from './pack.js';

/** Exports of an instantiated GEMM module, float32 or float64 (byte pointers into its memory). */
export interface GemmExports {
  /** Packs an mc×kc block of A into MR-row panels; see `emitPack` for the argument meaning. */
  packA(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** Packs a kc×nc block of B into NR-column panels. */
  packB(src: number, laneStride: number, kStride: number, count: number, kc: number, dst: number): void;
  /** C[mc×nc] = alpha·Apacked·Bpacked + beta·C, `ldc` in bytes, `tmp` an MR·NR scratch tile of the module's element. */
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
  const edge = emitEdge(mod, shape.nr, F32);
  emitPack(mod, 'packA', shape.mr, F32);
  emitPack(mod, 'packB', shape.nr, F32);
  emitMacro(mod, shape, micro, edge, F32);
  return mod.build();
}
