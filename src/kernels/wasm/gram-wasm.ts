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
import type { WasmGemm } from './runtime.js';
import { WASM_BLOCKING } from './gemm-wasm.js';

/** Rows of C per strip of the triangle: the work below the diagonal is about GRAM_MC/(2d). */
const GRAM_MC = 32;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * out[i·d + j] = Σ_rows X[r, i]·X[r, j] for j ≥ i (the upper triangle; the lower one is left as
 * it was), X [rows, d] row-major. Products are summed in float32 within a chunk of `chunkRows`
 * rows and the chunk sums in double. Returns false, touching nothing, when the memory cannot
 * grow; the caller then uses the blocked `gemm` path.
 */
export function gramUpperWasm(w: WasmGemm, X: Float32Array, rows: number, d: number, chunkRows: number, out: Float64Array): boolean {
  const { mr, nr } = w.shape;
  const chunk = Math.min(chunkRows, rows);
  const KC = balancedBlock(chunk, WASM_BLOCKING.kc, 1);
  const MC = Math.max(nr, Math.ceil(GRAM_MC / nr) * nr); // a multiple of NR (and of MR): strips start on a B panel
  const dPad = Math.ceil(d / nr) * nr;
  const tmpAt = 0;
  const paAt = align(mr * nr * 4);
  const pbAt = paAt + align(Math.max(MC, Math.ceil(d / mr) * mr) * KC * 4);
  const xAt = pbAt + align(KC * dPad * 4);
  const cAt = xAt + align(chunk * d * 4);
  if (mr > MC || MC % mr !== 0 || !w.reserve(cAt + d * d * 4)) return false;
  const { packA, packB, macro } = w.exports;
  const ld = d * 4;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const m = Math.min(chunk, rows - r0);
    const heap = w.heap();
    heap.set(X.subarray(r0 * d, (r0 + m) * d), xAt / 4);
    for (let pc = 0; pc < m; pc += KC) {
      const kc = Math.min(KC, m - pc);
      const slice = xAt + pc * ld;
      packB(slice, 4, ld, d, kc, pbAt);
      packA(slice, 4, ld, d, kc, paAt);
      const beta = pc === 0 ? 0 : 1;
      for (let ic = 0; ic < d; ic += MC) {
        const mc = Math.min(MC, d - ic);
        // A panels are MR rows each; strip ic starts at panel ic/MR, B panel ic/NR.
        macro(mc, d - ic, kc, paAt + ic * kc * 4, pbAt + ic * kc * 4, cAt + (ic * d + ic) * 4, ld, 1, beta, tmpAt);
      }
    }
    const c = w.heap();
    const base = cAt / 4;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      for (let j = i; j < d; j++) out[row + j] += c[base + row + j];
    }
  }
  return true;
}
