/**
 * The TypeScript micro-kernel: one MR×NR = 4×8 block of C from a packed 4-row panel of A and a
 * packed 8-column panel of B, both plain arrays of doubles (see gemm-js.ts), accumulated in
 * double.
 *
 * It is long on purpose. The 32 accumulators are separate local variables so that V8 keeps as
 * many of them as it can in registers (an accumulator array would live in memory), and
 * generating the unrolled code at run time (`new Function`) is ruled out by the style guide.
 * Among the register blocks tried with Float64Array panels (2×4, 2×6, 2×8, 3×3, 3×4, 3×8, 4×4,
 * 4×6, 4×8, 6×4, 6×8, 8×4, with and without unrolling k by 2) 4×8 was the fastest; with plain
 * double arrays 3×8, 4×6, 4×8, 5×8 and 6×8 all measure 6.3 GFLOP/s on hot panels and 2×8, 4×4,
 * 6×4 and 8×4 5.8–6.1, so 4×8 stays.
 *
 * @module
 */

/** Rows of the register block. */
export const MR = 4;
/** Columns of the register block. */
export const NR = 8;

/**
 * T[0:MR·NR] ← Ap[ai …]ᵀ·Bp[bi …] over kc steps: panel A holds MR values per step, panel B
 * holds NR values per step. T is row-major MR×NR.
 */
export function microKernel(kc: number, Ap: number[], ai: number, Bp: number[], bi: number, T: number[]): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = Ap[ai], a1 = Ap[ai + 1], a2 = Ap[ai + 2], a3 = Ap[ai + 3];
    const b0 = Bp[bi], b1 = Bp[bi + 1], b2 = Bp[bi + 2], b3 = Bp[bi + 3];
    const b4 = Bp[bi + 4], b5 = Bp[bi + 5], b6 = Bp[bi + 6], b7 = Bp[bi + 7];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
    ai += MR;
    bi += NR;
  }
  T[0] = c00; T[1] = c01; T[2] = c02; T[3] = c03; T[4] = c04; T[5] = c05; T[6] = c06; T[7] = c07;
  T[8] = c10; T[9] = c11; T[10] = c12; T[11] = c13; T[12] = c14; T[13] = c15; T[14] = c16; T[15] = c17;
  T[16] = c20; T[17] = c21; T[18] = c22; T[19] = c23; T[20] = c24; T[21] = c25; T[22] = c26; T[23] = c27;
  T[24] = c30; T[25] = c31; T[26] = c32; T[27] = c33; T[28] = c34; T[29] = c35; T[30] = c36; T[31] = c37;
}
