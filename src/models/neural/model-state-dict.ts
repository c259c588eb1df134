/**
 * `stateDict` / `loadStateDict` of the Autoencoder and the VAE: option checks, the key
 * layout, and the generic loader of `src/nn/state-dict.ts`.
 *
 * @module
 */
import { describeValue } from '../../errors.js';
import type { Module } from '../../nn/module.js';
import {
  loadSlots, readSlots, wholeSlots, type LoadStateDictOptions, type LoadStateDictResult, type StateDict, type StateDictInput,
} from '../../nn/state-dict.js';
import { assertOneOf } from '../../validate.js';
import { detectLayout, vaeSlots, type StateDictLayout } from './state-dict-layout.js';

/**
 * Options of `VAE.stateDict`.
 *
 * @example
 * ```ts
 * vae.stateDict({ layout: 'pytorch-examples' }); // keys fc1.weight, …, fc4.bias
 * ```
 */
export interface StateDictOptions {
  /** Key names: `'latent-ts'` (default, the parameter names) or `'pytorch-examples'` (fc1, fc21, fc22, fc3, fc4). */
  layout?: StateDictLayout;
}

const LAYOUTS: readonly StateDictLayout[] = ['latent-ts', 'pytorch-examples'];

/** Throws a TypeError naming `where` for a non-object or a key not in `known`. */
function checkKeys(options: unknown, known: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
}

function checkLoadOptions(options: LoadStateDictOptions, where: string): LoadStateDictOptions {
  checkKeys(options, ['strict'], where);
  if (options.strict !== undefined && typeof options.strict !== 'boolean') {
    throw new TypeError(`${where}: strict must be true or false (got ${describeValue(options.strict)})`);
  }
  return options;
}

/** The result a user sees (without the internal write count). */
const result = (r: LoadStateDictResult): LoadStateDictResult => ({ missingKeys: r.missingKeys, unexpectedKeys: r.unexpectedKeys });

/**
 * The VAE's state dict in the requested layout.
 *
 * @example
 * ```ts
 * const dict = vaeStateDict(net, config, { layout: 'pytorch-examples' });
 * ```
 */
export function vaeStateDict(net: Module, config: { hiddenDims: readonly number[]; latentDim: number }, options: StateDictOptions): StateDict {
  const where = 'VAE.stateDict';
  checkKeys(options, ['layout'], where);
  const layout = assertOneOf(options.layout ?? 'latent-ts', LAYOUTS, 'layout', where);
  return readSlots(vaeSlots(net, config, layout, where));
}

/**
 * Loads a VAE state dict in either layout (detected from its keys). Returns the unmatched
 * keys and whether anything was written.
 *
 * @example
 * ```ts
 * const { result, written } = loadVAEStateDict(net, config, tensors, { strict: true });
 * ```
 */
export function loadVAEStateDict(
  net: Module, config: { hiddenDims: readonly number[]; latentDim: number }, input: StateDictInput, options: LoadStateDictOptions,
): { result: LoadStateDictResult; written: boolean } {
  const where = 'VAE.loadStateDict';
  checkLoadOptions(options, where);
  const layout = detectLayout(input);
  const note = layout === 'pytorch-examples' ? ' (keys read as the pytorch/examples VAE: fc1, fc21 = μ, fc22 = log σ², fc3, fc4)' : '';
  const r = loadSlots(vaeSlots(net, config, layout, where), input, options, where, note);
  return { result: result(r), written: r.written > 0 };
}

/**
 * The Autoencoder's state dict (its parameter names).
 *
 * @example
 * ```ts
 * const dict = autoencoderStateDict(net);
 * ```
 */
export function autoencoderStateDict(net: Module): StateDict {
  return readSlots(wholeSlots(net.parameters()));
}

/**
 * Loads an Autoencoder state dict (its parameter names).
 *
 * @example
 * ```ts
 * const { result } = loadAutoencoderStateDict(net, tensors, {});
 * ```
 */
export function loadAutoencoderStateDict(net: Module, input: StateDictInput, options: LoadStateDictOptions): { result: LoadStateDictResult; written: boolean } {
  const where = 'Autoencoder.loadStateDict';
  checkLoadOptions(options, where);
  const r = loadSlots(wholeSlots(net.parameters()), input, options, where, '');
  return { result: result(r), written: r.written > 0 };
}
