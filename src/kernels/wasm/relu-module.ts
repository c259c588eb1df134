/**
 * The module of the ReLU forward kernel (see relu.ts), on its own so that a threaded
 * arena (arena.ts) can hand it to its workers without importing the runner.
 *
 * @module
 */
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
