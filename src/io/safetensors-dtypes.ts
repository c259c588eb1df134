/**
 * The safetensors dtype table: element size and typed-array class of every dtype latent-ts
 * reads and writes. One table, so encoder and decoder cannot disagree.
 *
 * @module
 */

/**
 * The typed array that holds each safetensors dtype. F16 and BF16 are kept as raw bit patterns.
 *
 * @example
 * ```ts
 * const data: SafetensorsArrays['F32'] = new Float32Array(4);
 * ```
 */
export interface SafetensorsArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U64: BigUint64Array;
  U32: Uint32Array;
  U16: Uint16Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

/**
 * A safetensors dtype name, as written in the header (`'F32'`, `'U8'`, ...).
 *
 * @example
 * ```ts
 * const dtype: SafetensorsDtype = 'F32';
 * ```
 */
export type SafetensorsDtype = keyof SafetensorsArrays;

/**
 * One tensor: dtype, shape and row-major data in the matching typed array. Narrowing on `dtype`
 * narrows `data` (`t.dtype === 'F32'` makes `t.data` a `Float32Array`).
 *
 * @example
 * ```ts
 * const t: SafetensorsTensor = { dtype: 'U8', shape: [2], data: new Uint8Array([1, 2]) };
 * ```
 */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: { dtype: D; shape: readonly number[]; data: SafetensorsArrays[D] };
}[SafetensorsDtype];

type TypedArrayCtor = {
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): ArrayBufferView & { length: number };
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * Element size in bytes and typed-array class per dtype.
 *
 * @example
 * ```ts
 * DTYPES.F64.size; // 8
 * ```
 */
export const DTYPES: Readonly<Record<SafetensorsDtype, { size: number; ctor: TypedArrayCtor }>> = {
  F64: { size: 8, ctor: Float64Array },
  F32: { size: 4, ctor: Float32Array },
  F16: { size: 2, ctor: Uint16Array },
  BF16: { size: 2, ctor: Uint16Array },
  I64: { size: 8, ctor: BigInt64Array },
  I32: { size: 4, ctor: Int32Array },
  I16: { size: 2, ctor: Int16Array },
  I8: { size: 1, ctor: Int8Array },
  U64: { size: 8, ctor: BigUint64Array },
  U32: { size: 4, ctor: Uint32Array },
  U16: { size: 2, ctor: Uint16Array },
  U8: { size: 1, ctor: Uint8Array },
  BOOL: { size: 1, ctor: Uint8Array },
};

/**
 * True when `name` is a dtype in {@link DTYPES}.
 *
 * @example
 * ```ts
 * isDtype('BF16'); // true
 * ```
 */
export function isDtype(name: unknown): name is SafetensorsDtype {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, name);
}

/**
 * Throws unless the host stores numbers little-endian. safetensors is little-endian and the
 * codec copies raw bytes (which keeps NaN payloads and −0 exact), so a big-endian host would
 * silently swap every value.
 *
 * @example
 * ```ts
 * assertLittleEndian('decodeSafetensors'); // no-op on x86 and ARM
 * ```
 */
export function assertLittleEndian(where: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error(`${where}: this host is big-endian; safetensors support needs a little-endian host`);
  }
}
