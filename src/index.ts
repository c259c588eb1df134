/**
 * latent-ts: PCA, probabilistic PCA, autoencoders and variational autoencoders in pure
 * TypeScript, on a reverse-mode autodiff engine and fast CPU kernels.
 *
 * @packageDocumentation
 */
export { ShapeError, NotFittedError, NonFiniteError, ConvergenceError, FormatError } from './errors.js';
export type { MatrixInput, FloatArray, NumericArray } from './validate.js';
export { Rng, type RngState } from './random/rng.js';
export { Tensor, type DType, type TensorOptions, type NestedArray } from './tensor/tensor.js';
export {
  add, sub, mul, div, neg, exp, log, sqrt, square, abs, tanh, sigmoid, relu, leakyRelu, softplus, logSigmoid,
  matmul, sum, mean, logSumExp, reshape, transpose, broadcastTo, slice, concat,
  mse, bceWithLogits, gaussianNll, gaussianKl,
  type MatmulOptions, type LossOptions, type Reduction,
} from './autodiff/functional.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './autodiff/gradcheck.js';
export { gemm } from './kernels/gemm.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './hashing/index.js';
export * from './viz/index.js';
