/**
 * The TypeScript GEMM: BLIS loops (jc over NC, pc over KC with one packed B block, ic over MC
 * with one packed A block, then jr/ir over NR/MR tiles) around the 4×8 micro-kernel. Packed
 * panels are double, accumulation is double, and a float32 C is rounded once at the end, so the
 * float32 result meets the tight bound u32·|C| + k·u64·(|A|·|B|) of docs/testing.md §3.4.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';
import { type Blocking, balancedBlock } from './gemm-blocking.js';
import { MR, NR, microKernel } from './gemm-micro.js';
import { packA, packB } from './gemm-pack.js';

/** Cache blocking of the TypeScript kernel, chosen by measurement (bench/gemm-tune.ts). */
export const JS_BLOCKING: Blocking = { kc: 512, mc: 128, nc: 1024 };

/**
 * C[i0.., j0..] (mr×nr valid entries) ← alpha·T + beta·C, with T the MR×NR tile. β = 0 never
 * reads C, so NaN in C does not leak.
 */
function mergeTile(
  T: number[], C: FloatArray, ci: number, ldc: number, mr: number, nr: number, alpha: number, beta: number,
): void {
  for (let i = 0; i < mr; i++) {
    const t = i * NR;
    const c = ci + i * ldc;
    if (beta === 0) for (let j = 0; j < nr; j++) C[c + j] = alpha * T[t + j];
    else for (let j = 0; j < nr; j++) C[c + j] = alpha * T[t + j] + beta * C[c + j];
  }
}

/** Every MR×NR tile of one packed A block against one packed B block. */
function macroKernel(
  mc: number, nc: number, kc: number, Ap: number[], Bp: number[], T: number[],
  C: FloatArray, ci: number, ldc: number, alpha: number, beta: number,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    for (let ir = 0; ir < mc; ir += MR) {
      microKernel(kc, Ap, ir * kc, Bp, jr * kc, T);
      mergeTile(T, C, ci + ir * ldc + jr, ldc, Math.min(MR, mc - ir), nr, alpha, beta);
    }
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C in TypeScript, for float32 or float64 storage. Requires
 * m, n, k ≥ 1 (the entry point handles the degenerate cases). `blocking` is for tuning only.
 */
export function gemmJs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: FloatArray, lda: number, B: FloatArray, ldb: number,
  beta: number, C: FloatArray, ldc: number, blocking: Blocking = JS_BLOCKING,
): void {
  const kc0 = balancedBlock(k, blocking.kc, 1);
  const mc0 = balancedBlock(m, blocking.mc, MR);
  const nc0 = balancedBlock(n, blocking.nc, NR);
  // A float32 C is accumulated across k blocks in a double workspace and rounded once.
  const widen = C instanceof Float32Array && k > kc0;
  const W = widen ? new Float64Array(m * n) : C;
  const ldw = widen ? n : ldc;
  if (widen && beta !== 0) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[i * n + j] = C[i * ldc + j];
  }
  const Ap = panels.a(mc0 * kc0);
  const Bp = panels.b(kc0 * nc0);
  const T = panels.tile;
  for (let jc = 0; jc < n; jc += nc0) {
    const nc = Math.min(nc0, n - jc);
    for (let pc = 0; pc < k; pc += kc0) {
      const kc = Math.min(kc0, k - pc);
      packB(transB, B, ldb, pc, jc, kc, nc, Bp);
      const betaBlock = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += mc0) {
        const mc = Math.min(mc0, m - ic);
        packA(transA, A, lda, ic, pc, mc, kc, Ap);
        macroKernel(mc, nc, kc, Ap, Bp, T, W, ic * ldw + jc, ldw, alpha, betaBlock);
      }
    }
  }
  if (widen) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) C[i * ldc + j] = W[i * n + j];
  }
}

/**
 * The packed panels and the tile, kept between calls: building a plain double array costs about
 * a nanosecond per element (1.4% of a VAE product when made per call), and packing overwrites
 * every element a call reads, padding included. gemmJs runs to completion synchronously, so one
 * set per realm is never shared by two calls at once.
 */
const panels = {
  pa: [] as number[],
  pb: [] as number[],
  tile: doubleArray(MR * NR),
  a(n: number): number[] {
    if (this.pa.length < n) this.pa = doubleArray(n);
    return this.pa;
  },
  b(n: number): number[] {
    if (this.pb.length < n) this.pb = doubleArray(n);
    return this.pb;
  },
};

/**
 * A zeroed array of n doubles as a plain JavaScript array (V8's packed-double elements), for the
 * packed panels and the tile. Measured on the VAE products: 5.8–6.1 GFLOP/s for the micro-kernel
 * against 4.8–5.2 with Float64Array panels. Typed-array loads in optimised code also check that
 * their buffer is not detached once any ArrayBuffer in the process has been (a WebAssembly memory
 * that grows detaches its old buffer), which plain arrays never need.
 */
function doubleArray(n: number): number[] {
  // Grown by push so that the elements are packed (no holes to check), and doubles from the start.
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  return a.fill(0);
}
