/**
 * The float64 WebAssembly GEMM module (f64x2), written against the builder like the float32 one
 * (gemm-kernel.ts) and with its exports: packing, the micro-kernel, the edge-tile merge and the
 * macro-kernel over one packed block of A and one of B. The blocking loops live in JavaScript
 * (gemm-wasm-f64.ts, and the thread pool's panels).
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';
import type { GemmExports } from './gemm-kernel.js';
import { F64 } from './element.js';
import { emitEdge, emitMacro } from './macro-kernel.js';
import { emitMicroF64, type MicroShapeF64 } from './micro-f64.js';
import { emitPack } from './pack.js';

/** Exports of the instantiated float64 GEMM module: the float32 module's, on 8-byte elements. */
export type GemmF64Exports = GemmExports;

/**
 * Register block of the shipped float64 kernel, chosen by measurement (`npm run bench --
 * gemm-f64 --only micro`; best CPU time, X 20,000 rows): 10.1 / 12.1 / 15.9 / 17.1 GFLOP/s on
 * NMF's X·Hᵀ, Xᵀ·W, a Gram block row and 256³, against 9.1 / 11.1 / 16.4 / 18.8 for 3×6; blocks
 * of 12 or more accumulators (6×4, 4×6, 3×8) spill. NMF's 20 columns are five whole 4-wide panels.
 */
export const F64_MICRO: MicroShapeF64 = { mr: 4, nr: 4 };

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
  const edge = emitEdge(mod, shape.nr, F64);
  emitPack(mod, 'packA', shape.mr, F64);
  emitPack(mod, 'packB', shape.nr, F64);
  emitMacro(mod, shape, micro, edge, F64);
  return mod.build();
}
