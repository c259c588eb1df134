/** Builders of IDX and gzip bytes for the data tests. */

/** An IDX file: magic 0x000008<ndims>, big-endian u32 dims, then `body`. */
export function idxBytes(dims: number[], body: Uint8Array, typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

/** Deterministic pseudo-pixels 0..255. */
export function pixels(n: number, seed = 1): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 73 + seed * 11) % 256);
}

/** Gzips bytes with the web-standard CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
