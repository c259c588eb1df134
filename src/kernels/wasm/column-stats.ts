/**
 * The two passes PCA makes over a float32 data matrix before its Gram product, on WebAssembly
 * SIMD: column moments (Σx and Σx² in double, minimum and maximum) and the centred copy
 * x − c. Each value is the one the TypeScript loops in models/decomposition/data.ts compute (each column
 * is summed in double, row by row, in the same order; x² of a float32 is exact in double; the
 * centring subtracts a float32-exact centre, so one float32 subtraction rounds as the double
 * subtraction followed by a rounding to float32 does), so the two paths agree bit for bit.
 * On 60,000 × 784: both passes together take about a quarter of the time of the loops, which V8
 * does not vectorise.
 *
 * @module
 */
import { ModuleBuilder } from './builder.js';
import { instantiateFixed } from './fixed-instance.js';
import { PAGE_BYTES } from './memory.js';

/** Columns the accumulators can hold; wider matrices use the TypeScript loops. */
const MAX_COLS = 8192;
/** Floats per chunk of rows (512 KiB): whole rows are copied in at a time. */
const CHUNK = 131072;
const SUM_AT = 0;
const SQ_AT = SUM_AT + MAX_COLS * 8;
const LO_AT = SQ_AT + MAX_COLS * 8;
const HI_AT = LO_AT + MAX_COLS * 4;
const C_AT = HI_AT + MAX_COLS * 4;
const X_AT = C_AT + MAX_COLS * 4;
const PAGES = Math.ceil((X_AT + CHUNK * 4) / PAGE_BYTES);

/**
 * Two functions over `rows` rows of `colBytes` bytes (a multiple of 16), stride `ldBytes`:
 * - `moments(x, rows, colBytes, ldBytes)`: for each column j, sum[j] += x, sq[j] += x² (double),
 *   lo[j] = min(lo[j], x), hi[j] = max(hi[j], x), with the accumulators at fixed addresses;
 * - `centre(x, rows, colBytes, ldBytes)`: x ← x − c[j] in place (float32), c at a fixed address.
 */
export function buildColumnStatsModule(): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(PAGES);
  for (const kind of ['moments', 'centre'] as const) {
    const f = mod.function(kind, ['i32', 'i32', 'i32', 'i32'], []);
    const [X, ROWS, COLS, LD] = [0, 1, 2, 3];
    const col = f.local('i32');
    const p = f.local('i32');
    const a = f.local('i32');
    const v = f.local('v128');
    const c = f.code;
    c.block().loop();
    c.localGet(ROWS).i32Eqz().brIf(1);
    c.i32Const(0).localSet(col);
    c.block().loop();
    c.localGet(col).localGet(COLS).i32GeU().brIf(1);
    c.localGet(X).localGet(col).i32Add().localSet(p);
    if (kind === 'centre') {
      c.localGet(p);
      c.localGet(p).v128Load(0, 4).localGet(col).v128Load(C_AT, 4);
      c.simd('f32x4.sub').v128Store(0, 4);
    } else {
      c.localGet(p).v128Load(0, 4).localSet(v);
      c.localGet(col);
      c.localGet(col).v128Load(LO_AT, 4).localGet(v).simd('f32x4.min').v128Store(LO_AT, 4);
      c.localGet(col);
      c.localGet(col).v128Load(HI_AT, 4).localGet(v).simd('f32x4.max').v128Store(HI_AT, 4);
      // Double accumulators: byte offset 2·col, two f64x2 per four floats.
      c.localGet(col).localGet(col).i32Add().localSet(a);
      for (const half of [0, 8]) {
        c.localGet(a);
        c.localGet(a).v128Load(SUM_AT + 2 * half, 8).localGet(p).v128Load64Zero(half, 4).simd('f64x2.promote_low_f32x4');
        c.simd('f64x2.add').v128Store(SUM_AT + 2 * half, 8);
        c.localGet(a);
        c.localGet(a).v128Load(SQ_AT + 2 * half, 8);
        c.localGet(p).v128Load64Zero(half, 4).simd('f64x2.promote_low_f32x4');
        c.localGet(p).v128Load64Zero(half, 4).simd('f64x2.promote_low_f32x4');
        c.simd('f64x2.mul').simd('f64x2.add').v128Store(SQ_AT + 2 * half, 8);
      }
    }
    c.localGet(col).i32Const(16).i32Add().localSet(col).br(0);
    c.end().end();
    c.localGet(X).localGet(LD).i32Add().localSet(X);
    c.localGet(ROWS).i32Const(1).i32Sub().localSet(ROWS).br(0);
    c.end().end();
  }
  return mod.build();
}

type RowsKernel = (x: number, rows: number, colBytes: number, ldBytes: number) => void;

interface Loaded {
  moments: RowsKernel;
  centre: RowsKernel;
  heap: Float32Array;
  sum: Float64Array;
  sq: Float64Array;
  lo: Float32Array;
  hi: Float32Array;
  c: Float32Array;
}

let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const k = instantiateFixed(buildColumnStatsModule, PAGES);
  if (k === null) return null;
  const { exports, memory } = k;
  const buf = memory.buffer;
  loaded = {
    moments: exports.moments as unknown as RowsKernel,
    centre: exports.centre as unknown as RowsKernel,
    heap: new Float32Array(buf),
    sum: new Float64Array(buf, SUM_AT, MAX_COLS),
    sq: new Float64Array(buf, SQ_AT, MAX_COLS),
    lo: new Float32Array(buf, LO_AT, MAX_COLS),
    hi: new Float32Array(buf, HI_AT, MAX_COLS),
    c: new Float32Array(buf, C_AT, MAX_COLS),
  };
  return loaded;
}

/** Column sums, sums of squares (double), minima and maxima of a float32 matrix. */
export interface ColumnMoments {
  sum: Float64Array;
  sq: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * Column moments of x [rows, cols] (row-major, rows ≥ 1), or null where WebAssembly SIMD is
 * unavailable or x is too wide. The last cols mod 4 columns are finished in TypeScript in the
 * same order, so every value equals the scalar loop's.
 *
 * @example
 * ```ts
 * const m = columnMomentsWasm(x, rows, cols) ?? columnMomentsJs(x, rows, cols);
 * ```
 */
export function columnMomentsWasm(x: Float32Array, rows: number, cols: number): ColumnMoments | null {
  if (cols > MAX_COLS || rows < 1) return null;
  const k = load();
  if (k === null) return null;
  const c4 = cols - (cols % 4);
  k.sum.fill(0, 0, c4);
  k.sq.fill(0, 0, c4);
  k.lo.set(x.subarray(0, c4));
  k.hi.set(x.subarray(0, c4));
  const rowsPer = Math.floor(CHUNK / cols);
  for (let r0 = 0; r0 < rows; r0 += rowsPer) {
    const n = Math.min(rowsPer, rows - r0);
    k.heap.set(x.subarray(r0 * cols, (r0 + n) * cols), X_AT / 4);
    if (c4 > 0) k.moments(X_AT, n, c4 * 4, cols * 4);
  }
  const out: ColumnMoments = {
    sum: new Float64Array(cols), sq: new Float64Array(cols),
    lo: new Float64Array(cols), hi: new Float64Array(cols),
  };
  out.sum.set(k.sum.subarray(0, c4));
  out.sq.set(k.sq.subarray(0, c4));
  out.lo.set(k.lo.subarray(0, c4));
  out.hi.set(k.hi.subarray(0, c4));
  for (let j = c4; j < cols; j++) {
    out.lo[j] = x[j];
    out.hi[j] = x[j];
  }
  if (c4 < cols) {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = c4; j < cols; j++) {
        const v = x[o + j];
        out.sum[j] += v;
        out.sq[j] += v * v;
        if (v < out.lo[j]) out.lo[j] = v;
        if (v > out.hi[j]) out.hi[j] = v;
      }
    }
  }
  return out;
}

/**
 * out ← x − centre for x [rows, cols], where every centre value is exactly a float32 (so the
 * float32 subtraction rounds as fround(x − centre) does). Returns false, writing nothing, where
 * WebAssembly SIMD is unavailable, x is too wide or a centre value is not a float32.
 *
 * @example
 * ```ts
 * if (!centreCopyWasm(x, out, rows, cols, centre)) centreCopyJs(x, out, rows, cols, centre);
 * ```
 */
export function centreCopyWasm(x: Float32Array, out: Float32Array, rows: number, cols: number, centre: Float64Array): boolean {
  if (cols > MAX_COLS) return false;
  for (let j = 0; j < cols; j++) if (Math.fround(centre[j]) !== centre[j]) return false;
  const k = load();
  if (k === null) return false;
  const c4 = cols - (cols % 4);
  k.c.set(centre.subarray(0, c4));
  const rowsPer = Math.floor(CHUNK / cols);
  for (let r0 = 0; r0 < rows; r0 += rowsPer) {
    const n = Math.min(rowsPer, rows - r0);
    const from = r0 * cols;
    const to = from + n * cols;
    k.heap.set(x.subarray(from, to), X_AT / 4);
    if (c4 > 0) k.centre(X_AT, n, c4 * 4, cols * 4);
    out.set(k.heap.subarray(X_AT / 4, X_AT / 4 + n * cols), from);
    if (c4 < cols) {
      for (let i = r0; i < r0 + n; i++) {
        const o = i * cols;
        for (let j = c4; j < cols; j++) out[o + j] = x[o + j] - centre[j];
      }
    }
  }
  return true;
}
