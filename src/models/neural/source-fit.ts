/**
 * The streamed side of a trained model's `fit`: a {@link RowSource} (and a held-out source,
 * when `validationData` is one) turned into the trainer's batch source, with the model's checks
 * of every batch (its width; [0, 1] for a Bernoulli loss) applied as the batch arrives.
 *
 * @module
 */
import { ShapeError, describeValue } from '../../errors.js';
import { isRowSource, type CheckedBatch, type RowSource } from '../../io/row-source.js';
import type { BatchSource } from '../../train/batch-source.js';
import type { ResolvedTraining } from '../../train/options.js';
import { DEFAULT_SHUFFLE_BUFFER, streamBatches } from '../../train/stream-batches.js';
import { assertInt, type MatrixInput } from '../../validate.js';
import { assertUnitMatrix, type UnitSetting } from './unit-interval.js';

/**
 * The `fit` options that concern a fit from a row source.
 *
 * @example
 * ```ts
 * await vae.fit(idxSource(trainPath), { epochs: 5, shuffleBuffer: 20_000, validationData: idxSource(testPath) });
 * ```
 */
export interface SourceFitOptions {
  /**
   * Held-out data to validate on each epoch (instead of `validationSplit`): a matrix, or, when
   * X is a row source, a row source too (read once per epoch).
   */
  validationData?: MatrixInput | RowSource;
  /**
   * A fit from a row source: rows in the shuffle buffer. Default 10,000. A buffer of at least
   * the data's rows is a full shuffle, and the fit then equals `fit` on the same rows as one
   * matrix, byte for byte; a smaller one mixes rows only within about that distance in the
   * stream. Memory: shuffleBuffer · nFeatures values.
   */
  shuffleBuffer?: number;
}

/** What {@link sourceFit} needs of the model. @internal */
export interface SourceModel {
  where: string;
  label: string;
  inputDim: number;
  dtype: 'float32' | 'float64';
  seed: number | string;
  unit: UnitSetting | null;
  /** A supervised model's check of a batch's `labels` (`arg` names them in errors), or null. */
  labels: ((labels: unknown, rows: number, arg: string) => Int32Array) | null;
}

/** True for an iterator (a generator object): it can be read only once. */
function readOnce(s: RowSource): boolean {
  return typeof (s as { next?: unknown }).next === 'function';
}

/**
 * The batch source of a streamed fit, after checking what can be checked before reading: the
 * options, and that a source read only once (a generator) is not asked for several passes.
 * @internal
 */
export function sourceFit(X: RowSource, options: SourceFitOptions, opts: ResolvedTraining, m: SourceModel, counted: boolean): BatchSource {
  const { where } = m;
  const shuffleBuffer = assertInt(options.shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER, 'shuffleBuffer', where, 1);
  const held = options.validationData;
  if (held !== undefined && !isRowSource(held)) {
    throw new TypeError(`${where}: X is a row source, so validationData must be one too (got ${describeValue(held)}); wrap a matrix with matrixSource`);
  }
  const passes = opts.epochs * (held === undefined && opts.validationSplit > 0 ? 2 : 1) + (counted ? 1 : 0);
  if (passes > 1 && readOnce(X)) {
    throw new TypeError(
      `${where}: X is an iterator (a generator object), which can be read once, but this fit reads it ${passes} times `
      + '(epochs, validationSplit or klWarmup); give an object whose [Symbol.asyncIterator]() or [Symbol.iterator]() starts a new pass, such as idxSource',
    );
  }
  if (held !== undefined && opts.epochs > 1 && readOnce(held)) {
    throw new TypeError(`${where}: validationData is an iterator (a generator object), which can be read once, but it is read after each of ${opts.epochs} epochs`);
  }
  const check = (b: CheckedBatch, arg: 'X' | 'validationData', labels: unknown): Int32Array | null => {
    if (b.cols !== m.inputDim) {
      throw new ShapeError(`${where}: ${arg} batch ${b.index} has ${b.cols} features, but ${m.label} was built with inputDim ${m.inputDim}`);
    }
    if (m.unit !== null) assertUnitMatrix({ data: b.data, rows: b.rows, cols: b.cols }, arg, where, m.unit, b.start);
    return m.labels === null ? null : m.labels(labels, b.rows, `${arg} batch ${b.index} labels`);
  };
  return streamBatches(X, {
    cols: m.inputDim, float64: m.dtype === 'float64', shuffleBuffer, validation: held ?? null,
    validationSplit: opts.validationSplit, seed: m.seed, where, check, labelled: m.labels !== null,
  });
}
