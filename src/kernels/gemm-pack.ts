/**
 * Packing for the TypeScript kernel. A block of op(A) (mc×kc) becomes consecutive MR-row panels
 * and a block of op(B) (kc×nc) consecutive NR-column panels; inside a panel the values of one k
 * step are contiguous, so the micro-kernel reads both linearly. Edge panels are zero-padded.
 * Element strides are computed from the transpose flags, so packing absorbs transA/transB and
 * every layout runs the same micro-kernel. Values are widened to double here, once.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';
import { MR, NR } from './gemm-micro.js';

/**
 * Packs `count` lanes × kc steps into `dst` as panels of `lanes` lanes (a lane is a row of A or
 * a column of B). Element (lane, p) is read at `X[origin + lane·laneStride + p·kStride]` and
 * written at `dst[panel·kc·lanes + p·lanes + lane mod lanes]`.
 */
function packPanels(
  X: FloatArray, origin: number, laneStride: number, kStride: number,
  count: number, kc: number, lanes: number, dst: number[],
): void {
  for (let l0 = 0; l0 < count; l0 += lanes) {
    const base = l0 * kc;
    const full = Math.min(lanes, count - l0);
    for (let l = 0; l < full; l++) {
      let s = origin + (l0 + l) * laneStride;
      let d = base + l;
      for (let p = 0; p < kc; p++) {
        dst[d] = X[s];
        s += kStride;
        d += lanes;
      }
    }
    for (let l = full; l < lanes; l++) {
      for (let p = 0, d = base + l; p < kc; p++, d += lanes) dst[d] = 0;
    }
  }
}

/**
 * Packs the mc×kc block of op(A) starting at row i0, column p0 into MR-row panels
 * (`roundUp(mc, MR)·kc` values).
 */
export function packA(
  transA: boolean, A: FloatArray, lda: number, i0: number, p0: number, mc: number, kc: number, dst: number[],
): void {
  // op(A)(i, p) = transA ? A[p·lda + i] : A[i·lda + p]
  const [rowStride, kStride] = transA ? [1, lda] : [lda, 1];
  packPanels(A, i0 * rowStride + p0 * kStride, rowStride, kStride, mc, kc, MR, dst);
}

/**
 * Packs the kc×nc block of op(B) starting at row p0, column j0 into NR-column panels
 * (`kc·roundUp(nc, NR)` values).
 */
export function packB(
  transB: boolean, B: FloatArray, ldb: number, p0: number, j0: number, kc: number, nc: number, dst: number[],
): void {
  // op(B)(p, j) = transB ? B[j·ldb + p] : B[p·ldb + j]
  const [colStride, kStride] = transB ? [ldb, 1] : [1, ldb];
  packPanels(B, j0 * colStride + p0 * kStride, colStride, kStride, nc, kc, NR, dst);
}
