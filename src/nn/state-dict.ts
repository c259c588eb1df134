/**
 * State dicts with PyTorch's semantics: weights only, by name, `[out, in]` layout, loaded
 * with a strict key check (missing and unexpected keys) and a shape check that always
 * applies. A model describes where each key lives as {@link StateDictSlot}s, so one loader
 * serves every naming (latent-ts's own and, for the VAE, pytorch/examples').
 *
 * @module
 */
import { FormatError, describeValue, formatShape } from '../errors.js';
import type { SafetensorsTensor } from '../io/safetensors-dtypes.js';
import { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';

/**
 * One tensor of a {@link StateDict}: F32 or F64, row-major, in the form
 * {@link saveSafetensors} and {@link encodeSafetensors} take.
 *
 * @example
 * ```ts
 * const w: StateDictTensor = vae.stateDict()['encoder.layers.0.weight'];
 * console.log(w.dtype, w.shape); // 'F32' [400, 784]
 * ```
 */
export type StateDictTensor = Extract<SafetensorsTensor, { dtype: 'F32' | 'F64' }>;

/**
 * A model's weights by name, as PyTorch's `state_dict()`: no optimizer state, `[out, in]`
 * weights. Each `data` is a copy. Pass it to {@link saveSafetensors} as is.
 *
 * @example
 * ```ts
 * const dict: StateDict = vae.stateDict();
 * await saveSafetensors('vae.safetensors', dict);
 * ```
 */
export type StateDict = Record<string, StateDictTensor>;

/**
 * What a state-dict loader accepts per key: a safetensors tensor (F32, F64, F16 or BF16, for
 * example from {@link loadSafetensors}), a {@link TensorRecord}-like `{ shape, data }` with
 * float data, or a {@link Tensor}.
 *
 * @example
 * ```ts
 * const value: StateDictValue = { shape: [2], data: new Float32Array([0.1, 0.2]) };
 * ```
 */
export type StateDictValue = SafetensorsTensor | { shape: readonly number[]; data: FloatArray } | Tensor;

/**
 * A state dict to load: a plain object or a Map from key to {@link StateDictValue}.
 *
 * @example
 * ```ts
 * const { tensors } = await loadSafetensors('vae.safetensors');
 * const input: StateDictInput = tensors;
 * vae.loadStateDict(input);
 * ```
 */
export type StateDictInput = Readonly<Record<string, StateDictValue>> | ReadonlyMap<string, StateDictValue>;

/**
 * Options of `loadStateDict`.
 *
 * @example
 * ```ts
 * const { missingKeys } = vae.loadStateDict(tensors, { strict: false });
 * ```
 */
export interface LoadStateDictOptions {
  /**
   * Require exactly the model's keys (default true, as PyTorch): a missing or unexpected key
   * throws, listing all of them. With `false` the keys present are loaded and the others are
   * returned. A wrong shape throws either way.
   */
  strict?: boolean;
}

/**
 * The keys a `loadStateDict` call did not match, as PyTorch's `_IncompatibleKeys`.
 *
 * @example
 * ```ts
 * const { missingKeys, unexpectedKeys }: LoadStateDictResult = vae.loadStateDict(tensors, { strict: false });
 * ```
 */
export interface LoadStateDictResult {
  /** Keys the model has that the state dict lacks (in the model's order); left unchanged. */
  missingKeys: string[];
  /** Keys of the state dict the model does not have (in the state dict's order); ignored. */
  unexpectedKeys: string[];
}

/**
 * Where one state-dict key lives: `size(shape)` consecutive values of `target` from `offset`.
 * A parameter is one slot at offset 0; a key that is part of a parameter (pytorch/examples'
 * `fc21`, the μ rows of latent-ts's encoder head) is a slot at an offset.
 *
 * @example
 * ```ts
 * const slot: StateDictSlot = { key: 'fc22.bias', shape: [20], target: headBias, offset: 20 };
 * ```
 */
export interface StateDictSlot {
  key: string;
  shape: readonly number[];
  target: Tensor;
  offset: number;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The slots of parameters stored whole under their own names (offset 0).
 *
 * @example
 * ```ts
 * const slots = wholeSlots(model.parameters()); // one per parameter
 * ```
 */
export function wholeSlots(params: ReadonlyMap<string, Tensor>): StateDictSlot[] {
  return [...params].map(([key, target]) => ({ key, shape: target.shape, target, offset: 0 }));
}

/**
 * Copies every slot out: a {@link StateDict} in slot order, F32 or F64 as the parameters.
 *
 * @example
 * ```ts
 * const dict = readSlots(wholeSlots(mlp.parameters()));
 * ```
 */
export function readSlots(slots: readonly StateDictSlot[]): StateDict {
  const out: StateDict = {};
  for (const { key, shape, target, offset } of slots) {
    const values = target.data.slice(offset, offset + sizeOf(shape));
    out[key] = values instanceof Float64Array
      ? { dtype: 'F64', shape: shape.slice(), data: values }
      : { dtype: 'F32', shape: shape.slice(), data: values as Float32Array };
  }
  return out;
}

/** IEEE half (bit pattern) to a number, exactly. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** bfloat16 (bit pattern) to a number, exactly: the top half of a float32. */
function bf16ToNumbers(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}

/** The float values and shape of one entry, or a message saying why it is not usable. */
function valuesOf(key: string, v: StateDictValue, where: string): { shape: readonly number[]; data: ArrayLike<number> } {
  if (v instanceof Tensor) return { shape: v.shape, data: v.data };
  if (v === null || typeof v !== 'object' || !Array.isArray(v.shape)) {
    throw new FormatError(`${where}: state dict entry "${key}" must be a Tensor or { shape, data } (got ${describeValue(v)})`);
  }
  const dtype = 'dtype' in v ? v.dtype : undefined;
  if (dtype === 'F16') return { shape: v.shape, data: Array.from(v.data as Uint16Array, halfToNumber) };
  if (dtype === 'BF16') return { shape: v.shape, data: bf16ToNumbers(v.data as Uint16Array) };
  if (!(v.data instanceof Float32Array || v.data instanceof Float64Array)) {
    throw new FormatError(`${where}: state dict entry "${key}" has ${dtype ?? describeValue(v.data)} values; weights must be F32, F64, F16 or BF16 (in PyTorch: {k: v.float() for k, v in sd.items()})`);
  }
  if (v.data.length !== sizeOf(v.shape)) {
    throw new FormatError(`${where}: state dict entry "${key}" has ${v.data.length} values for shape ${formatShape(v.shape)}`);
  }
  return { shape: v.shape, data: v.data };
}

const entriesOf = (input: StateDictInput): [string, StateDictValue][] =>
  (input instanceof Map ? [...input] : Object.entries(input as Record<string, StateDictValue>));

/**
 * Loads a state dict into `slots` with PyTorch's `load_state_dict` semantics: every key and
 * shape is checked before anything is written, a wrong shape always throws, and with `strict`
 * (the default) so does any missing or unexpected key. The message lists every problem, as
 * PyTorch's does. Values are converted to the parameters' dtype (F64 rounds to float32).
 * Returns the unmatched keys and how many slots were written.
 *
 * @throws FormatError naming `where`, each missing and unexpected key, and for a wrong shape
 *   the key, the model's shape and the state dict's.
 * @example
 * ```ts
 * const { missingKeys, written } = loadSlots(wholeSlots(mlp.parameters()), tensors, { strict: false }, 'MLP', '');
 * ```
 */
export function loadSlots(
  slots: readonly StateDictSlot[], input: StateDictInput, options: LoadStateDictOptions, where: string, note: string,
): LoadStateDictResult & { written: number } {
  if (input === null || typeof input !== 'object') throw new FormatError(`${where}: the state dict must be an object or a Map (got ${describeValue(input)})`);
  const strict = options?.strict ?? true;
  const given = new Map(entriesOf(input));
  const known = new Set(slots.map((s) => s.key));
  const missingKeys = slots.filter((s) => !given.has(s.key)).map((s) => s.key);
  const unexpectedKeys = [...given.keys()].filter((k) => !known.has(k));
  const problems: string[] = [];
  if (strict && missingKeys.length > 0) problems.push(`missing key(s): ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
  if (strict && unexpectedKeys.length > 0) problems.push(`unexpected key(s): ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
  const writes: { slot: StateDictSlot; data: ArrayLike<number> }[] = [];
  for (const slot of slots) {
    const v = given.get(slot.key);
    if (v === undefined) continue;
    const { shape, data } = valuesOf(slot.key, v, where);
    if (shape.length !== slot.shape.length || shape.some((d, i) => d !== slot.shape[i])) {
      problems.push(`size mismatch for "${slot.key}": the model needs ${formatShape(slot.shape)}, the state dict has ${formatShape(shape)}`);
    } else {
      writes.push({ slot, data });
    }
  }
  if (problems.length > 0) {
    throw new FormatError(`${where}: error(s) in loading the state dict${note}:\n  ${problems.join('\n  ')}`);
  }
  for (const { slot, data } of writes) slot.target.data.set(data, slot.offset);
  return { missingKeys, unexpectedKeys, written: writes.length };
}
