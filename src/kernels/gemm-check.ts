/**
 * The argument checks of the public `gemm` (gemm.ts), BLAS style: each error names the argument,
 * the expected and the actual value. Kept out of the core so library callers pay nothing.
 *
 * @module
 */
import { describeValue } from '../errors.js';
import type { FloatArray } from '../validate.js';

function checkFlag(v: unknown, name: string): void {
  if (typeof v !== 'boolean') throw new TypeError(`gemm: ${name} must be a boolean (got ${describeValue(v)})`);
}

function checkDim(v: unknown, name: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new RangeError(`gemm: ${name} must be a non-negative integer (got ${describeValue(v)})`);
  }
}

function checkScalar(v: unknown, name: string): void {
  if (typeof v !== 'number') throw new TypeError(`gemm: ${name} must be a number (got ${describeValue(v)})`);
}

function checkArray(v: unknown, name: string): void {
  if (!(v instanceof Float32Array || v instanceof Float64Array)) {
    throw new TypeError(`gemm: ${name} must be a Float32Array or Float64Array (got ${describeValue(v)})`);
  }
}

/**
 * Stride and length of one operand stored as rows × cols (row-major, row stride ld): ld must be
 * a positive integer, at least cols when the operand has elements (an empty operand is never
 * read, so its stride is free, as the degenerate cases of BLAS allow), and the array must hold
 * (rows − 1)·ld + cols elements.
 */
function checkOperand(X: FloatArray, name: string, ld: unknown, ldName: string, rows: number, cols: number, layout: string): void {
  const empty = rows === 0 || cols === 0;
  const least = empty ? 1 : Math.max(1, cols);
  if (typeof ld !== 'number' || !Number.isInteger(ld) || ld < least) {
    throw new RangeError(`gemm: ${ldName} must be an integer ≥ ${least} for ${name} stored as ${rows}×${cols} (${layout}) (got ${describeValue(ld)})`);
  }
  const needed = empty ? 0 : (rows - 1) * ld + cols;
  if (X.length < needed) {
    throw new RangeError(`gemm: ${name} has ${X.length} elements, but ${rows}×${cols} (${layout}) with ${ldName} = ${ld} needs at least ${needed}`);
  }
}

/**
 * Throws a TypeError or RangeError for the first argument of `gemm` that is not valid; see
 * `gemm` for the rules.
 *
 * @example
 * ```ts
 * checkGemmArguments(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C, 2); // throws if A is too short
 * ```
 */
export function checkGemmArguments(
  transA: unknown, transB: unknown, m: unknown, n: unknown, k: unknown,
  alpha: unknown, A: unknown, lda: unknown, B: unknown, ldb: unknown,
  beta: unknown, C: unknown, ldc: unknown,
): void {
  checkFlag(transA, 'transA');
  checkFlag(transB, 'transB');
  checkDim(m, 'm');
  checkDim(n, 'n');
  checkDim(k, 'k');
  checkScalar(alpha, 'alpha');
  checkScalar(beta, 'beta');
  checkArray(A, 'A');
  checkArray(B, 'B');
  checkArray(C, 'C');
  const [mm, nn, kk] = [m as number, n as number, k as number];
  const [a, b, c] = [A as FloatArray, B as FloatArray, C as FloatArray];
  if (transA) checkOperand(a, 'A', lda, 'lda', kk, mm, 'Aᵀ is m×k, transA = true');
  else checkOperand(a, 'A', lda, 'lda', mm, kk, 'A is m×k, transA = false');
  if (transB) checkOperand(b, 'B', ldb, 'ldb', nn, kk, 'Bᵀ is k×n, transB = true');
  else checkOperand(b, 'B', ldb, 'ldb', kk, nn, 'B is k×n, transB = false');
  checkOperand(c, 'C', ldc, 'ldc', mm, nn, 'C is m×n');
}
