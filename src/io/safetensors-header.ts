/**
 * Reads and validates a safetensors header. Nothing here allocates tensor data: the decoder
 * copies bytes only after every check has passed.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { DTYPES, isDtype, type SafetensorsDtype } from './safetensors-dtypes.js';

/**
 * Largest header accepted, as in the reference implementation (100 MB).
 *
 * @example
 * ```ts
 * MAX_HEADER_BYTES; // 100000000
 * ```
 */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Metadata key naming the integrity scheme of files written by latent-ts.
 *
 * @example
 * ```ts
 * JSON.parse(headerText).__metadata__[CHECKSUM_SCHEME_KEY]; // 'crc32'
 * ```
 */
export const CHECKSUM_SCHEME_KEY = 'latent_ts.checksum';
/**
 * Metadata key holding the CRC-32 as 8 lowercase hex digits.
 *
 * @example
 * ```ts
 * JSON.parse(headerText).__metadata__[CHECKSUM_KEY]; // e.g. '1a2b3c4d'
 * ```
 */
export const CHECKSUM_KEY = 'latent_ts.crc32';

/**
 * One validated tensor entry: byte range relative to the start of the data section.
 *
 * @example
 * ```ts
 * parseHeader(bytes, 'm.safetensors').entries[0]; // { name, dtype, shape, begin, end }
 * ```
 */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * A validated header.
 *
 * @example
 * ```ts
 * const { metadata, entries, dataStart } = parseHeader(bytes, 'm.safetensors');
 * ```
 */
export interface ParsedHeader {
  /** Metadata without the integrity keys. */
  metadata: Record<string, string>;
  /** Entries in data order. */
  entries: HeaderEntry[];
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
  /** The stored CRC-32, or undefined for files without one (written by other tools). */
  checksum?: number;
}

const INFO_KEYS = ['data_offsets', 'dtype', 'shape'];

/**
 * Parses and validates the header of `bytes`; throws {@link FormatError} naming `source`.
 *
 * @example
 * ```ts
 * const header = parseHeader(bytes, 'model.safetensors');
 * ```
 */
export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  const fail = (what: string): never => {
    throw new FormatError(`decodeSafetensors: ${source}: ${what}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (high !== 0 || headerLength > MAX_HEADER_BYTES) {
    fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  const json = parseJson(bytes.subarray(8, 8 + headerLength), fail);
  const metadata = readMetadata(json['__metadata__'], fail);
  const checksum = readChecksum(metadata, fail);
  const entries: HeaderEntry[] = [];
  for (const name of Object.keys(json)) {
    if (name !== '__metadata__') entries.push(readEntry(name, json[name], fail));
  }
  checkLayout(entries, bytes.length - 8 - headerLength, fail);
  return checksum === undefined
    ? { metadata, entries, dataStart: 8 + headerLength }
    : { metadata, entries, dataStart: 8 + headerLength, checksum };
}

function parseJson(header: Uint8Array, fail: (what: string) => never): Record<string, unknown> {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(header);
  } catch {
    fail('header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(`header must be a JSON object starting with '{' (got ${JSON.stringify(text.slice(0, 10))})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('header must be a JSON object');
  // JSON.parse keeps the last of two equal keys: a tensor listed twice would lose one entry unseen.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) {
    const where = duplicate.path.length === 0 ? '' : ` inside ${duplicate.path.map((k) => JSON.stringify(k)).join(' → ')}`;
    fail(`header has the key ${JSON.stringify(duplicate.key)} more than once${where}`);
  }
  return value as Record<string, unknown>;
}

function readMetadata(raw: unknown, fail: (what: string) => never): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (raw === undefined) return out;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ must be an object of strings');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') fail(`__metadata__ field '${key}' must be a string (got ${typeof value})`);
    out[key] = value as string;
  }
  return out;
}

function readChecksum(metadata: Record<string, string>, fail: (what: string) => never): number | undefined {
  const scheme = metadata[CHECKSUM_SCHEME_KEY];
  const value = metadata[CHECKSUM_KEY];
  delete metadata[CHECKSUM_SCHEME_KEY];
  delete metadata[CHECKSUM_KEY];
  if (scheme === undefined && value === undefined) return undefined;
  // Two keys, so that one damaged key name cannot make a latent-ts file look like a foreign one.
  if (scheme === undefined) fail(`__metadata__ has '${CHECKSUM_KEY}' but no '${CHECKSUM_SCHEME_KEY}'`);
  if (value === undefined) fail(`__metadata__ has '${CHECKSUM_SCHEME_KEY}' but no '${CHECKSUM_KEY}' (checksum missing)`);
  if (scheme !== 'crc32') fail(`__metadata__ field '${CHECKSUM_SCHEME_KEY}' must be 'crc32' (got ${JSON.stringify(scheme)})`);
  if (!/^[0-9a-f]{8}$/.test(value as string)) {
    fail(`__metadata__ field '${CHECKSUM_KEY}' must be 8 lowercase hex digits (got ${JSON.stringify(value)})`);
  }
  return parseInt(value as string, 16);
}

function readEntry(name: string, info: unknown, fail: (what: string) => never): HeaderEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`${where} must be an object`);
  const keys = Object.keys(info as object).sort();
  if (keys.join() !== INFO_KEYS.join()) {
    fail(`${where} must have exactly the fields dtype, shape, data_offsets (got ${keys.join(', ') || 'none'})`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isDtype(dtype)) fail(`${where} has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where} field shape must be an array of non-negative integers (got ${JSON.stringify(shape)})`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${where} field data_offsets must be [begin, end] with 0 <= begin <= end (got ${JSON.stringify(offsets)})`);
  }
  const dims = shape as number[];
  const [begin, end] = offsets as number[];
  const need = dims.reduce((a, d) => a * d, 1) * DTYPES[dtype as SafetensorsDtype].size;
  if (need !== end - begin) {
    fail(`${where} field data_offsets [${begin}, ${end}] spans ${end - begin} bytes, but dtype ${String(dtype)} and shape [${dims.join(', ')}] need ${need}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: dims.slice(), begin, end };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Sorts entries by offset and checks they tile the data section exactly, with no gap or overlap. */
function checkLayout(entries: HeaderEntry[], dataLength: number, fail: (what: string) => never): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      const what = e.begin < expected ? 'overlaps the previous tensor' : `leaves a gap (expected begin ${expected})`;
      fail(`tensor ${JSON.stringify(e.name)} field data_offsets [${e.begin}, ${e.end}] ${what}`);
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    const what = expected > dataLength ? 'file is truncated' : 'file has trailing bytes';
    fail(`${what}: tensors need ${expected} data bytes, the file holds ${dataLength}`);
  }
}
