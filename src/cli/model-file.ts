/**
 * Saving and loading models on the command line. The model class is chosen by the
 * `latent_ts.type` field of the safetensors metadata.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import { saveState, stateFromBytes } from '../io/model-bytes.js';
import { readFileBytes } from '../io/node-file.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { MODEL_TYPES, modelFromState, type AnyModel } from '../models/registry.js';

const TYPE_KEY = 'latent_ts.type';
const VERSION_KEY = 'latent_ts.version';

/**
 * Loads any latent-ts model saved as safetensors. The file is fully checked (checksum, header,
 * type, version, shapes) before a model is returned.
 *
 * @throws FormatError naming the file and what is wrong (corrupt, truncated, not a latent-ts
 * model, unknown type or version).
 * @example
 * ```ts
 * const model = await loadModelFile('vae.safetensors');
 * ```
 */
export async function loadModelFile(path: string): Promise<AnyModel> {
  const bytes = await readFileBytes(path);
  const { metadata } = decodeSafetensors(bytes, path);
  const type = metadata[TYPE_KEY];
  if (type === undefined) throw new FormatError(`${path}: not a latent-ts model (no '${TYPE_KEY}' in the safetensors metadata)`);
  if (!(MODEL_TYPES as readonly string[]).includes(type)) {
    throw new FormatError(`${path}: unknown model type ${JSON.stringify(type)} (latent-ts reads ${MODEL_TYPES.join(', ')})`);
  }
  const version = Number(metadata[VERSION_KEY]);
  if (!Number.isInteger(version)) throw new FormatError(`${path}: '${VERSION_KEY}' is ${JSON.stringify(metadata[VERSION_KEY])}, not an integer`);
  // The model class checks the version it can read; this layer only dispatches on the type.
  const state = stateFromBytes(bytes, type, [version], path);
  try {
    return modelFromState(state);
  } catch (e) {
    const message = (e as Error).message;
    throw new FormatError(message.includes(path) ? message : `${path}: ${message}`);
  }
}

/**
 * Saves a model atomically as safetensors.
 *
 * @example
 * ```ts
 * await saveModelFile('pca.safetensors', pca);
 * ```
 */
export async function saveModelFile(path: string, model: AnyModel): Promise<void> {
  await saveState(path, model.toState());
}
