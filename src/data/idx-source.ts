/**
 * A streaming reader of IDX image files (MNIST, Fashion-MNIST; gzipped or raw): the rows come
 * as batches read from disk chunk by chunk, so memory holds one chunk and one batch, never the
 * file. The values are those of {@link loadIdx}: each byte divided by 255, as float32.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import type { RowBatch } from '../io/row-source.js';
import { assertInt } from '../validate.js';
import { DEFAULT_CHUNK_BYTES, fileChunks, gunzipChunks } from './byte-stream.js';
import { readIdxDims } from './idx.js';

/**
 * Options of {@link idxSource}.
 *
 * @example
 * ```ts
 * idxSource('train-images-idx3-ubyte.gz', { batchSize: 2000, chunkBytes: 1 << 16 });
 * ```
 */
export interface IdxSourceOptions {
  /** Images per batch (the last may be shorter). Default 1024. */
  batchSize?: number;
  /** Bytes read from disk at a time. Default 1 MiB. */
  chunkBytes?: number;
}

/**
 * An IDX images file as a row source: each iteration opens the file and streams it (so the
 * source can be read any number of times, e.g. once per epoch). Batches are
 * `{ data: Float32Array, shape: [rows, height·width] }`. A labels file, a bad header, or a file
 * shorter or longer than its header declares throws {@link FormatError} naming the file. Node only.
 *
 * @example
 * ```ts
 * const source = idxSource('/data/fashion-mnist/train-images-idx3-ubyte.gz', { batchSize: 1000 });
 * const pca = await new PCA({ nComponents: 50 }).fit(source);          // one pass, 784×784 memory
 * const ipca = await new IncrementalPCA({ nComponents: 50 }).fit(source);
 * ```
 */
export function idxSource(path: string, options: IdxSourceOptions = {}): AsyncIterable<RowBatch> {
  const where = 'idxSource';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${where}: path must be a non-empty string (got ${typeof path === 'string' ? "''" : typeof path})`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'batchSize' && key !== 'chunkBytes') throw new TypeError(`${where}: unknown option '${key}' (known: batchSize, chunkBytes)`);
  }
  const batchSize = assertInt(options.batchSize ?? 1024, 'batchSize', where, 1);
  const chunkBytes = assertInt(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, 'chunkBytes', where, 1);
  return { [Symbol.asyncIterator]: () => readImages(path, batchSize, chunkBytes) };
}

/** v/255 in float32 for every byte value: the table of loadIdx, so the values are the same. */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

async function* readImages(path: string, batchSize: number, chunkBytes: number): AsyncGenerator<RowBatch> {
  const where = `idxSource: ${path}`;
  const raw = fileChunks(path, chunkBytes, 'idxSource');
  // Two bytes tell gzip (1f 8b) from raw IDX, however small the chunks.
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < 2) {
    const next = await raw.next();
    if (next.done) break;
    head = concat(head, next.value);
  }
  if (head.length === 0) throw new FormatError(`${where}: file is empty`);
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const bytes = gz ? gunzipChunks(prepend(head, raw), where) : prepend(head, raw);
  let header: Uint8Array = new Uint8Array(0);
  let dims: number[] | undefined;
  let d = 0;
  let n = 0;
  let batch: Float32Array | null = null;
  let filled = 0; // bytes of the current batch
  let rowsDone = 0;
  try {
    for await (let chunk of bytes) {
      if (dims === undefined) {
        header = concat(header, chunk);
        dims = readIdxDims(header, where);
        if (dims === undefined) continue;
        if (dims.length !== 3) throw new FormatError(`${where}: holds labels (1 dimension); idxSource reads images`);
        const [count, h, w] = dims;
        if (h === 0 || w === 0) throw new FormatError(`${where}: images must have positive height and width (got ${h}×${w})`);
        n = count;
        d = h * w;
        chunk = header.subarray(16);
      }
      let at = 0;
      while (at < chunk.length) {
        if (rowsDone === n) throw tooLong(where, dims, n, d);
        if (batch === null) {
          const rows = Math.min(batchSize, n - rowsDone);
          batch = new Float32Array(rows * d);
          filled = 0;
        }
        const take = Math.min(chunk.length - at, batch.length - filled);
        for (let i = 0; i < take; i++) batch[filled + i] = SCALE[chunk[at + i]];
        filled += take;
        at += take;
        if (filled === batch.length) {
          const rows = batch.length / d;
          rowsDone += rows;
          const out = batch;
          batch = null;
          yield { data: out, shape: [rows, d] };
        }
      }
    }
  } finally {
    await bytes.return(undefined);
  }
  if (dims === undefined) {
    throw new FormatError(`${where}: truncated header: the file ends after ${header.length} bytes`);
  }
  if (rowsDone < n) {
    const got = 16 + rowsDone * d + (batch === null ? 0 : filled);
    throw new FormatError(`${where}: dimensions [${dims.join(', ')}] need ${16 + n * d} bytes, the ${gz ? 'decompressed ' : ''}file has ${got} (truncated)`);
  }
}

function tooLong(where: string, dims: number[], n: number, d: number): FormatError {
  return new FormatError(`${where}: dimensions [${dims.join(', ')}] need ${16 + n * d} bytes, the file has more (extra bytes after the last image)`);
}

async function* prepend(first: Uint8Array, rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
