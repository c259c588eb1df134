/**
 * What the saved forms of the decomposition models share: the header and options check and the
 * strict readers of config integers and float64 arrays (a save/load round trip is bit-exact, so nothing else is
 * accepted).
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import { requireTensor, type ModelState } from '../../io/model-state.js';

/**
 * A float64 copy of a saved array, rejecting float32 storage and non-finite values.
 *
 * @example
 * ```ts
 * const mean = float64Tensor(state, 'mean', [d], 'PCA.fromState');
 * ```
 */
export function float64Tensor(state: ModelState, name: string, shape: readonly number[], where: string): Float64Array {
  const t = requireTensor(state, name, shape, where);
  if (!(t.data instanceof Float64Array)) throw new FormatError(`${where}: tensor '${name}' must be float64`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) throw new FormatError(`${where}: tensor '${name}' holds a non-finite value at index ${i}`);
  }
  return t.data.slice();
}

/**
 * Checks `state.type`/`state.version` and returns config as a record.
 *
 * @example
 * ```ts
 * const config = checkHeader(state, 'PCA', 'PCA.fromState');
 * ```
 */
export function checkHeader(state: ModelState, type: string, where: string): Record<string, unknown> {
  if (state === null || typeof state !== 'object') throw new FormatError(`${where}: expected a ModelState object`);
  if (state.type !== type) throw new FormatError(`${where}: field 'type' is ${JSON.stringify(state.type)}, expected '${type}'`);
  if (state.version !== 1) throw new FormatError(`${where}: field 'version' is ${JSON.stringify(state.version)}; this latent-ts reads version 1`);
  if (state.config === null || typeof state.config !== 'object') throw new FormatError(`${where}: field 'config' is missing`);
  return state.config;
}

/**
 * The options and the `fitted` record of a saved model: checks the header ({@link checkHeader}),
 * validates `config.options` with the model's own validator (whose error becomes a FormatError
 * naming the field) and returns `config.fitted` as a record, or null for an unfitted model.
 *
 * @example
 * ```ts
 * const { options, fitted } = readSavedConfig(state, 'PCA', where, (raw) => validatePCAOptions(raw, where));
 * ```
 */
export function readSavedConfig<O>(
  state: ModelState, type: string, where: string, validate: (raw: Record<string, unknown>) => O,
): { options: O; fitted: Record<string, unknown> | null } {
  const config = checkHeader(state, type, where);
  let options: O;
  try {
    options = validate((config.options ?? {}) as Record<string, unknown>);
  } catch (e) {
    throw new FormatError(`${where}: field 'config.options' is invalid: ${(e as Error).message}`);
  }
  const fitted = config.fitted as Record<string, unknown> | null | undefined;
  if (fitted === null || fitted === undefined) return { options, fitted: null };
  if (typeof fitted !== 'object') throw new FormatError(`${where}: field 'config.fitted' must be an object or null`);
  return { options, fitted };
}

/**
 * A positive integer field of a saved config, or FormatError.
 *
 * @example
 * ```ts
 * intField({ nFeatures: 4 }, 'nFeatures', 'PCA.fromState'); // 4
 * ```
 */
export function intField(obj: Record<string, unknown>, name: string, where: string, min = 1): number {
  const v = obj[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new FormatError(`${where}: field '${name}' must be an integer >= ${min} (got ${JSON.stringify(v)})`);
  }
  return v;
}
