import { clipGradNorm, gradNorm } from '../optim/clip.js';
import type { Optimizer, OptimizerState, ParamsInput } from '../optim/optimizer.js';
import type { TensorRecord } from '../io/model-state.js';
import { FormatError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { Workspace, runInWorkspace } from '../autodiff/workspace.js';
import { getBackend } from '../kernels/backend.js';
import { withSharedPoolDeferred } from '../kernels/threads/threads.js';
import { ResidentParameters } from './resident-parameters.js';
import { backward } from '../autodiff/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';
import { matrixBatches, type BatchAlloc, type BatchSource, type EpochBatches, type ValidationBatches } from './batch-source.js';
import { packTrainerState, unpackTrainerState, type PendingEpoch, type TrainerJSON } from './checkpoint-state.js';
import { EarlyStopping } from './early-stopping.js';
import { assertFiniteQuantity, type StepLocation } from './guard.js';
import { createOptimizer, type OptimizerName, type ResolvedTraining } from './options.js';
import { EpochClock, ProgressLine, formatEpochLine } from './progress.js';
import { settle, yieldToEventLoop } from './event-loop.js';
import type { EpochLog, EvalLoss, FitHooks, LabelledRows, StepContext, Trainable } from './types.js';

export type { BatchEnd, BatchLoss, EpochLog, EvalLoss, FitHooks, LabelledRows, StepContext, Trainable } from './types.js';

/** Arena bytes beyond the step's measured peak (alignment of many small arrays). */
const ARENA_SLACK = 1 << 20;

/**
 * The parameters as one group, or with `rates` as one group per own learning rate plus the
 * rest at the fit's rate; the names (the optimizer state's keys) are the same either way.
 */
function parameterGroups(params: Map<string, Tensor>, rates: ReadonlyMap<string, number> | undefined): ParamsInput {
  if (rates === undefined || rates.size === 0) return params;
  const groups = new Map<number | null, Map<string, Tensor>>();
  for (const [name, p] of params) {
    const r = rates.get(name) ?? null;
    if (!groups.has(r)) groups.set(r, new Map());
    groups.get(r)!.set(name, p);
  }
  return [...groups].map(([r, g]) => (r === null ? { params: g } : { params: g, learningRate: r }));
}

function isBatchSource(x: LabelledRows | BatchSource): x is BatchSource {
  return typeof (x as Partial<BatchSource>).epoch === 'function';
}

/** Mutable controls of one fit call's loop. */
interface LoopState {
  stop: boolean;
  lastYield: number;
  yieldEvery: number;
  lastEpoch: number;
}

/**
 * The one training loop behind `Autoencoder.fit` and `VAE.fit`: seeded shuffling, minibatches,
 * the non-finite guard (checked before the update, so a bad step changes nothing), clipping,
 * the optimizer, validation, early stopping, callbacks, abort and progress. It owns every
 * random stream used while training and can export its whole state for bit-exact resumption.
 *
 * Semantics worth knowing:
 * - `fit` continues training (Keras-style): the optimizer's moments carry over between calls
 *   while the optimizer kind stays the same (a different kind starts fresh); new options
 *   apply from the next step.
 * - An epoch stopped part-way (abort, a callback returning false or throwing, a non-finite
 *   step) stays pending: the next `fit` on the same rows and batch size finishes it with the
 *   same batch order, and it counts as one of that call's epochs.
 * - Validation rows are a seeded random subset (from the seed, so the same on every call);
 *   validation draws its noise from its own stream.
 * - Between steps the gradient buffers are kept (holding the last step's gradient; the next
 *   backward overwrites them), and the arrays of a step's graph go back to a workspace for the
 *   next step; both are released when `fit` returns or throws.
 *
 * @example
 * ```ts
 * const trainer = new Trainer(1, ['noise'], 'MyModel.fit');
 * const history = await trainer.fit(model, X, null, resolveTraining({ epochs: 5 }, 'MyModel.fit'), {}, (log) => log);
 * ```
 */
export class Trainer {
  private epochs = 0;
  private steps = 0;
  private readonly streams = new Map<string, Rng>();
  private optimizer: Optimizer | null = null;
  private optimizerState: OptimizerState | null = null;
  private pending: PendingEpoch | null = null;
  private running = false;
  private readonly workspace = new Workspace();
  // Parameters, gradients and step arrays in one WebAssembly memory from a fit's second step
  // on (the first measures how much the step allocates); null before, or where unavailable.
  private resident: ResidentParameters | null = null;
  // Whether this fit has tried to make the arena (once: a failed attempt is not retried each step).
  private residencyTried = false;
  private readonly modelStreams: readonly string[];

  /** @param modelStreams names of the streams the model draws from while training. */
  constructor(readonly seed: number | string, modelStreams: readonly string[], readonly where: string) {
    this.modelStreams = modelStreams.slice();
    for (const name of ['shuffle', 'validation', ...modelStreams]) this.streams.set(name, new Rng(`${seed}:${name}`));
  }

  /** Finished epochs, over all `fit` calls. */
  get epoch(): number { return this.epochs; }
  /** Finished steps, over all `fit` calls. */
  get step(): number { return this.steps; }
  /** True when an epoch was interrupted (abort, error, callback) and the next `fit` continues it. */
  get hasPendingEpoch(): boolean { return this.pending !== null; }

  /** The named stream. */
  rng(name: string): Rng {
    const r = this.streams.get(name);
    if (r === undefined) throw new RangeError(`${this.where}: no random stream '${name}'`);
    return r;
  }

  /**
   * Trains `model` for `opts.epochs` epochs (an interrupted epoch is finished first and counts
   * as one). Returns one record per finished epoch. The data are a {@link BatchSource} (the
   * trainer asks it for each batch), or a matrix with its validation matrix, which becomes one
   * ({@link matrixBatches}). If a source's reader throws, the error is rethrown after
   * everything is put back as it was before this call: parameters, optimizer state, counters,
   * random streams and the pending epoch.
   */
  async fit<E>(
    model: Trainable, data: LabelledRows | BatchSource, validationData: LabelledRows | null, opts: ResolvedTraining,
    hooks: FitHooks<E>, format: (log: EpochLog) => E,
  ): Promise<E[]> {
    const yieldEvery = hooks.yieldEveryMs ?? 50;
    if (typeof yieldEvery !== 'number' || !(yieldEvery >= 0)) {
      throw new RangeError(`${this.where}: yieldEveryMs must be a number >= 0 (got ${String(yieldEvery)})`);
    }
    if (this.running) throw new Error(`${this.where}: this model is already training; await the running fit before starting another`);
    if (opts.epochs === 0) return [];
    const source = isBatchSource(data) ? data : matrixBatches(data, validationData, opts.validationSplit, this.seed, this.where);
    this.running = true;
    // A stream can fail part-way through: keep what is needed to undo the whole call then.
    const before = source.failure === undefined ? null : this.snapshot(model.parameters());
    try {
      return await this.train(model, source, opts, hooks, format, yieldEvery);
    } catch (e) {
      if (before !== null && source.failure?.error === e) this.rollback(before, model.parameters());
      throw e;
    } finally {
      this.running = false;
    }
  }

  private async train<E>(
    model: Trainable, source: BatchSource, opts: ResolvedTraining,
    hooks: FitHooks<E>, format: (log: EpochLog) => E, yieldEvery: number,
  ): Promise<E[]> {
    const params = model.parameters();
    this.prepareOptimizer(params, opts, model.learningRates);
    const early = opts.patience === null ? null : new EarlyStopping(params, { patience: opts.patience, minDelta: opts.minDelta, restoreBest: opts.restoreBest });
    const progress = hooks.verbose ? new ProgressLine(this.where) : null;
    const clock = progress === null ? null : new EpochClock(opts.epochs);
    const lastEpoch = (this.pending?.epoch ?? this.epochs + 1) + opts.epochs - 1;
    const history: E[] = [];
    const loop: LoopState = { stop: false, lastYield: performance.now(), yieldEvery, lastEpoch };
    // The arena made after the first step takes workers started now, while that step runs.
    const discardPrepared = getBackend() === 'wasm' ? ResidentParameters.prepare(params, opts.batchSize) : null;
    try {
      // A model whose loss needs the epoch's length (a KL warm-up) gets a stream counted first.
      if (model.needsBatchesPerEpoch === true) await source.rowsPerEpoch(true);
      for (let e = 0; e < opts.epochs && !loop.stop; e++) {
        const pending = this.beginEpoch(source, opts);
        const finished = await this.runBatches(model, params, source, pending, opts, hooks, progress, loop);
        if (!finished) break;
        const log = await this.finishEpoch(model, source, pending, opts.batchSize);
        const entry = format(log);
        history.push(entry);
        if (early !== null && early.observe(log.validation?.loss ?? log.loss)) loop.stop = true;
        if (progress !== null && clock !== null) {
          progress.endEpoch(formatEpochLine({
            epoch: log.epoch, epochs: loop.lastEpoch, loss: log.loss, unit: model.lossUnit, valLoss: log.validation?.loss,
            seconds: log.seconds, samplesPerSecond: log.samplesPerSecond, ...clock.lap(),
          }));
        }
        if (hooks.onEpochEnd !== undefined && (await settle(hooks.onEpochEnd(entry))) === false) loop.stop = true;
      }
    } finally {
      this.optimizer?.zeroGrad();
      this.resident?.detach();
      this.resident = null;
      this.residencyTried = false;
      discardPrepared?.();
      this.workspace.clear();
    }
    early?.restore();
    return history;
  }

  /**
   * The remaining batches of the pending epoch, or until a callback or the signal stops them;
   * true when the epoch ran to its end.
   */
  private async runBatches<E>(
    model: Trainable, params: Map<string, Tensor>, source: BatchSource, pending: PendingEpoch, opts: ResolvedTraining,
    hooks: FitHooks<E>, progress: ProgressLine | null, loop: LoopState,
  ): Promise<boolean> {
    const epoch = source.epoch({ order: pending.order, batchSize: opts.batchSize, skip: pending.nextBatch });
    // An in-memory epoch draws its whole order at once, so the shuffle stream moves on now, as
    // it always has (for a continued epoch it is already there: nothing else draws from it).
    // A stream draws while it reads and moves the shuffle stream on at the epoch's end.
    this.advanceShuffle(epoch);
    // The batch array comes from the workspace too: it goes back when the step ends.
    const alloc: BatchAlloc = (n) => this.workspace.alloc(source.float64, n);
    let done = false;
    try {
      while (!loop.stop) {
        hooks.signal?.throwIfAborted();
        const t0 = performance.now();
        this.prepareResidency(params);
        const batch = await epoch.next(alloc);
        if (batch === null) {
          done = true;
          break;
        }
        const nb = epoch.batchesPerEpoch;
        const n = batch.rows.shape[0];
        const at: StepLocation = { epoch: pending.epoch, step: this.steps + 1, batch: pending.nextBatch + 1, batchesPerEpoch: nb };
        // The first step, before the arena is tried, does not start the shared pool (withSharedPoolDeferred).
        const step = (): EvalLoss => this.runStep(model, params, batch.rows, batch.labels, at, opts);
        const first = this.resident === null && !this.residencyTried && getBackend() === 'wasm';
        const r = first ? withSharedPoolDeferred(step) : step();
        this.record(pending, r, n, performance.now() - t0);
        progress?.update({ epoch: pending.epoch, epochs: loop.lastEpoch, batch: at.batch, batches: nb, loss: pending.lossSum / pending.samples, samplesPerSecond: (1000 * pending.samples) / pending.seconds });
        if (hooks.onBatchEnd !== undefined) {
          const info = { epoch: at.epoch, batch: at.batch, batchesPerEpoch: nb, step: at.step, batchSize: n, loss: r.loss, parts: { ...r.parts } };
          if ((await settle(hooks.onBatchEnd(info))) === false) loop.stop = true;
        }
        if (performance.now() - loop.lastYield >= loop.yieldEvery) {
          await yieldToEventLoop();
          loop.lastYield = performance.now();
        }
      }
      // Stopped after the epoch's last batch: the epoch is complete all the same.
      if (!done && epoch.finished()) done = true;
    } finally {
      if (!done) await epoch.close();
    }
    if (done) this.advanceShuffle(epoch);
    return done;
  }

  /** Moves the shuffle stream to where the epoch's draws leave it, once they are known. */
  private advanceShuffle(epoch: EpochBatches): void {
    const after = epoch.shuffleState();
    if (after !== null) this.streams.set('shuffle', Rng.fromState(after));
  }

  /** Copies of the parameters and the whole training state, for {@link Trainer.rollback}. */
  private snapshot(params: Map<string, Tensor>): { params: Map<string, FloatArray>; state: ReturnType<Trainer['state']> } {
    return { params: new Map([...params].map(([k, p]) => [k, p.data.slice()])), state: this.state() };
  }

  /** Puts back what {@link Trainer.snapshot} kept (after the fit's arena has given the parameters their own arrays back). */
  private rollback(s: ReturnType<Trainer['snapshot']>, params: Map<string, Tensor>): void {
    for (const [k, p] of params) p.data.set(s.params.get(k)!);
    // The optimizer is rebuilt from its saved state at the next fit, as after loading a checkpoint.
    this.loadState(s.state.config, s.state.tensors, this.where, params);
  }

  /**
   * After the first step of a fit on the wasm backend, moves parameters, gradients, optimizer
   * buffers and the step's arrays into one arena (room for twice the step's peak, as the last batch of an epoch
   * has other shapes); then, before each step, gives new gradients a place there.
   */
  private prepareResidency(params: Map<string, Tensor>): void {
    if (this.resident === null) {
      const peak = this.workspace.peakBytes32;
      if (this.residencyTried || peak === 0 || getBackend() !== 'wasm') return;
      this.residencyTried = true;
      this.resident = ResidentParameters.attach(params, this.optimizer, this.workspace, 2 * peak + ARENA_SLACK);
    }
    this.resident?.homeGradients(params);
  }

  private prepareOptimizer(params: Map<string, Tensor>, opts: ResolvedTraining, rates: ReadonlyMap<string, number> | undefined): void {
    const previous = this.optimizer?.state() ?? this.optimizerState;
    const opt = createOptimizer(opts.optimizer, parameterGroups(params, rates), opts.learningRate, opts.optimizerOptions);
    if (previous !== null && previous.type === opt.type) opt.loadState(previous);
    opt.zeroGrad();
    this.optimizer = opt;
    this.optimizerState = null;
  }

  private beginEpoch(source: BatchSource, opts: ResolvedTraining): PendingEpoch {
    const p = this.pending;
    const { rows, buffer } = source.identity;
    if (p !== null && p.rows === rows && p.buffer === buffer && p.batchSize === opts.batchSize && (p.order !== null) === opts.shuffle) return p;
    const order = opts.shuffle ? this.rng('shuffle').state() : null;
    this.pending = {
      epoch: this.epochs + 1, rows, ...(buffer === undefined ? {} : { buffer }), batchSize: opts.batchSize, order, nextBatch: 0, lossSum: 0, partSums: {}, samples: 0, seconds: 0,
    };
    return this.pending;
  }

  private context(epoch: number, batchesPerEpoch: number, labels: Int32Array | null): StepContext {
    return { epoch, step: this.steps, batchesPerEpoch, labels, rng: (name) => this.rng(name) };
  }

  /** One guarded step: the loss and gradient norm are checked before anything is updated. */
  private runStep(
    model: Trainable, params: Map<string, Tensor>, batch: Tensor, labels: Int32Array | null, at: StepLocation, opts: ResolvedTraining,
  ): EvalLoss {
    const saved = this.modelStreams.map((n) => this.rng(n).state());
    const opt = this.optimizer!;
    let ok = false;
    try {
      // The step's graph lives only inside this call, so its arrays can come from (and go
      // back to) the trainer's workspace.
      const result = runInWorkspace(this.workspace, () => {
        const { loss, parts } = model.trainingLoss(batch, this.context(at.epoch, at.batchesPerEpoch, labels));
        const value = loss.item();
        assertFiniteQuantity(value, 'loss', this.where, at);
        // The gradient buffers kept from the last step are overwritten rather than zeroed and
        // added into (parameters the loss does not reach get zeros, as PyTorch's zero_grad).
        const written = backward(loss, undefined, { replaceGrads: true });
        for (const p of params.values()) if (p.grad !== null && !written.has(p)) p.grad.data.fill(0);
        const norm = gradNorm(params);
        assertFiniteQuantity(norm, 'gradient norm', this.where, at);
        if (opts.maxGradNorm !== null) clipGradNorm(params, opts.maxGradNorm, { norm });
        opt.step();
        model.afterStep?.();
        return { loss: value, parts };
      });
      ok = true;
      return result;
    } catch (e) {
      // Nothing was updated; put the random streams back as well, so a retry is identical.
      this.modelStreams.forEach((n, i) => this.streams.set(n, Rng.fromState(saved[i])));
      throw e;
    } finally {
      // Between steps the gradient buffers are kept, holding the last gradient: the next
      // backward writes into them instead of allocating and copying 2.6 MB for the VAE. They
      // are dropped when fit ends or a step fails.
      if (!ok) opt.zeroGrad();
      this.workspace.recycle();
    }
  }

  private record(p: PendingEpoch, r: EvalLoss, n: number, ms: number): void {
    p.lossSum += r.loss * n;
    for (const [k, v] of Object.entries(r.parts)) p.partSums[k] = (p.partSums[k] ?? 0) + v * n;
    p.samples += n;
    p.seconds += ms / 1000;
    p.nextBatch++;
    this.steps++;
  }

  private async finishEpoch(model: Trainable, source: BatchSource, p: PendingEpoch, batchSize: number): Promise<EpochLog> {
    const parts: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.partSums)) parts[k] = v / p.samples;
    this.epochs = p.epoch;
    this.pending = null;
    const val = source.validation === null ? null : await this.evaluate(model, source, source.validation, Math.max(batchSize, 256), p.epoch);
    return { epoch: p.epoch, loss: p.lossSum / p.samples, parts, validation: val, seconds: p.seconds, samplesPerSecond: p.samples / Math.max(p.seconds, 1e-9) };
  }

  private async evaluate(model: Trainable, source: BatchSource, held: ValidationBatches, chunk: number, epoch: number): Promise<EvalLoss> {
    // Validation draws every random number from its own stream, never from the training ones.
    const base: StepContext = { ...this.context(epoch, held.rows === null ? 0 : Math.ceil(held.rows / chunk), null), rng: () => this.rng('validation') };
    // Validation returns numbers only, so its arrays can be recycled chunk by chunk too.
    const alloc: BatchAlloc = (n) => this.workspace.alloc(source.float64, n);
    const results: Array<{ r: EvalLoss; n: number }> = [];
    for await (const c of held.chunks(chunk, alloc)) {
      const ctx = c.labels === null ? base : { ...base, labels: c.labels };
      const r = runInWorkspace(this.workspace, () => model.validationLoss(c.rows, ctx));
      this.workspace.recycle();
      results.push({ r, n: c.rows.shape[0] });
    }
    // Weighted by each chunk's share of the rows, added in order (a stream's count is known at its end).
    const total = results.reduce((a, { n }) => a + n, 0);
    let loss = 0;
    const parts: Record<string, number> = {};
    for (const { r, n } of results) {
      const w = n / total;
      loss += r.loss * w;
      for (const [k, v] of Object.entries(r.parts)) parts[k] = (parts[k] ?? 0) + v * w;
    }
    return { loss, parts };
  }

  /** The whole training state: counters, every stream, the interrupted epoch and the optimizer. */
  state(): { config: TrainerJSON; tensors: Record<string, TensorRecord> } {
    const streams = Object.fromEntries([...this.streams].map(([k, r]) => [k, r.state()]));
    const json = { version: 1 as const, seed: this.seed, epoch: this.epochs, step: this.steps, streams, pending: this.pending };
    return packTrainerState(json, this.optimizer?.state() ?? this.optimizerState);
  }

  /** Restores {@link Trainer.state}; everything is checked before anything changes. */
  loadState(config: unknown, tensors: Record<string, TensorRecord>, where: string, params: Map<string, Tensor>): void {
    const { json, optimizer } = unpackTrainerState(config, tensors, where);
    if (optimizer !== null) {
      if (!['adam', 'adamw', 'sgd'].includes(optimizer.type)) throw new FormatError(`${where}: unknown optimizer type '${optimizer.type}'`);
      createOptimizer(optimizer.type as OptimizerName, params, 1e-3).loadState(optimizer);
    }
    const names = [...this.streams.keys()].sort().join(',');
    if (Object.keys(json.streams).sort().join(',') !== names) {
      throw new FormatError(`${where}: field 'training.streams' must hold exactly the streams ${names}`);
    }
    for (const [k, s] of Object.entries(json.streams)) this.streams.set(k, Rng.fromState(s));
    this.epochs = json.epoch;
    this.steps = json.step;
    this.pending = json.pending;
    this.optimizer = null;
    this.optimizerState = optimizer;
  }
}
