/**
 * The key layouts a neural model's state dict can use, as {@link StateDictSlot}s over its
 * parameters:
 *
 * - `'latent-ts'`: the parameter names (`encoder.layers.0.weight`, …, `decoderLogVar`);
 * - `'pytorch-examples'` (VAE with one hidden layer): the VAE of the pytorch/examples
 *   repository (`vae/main.py`): `fc1` (input → hidden), `fc21` (hidden → μ), `fc22`
 *   (hidden → log σ²), `fc3` (latent → hidden), `fc4` (hidden → input). latent-ts's encoder
 *   head `encoder.layers.1` holds μ in its first latentDim rows and log σ² in the next
 *   (see `VAENetwork.terms`), so `fc21` is its top half and `fc22` its bottom half.
 *
 * @module
 */
import { FormatError, formatShape } from '../../errors.js';
import type { Module } from '../../nn/module.js';
import { wholeSlots, type StateDictInput, type StateDictSlot } from '../../nn/state-dict.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The key layouts of `VAE.stateDict`: latent-ts's own names, or the pytorch/examples VAE's
 * (`fc1`, `fc21`, `fc22`, `fc3`, `fc4`; needs exactly one hidden layer).
 *
 * @example
 * ```ts
 * const layout: StateDictLayout = 'pytorch-examples';
 * await saveSafetensors('vae.safetensors', vae.stateDict({ layout }));
 * ```
 */
export type StateDictLayout = 'latent-ts' | 'pytorch-examples';

const EXAMPLES_KEY = /^fc(1|21|22|3|4)\.(weight|bias)$/;

function param(params: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const p = params.get(name);
  if (p === undefined) throw new Error(`state-dict layout: the network has no parameter '${name}'`);
  return p;
}

/**
 * The slots of a VAE network in `layout`. For `'pytorch-examples'` the VAE must have one hidden
 * layer; otherwise a FormatError says so, naming `where` and the hidden widths.
 *
 * @example
 * ```ts
 * const slots = vaeSlots(net, vae.config, 'pytorch-examples', 'VAE.stateDict'); // fc1.weight, fc1.bias, fc21.weight, …
 * ```
 */
export function vaeSlots(net: Module, config: { hiddenDims: readonly number[]; latentDim: number; architecture?: unknown }, layout: StateDictLayout, where: string): StateDictSlot[] {
  const params = net.parameters();
  if (layout === 'latent-ts') return wholeSlots(params);
  if (config.architecture !== undefined) {
    throw new FormatError(`${where}: the pytorch/examples layout (fc1, fc21, fc22, fc3, fc4) is an MLP, but this VAE has the conv architecture; use the 'latent-ts' layout`);
  }
  if (config.hiddenDims.length !== 1) {
    throw new FormatError(`${where}: the pytorch/examples layout (fc1, fc21, fc22, fc3, fc4) has one hidden layer, but this VAE has hiddenDims ${formatShape(config.hiddenDims)}`);
  }
  const head = { w: param(params, 'encoder.layers.1.weight'), b: param(params, 'encoder.layers.1.bias') };
  const h = head.w.shape[1];
  const k = config.latentDim;
  const whole = (key: string, name: string): StateDictSlot => {
    const target = param(params, name);
    return { key, shape: target.shape, target, offset: 0 };
  };
  const slots: StateDictSlot[] = [
    whole('fc1.weight', 'encoder.layers.0.weight'), whole('fc1.bias', 'encoder.layers.0.bias'),
    { key: 'fc21.weight', shape: [k, h], target: head.w, offset: 0 }, { key: 'fc21.bias', shape: [k], target: head.b, offset: 0 },
    { key: 'fc22.weight', shape: [k, h], target: head.w, offset: k * h }, { key: 'fc22.bias', shape: [k], target: head.b, offset: k },
    whole('fc3.weight', 'decoder.layers.0.weight'), whole('fc3.bias', 'decoder.layers.0.bias'),
    whole('fc4.weight', 'decoder.layers.1.weight'), whole('fc4.bias', 'decoder.layers.1.bias'),
  ];
  if (params.has('decoderLogVar')) slots.push(whole('decoderLogVar', 'decoderLogVar'));
  return slots;
}

/**
 * The layout a state dict is written in: `'pytorch-examples'` when some key is one of
 * `fc1`/`fc21`/`fc22`/`fc3`/`fc4` `.weight`/`.bias` and none is under `encoder.` or `decoder.`,
 * else `'latent-ts'` (whose strict check then reports the foreign keys).
 *
 * @example
 * ```ts
 * detectLayout({ 'fc1.weight': w, 'fc1.bias': b }); // 'pytorch-examples'
 * ```
 */
export function detectLayout(input: StateDictInput): StateDictLayout {
  const keys = input instanceof Map ? [...input.keys()] : Object.keys(input ?? {});
  const examples = keys.some((k) => EXAMPLES_KEY.test(k));
  const own = keys.some((k) => k.startsWith('encoder.') || k.startsWith('decoder.'));
  return examples && !own ? 'pytorch-examples' : 'latent-ts';
}
