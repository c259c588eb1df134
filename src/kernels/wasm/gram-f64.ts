/**
 * BᵀB in double for a tall, narrow float32 matrix B, on WebAssembly SIMD (f64x2): the float64
 * half of PCA's Rayleigh–Ritz step, where B = X·V has a few dozen columns and tens of thousands
 * of rows. Every product of two float32 values is exact in double and every sum is a double
 * addition, as in the float64 `syrk` it replaces; only the order of the additions differs
 * (row by row). On 60,000 × 56: about 15 ms against 120 ms for the float64 TypeScript GEMM,
 * whose packing and blocking do not pay off at this width.
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';
import { instantiateFixed } from './fixed-instance.js';
import { PAGE_BYTES } from './memory.js';

/** Widest B the accumulator holds; wider ones use the TypeScript path. */
export const MAX_P = 256;
/** Accumulator row stride in doubles (even, so every pair is 16-byte aligned). */
export const ACC_LD = MAX_P;
/** Floats per chunk of B rows (256 KiB), plus one float of slack read past the last odd column. */
const CHUNK = 65536;
const ACC_AT = 0;
const B_AT = ACC_AT + MAX_P * ACC_LD * 8;
const PAGES = Math.ceil((B_AT + (CHUNK + 4) * 4) / PAGE_BYTES);

/**
 * `upper(b, rows, p, ldBytes)`: acc[i, j] += b[r, i]·b[r, j] in double for every row r, every
 * i < p and j from i rounded down to even up to p rounded up to even (acc row stride ACC_LD).
 * Reads one float past column p − 1 when p is odd; that column of acc is never used.
 * `rows(b, rows, p, ldBytes, i0, i1, acc)` does the same for i0 ≤ i < i1 only, into the
 * accumulator at byte address `acc` (same stride): each element of acc gets the additions of
 * `upper`, in the same order, so accumulator rows can be shared out between threads
 * (kernels/threads/ritz-parallel.ts). With `shared`, the module imports a shared memory.
 */
export function buildGramF64Module(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(shared ? 1 : PAGES, shared);
  for (const ranged of [false, true]) emitUpper(mod, ranged);
  return mod.build();
}

function emitUpper(mod: ModuleBuilder, ranged: boolean): void {
  const f = ranged
    ? mod.function('rows', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [])
    : mod.function('upper', ['i32', 'i32', 'i32', 'i32'], []);
  const [B, ROWS, P, LD, I0, I1, ACC] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local('i32');
  const a = f.local('i32');
  const q = f.local('i32');
  const end = f.local('i32');
  const s = f.local('v128');
  const c = f.code;
  c.block().loop();
  c.localGet(ROWS).i32Eqz().brIf(1);
  c.localGet(B).localGet(P).i32Const(4).i32Mul().i32Add().localSet(end);
  if (ranged) c.localGet(I0).localSet(i);
  else c.i32Const(0).localSet(i);
  c.block().loop();
  c.localGet(i).localGet(ranged ? I1 : P).i32GeU().brIf(1);
  // s = (b[r, i], b[r, i]) in double.
  c.localGet(B).localGet(i).i32Const(4).i32Mul().i32Add().f32Load(0, 4).f64PromoteF32();
  c.simd('f64x2.splat').localSet(s);
  // q → b[r, j0], a → acc[i, j0] with j0 = i & ~1.
  c.localGet(i).i32Const(-2).i32And().localTee(q).i32Const(8).i32Mul();
  c.localGet(i).i32Const(ACC_LD * 8).i32Mul().i32Add();
  if (ranged) c.localGet(ACC).i32Add();
  else c.i32Const(ACC_AT).i32Add();
  c.localSet(a);
  c.localGet(B).localGet(q).i32Const(4).i32Mul().i32Add().localSet(q);
  c.block().loop();
  c.localGet(q).localGet(end).i32GeU().brIf(1);
  c.localGet(a);
  c.localGet(a).v128Load(0, 8);
  c.localGet(s).localGet(q).v128Load64Zero(0, 4).simd('f64x2.promote_low_f32x4');
  c.simd('f64x2.mul').simd('f64x2.add').v128Store(0, 8);
  c.localGet(a).i32Const(16).i32Add().localSet(a);
  c.localGet(q).i32Const(8).i32Add().localSet(q).br(0);
  c.end().end();
  c.localGet(i).i32Const(1).i32Add().localSet(i).br(0);
  c.end().end();
  c.localGet(B).localGet(LD).i32Add().localSet(B);
  c.localGet(ROWS).i32Const(1).i32Sub().localSet(ROWS).br(0);
  c.end().end();
}

type UpperKernel = (b: number, rows: number, p: number, ldBytes: number) => void;

interface Loaded {
  upper: UpperKernel;
  heap: Float32Array;
  acc: Float64Array;
}

let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const k = instantiateFixed(buildGramF64Module, PAGES);
  if (k === null) return null;
  const { exports, memory } = k;
  loaded = {
    upper: exports.upper as unknown as UpperKernel,
    heap: new Float32Array(memory.buffer),
    acc: new Float64Array(memory.buffer, ACC_AT, MAX_P * ACC_LD),
  };
  return loaded;
}

/**
 * An accumulator of H = Σ BᵀB over chunks of rows of float32 B [rows, p], summed in double.
 * `add` may be called any number of times; `result` returns the full symmetric p×p matrix.
 * {@link GramF64.create} returns null where WebAssembly SIMD is unavailable or p is too wide.
 *
 * @example
 * ```ts
 * const acc = GramF64.create(p);
 * if (acc !== null) { acc.add(b, rows); const h = acc.result(); }
 * ```
 */
export class GramF64 {
  private constructor(private readonly k: Loaded, private readonly p: number) {
    for (let i = 0; i < p; i++) k.acc.fill(0, i * ACC_LD, i * ACC_LD + p + 1);
  }

  /** A zeroed accumulator for width p, or null. The module is shared: use one at a time. */
  static create(p: number): GramF64 | null {
    if (p < 1 || p > MAX_P - 1) return null;
    const k = load();
    return k === null ? null : new GramF64(k, p);
  }

  /** Adds BᵀB for B [rows, p] row-major (the first rows·p values of `b`). */
  add(b: Float32Array, rows: number): void {
    const { p, k } = this;
    const rowsPer = Math.max(1, Math.floor(CHUNK / p));
    for (let r0 = 0; r0 < rows; r0 += rowsPer) {
      const n = Math.min(rowsPer, rows - r0);
      k.heap.set(b.subarray(r0 * p, (r0 + n) * p), B_AT / 4);
      k.heap[B_AT / 4 + n * p] = 0; // the slack float read past an odd last column
      k.upper(B_AT, n, p, p * 4);
    }
  }

  /** The symmetric p×p sum (upper triangle accumulated, mirrored). */
  result(): Float64Array {
    const { p, k } = this;
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        const v = k.acc[i * ACC_LD + j];
        h[i * p + j] = v;
        h[j * p + i] = v;
      }
    }
    return h;
  }
}
