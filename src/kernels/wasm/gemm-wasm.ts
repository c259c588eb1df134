/**
 * The float32 GEMM driver over the WebAssembly kernel: copies A, B (and C when β ≠ 0) into the
 * module's memory, runs the BLIS loops (jc over NC, pc over KC with one packed B block, ic over
 * MC with one packed A block, then the macro-kernel), and copies C out.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import type { WasmGemm } from './runtime.js';

/** Cache blocking of the WebAssembly kernel, chosen by measurement (bench/gemm-tune.ts). */
export const WASM_BLOCKING: Blocking = { kc: 384, mc: 64, nc: 2048 };

const ALIGN = 64;
const align = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * Copies a rows×cols matrix with leading dimension `ld` to `heap` at element `at`. Returns the
 * leading dimension of the copy: the original one when the strided extent is at most twice the
 * dense size (one block copy), otherwise `cols` (row by row, dropping the gaps).
 */
function copyIn(heap: Float32Array, at: number, X: Float32Array, rows: number, cols: number, ld: number): number {
  const extent = (rows - 1) * ld + cols;
  if (extent <= 2 * rows * cols) {
    heap.set(X.subarray(0, extent), at);
    return ld;
  }
  for (let r = 0; r < rows; r++) heap.set(X.subarray(r * ld, r * ld + cols), at + r * cols);
  return cols;
}

/** Elements the copy of a rows×cols operand occupies (see {@link copyIn}). */
function extentOf(rows: number, cols: number, ld: number): number {
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
  const { mr, nr } = w.shape;
  const KC = balancedBlock(k, blocking.kc, 1);
  const MC = balancedBlock(m, blocking.mc, mr);
  const NC = balancedBlock(n, blocking.nc, nr);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const tmpAt = 0;
  const paAt = align(mr * nr * 4);
  const pbAt = paAt + align(MC * KC * 4);
  const aAt = pbAt + align(KC * NC * 4);
  const bAt = aAt + align(extentOf(aRows, aCols, lda) * 4);
  const cAt = bAt + align(extentOf(bRows, bCols, ldb) * 4);
  if (!w.reserve(cAt + m * n * 4)) return false;
  const heap = w.heap();
  const la = copyIn(heap, aAt / 4, A, aRows, aCols, lda);
  const lb = copyIn(heap, bAt / 4, B, bRows, bCols, ldb);
  if (beta !== 0) copyIn2D(heap, cAt / 4, n, C, ldc, m, n);
  // Strides in bytes: A(i, p) and B(p, j) in the copies.
  const [aLane, aK] = transA ? [4, la * 4] : [la * 4, 4];
  const [bLane, bK] = transB ? [lb * 4, 4] : [4, lb * 4];
  const { packA, packB, macro } = w.exports;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, pbAt);
      const betaBlock = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, paAt);
        macro(mc, nc, kc, paAt, pbAt, cAt + (ic * n + jc) * 4, n * 4, alpha, betaBlock, tmpAt);
      }
    }
  }
  copyOut2D(heap, cAt / 4, n, C, ldc, m, n);
  return true;
}

function copyIn2D(heap: Float32Array, at: number, ldh: number, X: Float32Array, ld: number, rows: number, cols: number): void {
  if (ld === cols && ldh === cols) {
    heap.set(X.subarray(0, rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) heap.set(X.subarray(r * ld, r * ld + cols), at + r * ldh);
}

function copyOut2D(heap: Float32Array, at: number, ldh: number, X: Float32Array, ld: number, rows: number, cols: number): void {
  if (ld === cols && ldh === cols) {
    X.set(heap.subarray(at, at + rows * cols));
    return;
  }
  for (let r = 0; r < rows; r++) X.set(heap.subarray(at + r * ldh, at + r * ldh + cols), r * ld);
}
