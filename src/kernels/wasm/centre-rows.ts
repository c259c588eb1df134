/**
 * Centring rows in place on any memory: x ← x − c with the centre c at a byte address, for the
 * PCA's threaded Gram (kernels/threads/gram-parallel.ts), where the thread that computes a
 * chunk of rows centres it first, in the shared pool's memory, so the calling thread only
 * copies the raw rows in. It is the `centre` loop of column-stats.ts (one `f32x4.sub` per four
 * floats; the centre is exactly a float32, so each value is fround(x − c), the value of the
 * one-thread centred copy), with the centre's address an argument instead of a fixed one.
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';

/**
 * One function, `centre(x, rows, colBytes, ldBytes, c)`: for `rows` rows from byte `x`, stride
 * `ldBytes`, the first `colBytes` bytes of each row (a multiple of 16) ← x − c, float32, with
 * c's float32 values from byte `c`. With `shared`, the module imports a shared memory.
 */
export function buildCentreRowsModule(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(1, shared);
  const f = mod.function('centre', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [X, ROWS, COLS, LD, C] = [0, 1, 2, 3, 4];
  const col = f.local('i32');
  const p = f.local('i32');
  const c = f.code;
  c.block().loop();
  c.localGet(ROWS).i32Eqz().brIf(1);
  c.i32Const(0).localSet(col);
  c.block().loop();
  c.localGet(col).localGet(COLS).i32GeU().brIf(1);
  c.localGet(X).localGet(col).i32Add().localTee(p);
  c.localGet(p).v128Load(0, 4).localGet(C).localGet(col).i32Add().v128Load(0, 4);
  c.simd('f32x4.sub').v128Store(0, 4);
  c.localGet(col).i32Const(16).i32Add().localSet(col).br(0);
  c.end().end();
  c.localGet(X).localGet(LD).i32Add().localSet(X);
  c.localGet(ROWS).i32Const(1).i32Sub().localSet(ROWS).br(0);
  c.end().end();
  return mod.build();
}

/** The kernel's signature: byte addresses and sizes. */
export type CentreRowsKernel = (x: number, rows: number, colBytes: number, ldBytes: number, c: number) => void;
