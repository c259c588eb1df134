/**
 * The MLP of a network built with the MLP architecture. Layer-wise pre-training and
 * `Classifier.fromEncoder` work layer by layer on `Linear`s, which a conv architecture's
 * `Sequential` does not have; they ask here and get a clear error for a conv model.
 *
 * @module
 */
import { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';

/**
 * `net` as an MLP, or a TypeError naming `where` and `what` for a conv architecture's Sequential.
 *
 * @example
 * ```ts
 * const encoder = mlpStack(ae.encoder, 'Classifier.fromEncoder', 'the encoder');
 * ```
 */
export function mlpStack(net: MLP | Sequential, where: string, what: string): MLP {
  if (net instanceof MLP) return net;
  throw new TypeError(`${where}: ${what} is a conv architecture (a Sequential of Conv2d layers); only the MLP architecture is supported here`);
}
