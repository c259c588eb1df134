/**
 * Reading the data and label files named on the command line: IDX (MNIST format, gzipped or
 * not) or CSV, chosen by the file name.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { loadIdx } from '../data/idx.js';
import { parseCsv } from './csv.js';

/**
 * A data matrix read from a file.
 *
 * @example
 * ```ts
 * const { data, shape } = await readDataFile('digits.csv');
 * ```
 */
export interface DataFile {
  data: Float32Array | Float64Array;
  shape: [number, number];
  /** `[height, width]` of IDX images, else null. */
  imageShape: [number, number] | null;
}

/**
 * True for names read as CSV (`.csv`, any case); everything else is read as IDX.
 *
 * @example
 * ```ts
 * isCsvPath('x.CSV'); // true
 * ```
 */
export function isCsvPath(path: string): boolean {
  return /\.csv$/i.test(path);
}

/**
 * Reads samples from an IDX images file or a CSV file.
 *
 * @throws Error naming the file when it cannot be read, is malformed, or holds IDX labels.
 * @example
 * ```ts
 * await readDataFile('t10k-images-idx3-ubyte.gz'); // shape [10000, 784]
 * ```
 */
export async function readDataFile(path: string): Promise<DataFile> {
  if (isCsvPath(path)) {
    const table = parseCsv(await readText(path), path);
    return { data: table.data, shape: table.shape, imageShape: null };
  }
  const content = await loadIdx(path);
  if (content.kind !== 'images') throw new Error(`${path} holds IDX labels, not samples; pass it as --labels`);
  return { data: content.data, shape: content.shape, imageShape: content.imageShape };
}

/**
 * Reads `expected` integer labels from an IDX labels file or a one-column CSV file.
 *
 * @throws Error naming the file when it is malformed, not integers, or the count is wrong.
 * @example
 * ```ts
 * await readLabelsFile('t10k-labels-idx1-ubyte.gz', 10000);
 * ```
 */
export async function readLabelsFile(path: string, expected: number): Promise<Int32Array> {
  let labels: Int32Array;
  if (isCsvPath(path)) {
    const table = parseCsv(await readText(path), path);
    if (table.shape[1] !== 1) throw new Error(`${path}: labels need one column, the file has ${table.shape[1]}`);
    const bad = table.data.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0) throw new Error(`${path}: label ${table.data[bad]} (row ${bad + 1}) is not an integer`);
    labels = Int32Array.from(table.data);
  } else {
    const content = await loadIdx(path);
    if (content.kind !== 'labels') throw new Error(`${path} holds IDX images, not labels`);
    labels = Int32Array.from(content.labels);
  }
  if (labels.length !== expected) throw new Error(`${path} has ${labels.length} labels, but the data have ${expected} rows`);
  return labels;
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
