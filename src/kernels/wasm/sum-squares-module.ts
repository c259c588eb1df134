/**
 * The module of the Σx² kernel (see sum-squares.ts), on its own so that a threaded
 * arena (arena.ts) can hand it to its workers without importing the runner.
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';

/**
 * sumsq(ptr, bytes, acc): for each group of four floats at `ptr` (`bytes` a multiple of 16),
 * [acc0, acc1] += [x0², x1²] and [acc2, acc3] += [x2², x3²] in double, the accumulators read
 * from and written back to `acc` (four f64).
 */
export function buildSumSquaresModule(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(2, shared);
  const f = mod.function('sumsq', ['i32', 'i32', 'i32'], []);
  const [PTR, BYTES, ACCP] = [0, 1, 2];
  const end = f.local('i32');
  const lo = f.local('v128');
  const hi = f.local('v128');
  const w = f.local('v128');
  const c = f.code;
  c.localGet(ACCP).v128Load(0, 8).localSet(lo);
  c.localGet(ACCP).v128Load(16, 8).localSet(hi);
  c.localGet(PTR).localGet(BYTES).i32Add().localSet(end);
  c.block().loop();
  c.localGet(PTR).localGet(end).i32GeU().brIf(1);
  // Lanes 0-1 and 2-3 each widened to an f64x2, squared and added to their accumulator.
  for (const [offset, acc] of [[0, lo], [8, hi]] as const) {
    c.localGet(acc);
    c.localGet(PTR).v128Load64Zero(offset, 8).simd('f64x2.promote_low_f32x4');
    c.localTee(w).localGet(w);
    c.simd('f64x2.mul');
    c.simd('f64x2.add').localSet(acc);
  }
  c.localGet(PTR).i32Const(16).i32Add().localSet(PTR).br(0);
  c.end().end();
  c.localGet(ACCP).localGet(lo).v128Store(0, 8);
  c.localGet(ACCP).localGet(hi).v128Store(16, 8);
  return mod.build();
}
