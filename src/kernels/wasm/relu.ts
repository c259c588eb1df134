/**
 * The ReLU forward in place on WebAssembly SIMD, for activations that live in a training
 * step's arena (see `wasm/arena.ts`): the integer form of relu.ts on four lanes at a time, so
 * the bits are those of the TypeScript loop, NaN payloads included. Arrays outside an arena
 * keep the TypeScript loop, which would cost more in copies than it saves here.
 *
 * @module
 */
import { placeKernel, type KernelSpec } from './runner.js';
import { ModuleBuilder } from './builder.js';

/**
 * relu(ptr, bytes), `bytes` a multiple of 16: per lane v ← v & ~(sign(v) & ~isNaN(v)), that is
 * +0 for negatives, −0 and −∞, v otherwise (NaN kept bit for bit).
 */
export function buildReluModule(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(1, shared);
  const f = mod.function('relu', ['i32', 'i32'], []);
  const [PTR, BYTES] = [0, 1];
  const end = f.local('i32');
  const v = f.local('v128');
  const c = f.code;
  c.localGet(PTR).localGet(BYTES).i32Add().localSet(end);
  c.block().loop();
  c.localGet(PTR).localGet(end).i32GeU().brIf(1);
  c.localGet(PTR).v128Load(0, 4).localSet(v);
  c.localGet(PTR);
  c.localGet(v);
  // sign mask (all ones for a set sign bit), minus the NaN lanes (|v| above the infinity pattern)
  c.localGet(v).i32Const(31).simd('i32x4.shr_s');
  c.localGet(v).i32Const(0x7fffffff).simd('i32x4.splat').simd('v128.and').i32Const(0x7f800000).simd('i32x4.splat').simd('i32x4.gt_s');
  c.simd('v128.andnot');
  c.simd('v128.andnot').v128Store(0, 4);
  c.localGet(PTR).i32Const(16).i32Add().localSet(PTR);
  c.br(0).end().end();
  return mod.build();
}

type ReluKernel = (ptr: number, bytes: number) => void;

/** In place on arena arrays only: for other arrays the copies would cost more than they save. */
const RELU: KernelSpec = { build: buildReluModule, slots: 1, slotFloats: 0, scratchBytes: 0, copyPath: false };

/**
 * ReLU in place on the first length − length mod 4 values of `y` when it lives in an arena;
 * returns how many values it did (0 when not applicable), the caller does the rest.
 *
 * @example
 * ```ts
 * const done = reluInPlaceWasm(y); // then the TypeScript loop from `done` on
 * ```
 */
export function reluInPlaceWasm(y: Float32Array): number {
  const k = placeKernel(RELU, [{ from: y, to: y }]);
  if (k === null) return 0;
  const run = k.exports.relu as unknown as ReluKernel;
  const n4 = y.length - (y.length % 4);
  if (n4 > 0) k.each(n4, n4, ([p], _start, len) => run(p, len * 4));
  return n4;
}
