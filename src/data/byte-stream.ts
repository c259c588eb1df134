/**
 * Bytes of a file as a stream of chunks, read from disk on demand (Node), and their gzip
 * decompression chunk by chunk (the web-standard `DecompressionStream`): what the streaming
 * readers (idx-source.ts, csv-source.ts) build on, so memory holds a chunk, never the file.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import { fileReadError } from '../io/file-errors.js';
import { importNode } from '../io/node-import.js';

/** Bytes read from disk per chunk unless the caller asks otherwise. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * The bytes of the file at `path`, `chunkBytes` at a time (each chunk a fresh array, so a
 * consumer may keep it). The file is opened on the first `next()` and closed when the stream
 * ends, throws, or is abandoned (`return()`, a `break` in `for await`). Node only; a missing
 * or unreadable file throws naming `where` and `path`.
 *
 * @example
 * ```ts
 * for await (const chunk of fileChunks('big.csv', 1 << 16, 'csvSource')) total += chunk.length;
 * ```
 */
export async function* fileChunks(path: string, chunkBytes: number, where: string): AsyncGenerator<Uint8Array> {
  const { open } = await importNode<typeof import('node:fs/promises')>('fs/promises');
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileReadError(where, path, e);
  }
  try {
    for (;;) {
      const chunk = new Uint8Array(chunkBytes);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunkBytes, null));
      } catch (e) {
        throw fileReadError(where, path, e);
      }
      if (bytesRead === 0) return;
      yield bytesRead === chunkBytes ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The decompressed bytes of a gzip stream given as chunks, as they come out of the
 * decompressor (back-pressured: the input is read only as fast as the output is consumed).
 * Corrupt or truncated gzip data throws {@link FormatError} prefixed by `where`.
 *
 * @example
 * ```ts
 * for await (const chunk of gunzipChunks(fileChunks('a.gz', 1 << 20, 'idxSource'), 'idxSource: a.gz')) use(chunk);
 * ```
 */
export async function* gunzipChunks(input: AsyncIterator<Uint8Array>, where: string): AsyncGenerator<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(`${where}: gzip input needs DecompressionStream (Node 20 or a current browser)`);
  }
  // The input's own error (a failed read), rethrown as it is rather than as corrupt gzip.
  let inputError: Error | null = null;
  const compressed = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      try {
        const { done, value } = await input.next();
        if (done) controller.close();
        else controller.enqueue(value as Uint8Array<ArrayBuffer>);
      } catch (e) {
        inputError = e instanceof Error ? e : new Error(String(e));
        controller.error(inputError);
      }
    },
    async cancel() {
      await input.return?.();
    },
  }, { highWaterMark: 1 });
  const reader = compressed.pipeThrough(new DecompressionStream('gzip')).getReader();
  let finished = false;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        const failure = inputError as Error | null; // set inside pull(), which the compiler cannot see
        if (failure !== null) throw failure;
        throw new FormatError(`${where}: gzip data is corrupt or truncated (${(e as Error).message})`);
      }
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    await input.return?.();
  }
}
