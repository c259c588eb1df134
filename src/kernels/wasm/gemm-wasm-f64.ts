/**
 * The float64 GEMM driver over the f64x2 WebAssembly kernel (gemm-kernel-f64.ts). It runs the
 * BLIS loops of the TypeScript kernel (jc over NC, pc over KC with one packed B block, ic over MC
 * with one packed A block, then the macro-kernel) with the TypeScript kernel's KC, so each
 * element of C is summed in the same order and the result is the same bytes as `gemmJs` (see
 * micro-f64.ts). Unlike the float32 driver it does not copy A and B whole into the module's
 * memory: the float64 operands of the decompositions are the big ones (X of NMF and FastICA,
 * 60,000 × 784 doubles, 376 MB), so each block's window of the stored matrix is copied in just
 * before it is packed, and the module's memory stays at C plus a few blocks. C is copied in
 * (β ≠ 0) and out whole.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { JS_BLOCKING } from '../gemm-js.js';
import { F64_MICRO, type GemmF64Exports, buildGemmF64Module } from './gemm-kernel-f64.js';
import type { MicroShapeF64 } from './micro-f64.js';
import { growMemory } from './memory.js';

/**
 * Cache blocking of the float64 kernel. KC is the TypeScript kernel's (the k partition fixes
 * each element's summation order, so the two kernels agree bit for bit); MC and NC keep a packed
 * A block (64 × 512 doubles, 256 KiB) in L2 and a B micro-panel (512 × 4, 16 KiB) in L1.
 */
export const F64_BLOCKING: Blocking = { kc: JS_BLOCKING.kc, mc: 64, nc: 1024 };

const ALIGN = 64;
const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** A loaded float64 kernel on its own growable memory. */
export interface WasmGemmF64 {
  readonly shape: MicroShapeF64;
  readonly exports: GemmF64Exports;
  /** A Float64Array over the whole memory; take it again after {@link WasmGemmF64.reserve}. */
  heap(): Float64Array;
  /** Grows the memory to at least `bytes`; false when the engine refuses. */
  reserve(bytes: number): boolean;
}

// Compiled modules by register block and memory kind; only successes are kept.
const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * The float64 module for `shape` (a shared-memory import with `shared`), compiled once per realm,
 * or null where WebAssembly SIMD is unavailable.
 */
export function gemmF64Module(shared = false, shape: MicroShapeF64 = F64_MICRO): WebAssembly.Module | null {
  const key = `${shape.mr}:${shape.nr}:${shared}`;
  let module = compiled.get(key);
  if (module === undefined) {
    module = null;
    try {
      const bytes = buildGemmF64Module(shape, shared);
      if (typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(key, module);
  }
  return module;
}

/** A fresh instance of the float64 kernel for `shape` on a memory of its own, or null. */
export function loadWasmGemmF64(shape: MicroShapeF64 = F64_MICRO): WasmGemmF64 | null {
  const module = gemmF64Module(false, shape);
  if (module === null) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmF64Exports;
    let view = new Float64Array(memory.buffer);
    return {
      shape,
      exports,
      heap: () => {
        if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer);
        return view;
      },
      reserve: (bytes) => growMemory(memory, bytes),
    };
  } catch {
    return null;
  }
}

let loaded: WasmGemmF64 | null | undefined;

/** The float64 kernel of this realm, loaded on first call, or null where it is unavailable. */
export function wasmGemmF64(): WasmGemmF64 | null {
  if (loaded === undefined) loaded = loadWasmGemmF64();
  return loaded;
}

/** The block sizes of one product, balanced as the TypeScript kernel's are. */
export function blocksF64(shape: MicroShapeF64, m: number, n: number, k: number, blocking: Blocking = F64_BLOCKING): Blocking {
  return { kc: balancedBlock(k, blocking.kc, 1), mc: balancedBlock(m, blocking.mc, shape.mr), nc: balancedBlock(n, blocking.nc, shape.nr) };
}

/**
 * Elements to reserve for staging any window of at most `rows` × `cols` (see {@link stageWindow}:
 * a block copy is used only when it is at most {@link BLOCK_COPY_SLACK} times the window).
 */
function windowCapacity(rows: number, cols: number): number {
  return Math.ceil(BLOCK_COPY_SLACK * rows * cols);
}

/**
 * A window is copied as one block (gaps between its rows included) when that is at most this
 * many times its size, else row by row. At 2 (the float32 driver's rule) the 64 × 392 windows of
 * NMF's X·Hᵀ (X 784 wide, k split in two KC blocks) copied whole rows, twice the data: 15% of a
 * cd fit's profile.
 */
const BLOCK_COPY_SLACK = 1.25;

/**
 * With op(A) = Aᵀ (A's rows are k steps) the window of every MC block of one KC block is staged
 * at once, kc × m, when it has at most this many elements: one copy of long rows instead of kc
 * short ones per MC block (Xᵀ·W of NMF, the Gram's block rows XᵀX).
 */
export const STAGE_WHOLE_A = 1 << 21;

/** The most bytes of C the module's memory holds at once (larger C run in bands of rows). */
export const C_CHUNK_BYTES = 16 << 20;
/** The fewest rows a band has (B is packed again for each band). */
const MIN_BAND_ROWS = 256;

/**
 * Copies the stored window X[r0 : r0 + rows, c0 : c0 + cols] (leading dimension `ld`) to `heap`
 * at element `at` and returns its leading dimension there: `ld` when the strided extent is small
 * enough (one block copy), else `cols` (row by row).
 */
function stageWindow(heap: Float64Array, at: number, X: Float64Array, ld: number, r0: number, c0: number, rows: number, cols: number): number {
  const origin = r0 * ld + c0;
  const extent = (rows - 1) * ld + cols;
  if (extent <= BLOCK_COPY_SLACK * rows * cols) {
    heap.set(X.subarray(origin, origin + extent), at);
    return ld;
  }
  for (let r = 0; r < rows; r++) heap.set(X.subarray(origin + r * ld, origin + r * ld + cols), at + r * cols);
  return cols;
}

/**
 * C = alpha·op(A)·op(B) + beta·C in float64 on the WebAssembly kernel, the bytes of `gemmJs`.
 * Requires m, n, k ≥ 1 and alpha ≠ 0 (the entry point settles the rest). Returns false, leaving C
 * untouched, when the memory cannot grow. `blocking` is for tuning and tests only (its KC must be
 * the TypeScript kernel's for the bytes to agree), and so are `stageWholeA` ({@link STAGE_WHOLE_A})
 * and `cBytes` ({@link C_CHUNK_BYTES}).
 */
export function gemmWasmF64(
  w: WasmGemmF64, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number, blocking: Blocking = F64_BLOCKING, stageWholeA = STAGE_WHOLE_A,
  cBytes = C_CHUNK_BYTES,
): boolean {
  // A large C (NMF's W·H, 60,000 × 784) in bands of rows, so the module's memory (which never
  // shrinks) holds one band: splitting m changes no element's arithmetic.
  const bandRows = Math.max(MIN_BAND_ROWS, Math.floor(cBytes / 8 / n));
  if (m > bandRows) {
    for (let i0 = 0; i0 < m; i0 += bandRows) {
      const rows = Math.min(bandRows, m - i0);
      const Ai = transA ? A.subarray(i0) : A.subarray(i0 * lda);
      if (!gemmWasmF64(w, transA, transB, rows, n, k, alpha, Ai, lda, B, ldb, beta, C.subarray(i0 * ldc), ldc, blocking, stageWholeA, Infinity)) {
        if (i0 === 0) return false;
        throw new Error('gemmWasmF64: the memory that held the first band cannot hold the next'); // cannot happen: bands shrink
      }
    }
    return true;
  }
  const { mr, nr } = w.shape;
  const { kc: KC, mc: MC, nc: NC } = blocksF64(w.shape, m, n, k, blocking);
  const wholeA = transA && KC * m <= stageWholeA;
  const tileAt = 0;
  const paAt = tileAt + align(mr * nr * 8);
  const pbAt = paAt + align(MC * KC * 8);
  const saAt = pbAt + align(KC * NC * 8);
  const sbAt = saAt + align((wholeA ? windowCapacity(KC, m) : windowCapacity(MC, KC)) * 8);
  const cAt = sbAt + align(windowCapacity(KC, NC) * 8);
  if (!w.reserve(cAt + m * n * 8)) return false;
  const heap = w.heap();
  const c0 = cAt / 8;
  if (beta !== 0) {
    if (ldc === n) heap.set(C.subarray(0, m * n), c0);
    else for (let i = 0; i < m; i++) heap.set(C.subarray(i * ldc, i * ldc + n), c0 + i * n);
  }
  const { packA, packB, macro } = w.exports;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // op(B)(p, j) = transB ? B[j·ldb + p] : B[p·ldb + j]
      const lb = transB ? stageWindow(heap, sbAt / 8, B, ldb, jc, pc, nc, kc) : stageWindow(heap, sbAt / 8, B, ldb, pc, jc, kc, nc);
      if (transB) packB(sbAt, lb * 8, 8, nc, kc, pbAt);
      else packB(sbAt, 8, lb * 8, nc, kc, pbAt);
      const betaBlock = pc === 0 ? beta : 1;
      const whole = wholeA ? stageWindow(heap, saAt / 8, A, lda, pc, 0, kc, m) : 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        // op(A)(i, p) = transA ? A[p·lda + i] : A[i·lda + p]
        if (wholeA) packA(saAt + ic * 8, 8, whole * 8, mc, kc, paAt);
        else if (transA) packA(saAt, 8, stageWindow(heap, saAt / 8, A, lda, pc, ic, kc, mc) * 8, mc, kc, paAt);
        else packA(saAt, stageWindow(heap, saAt / 8, A, lda, ic, pc, mc, kc) * 8, 8, mc, kc, paAt);
        macro(mc, nc, kc, paAt, pbAt, cAt + (ic * n + jc) * 8, n * 8, alpha, betaBlock, tileAt);
      }
    }
  }
  if (ldc === n) C.set(heap.subarray(c0, c0 + m * n));
  else for (let i = 0; i < m; i++) C.set(heap.subarray(c0 + i * n, c0 + i * n + n), i * ldc);
  return true;
}

/**
 * The BLIS loops over float64 operands already in the module's memory (byte offsets, leading
 * dimensions in elements; the thread pool's panels): jc over NC, pc over KC with one packed B
 * block, ic over MC with one packed A block, then the macro-kernel. C is read (β ≠ 0) and written
 * in place. `scratch` holds byte offsets of the edge tile and the packed blocks.
 */
export function blockedProductF64(
  exports: GemmF64Exports, scratch: { tile: number; a: number; b: number }, blocks: Blocking, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, aAt: number, lda: number, bAt: number, ldb: number,
  beta: number, cAt: number, ldc: number,
): void {
  const { mc: MC, kc: KC, nc: NC } = blocks;
  const [aLane, aK] = transA ? [8, lda * 8] : [lda * 8, 8];
  const [bLane, bK] = transB ? [ldb * 8, 8] : [8, ldb * 8];
  const { packA, packB, macro } = exports;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, scratch.b);
      const betaBlock = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, scratch.a);
        macro(mc, nc, kc, scratch.a, scratch.b, cAt + (ic * ldc + jc) * 8, ldc * 8, alpha, betaBlock, scratch.tile);
      }
    }
  }
}
