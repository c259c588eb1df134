import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv, shortestFloat32 } from '../../src/cli/csv.js';

describe('parseCsv', () => {
  it('reads numbers with and without a header, skipping blank lines and CRLF', () => {
    expect(parseCsv('1,2\n3,4\n')).toEqual({ data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2], header: null });
    const t = parseCsv('a, b\r\n\r\n0.5 ,-1e-3\r\n2,3\r\n');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([0.5, -1e-3, 2, 3]);
  });

  it('names the source, line and column of bad input', () => {
    expect(() => parseCsv('1,2\n3\n', 'x.csv')).toThrow(/x\.csv: line 2 has 1 fields, expected 2/);
    expect(() => parseCsv('1,2\n3,abc\n', 'x.csv')).toThrow(/x\.csv: line 2, column 2: "abc" is not a finite number/);
    expect(() => parseCsv('1,2\n3,\n', 'x.csv')).toThrow(/line 2, column 2/);
    expect(() => parseCsv('1,Infinity\n', 'x.csv')).toThrow(/not a finite number/);
    expect(() => parseCsv('a,b\n', 'x.csv')).toThrow(/x\.csv: no data rows/);
    expect(() => parseCsv('', 'x.csv')).toThrow(/no data rows/);
  });
});

describe('formatCsv', () => {
  it('writes a header, extra columns and round-trips values', () => {
    const text = formatCsv(Float64Array.from([0.1, -2, 1e-300, 3]), [2, 2], { header: ['z1', 'z2'], extraColumns: [{ name: 'label', values: [7, 1] }] });
    expect(text).toBe('z1,z2,label\n0.1,-2,7\n1e-300,3,1\n');
    const back = parseCsv(text);
    expect(Array.from(back.data)).toEqual([0.1, -2, 7, 1e-300, 3, 1]);
  });

  it('writes float32 values with the fewest digits that read back exactly', () => {
    const values = Float32Array.from([0.1, 1 / 3, -123.456, 1e-40, 3.4e38, 0]);
    const text = formatCsv(values, [1, values.length]);
    expect(text).toBe('0.1,0.33333334,-123.456,1e-40,3.4e+38,0\n');
    const back = parseCsv(text).data;
    for (let i = 0; i < values.length; i++) expect(Math.fround(back[i])).toBe(values[i]);
    expect(shortestFloat32(Math.fround(0.2))).toBe('0.2');
  });

  it('rejects a shape, header or column that does not match', () => {
    expect(() => formatCsv([1, 2, 3], [2, 2])).toThrow(RangeError);
    expect(() => formatCsv([1, 2], [1, 2], { header: ['a'] })).toThrow(/header has 1 names/);
    expect(() => formatCsv([1, 2], [1, 2], { extraColumns: [{ name: 'label', values: [1, 2] }] })).toThrow(/column 'label'/);
  });
});
