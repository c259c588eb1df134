/**
 * The training loop shared by the neural models: {@link Trainer}, its options, the non-finite
 * guard, batching and the resumable training state.
 *
 * @module
 */
export { Trainer } from './trainer.js';
export type { BatchEnd, BatchLoss, EpochLog, EvalLoss, FitHooks, StepContext, Trainable } from './types.js';
export { resolveTraining, createOptimizer, trainingToJSON, type TrainingOptions, type ResolvedTraining, type OptimizerName, type OptimizerSettings } from './options.js';
export { assertFiniteQuantity, type StepLocation } from './guard.js';
export { trainingMatrix, gatherRows, splitRows, selectRows, epochOrder, assertCols } from './batches.js';
export { packTrainerState, unpackTrainerState, OPTIMIZER_PREFIX, type PendingEpoch, type TrainerJSON } from './checkpoint-state.js';
export { packNeuralState, unpackNeuralState, type NeuralStateParts, type LoadedParts } from './model-checkpoint.js';
export { EarlyStopping } from './early-stopping.js';
export { ProgressLine, type ProgressInfo } from './progress.js';
export { matrixBatches, type BatchSource, type EpochBatches, type EpochPlan, type TrainingBatch, type ValidationBatches, type BatchAlloc } from './batch-source.js';
export { streamBatches, DEFAULT_SHUFFLE_BUFFER, type StreamSettings } from './stream-batches.js';
