/**
 * The public gemm checks its arguments (BLAS style, a checked entry over gemmCore): every
 * error names the argument, the expected and the actual value; valid calls, the degenerate
 * ones included, compute as before.
 */
import { describe, expect, it } from 'vitest';
import { gemm, gemmCore } from '../../src/kernels/gemm.js';

const f32 = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i + 1);

/** gemm with one argument replaced (by position in the BLAS order). */
function call(position: number, value: unknown): () => void {
  const args: unknown[] = [false, false, 2, 2, 3, 1, f32(6), 3, f32(6), 2, 0, new Float32Array(4), 2];
  args[position] = value;
  return () => (gemm as (...a: unknown[]) => void)(...args);
}

describe('gemm argument checks', () => {
  it('flags must be booleans', () => {
    expect(call(0, 1)).toThrow(/gemm: transA must be a boolean \(got 1\)/);
    expect(call(1, 'yes')).toThrow(/gemm: transB must be a boolean/);
  });

  it('m, n, k must be non-negative integers', () => {
    expect(call(2, 2.5)).toThrow(/gemm: m must be a non-negative integer \(got 2\.5\)/);
    expect(call(3, -1)).toThrow(/gemm: n must be a non-negative integer \(got -1\)/);
    expect(call(4, NaN)).toThrow(/gemm: k must be a non-negative integer/);
    expect(call(4, '3')).toThrow(RangeError);
  });

  it('alpha and beta must be numbers; A, B, C float arrays', () => {
    expect(call(5, null)).toThrow(/gemm: alpha must be a number \(got null\)/);
    expect(call(10, undefined)).toThrow(/gemm: beta must be a number/);
    expect(call(6, [1, 2, 3, 4, 5, 6])).toThrow(/gemm: A must be a Float32Array or Float64Array/);
    expect(call(8, new Int32Array(6))).toThrow(/gemm: B must be a Float32Array or Float64Array/);
    expect(call(11, {})).toThrow(/gemm: C must be a Float32Array or Float64Array/);
  });

  it('strides must cover a row of the operand as stored, transposes included', () => {
    expect(call(7, 2)).toThrow(/gemm: lda must be an integer ≥ 3 for A stored as 2×3 \(A is m×k, transA = false\) \(got 2\)/);
    expect(call(9, 1)).toThrow(/gemm: ldb must be an integer ≥ 2 for B stored as 3×2/);
    expect(call(12, 1.5)).toThrow(/gemm: ldc must be an integer ≥ 2 for C stored as 2×2/);
    // With transA, A is stored k×m = 3×2, so lda = 2 is enough and lda = 1 is not.
    const C = new Float32Array(4);
    expect(() => gemm(true, false, 2, 2, 3, 1, f32(6), 2, f32(6), 2, 0, C, 2)).not.toThrow();
    expect(() => gemm(true, false, 2, 2, 3, 1, f32(6), 1, f32(6), 2, 0, C, 2)).toThrow(/lda must be an integer ≥ 2 for A stored as 3×2 \(Aᵀ is m×k, transA = true\)/);
    expect(() => gemm(false, true, 2, 2, 3, 1, f32(6), 3, f32(6), 2, 0, C, 2)).toThrow(/ldb must be an integer ≥ 3 for B stored as 2×3 \(Bᵀ is k×n, transB = true\)/);
  });

  it('arrays must hold every row at their stride', () => {
    expect(call(6, f32(5))).toThrow(/gemm: A has 5 elements, but 2×3 \(A is m×k, transA = false\) with lda = 3 needs at least 6/);
    expect(call(8, f32(4))).toThrow(/gemm: B has 4 elements, but 3×2 .* needs at least 6/);
    expect(call(11, new Float32Array(3))).toThrow(/gemm: C has 3 elements, but 2×2 \(C is m×n\) with ldc = 2 needs at least 4/);
    // A padded stride needs (rows − 1)·ld + cols, not rows·ld.
    const C = new Float32Array(4);
    expect(() => gemm(false, false, 2, 2, 3, 1, f32(8), 5, f32(6), 2, 0, C, 2)).not.toThrow();
    expect(() => gemm(false, false, 2, 2, 3, 1, f32(7), 5, f32(6), 2, 0, C, 2)).toThrow(/needs at least 8/);
  });

  it('valid calls give the core\'s bits, and empty operands need no elements', () => {
    const A = f32(6);
    const B = f32(6);
    const C1 = new Float32Array(4);
    const C2 = new Float32Array(4);
    gemm(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C1, 2);
    gemmCore(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C2, 2);
    expect(Array.from(C1)).toEqual([22, 28, 49, 64]);
    expect(Array.from(C2)).toEqual(Array.from(C1));
    const C = Float32Array.from([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 2, C, 2); // k = 0: C ← 2C
    expect(Array.from(C)).toEqual([2, 4, 6, 8]);
  });
});
