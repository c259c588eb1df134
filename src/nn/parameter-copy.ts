import { FormatError, formatShape } from '../errors.js';
import type { TensorRecord } from '../io/model-state.js';
import type { Tensor } from '../tensor/tensor.js';

/** Named arrays to copy into parameters: a Map or a plain object. */
export type ParameterValues = ReadonlyMap<string, TensorRecord> | Record<string, TensorRecord>;

/**
 * Copies `values` into the existing parameter tensors (their storage is kept, so optimizers
 * holding them stay valid). Every name and shape is checked before anything is written; a
 * missing name or a wrong shape is a `FormatError` naming `where` and the tensor; extra names
 * are ignored. Restoring a saved model uses this directly, so it does not count as giving the
 * module new weights ({@link Module.parametersAssigned}).
 *
 * @example
 * ```ts
 * copyParameters(mlp.parameters(), { 'layers.0.weight': { shape: [3, 2], data } , ... }, 'VAE.fromState');
 * ```
 */
export function copyParameters(params: ReadonlyMap<string, Tensor>, values: ParameterValues, where: string): void {
  const get = (name: string): TensorRecord | undefined =>
    (values instanceof Map ? values.get(name) : (values as Record<string, TensorRecord>)[name]);
  for (const [name, p] of params) {
    const v = get(name);
    if (v === undefined) throw new FormatError(`${where}: tensor '${name}' is missing`);
    if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) {
      throw new FormatError(`${where}: tensor '${name}' has shape ${formatShape(v.shape)}, but the module needs ${formatShape(p.shape)}`);
    }
  }
  for (const [name, p] of params) p.data.set(get(name)!.data);
}
