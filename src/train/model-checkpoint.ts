import { FormatError, describeValue } from '../errors.js';
import type { ModelState, TensorRecord } from '../io/model-state.js';
import type { RngState } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainerJSON } from './checkpoint-state.js';

/** What a trained neural model saves besides its type: config, parameters, training state, streams, history. */
export interface NeuralStateParts<H> {
  /** The model's configuration as plain JSON (constructor options, including `training`). */
  config: Record<string, unknown>;
  fitted: boolean;
  params: Map<string, Tensor>;
  /** The trainer's state, or null for a weights-only save (no optimizer state, counters, streams or history). */
  trainer: { config: TrainerJSON; tensors: Record<string, TensorRecord> } | null;
  /** The model's own streams (init, evaluation), by name. */
  rng: Record<string, RngState>;
  history: H[];
}

/** What {@link unpackNeuralState} hands to the model to restore itself. */
export interface LoadedParts<H> {
  tensors: Record<string, TensorRecord>;
  /** The saved trainer state; null when the file was saved weights-only. */
  trainer: unknown;
  rng: Record<string, RngState>;
  history: H[];
  fitted: boolean;
}

/**
 * Builds the `ModelState` of a neural model: parameters under their own names, optimizer
 * buffers under `optimizer.…`, and in `config` the model options plus `fitted`, `rng`,
 * `trainer` (counters, every training stream, the interrupted epoch, optimizer steps) and `history`.
 * With `trainer: null` (weights-only) there are no optimizer buffers, `trainer` is null and
 * `history` empty: what remains is what inference needs.
 *
 * @example
 * ```ts
 * const state = packNeuralState('VAE', { config, fitted: true, params, trainer: trainer.state(), rng, history });
 * ```
 */
export function packNeuralState<H>(type: string, parts: NeuralStateParts<H>): ModelState {
  const tensors: Record<string, TensorRecord> = {};
  for (const [name, p] of parts.params) tensors[name] = { shape: p.shape.slice(), data: p.data.slice() };
  for (const [name, t] of Object.entries(parts.trainer?.tensors ?? {})) tensors[name] = { shape: t.shape.slice(), data: t.data.slice() };
  const config = structuredClone({
    ...parts.config, fitted: parts.fitted, rng: parts.rng, trainer: parts.trainer?.config ?? null, history: parts.trainer === null ? [] : parts.history,
  });
  return { type, version: 1, config, tensors };
}

/**
 * Checks the envelope of a saved neural model, constructs it from the saved options with
 * `build` (whose RangeErrors become FormatErrors naming the state) and lets `restore` load the
 * rest into the fresh model. Nothing is returned unless everything loads.
 *
 * @example
 * ```ts
 * const vae = unpackNeuralState(state, 'VAE', (o) => new VAE(o as never), (model, parts) => model.load(parts));
 * ```
 */
export function unpackNeuralState<M, H>(
  state: ModelState, type: string, build: (options: Record<string, unknown>) => M, restore: (model: M, parts: LoadedParts<H>) => void,
): M {
  const where = `${type}.fromState`;
  if (state === null || typeof state !== 'object') throw new FormatError(`${where}: expected a ModelState object`);
  if (state.type !== type) throw new FormatError(`${where}: state is of type ${JSON.stringify(state.type)}, expected '${type}'`);
  if (state.version !== 1) throw new FormatError(`${where}: version ${JSON.stringify(state.version)} is not supported (this latent-ts reads version 1)`);
  const c = state.config as Record<string, unknown> | null;
  if (c === null || typeof c !== 'object') throw new FormatError(`${where}: field 'config' is missing`);
  const training = c.training;
  if (training === null || typeof training !== 'object') throw new FormatError(`${where}: field 'config.training' is missing`);
  const rng = c.rng as Record<string, RngState> | null;
  if (rng === null || typeof rng !== 'object') throw new FormatError(`${where}: field 'config.rng' is missing`);
  if (!Array.isArray(c.history)) throw new FormatError(`${where}: field 'config.history' must be an array`);
  let model: M;
  try {
    model = build({ ...c, ...(training as Record<string, unknown>) });
  } catch (e) {
    throw new FormatError(`${where}: the saved configuration is invalid (${(e as Error).message})`);
  }
  try {
    restore(model, { tensors: state.tensors, trainer: c.trainer, rng, history: structuredClone(c.history) as H[], fitted: c.fitted === true });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${where}: ${(e as Error).message}`);
  }
  return model;
}

/**
 * Options of a neural model's `save`, `toBytes` and `toState`.
 *
 * @example
 * ```ts
 * await vae.save('vae-weights.safetensors', { trainingState: false }); // about a third of a full save
 * ```
 */
export interface NeuralSaveOptions {
  /**
   * Keep everything needed to resume training bit-exactly: optimizer moments, step and epoch
   * counters, the training streams, an interrupted epoch and the history (default true). With
   * `false` only the weights, the configuration and the model's own streams are saved: the
   * loaded model encodes, decodes and samples exactly as the saved one, and `fit` on it starts
   * like a new model's first fit (fresh optimizer, epoch 1) from the saved weights.
   */
  trainingState?: boolean;
}

/**
 * Checks save options and says whether the training state is wanted; errors name `where`.
 *
 * @example
 * ```ts
 * wantsTrainingState({ trainingState: false }, 'VAE.save'); // false
 * ```
 */
export function wantsTrainingState(options: NeuralSaveOptions, where: string): boolean {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'trainingState') throw new TypeError(`${where}: unknown option '${key}' (known: trainingState)`);
  }
  const v = options.trainingState ?? true;
  if (typeof v !== 'boolean') throw new TypeError(`${where}: trainingState must be true or false (got ${describeValue(v)})`);
  return v;
}
