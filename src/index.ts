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
export { setBackend, getBackend, isWasmAvailable, type BackendName } from './kernels/backend.js';
export { setThreads, getThreads } from './kernels/threads/threads.js';
export type { LatentModel } from './models/model.js';
export { DecompositionModel } from './models/decomposition/base.js';
export { PCA, type PCAOptions, type PCASolver, type PCAPrecision } from './models/decomposition/pca.js';
export { PPCA, type PPCAOptions, type PPCAPosterior, type PPCAMethod, type PPCAMissing } from './models/decomposition/ppca.js';
export { FastICA, type FastICAOptions, type FastICAAlgorithm, type FastICAFun, type FastICAWhiten, type FastICAWhitenSolver } from './models/decomposition/fast-ica.js';
export type { ResolvedFastICAOptions } from './models/decomposition/fast-ica-state.js';
export { FactorAnalysis, type FactorAnalysisOptions, type FactorRotation, type ResolvedFactorAnalysisOptions } from './models/decomposition/factor-analysis.js';
export { NeuralModel } from './models/neural/base.js';
export { Autoencoder, type AutoencoderEpoch, type AutoencoderFitOptions } from './models/neural/autoencoder.js';
export type { AutoencoderOptions, Denoising } from './models/neural/autoencoder-config.js';
export { VAE, type VAEEpoch, type VAEFitOptions, type EstimateOptions } from './models/neural/vae.js';
export type { VAEOptions } from './models/neural/vae-config.js';
export * from './nn/index.js';
export * from './optim/index.js';
export type { TrainingOptions, OptimizerName, OptimizerSettings } from './train/options.js';
export type { FitHooks, BatchEnd } from './train/trainer.js';
export type { ModelState, ModelJSON, TensorRecord } from './io/model-state.js';
export type { AutoencoderConfig } from './models/neural/autoencoder-config.js';
export type { VAEConfig } from './models/neural/vae-config.js';
export type { Likelihood } from './models/neural/vae-likelihood.js';
export type { AutoencoderTerms } from './models/neural/autoencoder-network.js';
export type { VAETerms } from './models/neural/vae-network.js';
export type {
  StateDict, StateDictTensor, StateDictValue, StateDictInput, LoadStateDictOptions, LoadStateDictResult,
} from './nn/state-dict.js';
export type { StateDictOptions } from './models/neural/model-state-dict.js';
export type { StateDictLayout } from './models/neural/state-dict-layout.js';
export type { NeuralSaveOptions } from './train/model-checkpoint.js';
