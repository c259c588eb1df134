/**
 * The contract between the {@link Trainer} and the models it trains, and what its callbacks receive.
 *
 * @module
 */
import type { Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DenseMatrix } from '../validate.js';

/** What a model's loss sees of the training loop. */
export interface StepContext {
  /** 1-based number of the epoch in progress. */
  epoch: number;
  /** 0-based global index of this step. */
  step: number;
  /** Batches per epoch; 0 while a streamed fit's first pass has not told how many (see {@link Trainable.needsBatchesPerEpoch}). */
  batchesPerEpoch: number;
  /**
   * The class labels of the batch's rows, in the batch's order, when the training data carries
   * labels ({@link LabelledRows}); null otherwise.
   */
  labels: Int32Array | null;
  /** The named random stream (one the model declared, or `'validation'` during validation). */
  rng(name: string): Rng;
}

/** A model's differentiable objective on one batch and the per-sample parts to report. */
export interface BatchLoss {
  loss: Tensor;
  parts: Record<string, number>;
}

/** A loss evaluated without a graph. */
export interface EvalLoss {
  loss: number;
  parts: Record<string, number>;
}

/** What the {@link Trainer} needs from a model. */
export interface Trainable {
  parameters(): Map<string, Tensor>;
  /** The mean loss over the rows of `batch`, with a graph to the parameters. */
  trainingLoss(batch: Tensor, ctx: StepContext): BatchLoss;
  /** The mean loss over the rows of `batch`, without a graph. */
  validationLoss(batch: Tensor, ctx: StepContext): EvalLoss;
  /** The unit of the loss for progress lines, e.g. `'nats/sample'`. */
  lossUnit?: string;
  /**
   * Own learning rates of some parameters, by name (e.g. smaller ones for pre-trained layers);
   * the others step at the fit's `learningRate`. Default none.
   */
  learningRates?: ReadonlyMap<string, number>;
  /**
   * Called after the optimizer has applied a step, for state that learns outside the gradient
   * (a VQ-VAE's EMA codebook, from the statistics its `trainingLoss` kept). Not called for a
   * step the guard stopped, so such state changes only with the parameters. Must not throw.
   */
  afterStep?(): void;
  /**
   * True when the loss uses {@link StepContext.batchesPerEpoch} (a VAE's KL warm-up): a stream
   * of unknown length is then read once to count its rows before the first step. Default false.
   */
  needsBatchesPerEpoch?: boolean;
}

/** One finished epoch, before a model turns it into its own history record. */
export interface EpochLog {
  epoch: number;
  loss: number;
  parts: Record<string, number>;
  validation: EvalLoss | null;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * What `onBatchEnd` receives, after the step has been applied.
 *
 * @example
 * ```ts
 * await vae.fit(X, { onBatchEnd: (info: BatchEnd) => console.log(`${info.batch}/${info.batchesPerEpoch}`, info.loss) });
 * ```
 */
export interface BatchEnd {
  epoch: number;
  /** 1-based batch number in the epoch. */
  batch: number;
  /** Batches per epoch; 0 during a streamed fit's first pass over a source of unknown length. */
  batchesPerEpoch: number;
  /** 1-based global step number. */
  step: number;
  batchSize: number;
  loss: number;
  parts: Record<string, number>;
}

/**
 * Callbacks and controls of one `fit` call. A callback returning `false` stops training.
 *
 * @example
 * ```ts
 * await vae.fit(X, { onBatchEnd: (b) => console.log(b.step, b.loss), onEpochEnd: (e) => e.loss > 1e3 ? false : undefined });
 * ```
 */
export interface FitHooks<E> {
  /** After each epoch, with its history record. */
  onEpochEnd?: (entry: E) => unknown;
  /** After each step. */
  onBatchEnd?: (info: BatchEnd) => unknown;
  /** Stops training between steps; `fit` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Print a progress line (Node: stderr). Default false. */
  verbose?: boolean;
  /** Yield to the event loop when this many ms have passed since the last yield. Default 50. */
  yieldEveryMs?: number;
}

/**
 * A training matrix whose rows may carry one class label each (a supervised model's data):
 * the trainer shuffles, splits and batches the labels with their rows and hands each batch's
 * labels to the loss (`StepContext.labels`).
 *
 * @example
 * ```ts
 * const rows: LabelledRows = { data: X.data, rows: n, cols: d, labels: Int32Array.from(y) };
 * ```
 */
export interface LabelledRows extends DenseMatrix {
  /** One label per row; absent for unsupervised data. */
  readonly labels?: Int32Array;
}
