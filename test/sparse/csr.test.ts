/**
 * CsrMatrix: the builders agree with each other and with the dense matrix, duplicates are
 * summed, transpose and the products match their dense forms, and every malformed input is
 * rejected with an error that names the row.
 */
import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { Rng } from '../../src/random/rng.js';
import { CsrMatrix } from '../../src/sparse/csr.js';

const DENSE = [
  [0, 2, 0, 0],
  [0, 0, 0, 0],
  [1, 0, 0, 3],
];

describe('CsrMatrix builders', () => {
  it('fromDense stores the non-zeros row by row', () => {
    const X = CsrMatrix.fromDense(DENSE);
    expect([...X.indptr]).toEqual([0, 1, 1, 3]);
    expect([...X.indices]).toEqual([1, 0, 3]);
    expect([...X.values]).toEqual([2, 1, 3]);
    expect(X.shape).toEqual([3, 4]);
    expect(X.nnz).toBe(3);
    expect(X.density).toBe(3 / 12);
    expect(X.dtype).toBe('float64');
    expect(X.toDense().shape).toEqual([3, 4]);
    expect([...X.toDense().data]).toEqual(DENSE.flat());
  });

  it('fromTriplets sorts and sums duplicates; fromRows takes objects and Maps in any key order', () => {
    const T = CsrMatrix.fromTriplets([2, 0, 2, 2], [3, 1, 0, 3], [1, 2, 1, 2], [3, 4]);
    expect([...T.indptr]).toEqual([0, 1, 1, 3]);
    expect([...T.indices]).toEqual([1, 0, 3]);
    expect([...T.values]).toEqual([2, 1, 3]);
    const R = CsrMatrix.fromRows([{ 1: 2 }, {}, new Map([[3, 3], [0, 1]])], 4);
    expect([...R.indices]).toEqual([1, 0, 3]);
    expect([...R.values]).toEqual([2, 1, 3]);
    const f32 = CsrMatrix.fromDense(DENSE, { dtype: 'float32' });
    expect(f32.values).toBeInstanceOf(Float32Array);
    expect(f32.toDense().dtype).toBe('float32');
  });

  it('empty shapes and all-zero matrices work', () => {
    const Z = CsrMatrix.fromTriplets([], [], [], [0, 3]);
    expect(Z.nnz).toBe(0);
    expect(Z.density).toBe(0);
    expect(Z.transpose().shape).toEqual([3, 0]);
    const E = CsrMatrix.fromDense([[0, 0], [0, 0]]);
    expect(E.nnz).toBe(0);
    expect([...E.matVec([1, 1])]).toEqual([0, 0]);
  });
});

describe('CsrMatrix products and transpose', () => {
  const rng = new Rng('csr');
  const m = 7;
  const n = 5;
  const dense = Array.from({ length: m }, (_, i) => Array.from({ length: n }, () => (i !== 3 && rng.uniform() < 0.4 ? rng.normal() : 0)));
  const X = CsrMatrix.fromDense(dense);

  it('transpose is the dense transpose, and transposing twice gives X back', () => {
    const T = X.transpose().toDense();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(T.data[j * m + i]).toBe(dense[i][j]);
    const back = X.transpose().transpose();
    expect([...back.indptr]).toEqual([...X.indptr]);
    expect([...back.indices]).toEqual([...X.indices]);
    expect([...back.values]).toEqual([...X.values]);
  });

  it('matVec, matTVec, matMat and matTMat equal the dense products', () => {
    const x = Array.from({ length: n }, () => rng.normal());
    const y = Array.from({ length: m }, () => rng.normal());
    const xv = X.matVec(x);
    const xtv = X.matTVec(y);
    for (let i = 0; i < m; i++) expect(xv[i]).toBeCloseTo(dense[i].reduce((s, v, j) => s + v * x[j], 0), 12);
    for (let j = 0; j < n; j++) expect(xtv[j]).toBeCloseTo(dense.reduce((s, row, i) => s + row[j] * y[i], 0), 12);
    const B = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
    const XB = X.matMat(B);
    expect(XB.shape).toEqual([m, 2]);
    for (let i = 0; i < m; i++) for (let c = 0; c < 2; c++) expect(XB.data[i * 2 + c]).toBeCloseTo(dense[i].reduce((s, v, j) => s + v * B[j][c], 0), 12);
    const C = Array.from({ length: m }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const XtC = X.matTMat(C);
    expect(XtC.shape).toEqual([n, 3]);
    for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) expect(XtC.data[j * 3 + c]).toBeCloseTo(dense.reduce((s, row, i) => s + row[j] * C[i][c], 0), 12);
  });

  it('product shapes are checked', () => {
    expect(() => X.matVec([1, 2])).toThrow(/CsrMatrix\.matVec: x has length 2, expected 5/);
    expect(() => X.matTVec([1])).toThrow(/CsrMatrix\.matTVec: x has length 1, expected 7/);
    expect(() => X.matMat([[1], [2]])).toThrow(/CsrMatrix\.matMat: B has 2 rows, expected X's 5 columns/);
    expect(() => X.matTMat([[1]])).toThrow(/CsrMatrix\.matTMat: B has 1 rows, expected X's 7 rows/);
    expect(() => X.matVec([1, 2, 3, 4, NaN])).toThrow(/x\[4\] is NaN/);
  });
});

describe('CsrMatrix validation', () => {
  const ok = { indptr: Int32Array.of(0, 1, 3), indices: Int32Array.of(2, 0, 1), values: Float64Array.of(1, 2, 3), shape: [2, 3] as [number, number] };

  it('accepts valid arrays without copying them', () => {
    const X = new CsrMatrix(ok);
    expect(X.indices).toBe(ok.indices);
  });

  it('names the row and the value at fault', () => {
    expect(() => new CsrMatrix({ ...ok, indices: Int32Array.of(2, 1, 0) })).toThrow(/row 1: column indices must be strictly increasing \(0 after 1\)/);
    expect(() => new CsrMatrix({ ...ok, indices: Int32Array.of(2, 1, 1) })).toThrow(/row 1: duplicate column index 1/);
    expect(() => new CsrMatrix({ ...ok, indices: Int32Array.of(3, 0, 1) })).toThrow(/row 0: column index 3 is outside \[0, 3\)/);
    expect(() => new CsrMatrix({ ...ok, indices: Int32Array.of(-1, 0, 1) })).toThrow(ShapeError);
    expect(() => new CsrMatrix({ ...ok, indptr: Int32Array.of(0, 3, 3), indices: Int32Array.of(0, 1, 2) })).not.toThrow();
    expect(() => new CsrMatrix({ ...ok, indptr: Int32Array.of(0, 2, 1, 3), shape: [3, 3] })).toThrow(/row 1: indptr decreases/);
    expect(() => new CsrMatrix({ ...ok, indptr: Int32Array.of(1, 1, 3) })).toThrow(/indptr\[0\] must be 0/);
    expect(() => new CsrMatrix({ ...ok, indptr: Int32Array.of(0, 1, 2) })).toThrow(/indptr\[2\] must equal the number of stored entries 3/);
    expect(() => new CsrMatrix({ ...ok, indptr: Int32Array.of(0, 3) })).toThrow(/indptr has length 2, expected rows \+ 1 = 3/);
    expect(() => new CsrMatrix({ ...ok, values: Float64Array.of(1, 2) })).toThrow(/same length \(got 3 and 2\)/);
    expect(() => new CsrMatrix({ ...ok, values: Float64Array.of(1, NaN, 3) })).toThrow(NonFiniteError);
    expect(() => new CsrMatrix({ ...ok, values: Float64Array.of(1, NaN, 3) })).toThrow(/row 1, column 0: value is NaN/);
    expect(() => new CsrMatrix({ ...ok, indices: [2, 0, 1] as unknown as Int32Array })).toThrow(/indices must be an Int32Array/);
    expect(() => new CsrMatrix({ ...ok, shape: [2, -1] as unknown as [number, number] })).toThrow(/shape must be \[rows, cols\]/);
  });

  it('the builders reject bad indices and values, naming the entry', () => {
    expect(() => CsrMatrix.fromTriplets([0, 2], [0, 0], [1, 1], [2, 2])).toThrow(/rows\[1\] = 2 is not a row index in \[0, 2\)/);
    expect(() => CsrMatrix.fromTriplets([0], [5], [1], [2, 2])).toThrow(/cols\[0\] = 5 \(row 0\) is not a column index/);
    expect(() => CsrMatrix.fromTriplets([0], [0], [Infinity], [2, 2])).toThrow(/values\[0\] \(row 0, column 0\) is Infinity/);
    expect(() => CsrMatrix.fromTriplets([0], [0, 1], [1], [2, 2])).toThrow(/same length/);
    expect(() => CsrMatrix.fromRows([{ 0: 1 }, { 4: 1 }], 3)).toThrow(/row 1: key 4 is not a column index in \[0, 3\)/);
    expect(() => CsrMatrix.fromRows([{ 0: NaN }], 3)).toThrow(/row 0, column 0: value is NaN/);
    expect(() => CsrMatrix.fromRows([{ 0: 1 }], 3, { dtype: 'int8' as 'float32' })).toThrow(/dtype must be 'float32' or 'float64'/);
    expect(() => CsrMatrix.fromDense([[1, NaN]])).toThrow(NonFiniteError);
  });
});
