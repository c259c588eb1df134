/**
 * The module of the ReLU mask and bias sums kernel (see bias-relu.ts), on its own so that a
 * threaded arena (arena.ts) can hand it to its workers without importing the runner.
 *
 * @module
 */
import { ModuleBuilder, type Code } from './builder.js';
import { PAGE_BYTES } from './memory.js';

/** Columns the double accumulators can hold; wider layers use the TypeScript loops. */
export const MAX_COLS = 8192;
/** Floats per operand chunk (256 KiB): whole rows of g and y are copied in at a time. */
export const BIAS_RELU_CHUNK = 65536;
/** Pages of the copy path's memory: two operand chunks and the sums (runner.ts's layout). */
const PAGES = Math.ceil((2 * BIAS_RELU_CHUNK * 4 + MAX_COLS * 8) / PAGE_BYTES);

/** acc[c/4 …] (two f64x2 at `a`) += the four floats at `p`, widened to double. */
function addWidened(c: Code, a: number, p: number): void {
  for (const off of [0, 8]) {
    c.localGet(a).localGet(a).v128Load(2 * off, 8);
    c.localGet(p).v128Load64Zero(off, 4).simd('f64x2.promote_low_f32x4');
    c.simd('f64x2.add').v128Store(2 * off, 8);
  }
}

/**
 * Two functions over `rows` rows of `colBytes` bytes (a multiple of 16) with row stride
 * `ldBytes`, column sums added to the f64 array at `acc`:
 * - `mask(g, y, rows, colBytes, ldBytes, acc)`: g ← g·[y > 0] + (NaN where y ≠ y) in place,
 *   then acc += g;
 * - `sums(g, rows, colBytes, ldBytes, acc)`: acc += g.
 */
export function buildBiasReluModule(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(PAGES, shared);
  for (const relu of [true, false]) {
    const f = relu
      ? mod.function('mask', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [])
      : mod.function('sums', ['i32', 'i32', 'i32', 'i32', 'i32'], []);
    const [G, Y] = [0, 1];
    const [ROWS, COLS, LD, ACC] = relu ? [2, 3, 4, 5] : [1, 2, 3, 4];
    const col = f.local('i32');
    const p = f.local('i32');
    const a = f.local('i32');
    const yv = f.local('v128');
    const c = f.code;
    c.block().loop();
    c.localGet(ROWS).i32Eqz().brIf(1);
    c.i32Const(0).localSet(col);
    c.block().loop();
    c.localGet(col).localGet(COLS).i32GeU().brIf(1);
    c.localGet(G).localGet(col).i32Add().localSet(p);
    c.localGet(ACC).localGet(col).localGet(col).i32Add().i32Add().localSet(a);
    if (relu) {
      c.localGet(Y).localGet(col).i32Add().v128Load(0, 4).localSet(yv);
      // s = [y > 0] as 1.0 or 0.0; t = NaN where y ≠ y, else 0; ĝ = g·s + t.
      c.localGet(p);
      c.localGet(p).v128Load(0, 4);
      c.localGet(yv).v128Const().simd('f32x4.gt').f32Const(1).f32x4Splat().simd('v128.and').f32x4Mul();
      c.f32Const(NaN).f32x4Splat().localGet(yv).localGet(yv).simd('f32x4.eq').simd('v128.andnot').f32x4Add();
      c.v128Store(0, 4);
    }
    addWidened(c, a, p);
    c.localGet(col).i32Const(16).i32Add().localSet(col).br(0);
    c.end().end();
    c.localGet(G).localGet(LD).i32Add().localSet(G);
    if (relu) c.localGet(Y).localGet(LD).i32Add().localSet(Y);
    c.localGet(ROWS).i32Const(1).i32Sub().localSet(ROWS).br(0);
    c.end().end();
  }
  return mod.build();
}
