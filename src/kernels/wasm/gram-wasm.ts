/**
 * The Gram matrix XᵀX of a tall float32 matrix on the WebAssembly GEMM kernel, for the PCA
 * covariance solver. Compared with calling `gemm` once per block row of the triangle, each chunk
 * of rows is copied into the module's memory once, and each KC slice of it is packed once as B
 * (all columns) and once as A (all rows of Xᵀ); the macro-kernel then walks the upper triangle
 * in MC-row strips, starting each strip at its diagonal. Float32 sums run over one chunk only;
 * the chunk results are added in double.
 *
 * @module
 */
import { balancedBlock } from '../gemm-blocking.js';
import type { GemmExports } from './gemm-kernel.js';
import type { WasmGemm } from './runtime.js';
import type { MicroShape } from './micro.js';
import { WASM_BLOCKING } from './gemm-wasm.js';

/** Rows of C per strip of the triangle: the work below the diagonal is about GRAM_MC/(2d). */
const GRAM_MC = 32;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** The blocking of one chunk's Gram: KC rows of X per packed slice, MC rows of C per strip. */
export interface GramBlocking {
  readonly kc: number;
  readonly mc: number;
}

/**
 * The blocking of the Gram of a chunk of `rows` rows for register block `shape`, or null when
 * the shape cannot walk the triangle (strips must start on an A panel and a B panel). The
 * threaded Gram (kernels/threads/gram-parallel.ts) uses it per chunk, so its bytes are these.
 */
export function gramBlocking(shape: MicroShape, rows: number): GramBlocking | null {
  const { mr, nr } = shape;
  const mc = Math.max(nr, Math.ceil(GRAM_MC / nr) * nr); // a multiple of NR (and of MR): strips start on a B panel
  if (mr > mc || mc % mr !== 0) return null;
  return { kc: balancedBlock(rows, WASM_BLOCKING.kc, 1), mc };
}

/** Bytes of one thread's packing scratch for a chunk's Gram: the edge tile, packed A, packed B. */
export function gramScratchBytes(shape: MicroShape, d: number, b: GramBlocking): { tile: number; a: number; b: number; total: number } {
  const { mr, nr } = shape;
  const dPad = Math.ceil(d / nr) * nr;
  const a = align(mr * nr * 4);
  const bAt = a + align(Math.max(b.mc, Math.ceil(d / mr) * mr) * b.kc * 4);
  return { tile: 0, a, b: bAt, total: bAt + align(b.kc * dPad * 4) };
}

/**
 * The upper triangle (and the diagonal blocks' lower parts, unused) of the float32 Gram of one
 * chunk, C = XᵀX for X [m, d] at byte `xAt`, written to the d×d C at byte `cAt`: each KC slice
 * of X packed once as B (all columns) and once as A (all rows of Xᵀ), then the macro-kernel on
 * the MC-row strips of the triangle, each from its diagonal. Scratch at `tileAt`, `paAt`,
 * `pbAt` ({@link gramScratchBytes}). The worker script repeats this loop (threads/worker-source.ts).
 */
export function gramChunk(e: GemmExports, xAt: number, m: number, d: number, b: GramBlocking, tileAt: number, paAt: number, pbAt: number, cAt: number): void {
  const { packA, packB, macro } = e;
  const ld = d * 4;
  for (let pc = 0; pc < m; pc += b.kc) {
    const kc = Math.min(b.kc, m - pc);
    const slice = xAt + pc * ld;
    packB(slice, 4, ld, d, kc, pbAt);
    packA(slice, 4, ld, d, kc, paAt);
    const beta = pc === 0 ? 0 : 1;
    for (let ic = 0; ic < d; ic += b.mc) {
      const mc = Math.min(b.mc, d - ic);
      // A panels are MR rows each; strip ic starts at panel ic/MR, B panel ic/NR.
      macro(mc, d - ic, kc, paAt + ic * kc * 4, pbAt + ic * kc * 4, cAt + (ic * d + ic) * 4, ld, 1, beta, tileAt);
    }
  }
}

/** out[i·d + j] += C[i·d + j] (float32 at float index `cIndex` of `heap`) for j ≥ i, in double. */
export function addUpper(heap: Float32Array, cIndex: number, d: number, out: Float64Array): void {
  addUpperRows(heap, cIndex, d, out, 0, 0, d);
}

/**
 * {@link addUpper} for the rows i0 ≤ i < i1 only, into `out` from element `outIndex`: the same
 * additions for those rows, so the threaded Gram can share the rows out (the worker script
 * repeats this loop, threads/worker-source.ts).
 */
export function addUpperRows(heap: Float32Array, cIndex: number, d: number, out: Float64Array, outIndex: number, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const row = i * d;
    for (let j = i; j < d; j++) out[outIndex + row + j] += heap[cIndex + row + j];
  }
}

/**
 * out[i·d + j] = Σ_rows X[r, i]·X[r, j] for j ≥ i (the upper triangle; the lower one is left as
 * it was), X [rows, d] row-major. Products are summed in float32 within a chunk of `chunkRows`
 * rows and the chunk sums in double. Returns false, touching nothing, when the memory cannot
 * grow; the caller then uses the blocked `gemm` path.
 */
export function gramUpperWasm(w: WasmGemm, X: Float32Array, rows: number, d: number, chunkRows: number, out: Float64Array): boolean {
  const chunk = Math.min(chunkRows, rows);
  const b = gramBlocking(w.shape, chunk);
  if (b === null) return false;
  const scratch = gramScratchBytes(w.shape, d, b);
  const xAt = scratch.total;
  const cAt = xAt + align(chunk * d * 4);
  if (!w.reserve(cAt + d * d * 4)) return false;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    w.heap().set(X.subarray(r0 * d, (r0 + m) * d), xAt / 4);
    gramChunk(w.exports, xAt, m, d, b, scratch.tile, scratch.a, scratch.b, cAt);
    addUpper(w.heap(), cAt / 4, d, out);
  }
  return true;
}
