/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header, raw
 * little-endian tensor bytes), so weights move to and from PyTorch and Hugging Face tooling.
 *
 * Files written here carry a CRC-32 in `__metadata__` over every byte of the file (length
 * prefix, header, padding and data) with the eight checksum digits read as `'00000000'`. Any
 * single corrupted byte and any truncation is therefore detected. Files without a checksum
 * (written by other tools) are still fully validated, just not checksummed.
 *
 * @module
 */
import { FormatError, formatShape } from '../errors.js';
import { crc32 } from './crc32.js';
import { DTYPES, assertLittleEndian, isDtype, type SafetensorsTensor } from './safetensors-dtypes.js';
import { CHECKSUM_KEY, CHECKSUM_SCHEME_KEY, parseHeader } from './safetensors-header.js';

export type { SafetensorsArrays, SafetensorsDtype, SafetensorsTensor } from './safetensors-dtypes.js';

/**
 * The content of a safetensors file.
 *
 * @example
 * ```ts
 * const { tensors, metadata }: SafetensorsContent = decodeSafetensors(bytes);
 * ```
 */
export interface SafetensorsContent {
  /** Tensors by name (a null-prototype object; each `data` is a fresh, aligned copy). */
  tensors: Record<string, SafetensorsTensor>;
  /** String metadata from `__metadata__`, without latent-ts's checksum fields. */
  metadata: Record<string, string>;
}

/**
 * Options for {@link encodeSafetensors}.
 *
 * @example
 * ```ts
 * encodeSafetensors(tensors, {}, { checksum: false });
 * ```
 */
export interface EncodeSafetensorsOptions {
  /** Store a CRC-32 in `__metadata__` (default true). Other tools ignore it. */
  checksum?: boolean;
}

const PLACEHOLDER = '00000000';
const PLACEHOLDER_BYTES = new TextEncoder().encode(PLACEHOLDER);

/**
 * Serialises tensors and string metadata to safetensors bytes. Tensors are laid out by
 * decreasing element size, then by name (as the reference writer does), so every tensor is
 * aligned to its element size; the header is padded with spaces to a multiple of 8 bytes.
 * Data bytes are copied verbatim, so −0, NaN payloads and subnormals survive exactly.
 *
 * @throws TypeError or RangeError for a bad tensor or metadata value, naming it.
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { weight: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { model: 'PCA', version: '1' },
 * );
 * decodeSafetensors(bytes).tensors.weight.shape; // [2, 2]
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  assertLittleEndian('encodeSafetensors');
  const names = Object.keys(tensors);
  for (const name of names) checkTensor(name, tensors[name]);
  names.sort((a, b) => DTYPES[tensors[b].dtype].size - DTYPES[tensors[a].dtype].size || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = Object.create(null);
  header['__metadata__'] = buildMetadata(metadata, options.checksum ?? true);
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    header[name] = { dtype: t.dtype, shape: Array.from(t.shape), data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  if (options.checksum ?? true) writeChecksum(out, json);
  return out;
}

/**
 * Parses safetensors bytes. Everything is validated before anything is returned: header length
 * bounds, UTF-8 and JSON, `__metadata__` values are strings, dtypes are known, shape × element
 * size equals each byte range, ranges tile the data exactly, and, when present, the CRC-32.
 *
 * @param source names the file in error messages (default `'<bytes>'`).
 * @throws FormatError naming `source` and the field that is wrong.
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
 * const w = tensors.weight;
 * if (w.dtype === 'F32') console.log(w.data[0], metadata.model);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContent {
  assertLittleEndian('decodeSafetensors');
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeSafetensors: bytes must be a Uint8Array (got ${typeof bytes})`);
  }
  const header = parseHeader(bytes, source);
  if (header.checksum !== undefined) verifyChecksum(bytes, header.dataStart, header.checksum, source);
  const tensors: Record<string, SafetensorsTensor> = Object.create(null);
  for (const e of header.entries) {
    const n = e.end - e.begin;
    const buffer = new ArrayBuffer(n);
    new Uint8Array(buffer).set(bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end));
    const { ctor, size } = DTYPES[e.dtype];
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: new ctor(buffer, 0, n / size) } as unknown as SafetensorsTensor;
  }
  return { tensors, metadata: header.metadata };
}

function checkTensor(name: string, t: SafetensorsTensor): void {
  const where = `encodeSafetensors: tensor ${JSON.stringify(name)}`;
  if (name === '__metadata__') throw new RangeError(`${where}: the name '__metadata__' is reserved`);
  if (t === null || typeof t !== 'object') throw new TypeError(`${where} must be { dtype, shape, data }`);
  if (!isDtype(t.dtype)) throw new RangeError(`${where} has unknown dtype ${JSON.stringify(t.dtype)}`);
  const { ctor } = DTYPES[t.dtype];
  if (!(t.data instanceof ctor)) {
    const got = t.data === null || typeof t.data !== 'object' ? typeof t.data : t.data.constructor.name;
    throw new TypeError(`${where} has dtype ${t.dtype}, so data must be a ${ctor.name} (got ${got})`);
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`${where}: shape must be an array of non-negative integers (got ${JSON.stringify(t.shape)})`);
  }
  const size = t.shape.reduce((a, d) => a * d, 1);
  if (size !== t.data.length) {
    throw new RangeError(`${where}: shape ${formatShape(t.shape)} needs ${size} elements, data has ${t.data.length}`);
  }
}

function buildMetadata(metadata: Record<string, string>, checksum: boolean): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new TypeError(`encodeSafetensors: metadata field '${key}' must be a string (got ${typeof value})`);
    }
    if (key === CHECKSUM_KEY || key === CHECKSUM_SCHEME_KEY) {
      throw new RangeError(`encodeSafetensors: metadata field '${key}' is reserved for the checksum`);
    }
    out[key] = value;
  }
  if (checksum) {
    out[CHECKSUM_SCHEME_KEY] = 'crc32';
    out[CHECKSUM_KEY] = PLACEHOLDER;
  }
  return out;
}

/** Byte position of the 8 checksum digits inside the header, or -1 unless exactly one. */
function checksumPosition(header: Uint8Array): number {
  // In canonical JSON this byte run can only be the checksum field: inside any string a quote
  // is escaped, and a tensor named like the key is followed by '{', not '"'.
  const pattern = new TextEncoder().encode(`"${CHECKSUM_KEY}":"`);
  let found = -1;
  outer: for (let i = 0; i + pattern.length <= header.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (header[i + j] !== pattern[j]) continue outer;
    if (found >= 0) return -1;
    found = i + pattern.length;
  }
  return found;
}

function fileCrc(bytes: Uint8Array, digitsAt: number): number {
  let c = crc32(bytes, 0, 0, digitsAt);
  c = crc32(PLACEHOLDER_BYTES, c);
  return crc32(bytes, c, digitsAt + 8, bytes.length);
}

function writeChecksum(out: Uint8Array, json: Uint8Array): void {
  const pos = checksumPosition(json);
  if (pos < 0) throw new Error('encodeSafetensors: internal error: checksum field not found in the header');
  const at = 8 + pos;
  const hex = fileCrc(out, at).toString(16).padStart(8, '0');
  out.set(new TextEncoder().encode(hex), at);
}

function verifyChecksum(bytes: Uint8Array, dataStart: number, stored: number, source: string): void {
  const pos = checksumPosition(bytes.subarray(8, dataStart));
  if (pos < 0) {
    throw new FormatError(`decodeSafetensors: ${source}: __metadata__ field '${CHECKSUM_KEY}' is not in the canonical form latent-ts writes`);
  }
  const actual = fileCrc(bytes, 8 + pos);
  if (actual !== stored) {
    const hex = (v: number) => v.toString(16).padStart(8, '0');
    throw new FormatError(
      `decodeSafetensors: ${source}: checksum mismatch (__metadata__ field '${CHECKSUM_KEY}' is ${hex(stored)}, the content hashes to ${hex(actual)}); the file is corrupted`,
    );
  }
}
