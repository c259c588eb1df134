import { FormatError, formatShape } from '../errors.js';

/**
 * One named array of a saved model.
 *
 * @example
 * ```ts
 * const mean: TensorRecord = pca.toState().tensors['mean'];
 * console.log(mean.shape);
 * ```
 */
export interface TensorRecord {
  shape: number[];
  data: Float32Array | Float64Array;
}

/**
 * Everything needed to rebuild a model: a type tag, a format version, the constructor
 * configuration (plain JSON values) and the named arrays. The JSON and safetensors forms are
 * both written from this.
 *
 * @example
 * ```ts
 * const state: ModelState = pca.toState();
 * const again = PCA.fromState(state);
 * ```
 */
export interface ModelState {
  type: string;
  version: number;
  config: Record<string, unknown>;
  tensors: Record<string, TensorRecord>;
}

/**
 * The JSON form of a {@link ModelState}: array bytes as base64 so −0, NaN and subnormals survive.
 *
 * @example
 * ```ts
 * const json: ModelJSON = vae.toJSON();
 * const again = VAE.fromJSON(JSON.stringify(json));
 * ```
 */
export interface ModelJSON {
  type: string;
  version: number;
  config: Record<string, unknown>;
  tensors: Record<string, { dtype: 'float32' | 'float64'; shape: number[]; base64: string }>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Little-endian bytes of a float array, base64-encoded. */
export function floatsToBase64(data: Float32Array | Float64Array): string {
  const bytes = littleEndianBytes(data);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** Inverse of {@link floatsToBase64}; throws FormatError on bad text or length. */
export function base64ToFloats(text: string, dtype: 'float32' | 'float64', where: string): Float32Array | Float64Array {
  const clean = text.replace(/=+$/, '');
  if (/[^A-Za-z0-9+/]/.test(clean)) throw new FormatError(`${where}: invalid base64 text`);
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let k = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n = (B64.indexOf(clean[i]) << 18) | (B64.indexOf(clean[i + 1] ?? 'A') << 12)
      | (B64.indexOf(clean[i + 2] ?? 'A') << 6) | B64.indexOf(clean[i + 3] ?? 'A');
    if (k < bytes.length) bytes[k++] = (n >> 16) & 255;
    if (k < bytes.length) bytes[k++] = (n >> 8) & 255;
    if (k < bytes.length) bytes[k++] = n & 255;
  }
  const size = dtype === 'float64' ? 8 : 4;
  if (bytes.length % size !== 0) throw new FormatError(`${where}: ${bytes.length} bytes is not a whole number of ${dtype} values`);
  return fromLittleEndian(bytes, dtype);
}

/** The little-endian byte image of a float array (a copy). */
export function littleEndianBytes(data: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}

/** Reads little-endian floats from bytes (a copy). */
export function fromLittleEndian(bytes: Uint8Array, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'float64') {
    const out = new Float64Array(bytes.length / 8);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The JSON form of a state. */
export function stateToJSON(state: ModelState): ModelJSON {
  const tensors: ModelJSON['tensors'] = {};
  for (const [name, t] of Object.entries(state.tensors)) {
    tensors[name] = { dtype: t.data instanceof Float64Array ? 'float64' : 'float32', shape: t.shape.slice(), base64: floatsToBase64(t.data) };
  }
  return { type: state.type, version: state.version, config: structuredClone(state.config), tensors };
}

/**
 * Parses and checks a JSON form: the type must be `expectedType`, the version one of
 * `versions`, and every array's byte length must match its shape. Nothing is returned unless
 * everything checks.
 */
export function stateFromJSON(json: unknown, expectedType: string, versions: readonly number[]): ModelState {
  const where = `${expectedType}.fromJSON`;
  const obj = (typeof json === 'string' ? parseJson(json, where) : json) as Partial<ModelJSON> | null;
  if (obj === null || typeof obj !== 'object') throw new FormatError(`${where}: expected an object from toJSON()`);
  if (obj.type !== expectedType) throw new FormatError(`${where}: field 'type' is ${JSON.stringify(obj.type)}, expected '${expectedType}'`);
  if (typeof obj.version !== 'number' || !versions.includes(obj.version)) {
    throw new FormatError(`${where}: field 'version' is ${JSON.stringify(obj.version)}; this latent-ts reads versions ${versions.join(', ')}`);
  }
  if (obj.config === null || typeof obj.config !== 'object') throw new FormatError(`${where}: field 'config' is missing`);
  if (obj.tensors === null || typeof obj.tensors !== 'object') throw new FormatError(`${where}: field 'tensors' is missing`);
  const tensors: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(obj.tensors)) {
    const at = `${where}: tensor '${name}'`;
    if (!t || (t.dtype !== 'float32' && t.dtype !== 'float64') || !Array.isArray(t.shape) || typeof t.base64 !== 'string') {
      throw new FormatError(`${at} needs dtype 'float32' | 'float64', shape and base64`);
    }
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new FormatError(`${at} has an invalid shape ${JSON.stringify(t.shape)}`);
    const data = base64ToFloats(t.base64, t.dtype, at);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new FormatError(`${at} has ${data.length} values, but shape ${formatShape(t.shape)} needs ${size}`);
    tensors[name] = { shape: t.shape.slice(), data };
  }
  return { type: obj.type, version: obj.version, config: structuredClone(obj.config), tensors };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** Returns the named tensor with the expected shape, or throws FormatError naming both. */
export function requireTensor(state: ModelState, name: string, shape: readonly number[], where: string): TensorRecord {
  const t = state.tensors[name];
  if (t === undefined) throw new FormatError(`${where}: tensor '${name}' is missing`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new FormatError(`${where}: tensor '${name}' has shape ${formatShape(t.shape)}, but the configuration needs ${formatShape(shape)}`);
  }
  return t;
}
