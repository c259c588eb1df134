import { FormatError } from '../errors.js';
import { readFileBytes, writeFileAtomic, type AtomicFs } from './node-file.js';
import type { ModelState, TensorRecord } from './model-state.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';

/** Metadata keys of a latent-ts model inside a safetensors file. */
const TYPE_KEY = 'latent_ts.type';
const VERSION_KEY = 'latent_ts.version';
const CONFIG_KEY = 'latent_ts.config';
const FORMAT_KEY = 'format';

/**
 * A model state as safetensors bytes: the arrays as F32/F64 tensors, and the model type,
 * version and configuration (JSON) in `__metadata__`, with a CRC-32 over the whole file.
 */
export function stateToBytes(state: ModelState): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of Object.entries(state.tensors)) {
    tensors[name] = t.data instanceof Float64Array
      ? { dtype: 'F64', shape: t.shape.slice(), data: t.data }
      : { dtype: 'F32', shape: t.shape.slice(), data: t.data };
  }
  return encodeSafetensors(tensors, {
    [FORMAT_KEY]: 'pt',
    [TYPE_KEY]: state.type,
    [VERSION_KEY]: String(state.version),
    [CONFIG_KEY]: JSON.stringify(state.config),
  });
}

/**
 * Decodes and checks safetensors bytes written by {@link stateToBytes}: the checksum, the
 * model type (`expectedType`), a readable version and the configuration. Errors name
 * `source` and the field; nothing is returned unless everything checks.
 */
export function stateFromBytes(bytes: Uint8Array, expectedType: string, versions: readonly number[], source = '<bytes>'): ModelState {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const type = metadata[TYPE_KEY];
  if (type === undefined) throw new FormatError(`${source}: not a latent-ts model (no '${TYPE_KEY}' in __metadata__)`);
  if (type !== expectedType) throw new FormatError(`${source}: holds a ${type} model, expected ${expectedType}`);
  const version = Number(metadata[VERSION_KEY]);
  if (!versions.includes(version)) {
    throw new FormatError(`${source}: ${type} format version ${JSON.stringify(metadata[VERSION_KEY])} is not supported (this latent-ts reads ${versions.join(', ')})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(metadata[CONFIG_KEY] ?? '');
  } catch {
    throw new FormatError(`${source}: field '${CONFIG_KEY}' is not valid JSON`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new FormatError(`${source}: field '${CONFIG_KEY}' must be a JSON object`);
  }
  const records: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) {
      throw new FormatError(`${source}: tensor '${name}' has dtype ${t.dtype}; latent-ts models store F32 or F64`);
    }
    records[name] = { shape: t.shape.slice(), data: t.data };
  }
  return { type, version, config: config as Record<string, unknown>, tensors: records };
}

/** Writes a state atomically (temp file, then rename) as safetensors; file errors name `<type>.save` and `path`. Node only. */
export async function saveState(path: string, state: ModelState, fs?: AtomicFs): Promise<void> {
  const where = `${state.type}.save`;
  await writeFileAtomic(path, stateToBytes(state), fs ? { fs, where } : { where });
}

/** Reads a state saved by {@link saveState}; errors name `<expectedType>.load` and `path`. Node only. */
export async function loadState(path: string, expectedType: string, versions: readonly number[]): Promise<ModelState> {
  return stateFromBytes(await readFileBytes(path, `${expectedType}.load`), expectedType, versions, path);
}
