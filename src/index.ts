/**
 * latent-ts: PCA, probabilistic PCA, autoencoders and variational autoencoders in pure
 * TypeScript, on a reverse-mode autodiff engine and fast CPU kernels.
 *
 * @packageDocumentation
 */
export { ShapeError, NotFittedError, NonFiniteError, ConvergenceError, FormatError } from './errors.js';
export type { MatrixInput, DenseMatrix, FloatArray, NumericArray } from './validate.js';
export { Rng, type RngState } from './random/rng.js';
export { Tensor, type DType, type TensorOptions, type NestedArray } from './tensor/tensor.js';
export {
  add, sub, mul, div, neg, exp, log, sqrt, square, abs, tanh, sigmoid, relu, leakyRelu, softplus, logSigmoid,
  matmul, sum, mean, logSumExp, reshape, transpose, broadcastTo, slice, concat,
  mse, bceWithLogits, gaussianNll, gaussianKl, reparameterize,
  type MatmulOptions, type LossOptions, type Reduction,
} from './autodiff/functional.js';
export {
  logSoftmax, softmax, softmaxCrossEntropy, type SoftmaxOptions, type CrossEntropyOptions,
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
export { FactorAnalysis, type FactorAnalysisOptions, type FactorAnalysisRotation, type FactorAnalysisSvdMethod, type ResolvedFactorAnalysisOptions } from './models/decomposition/factor-analysis.js';
export { FastICA, type FastICAOptions, type FastICAAlgorithm, type FastICAFun, type FastICAWhiten, type FastICAWhitenSolver } from './models/decomposition/fast-ica.js';
export type { ResolvedFastICAOptions } from './models/decomposition/fast-ica-state.js';
export { PPCA, type PPCAOptions, type PPCAPosterior, type PPCAMethod, type PPCAMissing } from './models/decomposition/ppca.js';
export { NMF, type NMFOptions, type NMFFitOptions, type NmfSolver, type NmfInit, type NmfBetaLoss } from './models/decomposition/nmf.js';
export { NeuralModel } from './models/neural/base.js';
export { Autoencoder, type AutoencoderEpoch, type AutoencoderFitOptions } from './models/neural/autoencoder.js';
export type { AutoencoderOptions, Denoising } from './models/neural/autoencoder-config.js';
export { VAE, type VAEEpoch, type VAEFitOptions, type EstimateOptions } from './models/neural/vae.js';
export type { VAEOptions } from './models/neural/vae-config.js';
export { LogisticRegression, type LogisticRegressionOptions, type LogisticRegressionSolver } from './models/linear/logistic-regression.js';
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
// Sparse input and text (issue 18): CSR matrices, vectorizers, truncated SVD.
export * from './sparse/index.js';
export * from './text/index.js';
export { TruncatedSVD } from './models/decomposition/truncated-svd.js';
export type {
  TruncatedSVDOptions, TruncatedSVDAlgorithm, ResolvedTruncatedSVDOptions,
} from './models/decomposition/truncated-svd-state.js';
export type { PowerIterationNormalizer } from './models/decomposition/randomized-range.js';
// Streams and incremental PCA (issue 18): row sources, their file readers, IncrementalPCA.
export { IncrementalPCA, type IncrementalPCAOptions } from './models/decomposition/incremental-pca.js';
export type { ResolvedIncrementalPCAOptions } from './models/decomposition/incremental-pca-state.js';
export {
  matrixSource, readRowBatches, isRowSource, type RowBatch, type RowSource, type CheckedBatch, type MatrixSourceOptions,
} from './io/row-source.js';
export { idxSource, type IdxSourceOptions } from './data/idx-source.js';
export { csvSource, type CsvSourceOptions, type CsvInput } from './data/csv-source.js';
export type { SupervisedModel } from './models/model.js';
export { TrainedModel } from './models/neural/trained-model.js';
export { Classifier, type ClassifierEpoch, type ClassifierFitOptions, type ClassifierSourceFitOptions } from './models/neural/classifier.js';
export type { SourceFitOptions } from './models/neural/source-fit.js';
export type { ClassifierOptions, ClassifierConfig } from './models/neural/classifier-config.js';
export type { FromEncoderOptions, EncoderSource } from './models/neural/classifier-encoder.js';
export type { LabelledRows } from './train/types.js';
export type { PretrainOptions, PretrainLevel } from './models/neural/autoencoder-pretrain.js';
// Convolutions (issue 17).
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from './autodiff/functional.js';
export type { ConvArchitecture, ConvArchitectureConfig } from './models/neural/conv-architecture.js';
// Discrete latents (issue 17): the VQ-VAE's primitives.
export { gatherRows, straightThrough } from './autodiff/functional.js';
export { VQVAE, type VQVAEEpoch, type VQVAEFitOptions } from './models/neural/vq-vae.js';
export type { VQVAEOptions, VQVAEConfig } from './models/neural/vq-vae-config.js';
export type { VQVAETerms } from './models/neural/vq-vae-network.js';
export type { DiscreteCodes } from './models/model.js';
// Discrete latents (issue 17): Gumbel-softmax, the KL to a uniform categorical.
export {
  gumbelSoftmax, categoricalKl, type GumbelSoftmaxOptions, type CategoricalKlOptions,
} from './autodiff/functional.js';
export { CategoricalVAE, type CategoricalVAEEpoch, type CategoricalVAEFitOptions, type CategoricalEncoding } from './models/neural/categorical-vae.js';
export type { CategoricalVAEOptions, CategoricalVAEConfig } from './models/neural/categorical-vae-config.js';
export type { CategoricalVAETerms } from './models/neural/categorical-vae-network.js';
