/**
 * The one interface through which the {@link Trainer} gets its data: a {@link BatchSource}
 * hands out an epoch's batches one call at a time, already ordered and gathered into an array
 * the trainer provides, and the validation rows in chunks. An in-memory matrix is one
 * ({@link matrixBatches}: the seeded split, shuffle and gather), a stream of row batches is
 * another (`streamBatches`, stream-batches.ts: a shuffle buffer over a `RowSource`).
 *
 * @module
 */
import { Rng, type RngState } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';
import { gatherLabels, gatherRows, selectLabelledRows, splitRows } from './batches.js';
import type { LabelledRows } from './types.js';

/**
 * One batch as the trainer receives it: the rows as a Tensor `[n, cols]` in an array the
 * trainer gave (`alloc`), and their labels (null for unsupervised data).
 *
 * @example
 * ```ts
 * const b: TrainingBatch | null = await epoch.next((n) => new Float32Array(n));
 * if (b !== null) console.log(b.rows.shape, b.labels);
 * ```
 */
export interface TrainingBatch {
  readonly rows: Tensor;
  readonly labels: Int32Array | null;
}

/** Gives an array of `length` values for a batch's rows (the trainer's workspace). */
export type BatchAlloc = (length: number) => FloatArray;

/**
 * How an epoch is to be run: the shuffle stream's state when it began (null: natural order),
 * the batch size, and how many batches to pass over (an interrupted epoch continued).
 *
 * @example
 * ```ts
 * const plan: EpochPlan = { order: trainer.rng('shuffle').state(), batchSize: 128, skip: 0 };
 * ```
 */
export interface EpochPlan {
  readonly order: RngState | null;
  readonly batchSize: number;
  readonly skip: number;
}

/**
 * The batches of one epoch, asked for one at a time.
 *
 * @example
 * ```ts
 * const epoch = source.epoch({ order: null, batchSize: 32, skip: 0 });
 * for (let b = await epoch.next(alloc); b !== null; b = await epoch.next(alloc)) train(b);
 * ```
 */
export interface EpochBatches {
  /** Batches in the epoch when known; 0 while a stream's length is not known yet. */
  readonly batchesPerEpoch: number;
  /** The next batch, its rows in `alloc(n·cols)`; null when the epoch has no more. */
  next(alloc: BatchAlloc): TrainingBatch | null | Promise<TrainingBatch | null>;
  /**
   * The shuffle stream's state after all of this epoch's draws, or null while they are not all
   * drawn (a stream draws as it reads) or when the epoch draws nothing (natural order).
   */
  shuffleState(): RngState | null;
  /** True once the epoch's last batch has been handed out. */
  finished(): boolean;
  /** Ends the epoch early (a stream closes its reader). */
  close(): void | Promise<void>;
}

/**
 * Held-out rows, read in chunks of a given number of rows (the last may be shorter).
 *
 * @example
 * ```ts
 * for await (const c of source.validation!.chunks(256, alloc)) evaluate(c.rows, c.labels);
 * ```
 */
export interface ValidationBatches {
  /** Rows held out, when known before they are read (in memory). */
  readonly rows: number | null;
  chunks(chunk: number, alloc: BatchAlloc): Iterable<TrainingBatch> | AsyncIterable<TrainingBatch>;
}

/**
 * Training data as the {@link Trainer} asks for it.
 *
 * @example
 * ```ts
 * const source = matrixBatches({ data, rows: 1000, cols: 16 }, null, 0.1, 42, 'VAE.fit');
 * await trainer.fit(model, source, opts, hooks, format);
 * ```
 */
export interface BatchSource {
  readonly cols: number;
  readonly float64: boolean;
  /**
   * What an interrupted epoch recorded about its data (`rows` of a matrix; `buffer` of a
   * stream, whose rows are 0): an epoch is continued only on data it matches.
   */
  readonly identity: { readonly rows: number; readonly buffer?: number };
  /** The held-out rows, or null. */
  readonly validation: ValidationBatches | null;
  /** The epoch's batches as `plan` says. */
  epoch(plan: EpochPlan): EpochBatches;
  /** Rows per epoch, when known (a stream after one pass); reading the data once to count them when asked to. */
  rowsPerEpoch(count?: boolean): number | null | Promise<number | null>;
  /**
   * Present (null until then) for data whose reader can fail part-way (a stream): the error it
   * threw. A fit that fails with that error undoes itself.
   */
  readonly failure?: { readonly error: unknown } | null;
}

/**
 * An in-memory (possibly labelled) matrix as a {@link BatchSource}: `validationSplit` holds out
 * a seeded random subset (unless `validation` is given), an epoch's order is a permutation
 * drawn from the shuffle state it began with, and each batch is its rows gathered in that
 * order straight into the trainer's array.
 *
 * @example
 * ```ts
 * const source = matrixBatches({ data: X, rows: 90, cols: 16 }, null, 0.2, 7, 'Toy.fit');
 * const epoch = source.epoch({ order: new Rng('7:shuffle').state(), batchSize: 32, skip: 0 });
 * ```
 */
export function matrixBatches(
  data: LabelledRows, validation: LabelledRows | null, validationSplit: number, seed: number | string, where: string,
): BatchSource {
  let train = data;
  let held = validation;
  if (held === null && validationSplit > 0) {
    const split = splitRows(data.rows, validationSplit, seed, where);
    train = selectLabelledRows(data, split.train);
    held = selectLabelledRows(data, split.validation);
  }
  return {
    cols: train.cols,
    float64: train.data instanceof Float64Array,
    identity: { rows: train.rows },
    validation: held === null ? null : matrixValidation(held),
    epoch: (plan) => matrixEpoch(train, plan),
    rowsPerEpoch: () => train.rows,
  };
}

function matrixEpoch(m: LabelledRows, plan: EpochPlan): EpochBatches {
  const rng = plan.order === null ? null : Rng.fromState(plan.order);
  const order = rng === null ? null : rng.permutation(m.rows);
  const after = rng?.state() ?? null;
  const { batchSize } = plan;
  const nb = Math.ceil(m.rows / batchSize);
  let next = plan.skip;
  return {
    batchesPerEpoch: nb,
    shuffleState: () => after,
    finished: () => next >= nb,
    close: () => undefined,
    next: (alloc) => {
      if (next >= nb) return null;
      const start = next * batchSize;
      const end = Math.min(start + batchSize, m.rows);
      next++;
      const out = alloc((end - start) * m.cols);
      const labels = m.labels === undefined ? null : gatherLabels(m.labels, order, start, end);
      return { rows: gatherRows(m, order, start, end, out), labels };
    },
  };
}

function matrixValidation(m: LabelledRows): ValidationBatches {
  return {
    rows: m.rows,
    *chunks(chunk, alloc) {
      for (let start = 0; start < m.rows; start += chunk) {
        const end = Math.min(start + chunk, m.rows);
        const out = alloc((end - start) * m.cols);
        yield { rows: gatherRows(m, null, start, end, out), labels: m.labels === undefined ? null : m.labels.subarray(start, end) };
      }
    },
  };
}
