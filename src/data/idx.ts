/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (images and labels, gzipped or not).
 *
 * @module
 */
import { FormatError } from '../errors.js';
import { readFileBytes } from '../io/node-file.js';
import { gunzip, isGzip } from './gunzip.js';

/**
 * An IDX images file (magic 0x00000803), pixels scaled from bytes to [0, 1].
 *
 * @example
 * ```ts
 * const out = await loadIdx('t10k-images-idx3-ubyte.gz');
 * if (out.kind === 'images') out.imageShape; // [28, 28]
 * ```
 */
export interface IdxImages {
  kind: 'images';
  /** Row-major pixels, one image per row, each byte divided by 255. */
  data: Float32Array;
  /** `[nSamples, rows * cols]`: ready to pass to `fit`. */
  shape: [number, number];
  /** `[rows, cols]` of one image. */
  imageShape: [number, number];
}

/**
 * An IDX labels file (magic 0x00000801).
 *
 * @example
 * ```ts
 * const out = await loadIdx('t10k-labels-idx1-ubyte.gz');
 * if (out.kind === 'labels') out.labels.length; // 10000
 * ```
 */
export interface IdxLabels {
  kind: 'labels';
  labels: Uint8Array;
}

/**
 * What {@link loadIdx} returns; `kind` tells which.
 *
 * @example
 * ```ts
 * const out = await loadIdx(bytes);
 * const n = out.kind === 'images' ? out.shape[0] : out.labels.length;
 * ```
 */
export type IdxContent = IdxImages | IdxLabels;

/**
 * Images with their labels, as {@link loadIdxPair} returns them.
 *
 * @example
 * ```ts
 * const { data, shape, labels } = await loadIdxPair(imagesPath, labelsPath);
 * ```
 */
export interface LabelledImages {
  data: Float32Array;
  shape: [number, number];
  labels: Uint8Array;
  imageShape: [number, number];
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const MAX_BYTES = 2 ** 32;

/**
 * Reads an IDX file from a path (Node) or from bytes (anywhere). Gzipped input (starting with
 * 1f 8b) is decompressed first. Truncated or malformed input gets a {@link FormatError} naming the
 * file (or `'<bytes>'`) and what is wrong.
 *
 * @example
 * ```ts
 * const images = await loadIdx('train-images-idx3-ubyte.gz');
 * if (images.kind === 'images') console.log(images.shape); // [60000, 784]
 * ```
 */
export async function loadIdx(pathOrBytes: string | Uint8Array): Promise<IdxContent> {
  let bytes: Uint8Array;
  let source: string;
  if (typeof pathOrBytes === 'string') {
    source = pathOrBytes;
    bytes = await readFileBytes(pathOrBytes, 'loadIdx');
  } else if (pathOrBytes instanceof Uint8Array) {
    source = '<bytes>';
    bytes = pathOrBytes;
  } else {
    throw new TypeError(`loadIdx: pathOrBytes must be a path or a Uint8Array (got ${pathOrBytes === null ? 'null' : typeof pathOrBytes})`);
  }
  const where = `loadIdx: ${source}`;
  if (isGzip(bytes)) bytes = await gunzip(bytes, where, (head) => declaredLength(head, where));
  return parseIdx(bytes, where);
}

/**
 * Reads an images file and its labels file and checks that the counts match.
 *
 * @example
 * ```ts
 * const train = await loadIdxPair('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
 * new PCA({ nComponents: 50 }).fit(train);
 * ```
 */
export async function loadIdxPair(images: string | Uint8Array, labels: string | Uint8Array): Promise<LabelledImages> {
  const [a, b] = await Promise.all([loadIdx(images), loadIdx(labels)]);
  const name = (x: string | Uint8Array) => (typeof x === 'string' ? x : '<bytes>');
  if (a.kind !== 'images') throw new FormatError(`loadIdxPair: ${name(images)} holds labels, expected images`);
  if (b.kind !== 'labels') throw new FormatError(`loadIdxPair: ${name(labels)} holds images, expected labels`);
  if (a.shape[0] !== b.labels.length) {
    throw new FormatError(
      `loadIdxPair: ${name(images)} has ${a.shape[0]} images but ${name(labels)} has ${b.labels.length} labels`,
    );
  }
  return { data: a.data, shape: a.shape, labels: b.labels, imageShape: a.imageShape };
}

/**
 * The dimensions of an IDX header, or undefined while `head` is too short to tell; a bad magic
 * number or element type throws {@link FormatError} prefixed by `where`.
 *
 * @example
 * ```ts
 * readIdxDims(firstBytes, 'idxSource: a.gz'); // [60000, 28, 28]
 * ```
 */
export function readIdxDims(head: Uint8Array, where: string): number[] | undefined {
  if (head.length < 4) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, false);
  if (head[0] !== 0 || head[1] !== 0) {
    throw new FormatError(`${where}: bad magic number ${hex(magic)} (expected ${hex(IMAGES_MAGIC)} for images or ${hex(LABELS_MAGIC)} for labels)`);
  }
  if (head[2] !== 0x08) {
    throw new FormatError(`${where}: unsupported element type 0x${head[2].toString(16).padStart(2, '0')} in magic number ${hex(magic)} (only unsigned bytes, 0x08, are supported)`);
  }
  const ndims = head[3];
  if (ndims !== 1 && ndims !== 3) {
    throw new FormatError(`${where}: magic number ${hex(magic)} declares ${ndims} dimensions; expected 3 (images) or 1 (labels)`);
  }
  if (head.length < 4 + 4 * ndims) return undefined;
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return dims;
}

function declaredLength(head: Uint8Array, where: string): number | undefined {
  const dims = readIdxDims(head, where);
  if (!dims) return undefined;
  const total = 4 + 4 * dims.length + dims.reduce((a, d) => a * d, 1);
  if (total > MAX_BYTES) {
    throw new FormatError(`${where}: header declares dimensions [${dims.join(', ')}] (${total} bytes), more than can be loaded`);
  }
  return total;
}

/** Parses uncompressed IDX bytes; `where` prefixes error messages. */
function parseIdx(bytes: Uint8Array, where: string): IdxContent {
  if (bytes.length === 0) throw new FormatError(`${where}: file is empty`);
  if (bytes.length < 4) throw new FormatError(`${where}: file is ${bytes.length} bytes, too short for the 4-byte magic number`);
  const total = declaredLength(bytes, where);
  if (total === undefined) {
    throw new FormatError(`${where}: truncated header: ${bytes[3]} dimensions need ${4 + 4 * bytes[3]} bytes, the file has ${bytes.length}`);
  }
  const dims = readIdxDims(bytes, where) as number[];
  const headerLength = 4 + 4 * dims.length;
  if (bytes.length !== total) {
    const what = bytes.length < total ? 'truncated' : `${bytes.length - total} extra bytes`;
    throw new FormatError(
      `${where}: dimensions [${dims.join(', ')}] need ${total} bytes, the file has ${bytes.length} (${what})`,
    );
  }
  const body = bytes.subarray(headerLength);
  if (dims.length === 1) return { kind: 'labels', labels: body.slice() };
  const [n, rows, cols] = dims;
  if (rows === 0 || cols === 0) throw new FormatError(`${where}: images must have positive height and width (got ${rows}×${cols})`);
  return { kind: 'images', data: scaleBytes(body), shape: [n, rows * cols], imageShape: [rows, cols] };
}

function scaleBytes(body: Uint8Array): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = v / 255;
  const out = new Float32Array(body.length);
  for (let i = 0; i < body.length; i++) out[i] = table[body[i]];
  return out;
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}
