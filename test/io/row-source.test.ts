import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../../src/errors.js';
import { isRowSource, matrixSource, readRowBatches, type RowBatch, type RowSource } from '../../src/io/row-source.js';
import { Tensor } from '../../src/tensor/tensor.js';

async function drain(source: RowSource): Promise<{ rows: number; starts: number[] }> {
  let rows = 0;
  const starts: number[] = [];
  for await (const b of readRowBatches(source, 'test')) {
    starts.push(b.start);
    rows += b.rows;
  }
  return { rows, starts };
}

async function failure(source: RowSource): Promise<Error> {
  try {
    await drain(source);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const batch = (rows: number, cols: number, fill = 1): RowBatch => ({ data: new Float64Array(rows * cols).fill(fill), shape: [rows, cols] });

describe('row sources', () => {
  it('tells sources from matrices', () => {
    expect(isRowSource([[1, 2], [3, 4]])).toBe(false);
    expect(isRowSource({ data: new Float64Array(4), shape: [2, 2] })).toBe(false);
    expect(isRowSource(new Tensor(new Float64Array(2), [1, 2]))).toBe(false);
    expect(isRowSource([new Float64Array(2)])).toBe(false);
    expect(isRowSource([])).toBe(false);
    expect(isRowSource([batch(1, 2)])).toBe(true);
    expect(isRowSource(matrixSource([[1, 2]]))).toBe(true);
    expect(isRowSource((function* () { yield batch(1, 2); })())).toBe(true);
    expect(isRowSource((async function* () { yield batch(1, 2); })())).toBe(true);
    expect(isRowSource(null)).toBe(false);
  });

  it('matrixSource cuts views of one validated copy and can be read twice', async () => {
    const X = Array.from({ length: 7 }, (_, i) => [i, 2 * i]);
    const source = matrixSource(X, { batchSize: 3 });
    const shapes = [...source].map((b) => b.shape);
    expect(shapes).toEqual([[3, 2], [3, 2], [1, 2]]);
    expect(await drain(source)).toEqual({ rows: 7, starts: [0, 3, 6] });
    expect(Array.from([...source][2].data)).toEqual([6, 12]);
    expect(() => matrixSource(X, { batchSize: 0 })).toThrow(/matrixSource: batchSize must be an integer >= 1/);
    expect(() => matrixSource(X, { rows: 2 } as never)).toThrow(/unknown option 'rows'/);
    expect(() => matrixSource([[1, NaN]])).toThrow(NonFiniteError);
  });

  it('readRowBatches checks every batch, skips empty ones, and names batch and row', async () => {
    expect(await drain([batch(2, 3), batch(0, 3), batch(1, 3)])).toEqual({ rows: 3, starts: [0, 2] });
    const ragged = await failure([batch(2, 3), batch(4, 2)]);
    expect(ragged).toBeInstanceOf(ShapeError);
    expect(ragged.message).toBe('test: batch 1 (rows 2…5) has 2 columns, but the earlier batches have 3');
    const nan = batch(3, 2);
    (nan.data as Float64Array)[5] = NaN;
    const e = await failure([batch(4, 2), nan]);
    expect(e).toBeInstanceOf(NonFiniteError);
    expect(e.message).toBe('test: batch 1 contains NaN at [row 6, col 1] of the stream');
    expect((await failure([{ data: new Float64Array(5), shape: [2, 3] }])).message).toMatch(/batch 0: data has 5 values, but shape \[2, 3\] needs 6/);
    expect((await failure([{ data: new Int32Array(6), shape: [2, 3] } as never])).message).toMatch(/data must be a Float32Array or Float64Array/);
    expect((await failure([{ data: new Float64Array(6), shape: [6] } as never])).message).toMatch(/must have a 2-D shape/);
    expect((await failure([42 as never])).message).toMatch(/batch 0 must be \{ data, shape \}/);
    expect((await failure(42 as never)).message).toMatch(/expected a row source/);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    const source = (async function* () {
      try {
        for (;;) yield batch(1, 2);
      } finally {
        closed = true;
      }
    })();
    for await (const b of readRowBatches(source, 'test')) {
      expect(b.rows).toBe(1);
      break;
    }
    expect(closed).toBe(true);
  });
});
