/**
 * The float32 GEMM driver over the WebAssembly kernel: copies A, B (and C when β ≠ 0) into the
 * module's memory, runs the BLIS loops (jc over NC, pc over KC with one packed B block, ic over
 * MC with one packed A block, then the macro-kernel), and copies C out.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import type { GemmExports } from './gemm-kernel.js';
import type { WasmGemm } from './runtime.js';

/** Cache blocking of the WebAssembly kernel, chosen by measurement (bench/gemm-tune.ts). */
export const WASM_BLOCKING: Blocking = { kc: 384, mc: 64, nc: 2048 };

const ALIGN = 64;
/** Rounds a byte count up to the 64-byte alignment of every block. */
export const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * Copies a rows×cols matrix with leading dimension `ld` to `heap` at element `at`. Returns the
 * leading dimension of the copy: the original one when the strided extent is at most twice the
 * dense size (one block copy), otherwise `cols` (row by row, dropping the gaps).
 */
export function copyIn(heap: Float32Array, at: number, X: Float32Array, rows: number, cols: number, ld: number): number {
  const extent = (rows - 1) * ld + cols;
  if (extent <= 2 * rows * cols) {
    heap.set(X.subarray(0, extent), at);
    return ld;
  }
  for (let r = 0; r < rows; r++) heap.set(X.subarray(r * ld, r * ld + cols), at + r * cols);
  return cols;
}

/** Elements the copy of a rows×cols operand occupies (see {@link copyIn}). */
export function extentOf(rows: number, cols: number, ld: number): number {
  const extent = (rows - 1) * ld + cols;
  return extent <= 2 * rows * cols ? extent : rows * cols;
}

/**
 * C = alpha·op(A)·op(B) + beta·C on the WebAssembly kernel. Requires m, n, k ≥ 1 and
 * alpha ≠ 0 (the entry point handles the degenerate cases). Returns false, leaving C untouched,
 * when the memory cannot grow; the caller then uses the TypeScript kernel. `blocking` is for
 * tuning only.
 */
export function gemmWasm(
  w: WasmGemm, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float32Array, lda: number, B: Float32Array, ldb: number,
  beta: number, C: Float32Array, ldc: number, blocking: Blocking = WASM_BLOCKING,
): boolean {
  const blocks = blocksFor(w.shape, m, n, k, blocking);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const scratch = packScratchAt(0, w.shape, blocks);
  const aAt = scratch.b + align(blocks.kc * blocks.nc * 4);
  const bAt = aAt + align(extentOf(aRows, aCols, lda) * 4);
  const cAt = bAt + align(extentOf(bRows, bCols, ldb) * 4);
  if (!w.reserve(cAt + m * n * 4)) return false;
  const heap = w.heap();
  const la = copyIn(heap, aAt / 4, A, aRows, aCols, lda);
  const lb = copyIn(heap, bAt / 4, B, bRows, bCols, ldb);
  if (beta !== 0) copyIn2D(heap, cAt / 4, n, C, ldc, m, n);
  blockedProduct(w.exports, scratch, blocks, transA, transB, m, n, k, alpha, aAt, la, bAt, lb, beta, cAt, n);
  copyOut2D(heap, cAt / 4, n, C, ldc, m, n);
  return true;
}

/** The block sizes of one m×n×k product: balanced so that no block is a small remainder. */
export function blocksFor(shape: { mr: number; nr: number }, m: number, n: number, k: number, blocking: Blocking = WASM_BLOCKING): Blocking {
  return { kc: balancedBlock(k, blocking.kc, 1), mc: balancedBlock(m, blocking.mc, shape.mr), nc: balancedBlock(n, blocking.nc, shape.nr) };
}

/** Byte offsets of the packing scratch in a module's memory: the edge tile and the packed A and B blocks. */
export interface PackScratch {
  tile: number;
  a: number;
  b: number;
}

/** Bytes of packing scratch a product needs at most with `blocking` and register block `shape`. */
export function packScratchBytes(shape: { mr: number; nr: number }, blocking: Blocking = WASM_BLOCKING): number {
  const mc = Math.ceil(blocking.mc / shape.mr) * shape.mr;
  const nc = Math.ceil(blocking.nc / shape.nr) * shape.nr;
  return align(shape.mr * shape.nr * 4) + align(mc * blocking.kc * 4) + align(blocking.kc * nc * 4);
}

/** Lays out {@link PackScratch} from byte `at` (64-byte aligned) for the given block sizes. */
export function packScratchAt(at: number, shape: { mr: number; nr: number }, blocks: Blocking): PackScratch {
  const a = at + align(shape.mr * shape.nr * 4);
  return { tile: at, a, b: a + align(blocks.mc * blocks.kc * 4) };
}

/**
 * The operand every panel of a shared product reads whole (A when the product is split along n,
 * B when along m: kernels/threads/gemm-parallel.ts), packed once per thread at `at` instead of
 * once per panel. Block (pc, ic) of A lies at byte `at + (pc·⌈m/pad⌉·pad + ic·kc)·4` and block
 * (jc, pc) of B at `at + (jc·k + pc·⌈nc/pad⌉·pad)·4`, `pad` being the register block's rows (A)
 * or columns (B): the blocks the per-panel loop would pack, side by side (so the blocking's MC,
 * for A, or NC, for B, must be a multiple of `pad`, as `balancedBlock` makes it). `packed` is set once
 * the thread's first panel of the product has packed them; later panels only read them.
 */
export interface PackedOperand {
  readonly side: 'a' | 'b';
  readonly at: number;
  readonly pad: number;
  packed: boolean;
}

/** Bytes {@link PackedOperand} needs for an operand of `lanes` rows of A (or columns of B) over depth k. */
export function packedOperandBytes(lanes: number, k: number, pad: number): number {
  return align(Math.ceil(lanes / pad) * pad * k * 4);
}

/**
 * The BLIS loops over operands already in the module's memory (byte offsets, leading dimensions
 * in elements): jc over NC, pc over KC with one packed B block, ic over MC with one packed A
 * block, then the macro-kernel. C is read (β ≠ 0) and written in place. With `shared`, the
 * blocks of that operand are read from (and on the thread's first panel packed into) its place
 * instead of the scratch: the same values reach the macro-kernel, so the bytes of C are the same.
 */
export function blockedProduct(
  exports: GemmExports, scratch: PackScratch, blocks: Blocking, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, aAt: number, lda: number, bAt: number, ldb: number,
  beta: number, cAt: number, ldc: number, shared?: PackedOperand,
): void {
  const { mc: MC, kc: KC, nc: NC } = blocks;
  // Strides in bytes: A(i, p) and B(p, j).
  const [aLane, aK] = transA ? [4, lda * 4] : [lda * 4, 4];
  const [bLane, bK] = transB ? [ldb * 4, 4] : [4, ldb * 4];
  const { packA, packB, macro } = exports;
  const sharedA = shared?.side === 'a' ? shared : undefined;
  const sharedB = shared?.side === 'b' ? shared : undefined;
  const mPadded = sharedA === undefined ? 0 : Math.ceil(m / sharedA.pad) * sharedA.pad;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      let b = scratch.b;
      if (sharedB === undefined) {
        packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, b);
      } else {
        b = sharedB.at + (jc * k + pc * Math.ceil(nc / sharedB.pad) * sharedB.pad) * 4;
        if (!sharedB.packed) packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, b);
      }
      const betaBlock = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        let a = scratch.a;
        if (sharedA === undefined) {
          packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, a);
        } else {
          a = sharedA.at + (pc * mPadded + ic * kc) * 4;
          if (!sharedA.packed && jc === 0) packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, a);
        }
        macro(mc, nc, kc, a, b, cAt + (ic * ldc + jc) * 4, ldc * 4, alpha, betaBlock, scratch.tile);
      }
    }
  }
  if (shared !== undefined) shared.packed = true;
}

/** Copies a rows×cols window of X (leading dimension `ld`) to `heap` at `at` with leading dimension `ldh`. */
export function copyIn2D(heap: Float32Array, at: number, ldh: number, X: Float32Array, ld: number, rows: number, cols: number): void {
  if (ld === cols && ldh === cols) {
    heap.set(X.subarray(0, rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) heap.set(X.subarray(r * ld, r * ld + cols), at + r * ldh);
}

/** The reverse of {@link copyIn2D}. */
export function copyOut2D(heap: Float32Array, at: number, ldh: number, X: Float32Array, ld: number, rows: number, cols: number): void {
  if (ld === cols && ldh === cols) {
    X.set(heap.subarray(at, at + rows * cols));
    return;
  }
  for (let r = 0; r < rows; r++) X.set(heap.subarray(at + r * ldh, at + r * ldh + cols), r * ld);
}
