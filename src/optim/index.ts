/**
 * Optimizers with PyTorch semantics and defaults ({@link SGD}, {@link Adam}, {@link AdamW}) and
 * gradient clipping.
 *
 * @module
 */
export { Optimizer, type OptimizerState, type ParamsInput, type ParamGroup } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { clipGradNorm, gradNorm, type ClipOptions } from './clip.js';
