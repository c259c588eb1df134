/**
 * Reading codes `[n, latentDim]` for the neural models' decoders, with errors that name
 * `latentDim` (the input width check of `train/batches.ts` names `inputDim`).
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { toMatrix, type DenseMatrix } from '../../validate.js';

/**
 * Z checked to have `latentDim` columns, in the model's dtype.
 *
 * @example
 * ```ts
 * codesMatrix([[1, 2, 3]], 'VAE.decode', 2, 'VAE', 'float32');
 * // ShapeError: VAE.decode: Z has 3 columns, but VAE was built with latentDim 2 (shape [1, 3])
 * ```
 */
export function codesMatrix(Z: unknown, where: string, latentDim: number, model: string, dtype: 'float32' | 'float64', arg = 'Z'): DenseMatrix {
  const z = dtype === 'float64' ? toMatrix(Z, where, arg, { dtype: 'float64' }) : toMatrix(Z, where, arg, { dtype: 'float32' });
  if (z.cols !== latentDim) {
    throw new ShapeError(`${where}: ${arg} has ${z.cols} columns, but ${model} was built with latentDim ${latentDim} (shape ${formatShape([z.rows, z.cols])})`);
  }
  return z;
}
