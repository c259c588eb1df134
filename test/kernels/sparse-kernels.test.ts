/**
 * The CSR kernels (src/kernels/sparse-matvec.ts, sparse-matmul.ts) against a naive dense
 * reference on random shapes: sizes 1 and odd, densities from empty to full, empty rows and
 * columns, float32 and float64 values and outputs, and strided B and C.
 */
import { describe, expect, it } from 'vitest';
import { csrMatMat, csrMatTMat } from '../../src/kernels/sparse-matmul.js';
import { csrMatTVec, csrMatVec } from '../../src/kernels/sparse-matvec.js';
import { Rng } from '../../src/random/rng.js';

interface Case { m: number; n: number; dense: Float64Array; indptr: Int32Array; indices: Int32Array; values: Float64Array }

/** A random m×n matrix with about `density` of its entries non-zero; row 0 and column 0 left empty when `holes`. */
function randomCsr(m: number, n: number, density: number, rng: Rng, holes: boolean): Case {
  const dense = new Float64Array(m * n);
  const indptr = new Int32Array(m + 1);
  const idx: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (holes && (i === 0 || j === 0)) continue;
      if (rng.uniform() < density) {
        const v = rng.normal();
        dense[i * n + j] = v;
        idx.push(j);
        vals.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return { m, n, dense, indptr, indices: Int32Array.from(idx), values: Float64Array.from(vals) };
}

function naive(transA: boolean, a: Float64Array, m: number, k: number, b: Float64Array, p: number): Float64Array {
  // op(A)·B with A m×k stored; B (rows of op(A)'s inner dimension) × p.
  const rows = transA ? k : m;
  const inner = transA ? m : k;
  const out = new Float64Array(rows * p);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let q = 0; q < inner; q++) s += (transA ? a[q * k + i] : a[i * k + q]) * b[q * p + j];
      out[i * p + j] = s;
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `${what} [${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i])));
  }
}

const DIMS = [1, 2, 3, 5, 7, 13, 31];
const DENSITIES = [0, 0.05, 0.3, 1];

describe('CSR kernels against the dense reference', () => {
  const rng = new Rng('sparse-kernels');
  const cases: { c: Case; p: number; label: string }[] = [];
  for (const m of DIMS) {
    for (const n of [1, 4, 7, 17]) {
      const density = DENSITIES[cases.length % DENSITIES.length];
      const p = DIMS[(cases.length * 3) % DIMS.length];
      cases.push({ c: randomCsr(m, n, density, rng, cases.length % 3 === 0), p, label: `${m}×${n} density ${density} p ${p}` });
    }
  }

  it('y = X·x and y = Xᵀ·x (float64 and float32 outputs)', () => {
    for (const { c, label } of cases) {
      const x = Float64Array.from({ length: c.n }, () => rng.normal());
      const xt = Float64Array.from({ length: c.m }, () => rng.normal());
      const y = new Float64Array(c.m).fill(NaN);
      csrMatVec(c.m, c.indptr, c.indices, c.values, x, y);
      expectClose(y, naive(false, c.dense, c.m, c.n, x, 1), 1e-13, `Xv ${label}`);
      const yt = new Float64Array(c.n).fill(NaN);
      csrMatTVec(c.m, c.n, c.indptr, c.indices, c.values, xt, yt);
      expectClose(yt, naive(true, c.dense, c.m, c.n, xt, 1), 1e-13, `Xᵀv ${label}`);
      const yt32 = new Float32Array(c.n).fill(NaN);
      csrMatTVec(c.m, c.n, c.indptr, c.indices, Float32Array.from(c.values), xt, yt32);
      expectClose(yt32, naive(true, Float64Array.from(Float32Array.from(c.dense)), c.m, c.n, xt, 1), 1e-6, `Xᵀv f32 ${label}`);
    }
  });

  it('C = X·B and C = Xᵀ·B, overwriting C (float64 and float32 outputs)', () => {
    for (const { c, p, label } of cases) {
      const b = Float64Array.from({ length: c.n * p }, () => rng.normal());
      const bt = Float64Array.from({ length: c.m * p }, () => rng.normal());
      const out = new Float64Array(c.m * p).fill(NaN);
      csrMatMat(c.m, p, c.indptr, c.indices, c.values, b, p, out, p);
      expectClose(out, naive(false, c.dense, c.m, c.n, b, p), 1e-13, `XB ${label}`);
      const outT = new Float64Array(c.n * p).fill(NaN);
      csrMatTMat(c.m, c.n, p, c.indptr, c.indices, c.values, bt, p, outT, p);
      expectClose(outT, naive(true, c.dense, c.m, c.n, bt, p), 1e-13, `XᵀB ${label}`);
      const out32 = new Float32Array(c.m * p).fill(NaN);
      csrMatMat(c.m, p, c.indptr, c.indices, c.values, Float32Array.from(b), p, out32, p);
      expectClose(out32, naive(false, c.dense, c.m, c.n, Float64Array.from(Float32Array.from(b)), p), 1e-6, `XB f32 ${label}`);
      const outT32 = new Float32Array(c.n * p).fill(NaN);
      csrMatTMat(c.m, c.n, p, c.indptr, c.indices, c.values, bt, p, outT32, p);
      expectClose(outT32, naive(true, c.dense, c.m, c.n, bt, p), 1e-6, `XᵀB f32 ${label}`);
    }
  });

  it('honours the row strides of B and C and leaves the padding alone', () => {
    const c = randomCsr(5, 7, 0.4, rng, true);
    const p = 3;
    const ldb = 4;
    const ldc = 6;
    const b = Float64Array.from({ length: 7 * ldb }, () => rng.normal());
    const packed = new Float64Array(7 * p);
    for (let i = 0; i < 7; i++) for (let j = 0; j < p; j++) packed[i * p + j] = b[i * ldb + j];
    const out = new Float64Array(5 * ldc).fill(-1);
    csrMatMat(5, p, c.indptr, c.indices, c.values, b, ldb, out, ldc);
    const ref = naive(false, c.dense, 5, 7, packed, p);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < ldc; j++) {
        if (j < p) expect(out[i * ldc + j]).toBeCloseTo(ref[i * p + j], 12);
        else expect(out[i * ldc + j]).toBe(-1);
      }
    }
    const bt = Float64Array.from({ length: 5 * ldb }, () => rng.normal());
    const packedT = new Float64Array(5 * p);
    for (let i = 0; i < 5; i++) for (let j = 0; j < p; j++) packedT[i * p + j] = bt[i * ldb + j];
    const outT = new Float64Array(7 * ldc).fill(-1);
    csrMatTMat(5, 7, p, c.indptr, c.indices, c.values, bt, ldb, outT, ldc);
    const refT = naive(true, c.dense, 5, 7, packedT, p);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < ldc; j++) {
        if (j < p) expect(outT[i * ldc + j]).toBeCloseTo(refT[i * p + j], 12);
        else expect(outT[i * ldc + j]).toBe(-1);
      }
    }
  });
});
