import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { csvSource, type CsvInput, type CsvSourceOptions } from '../../src/data/csv-source.js';
import type { RowBatch } from '../../src/io/row-source.js';
import { gzip } from '../helpers/idx-bytes.js';

const TEXT = 'a;b;c\r\n1;2.5;-3\r\n\r\n4e2;"5";.5\r\n-0.25;+6;7.\r\n';
const VALUES = [1, 2.5, -3, 400, 5, 0.5, -0.25, 6, 7];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latent-ts-csv-'));
  await writeFile(join(dir, 'a.csv'), TEXT);
  await writeFile(join(dir, 'a.csv.gz'), await gzip(new TextEncoder().encode(TEXT)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(input: CsvInput, options: CsvSourceOptions): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of csvSource(input, options)) out.push(b);
  return out;
}

function flat(batches: RowBatch[]): number[] {
  return batches.flatMap((b) => Array.from(b.data));
}

async function message(input: CsvInput, options: CsvSourceOptions = {}): Promise<string> {
  try {
    await read(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return (e as Error).message;
  }
  throw new Error('expected a FormatError');
}

describe('csvSource', () => {
  it('reads a file, gzipped or not, in batches, with a header and a delimiter', async () => {
    for (const name of ['a.csv', 'a.csv.gz']) {
      for (const chunkBytes of [1, 3, 1 << 20]) {
        const batches = await read(join(dir, name), { header: true, delimiter: ';', batchSize: 2, chunkBytes });
        expect(batches.map((b) => b.shape)).toEqual([[2, 3], [1, 3]]);
        expect(flat(batches)).toEqual(VALUES);
        expect(batches[0].data).toBeInstanceOf(Float64Array);
      }
    }
  });

  it('reads text or byte chunks split anywhere, including inside a UTF-8 character', async () => {
    const text = 'é,ü\n1,2\n3,4\n5,6';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const batches = await read(parts, { header: true, batchSize: 10, dtype: 'float32' });
      expect(flat(batches)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(batches[0].data).toBeInstanceOf(Float32Array);
    }
    expect(flat(await read(['1,', '2\n3', ',4\n'], {}))).toEqual([1, 2, 3, 4]);
  });

  it('names the line and column of bad cells and ragged rows', async () => {
    expect(await message(['1,2,3\n4,5\n'])).toBe('csvSource: <stream>: line 2 has 2 cells, expected 3 (as the first row, line 1)');
    expect(await message(['x,y\n1,2\n3,4,5\n'], { header: true })).toBe('csvSource: <stream>: line 3 has 3 cells, expected 2 (as the header, line 1)');
    expect(await message(['1,2\n3,abc\n'])).toBe('csvSource: <stream>: line 2, column 2: "abc" is not a number');
    expect(await message(['1,,2\n'])).toBe('csvSource: <stream>: line 1, column 2: the cell is empty (every cell must be a number)');
    expect(await message(['1,0x10\n'])).toMatch(/line 1, column 2: "0x10" is not a number/);
    expect(await message(['1,NaN\n'])).toMatch(/"NaN" is not a number/);
    expect(await message(['1,1e999\n'])).toMatch(/"1e999" overflows to Infinity/);
    expect(await message([new Uint8Array([0x31, 0x0a, 0xff, 0x0a])])).toMatch(/line 2 is not valid UTF-8/);
    expect(await message(join(dir, 'a.csv'), { delimiter: ';' })).toMatch(/csvSource: .*a\.csv: line 1, column 1: "a" is not a number/);
  });

  it('rejects bad options and inputs by name', async () => {
    expect(() => csvSource(['1\n'], { delimiter: '::' })).toThrow(/delimiter must be one character/);
    expect(() => csvSource(['1\n'], { delimiter: '"' })).toThrow(/delimiter must be one character/);
    expect(() => csvSource(['1\n'], { headers: true } as never)).toThrow(/unknown option 'headers'/);
    expect(() => csvSource(['1\n'], { dtype: 'int8' as never })).toThrow(/dtype must be one of 'float32', 'float64'/);
    expect(() => csvSource(42 as never)).toThrow(/input must be a path or an iterable/);
    await expect(read(join(dir, 'missing.csv'), {})).rejects.toThrow(/csvSource: .*missing\.csv does not exist/);
    await expect(read([42 as never], {})).rejects.toThrow(/chunks must be strings or Uint8Arrays/);
  });
});
