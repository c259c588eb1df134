/**
 * Bounded gzip decompression over the web-standard `DecompressionStream`, available in Node 20
 * and browsers, so no Node built-in is needed.
 *
 * @module
 */
import { FormatError } from '../errors.js';

/**
 * True when `bytes` start with the gzip magic number 1f 8b.
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip `bytes`. `expectedLength(head)` is called as output arrives and returns the
 * total length the content declares once its header is readable (or undefined while it is not);
 * output past that length stops decompression at once, so a corrupt or hostile file cannot
 * exhaust memory. Truncated or corrupt streams throw {@link FormatError} with `where` as prefix.
 *
 * @example
 * ```ts
 * const raw = await gunzip(bytes, 'loadIdx: a.gz', (head) => (head.length >= 16 ? 16 + size : undefined));
 * ```
 */
export async function gunzip(
  bytes: Uint8Array,
  where: string,
  expectedLength: (head: Uint8Array) => number | undefined,
): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new Error(`${where}: gzip input needs DecompressionStream (Node 20 or a current browser)`);
  }
  const input = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  const reader = input.pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
      if (limit === undefined) limit = expectedLength(concat(chunks, total));
      if (limit !== undefined && total > limit) {
        throw new FormatError(`${where}: decompressed data is longer than the ${limit} bytes its header declares`);
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof FormatError) throw error;
    throw new FormatError(`${where}: gzip data is corrupt or truncated (${(error as Error).message})`);
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  chunks.length = 0;
  chunks.push(out);
  return out;
}
