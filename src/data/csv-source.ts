/**
 * A streaming reader of numeric CSV: rows arrive as batches while the text is read chunk by
 * chunk (from a file on disk, or from any iterable of text or byte chunks), so memory holds
 * one chunk and one batch. Not a general CSV parser: every cell is a decimal number (an
 * optional pair of double quotes around it is allowed), there is no quoting of delimiters or
 * newlines inside cells, and blank lines are skipped.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import type { RowBatch } from '../io/row-source.js';
import { assertInt, assertOneOf } from '../validate.js';
import { DEFAULT_CHUNK_BYTES, fileChunks, gunzipChunks } from './byte-stream.js';

/**
 * Options of {@link csvSource}.
 *
 * @example
 * ```ts
 * csvSource('measurements.csv', { header: true, delimiter: ';', batchSize: 500 });
 * ```
 */
export interface CsvSourceOptions {
  /** The first non-blank line names the columns and is not data. Default false. */
  header?: boolean;
  /** One character between cells (not `"`, `\r` or `\n`). Default `','`. */
  delimiter?: string;
  /** Rows per batch (the last may be shorter). Default 1024. */
  batchSize?: number;
  /** Storage of the batches. Default `'float64'`. */
  dtype?: 'float32' | 'float64';
  /** Bytes read from disk at a time (paths only). Default 1 MiB. */
  chunkBytes?: number;
}

/**
 * Text for {@link csvSource}: a file path (Node; gzipped files, starting with 1f 8b, are
 * decompressed as they stream), or chunks of text or UTF-8 bytes in any (async) iterable, such
 * as an array of strings, a generator, or a web `ReadableStream`. Chunks may split lines and
 * characters anywhere.
 *
 * @example
 * ```ts
 * const input: CsvInput = ['1,2\n3,', '4\n'];
 * ```
 */
export type CsvInput = string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

const KNOWN = ['header', 'delimiter', 'batchSize', 'dtype', 'chunkBytes'];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Numeric CSV as a row source. A path is reopened on every iteration (the source can be read
 * any number of times); other input can be read as often as it can itself. Errors are
 * {@link FormatError}s naming the input, the line and the column: a cell that is not a number,
 * an empty cell, or a row with another number of cells than the first (or the header).
 *
 * @example
 * ```ts
 * const pca = await new PCA({ nComponents: 3 }).fit(csvSource('data.csv', { header: true }));
 * for await (const b of csvSource(['x,y\n', '1,2\n3,4\n'], { header: true })) console.log(b.shape); // [2, 2]
 * ```
 */
export function csvSource(input: CsvInput, options: CsvSourceOptions = {}): AsyncIterable<RowBatch> {
  const where = 'csvSource';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${KNOWN.join(', ')})`);
  }
  const header = options.header ?? false;
  if (typeof header !== 'boolean') throw new TypeError(`${where}: header must be a boolean (got ${typeof header})`);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
    throw new RangeError(`${where}: delimiter must be one character other than '"', '\\r' and '\\n' (got ${JSON.stringify(delimiter)})`);
  }
  const settings: CsvSettings = {
    header,
    delimiter,
    batchSize: assertInt(options.batchSize ?? 1024, 'batchSize', where, 1),
    dtype: assertOneOf(options.dtype ?? 'float64', ['float32', 'float64'] as const, 'dtype', where),
  };
  const chunkBytes = assertInt(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, 'chunkBytes', where, 1);
  if (typeof input === 'string') {
    if (input === '') throw new TypeError(`${where}: path must be a non-empty string (got '')`);
    return { [Symbol.asyncIterator]: () => parseCsv(fileText(input, chunkBytes), settings, `${where}: ${input}`) };
  }
  if (input === null || typeof input !== 'object' || !(Symbol.asyncIterator in input || Symbol.iterator in input)) {
    throw new TypeError(`${where}: input must be a path or an iterable of text or byte chunks (got ${input === null ? 'null' : typeof input})`);
  }
  return { [Symbol.asyncIterator]: () => parseCsv(input as AsyncIterable<string | Uint8Array>, settings, `${where}: <stream>`) };
}

interface CsvSettings {
  header: boolean;
  delimiter: string;
  batchSize: number;
  dtype: 'float32' | 'float64';
}

/** The file's bytes, decompressed when they start with the gzip magic number. */
async function* fileText(path: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const raw = fileChunks(path, chunkBytes, 'csvSource');
  try {
    // Two bytes tell gzip (1f 8b) from text, however small the chunks.
    const head: Uint8Array[] = [];
    let have = 0;
    while (have < 2) {
      const next = await raw.next();
      if (next.done) break;
      head.push(next.value);
      have += next.value.length;
    }
    const at = (i: number): number => (head[0].length > i ? head[0][i] : head[1][i - head[0].length]);
    const gz = have >= 2 && at(0) === 0x1f && at(1) === 0x8b;
    const all = (async function* () {
      yield* head;
      yield* raw;
    })();
    yield* gz ? gunzipChunks(all, `csvSource: ${path}`) : all;
  } finally {
    await raw.return(undefined);
  }
}

/** The batches of CSV text given in chunks (see {@link csvSource}). */
async function* parseCsv(chunks: AsyncIterable<string | Uint8Array>, s: CsvSettings, where: string): AsyncGenerator<RowBatch> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 0; // number of the line being parsed, 1-based
  let cols = -1;
  let colsFrom = 0;
  let headerDone = !s.header;
  let headerLine = 0;
  let values: number[] = [];
  const batch = (): RowBatch => {
    const rows = values.length / cols;
    const data = s.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    values = [];
    return { data, shape: [rows, cols] };
  };
  const parseLine = (text: string): void => {
    line++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    const cells = t.split(s.delimiter);
    if (cols < 0) {
      cols = cells.length;
      colsFrom = line;
    } else if (cells.length !== cols) {
      const first = s.header && colsFrom === headerLine ? 'the header' : 'the first row';
      throw new FormatError(`${where}: line ${line} has ${cells.length} cells, expected ${cols} (as ${first}, line ${colsFrom})`);
    }
    if (!headerDone) {
      headerDone = true;
      headerLine = line;
      return;
    }
    for (let j = 0; j < cells.length; j++) values.push(parseCell(cells[j], line, j, where));
  };
  const decode = (chunk: string | Uint8Array, stream: boolean): string => {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      // Find the line: decode again, replacing bad bytes, and count the newlines before the first.
      const text = pending + new TextDecoder('utf-8').decode(chunk);
      const bad = text.indexOf('\uFFFD');
      const before = bad < 0 ? 0 : text.slice(0, bad).split('\n').length - 1;
      throw new FormatError(`${where}: line ${line + before + 1} is not valid UTF-8 text`);
    }
  };
  for await (const chunk of chunks) {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      throw new TypeError(`${where}: chunks must be strings or Uint8Arrays (got ${chunk === null ? 'null' : typeof chunk})`);
    }
    pending += decode(chunk, true);
    let from = 0;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      parseLine(pending.slice(from, nl));
      from = nl + 1;
      nl = pending.indexOf('\n', from);
      if (cols > 0 && values.length >= s.batchSize * cols) yield batch();
    }
    pending = pending.slice(from);
  }
  pending += decode(new Uint8Array(0), false);
  if (pending !== '') parseLine(pending);
  if (values.length > 0) yield batch();
}

/** A cell as a number: decimal notation only, optionally in double quotes. */
function parseCell(cell: string, line: number, j: number, where: string): number {
  let c = cell.trim();
  if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1).trim();
  if (c === '') throw new FormatError(`${where}: line ${line}, column ${j + 1}: the cell is empty (every cell must be a number)`);
  if (!NUMBER.test(c)) throw new FormatError(`${where}: line ${line}, column ${j + 1}: ${JSON.stringify(cell)} is not a number`);
  const v = Number(c);
  if (!Number.isFinite(v)) throw new FormatError(`${where}: line ${line}, column ${j + 1}: ${JSON.stringify(cell)} overflows to ${v}`);
  return v;
}
