/**
 * The scalar element a GEMM module is emitted for (float32 or float64): its WebAssembly type,
 * its size and the few scalar instructions the shared emitters (pack.ts, macro-kernel.ts) need,
 * so one emitter writes both modules and they cannot drift apart.
 *
 * @module
 */
import type { Code } from './builder.js';

/** One element type of the GEMM modules. */
export interface WasmElement {
  /** The WebAssembly value type. */
  readonly type: 'f32' | 'f64';
  /** Bytes per element. */
  readonly bytes: 4 | 8;
  /** Elements per 128-bit vector. */
  readonly perVector: 4 | 2;
  /** Scalar load with the element's natural alignment. */
  load(c: Code, offset?: number): Code;
  /** Scalar store with the element's natural alignment. */
  store(c: Code, offset?: number): Code;
  /** Pushes a constant. */
  constant(c: Code, value: number): Code;
  /** Scalar `eq`, `add` and `mul`. */
  eq(c: Code): Code;
  add(c: Code): Code;
  mul(c: Code): Code;
}

/** float32 elements: the training kernels' GEMM (gemm-kernel.ts). */
export const F32: WasmElement = {
  type: 'f32',
  bytes: 4,
  perVector: 4,
  load: (c, offset = 0) => c.f32Load(offset),
  store: (c, offset = 0) => c.f32Store(offset),
  constant: (c, value) => c.f32Const(value),
  eq: (c) => c.f32Eq(),
  add: (c) => c.f32Add(),
  mul: (c) => c.f32Mul(),
};

/** float64 elements: the closed-form models' GEMM (gemm-kernel-f64.ts). */
export const F64: WasmElement = {
  type: 'f64',
  bytes: 8,
  perVector: 2,
  load: (c, offset = 0) => c.f64Load(offset),
  store: (c, offset = 0) => c.f64Store(offset),
  constant: (c, value) => c.f64Const(value),
  eq: (c) => c.f64Eq(),
  add: (c) => c.f64Add(),
  mul: (c) => c.f64Mul(),
};
