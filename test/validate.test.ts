/**
 * docs/testing.md §3.2 rows for toMatrix, the boundary every model's fit/transform goes through:
 * each row is the input, the error class and a message regex. Plus the accepted input kinds.
 */
import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../src/errors.js';
import { Tensor } from '../src/tensor/tensor.js';
import { toMatrix } from '../src/validate.js';

type Row = [string, unknown, new (...a: never[]) => Error, RegExp, object?];
const rows: Row[] = [
  ['NaN, reporting the first position', [[1, 2], [3, 4], [5, 6], [7, 8], [1, NaN], [NaN, 0]], NonFiniteError,
    /^PCA\.fit: X contains NaN at \[row 4, col 1\]$/],
  ['+Infinity', [[1, Infinity]], NonFiniteError, /^PCA\.fit: X contains Infinity at \[row 0, col 1\]$/],
  ['−Infinity in { data, shape }', { data: Float64Array.from([1, 2, -Infinity, 4]), shape: [2, 2] }, NonFiniteError, /contains -Infinity at \[row 1, col 0\]$/],
  ['Infinity even when NaN is allowed', [[Infinity]], NonFiniteError, /contains Infinity/, { allowNaN: true }],
  ['0 rows', [], ShapeError, /^PCA\.fit: X must have at least 1 sample \(got shape \[0, 0\]\)$/],
  ['0 rows in { data, shape }', { data: [], shape: [0, 5] }, ShapeError, /at least 1 sample \(got shape \[0, 5\]\)$/],
  ['0 columns', [[], []], ShapeError, /^PCA\.fit: X must have at least 1 feature \(got shape \[2, 0\]\)$/],
  ['fewer rows than required', [[1, 2]], ShapeError, /^PCA\.fit: X must have at least 2 samples \(got shape \[1, 2\]\)$/, { minRows: 2 }],
  ['a 1-D array', [1, 2, 3], ShapeError, /^PCA\.fit: X must be 2-D \[nSamples, nFeatures\]; got 1-D of length 3\. Wrap one sample as \[\[…\]\]$/],
  ['a flat typed array without a shape', new Float32Array(10), ShapeError, /got a flat typed array of length 10 without a shape/],
  ['a 3-D shape', { data: new Float64Array(8), shape: [2, 2, 2] }, ShapeError, /must be 2-D \[nSamples, nFeatures\]; got 3-D shape \[2, 2, 2\]$/],
  ['data that does not fit the shape', { data: [1, 2, 3], shape: [2, 2] }, ShapeError, /X\.data has 3 elements, but shape \[2, 2\] needs 4$/],
  ['ragged nested arrays', [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4]], ShapeError, /^PCA\.fit: X\[2\] has length 4, expected 5$/],
  ['a non-array row', [[1, 2], 3], ShapeError, /^PCA\.fit: X\[1\] is not an array \(got 3\)$/],
  ['a string entry', [[1, 2, 3, 4], [1, 2, 3, '3']], TypeError, /^PCA\.fit: X\[1\]\[3\] is not a finite number \(got string '3'\)$/],
  ['a null entry', [[null]], TypeError, /X\[0\]\[0\] is not a finite number \(got null\)$/],
  ['an undefined entry', [[1, undefined]], TypeError, /X\[0\]\[1\] is not a finite number \(got undefined\)$/],
  ['an object entry', [[{}]], TypeError, /X\[0\]\[0\] is not a finite number \(got object\)$/],
  ['a string entry in { data, shape }', { data: [1, 'x'], shape: [1, 2] }, TypeError, /X\[0\]\[1\] is not a finite number \(got string 'x'\)$/],
  ['a string', 'abc', TypeError, /^PCA\.fit: X must be number\[\]\[\], \{ data, shape \} or a Tensor \(got string 'abc'\)$/],
  ['null', null, TypeError, /\(got null\)$/],
];

describe('toMatrix bad inputs', () => {
  it.each(rows)('%s', (_name, input, ErrorClass, pattern, options) => {
    let caught: unknown;
    try {
      toMatrix(input, 'PCA.fit', 'X', options ?? {});
    } catch (e) {
      caught = e;
    }
    expect(caught, 'expected a throw').toBeInstanceOf(ErrorClass);
    expect((caught as Error).message).toMatch(pattern);
  });

  it('NonFiniteError is a RangeError', () => {
    expect(() => toMatrix([[NaN]], 'PCA.fit')).toThrow(RangeError);
  });
});

describe('toMatrix accepted inputs', () => {
  const expected = [1, 2, 3, 4, 5, 6];
  const inputs: [string, unknown][] = [
    ['number[][]', [[1, 2, 3], [4, 5, 6]]],
    ['rows as Float64Array', [Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])]],
    ['rows as Int32Array', [Int32Array.from([1, 2, 3]), Int32Array.from([4, 5, 6])]],
    ['{ data: Float32Array, shape }', { data: Float32Array.from(expected), shape: [2, 3] }],
    ['{ data: Int32Array, shape }', { data: Int32Array.from(expected), shape: [2, 3] }],
    ['{ data: Uint8Array, shape }', { data: Uint8Array.from(expected), shape: [2, 3] }],
    ['{ data: number[], shape }', { data: expected, shape: [2, 3] }],
    ['a Tensor', Tensor.from([[1, 2, 3], [4, 5, 6]])],
  ];
  it.each(inputs)('%s converts to a fresh float64 copy', (_name, input) => {
    const m = toMatrix(input, 'PCA.fit');
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(m.data).toBeInstanceOf(Float64Array);
    expect(Array.from(m.data)).toEqual(expected);
    const src = (input as { data?: unknown }).data;
    if (src !== undefined) expect(m.data).not.toBe(src);
  });

  it('float32 on request; NaN passes with allowNaN; the input is never mutated', () => {
    const x = [[0.1, NaN]];
    const m = toMatrix(x, 'PCA.fit', 'X', { dtype: 'float32', allowNaN: true });
    expect(m.data).toBeInstanceOf(Float32Array);
    expect(m.data[0]).toBe(Math.fround(0.1));
    expect(m.data[1]).toBeNaN();
    expect(x).toEqual([[0.1, NaN]]);
    const typed = Float64Array.from([1, 2]);
    const out = toMatrix({ data: typed, shape: [1, 2] }, 'PCA.fit');
    out.data[0] = 99;
    expect(typed[0]).toBe(1);
  });
});
