import { FormatError } from '../errors.js';
import type { TensorRecord } from '../io/model-state.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { RngState } from '../random/rng.js';

/** An epoch that began and has not finished: enough to continue it with the same batches. */
export interface PendingEpoch {
  /** 1-based number of the epoch in progress. */
  epoch: number;
  /** Training rows and batch size it was started with (a different data set starts a new epoch). */
  rows: number;
  batchSize: number;
  /** The shuffle buffer (rows) of an epoch read from a stream, whose `rows` are 0; absent in memory. */
  buffer?: number;
  /** The shuffle stream's state when the epoch began (the order is redrawn from it), or null for natural order. */
  order: RngState | null;
  /** 0-based index of the next batch to run. */
  nextBatch: number;
  /** Sums over the finished batches, weighted by batch size, for the epoch's averages. */
  lossSum: number;
  partSums: Record<string, number>;
  samples: number;
  seconds: number;
}

/** The JSON part of a trainer's state (the optimizer buffers travel as tensors). */
export interface TrainerJSON {
  version: 1;
  seed: number | string;
  /** Finished epochs and steps. */
  epoch: number;
  step: number;
  /** Every random stream used during training, by name. */
  streams: Record<string, RngState>;
  pending: PendingEpoch | null;
  optimizer: Omit<OptimizerState, 'tensors'> | null;
}

/**
 * Prefix of the optimizer buffers among a model's tensors.
 *
 * @example
 * ```ts
 * const m = state.tensors[`${OPTIMIZER_PREFIX}exp_avg.encoder.layers.0.weight`];
 * ```
 */
export const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Splits a trainer snapshot into JSON config and named tensors (`optimizer.exp_avg.<param>`, …),
 * the two halves of a `ModelState`.
 *
 * @example
 * ```ts
 * const { config, tensors } = packTrainerState(json, optimizer?.state() ?? null);
 * ```
 */
export function packTrainerState(json: Omit<TrainerJSON, 'optimizer'>, optimizer: OptimizerState | null): { config: TrainerJSON; tensors: Record<string, TensorRecord> } {
  const tensors: Record<string, TensorRecord> = {};
  if (optimizer !== null) for (const [k, v] of Object.entries(optimizer.tensors)) tensors[OPTIMIZER_PREFIX + k] = v;
  const opt = optimizer === null ? null : { type: optimizer.type, hyper: { ...optimizer.hyper }, steps: { ...optimizer.steps } };
  return { config: structuredClone({ ...json, optimizer: opt }), tensors };
}

function isRngState(s: unknown): s is RngState {
  const r = s as RngState | null;
  return r !== null && typeof r === 'object' && Number.isInteger(r.i) && Number.isInteger(r.j)
    && Array.isArray(r.S) && r.S.length === 256 && r.S.every((v) => Number.isInteger(v) && v >= 0 && v < 256)
    && (r.spareNormal === null || typeof r.spareNormal === 'number');
}

function checkPending(p: PendingEpoch | null, at: string): void {
  if (p === null) return;
  const ints = [p.epoch, p.rows, p.batchSize, p.nextBatch, p.samples];
  const ok = typeof p === 'object' && ints.every((v) => Number.isInteger(v) && v >= 0) && (p.order === null || isRngState(p.order))
    && (p.buffer === undefined || (Number.isInteger(p.buffer) && p.buffer >= 1))
    && typeof p.lossSum === 'number' && typeof p.seconds === 'number' && p.partSums !== null && typeof p.partSums === 'object';
  if (!ok) throw new FormatError(`${at}: field 'training.pending' is malformed`);
}

/**
 * Checks a trainer snapshot read from a file and returns it with its optimizer state rebuilt
 * from the `optimizer.`-prefixed tensors. Throws FormatError naming the field.
 *
 * @example
 * ```ts
 * const { json, optimizer } = unpackTrainerState(state.config.trainer, state.tensors, 'VAE.fromState');
 * ```
 */
export function unpackTrainerState(config: unknown, tensors: Record<string, TensorRecord>, where: string): { json: TrainerJSON; optimizer: OptimizerState | null } {
  const c = config as TrainerJSON | null;
  if (c === null || typeof c !== 'object') throw new FormatError(`${where}: field 'training' is missing`);
  if (c.version !== 1) throw new FormatError(`${where}: field 'training.version' is ${JSON.stringify(c.version)}, expected 1`);
  if (!Number.isInteger(c.epoch) || c.epoch < 0 || !Number.isInteger(c.step) || c.step < 0) {
    throw new FormatError(`${where}: fields 'training.epoch' and 'training.step' must be non-negative integers`);
  }
  if (c.streams === null || typeof c.streams !== 'object') throw new FormatError(`${where}: field 'training.streams' is missing`);
  for (const [name, s] of Object.entries(c.streams)) {
    if (!isRngState(s)) throw new FormatError(`${where}: field 'training.streams.${name}' is not a valid Rng state`);
  }
  checkPending(c.pending, where);
  let optimizer: OptimizerState | null = null;
  if (c.optimizer !== null) {
    const o = c.optimizer;
    if (typeof o !== 'object' || typeof o.type !== 'string') throw new FormatError(`${where}: field 'training.optimizer' is malformed`);
    const buffers: Record<string, TensorRecord> = {};
    for (const [k, v] of Object.entries(tensors)) if (k.startsWith(OPTIMIZER_PREFIX)) buffers[k.slice(OPTIMIZER_PREFIX.length)] = v;
    optimizer = { type: o.type, hyper: { ...o.hyper }, steps: { ...o.steps }, tensors: buffers };
  }
  return { json: structuredClone(c), optimizer };
}
