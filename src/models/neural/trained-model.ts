/**
 * What every model made of `nn/` modules and trained by the one {@link Trainer} shares
 * (Autoencoder, VAE, Classifier): the configuration, the network, the trainer and its history,
 * the size getters, parameter access, the argument handling of `fit`, the saved state and its
 * JSON form. The latent models add their side in base.ts ({@link NeuralModel}); a supervised
 * model adds labels through the same `train`.
 *
 * @module
 */
import { stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { copyParameters } from '../../nn/parameter-copy.js';
import { Rng, type RngState } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { isRowSource, type RowSource } from '../../io/row-source.js';
import { fitMatrices } from '../../train/batches.js';
import { sourceFit, type SourceFitOptions } from './source-fit.js';
import { packNeuralState, wantsTrainingState, type LoadedParts, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { resolveTraining, type TrainingOptions } from '../../train/options.js';
import type { EpochLog, FitHooks, LabelledRows, Trainable, Trainer } from '../../train/trainer.js';
import type { DenseMatrix, MatrixInput } from '../../validate.js';
import { assertFitOptions } from './option-keys.js';
import { assertUnitData, type UnitSetting } from './unit-interval.js';

type Input = MatrixInput | Tensor;

/**
 * The labels of a supervised `fit`, checked against the checked matrices (validation labels
 * null when there is no validation data). @internal
 */
export type LabelCheck = (data: DenseMatrix, validation: DenseMatrix | null) => { data: Int32Array; validation: Int32Array | null };

/**
 * The base of every trained network model: {@link NeuralModel} (Autoencoder, VAE) and
 * {@link Classifier}. Every member here works the same for all of them.
 *
 * @typeParam C - The model's checked configuration.
 * @typeParam N - The model's network (its modules and parameters).
 * @typeParam E - The model's record of one training epoch.
 *
 * @example
 * ```ts
 * const models: TrainedModel<any, any, any>[] = [new Autoencoder({ inputDim: 4, latentDim: 2 }), new Classifier({ inputDim: 4, nClasses: 3 })];
 * for (const m of models) console.log(m.type, m.inputDim, m.parameters().size, m.epoch, m.isFitted);
 * ```
 */
export abstract class TrainedModel<
  C extends { inputDim: number; dtype: 'float32' | 'float64'; training: Required<TrainingOptions> },
  N extends { readonly parametersAssigned: boolean; parameters(): Map<string, Tensor>; setParameter(name: string, value: Tensor): void },
  E extends { epoch: number; loss: number },
> {
  /** The checked configuration. */
  readonly config: Readonly<C>;
  /** The network and its parameters. @internal */
  protected readonly net: N;
  /** The training loop, its optimizer state and its random streams. @internal */
  protected readonly trainer: Trainer;
  /** The stream the initial weights were drawn from. @internal */
  protected initRng: Rng;
  /** Every epoch trained so far. @internal */
  protected log: E[] = [];
  /** Whether the parameters came from a fitted state, `setParameter` or `loadStateDict`. @internal */
  protected loaded = false;

  /** The model from its checked configuration, network, trainer and initialisation stream. @internal */
  protected constructor(config: Readonly<C>, net: N, trainer: Trainer, initRng: Rng) {
    this.config = config;
    this.net = net;
    this.trainer = trainer;
    this.initRng = initRng;
  }

  /** The type tag of the saved state. */
  abstract get type(): string;

  /** Width of the data rows (the `inputDim` option). */
  get inputDim(): number { return this.config.inputDim; }
  /** The same as {@link TrainedModel.inputDim} (the name PCA and PPCA use). */
  get nFeatures(): number { return this.config.inputDim; }
  /** Every epoch trained so far, over all `fit` calls. */
  get history(): readonly E[] { return this.log; }
  /** Finished epochs and optimizer steps, over all `fit` calls. */
  get epoch(): number { return this.trainer.epoch; }
  get step(): number { return this.trainer.step; }
  /** True once trained for a step, loaded from a fitted state, or given parameters (also through its modules). */
  get isFitted(): boolean { return this.loaded || this.trainer.step > 0 || this.net.parametersAssigned; }

  /** The live parameters by checkpoint name (`encoder.layers.0.weight`, …). */
  parameters(): Map<string, Tensor> { return this.net.parameters(); }

  /** Replaces one parameter tensor (same shape), e.g. to set weights by hand or for gradient checks. */
  setParameter(name: string, value: Tensor): void {
    this.net.setParameter(name, value);
    this.loaded = true;
  }

  /** safetensors bytes of {@link TrainedModel.toState}. */
  abstract toBytes(options?: NeuralSaveOptions): Uint8Array;
  /** Saves as safetensors, atomically. Node only. */
  abstract save(path: string, options?: NeuralSaveOptions): Promise<void>;

  /**
   * Everything needed to rebuild this model and resume training bit-exactly; with
   * `{ trainingState: false }` only what inference needs (see {@link NeuralSaveOptions}).
   */
  toState(options: NeuralSaveOptions = {}): ModelState {
    const full = wantsTrainingState(options, `${this.type}.toState`);
    return packNeuralState(this.type, {
      config: this.configJSON(), fitted: this.isFitted, params: this.parameters(), trainer: full ? this.trainer.state() : null,
      rng: this.rngStates(), history: this.log,
    });
  }

  /** The JSON form (arrays as base64, so −0, NaN and subnormals survive). */
  toJSON(): ModelJSON { return stateToJSON(this.toState()); }

  /** The data must lie in [0, 1] under this setting (the loss or likelihood), or null. @internal */
  protected abstract unitSetting(): UnitSetting | null;
  /** The loss terms and parameters the trainer drives. @internal */
  protected abstract trainable(): Trainable;
  /** The model's epoch entry of one trainer log (kept in the history by `keep`). @internal */
  protected abstract record(log: EpochLog): E;

  /** Records one trainer log in the history and returns a copy, what the fit's epoch callback sees. */
  private keep(log: EpochLog): E {
    const e = this.record(log);
    this.log.push(e);
    return { ...e };
  }
  /** The configuration as plain JSON for the saved state. @internal */
  protected abstract configJSON(): Record<string, unknown>;
  /** The states of the model's random streams, by name. @internal */
  protected abstract rngStates(): Record<string, RngState>;

  /**
   * The shared body of `fit`: the options, X and the validation data checked (and, for a
   * supervised model, its labels by `labels`, with the extra option names `labelKeys`), then
   * the trainer run. @internal
   */
  /** The model's name in shape errors. @internal */
  protected get inputLabel(): string { return this.type; }

  /**
   * A supervised model's check of the `labels` of a streamed batch (its rows and its name in
   * errors given), returning them as an Int32Array; null (the default) for unsupervised models,
   * whose batches' labels are ignored. @internal
   */
  protected batchLabels(_where: string): ((labels: unknown, rows: number, arg: string) => Int32Array) | null { return null; }

  /** The input as rows `[n, inputDim]`; a model that also takes other layouts (images) overrides it. @internal */
  protected asRows(X: Input | MatrixInput, _where: string, _arg = 'X'): Input { return X; }

  protected async train(
    X: Input | RowSource, options: TrainingOptions & FitHooks<E> & SourceFitOptions, where: string,
    labels: LabelCheck | null = null, labelKeys: readonly string[] = [],
  ): Promise<E[]> {
    assertFitOptions(options, where, labelKeys);
    const opts = resolveTraining(options, where, this.config.training);
    if (isRowSource(X)) {
      const model = {
        where, label: this.inputLabel, inputDim: this.inputDim, dtype: this.config.dtype, seed: this.trainer.seed, unit: this.unitSetting(),
        labels: this.batchLabels(where),
      };
      const trainable = this.trainable();
      const source = sourceFit(X, options, opts, model, trainable.needsBatchesPerEpoch === true);
      try {
        return await this.trainer.fit(trainable, source, null, opts, options, (log) => this.keep(log));
      } finally {
        // A fit that undid itself (the source failed) forgets the epochs it had recorded.
        const kept = this.log.findIndex((e) => e.epoch > this.trainer.epoch);
        if (kept >= 0) this.log.length = kept;
      }
    }
    if (options.shuffleBuffer !== undefined) throw new TypeError(`${where}: shuffleBuffer applies to a fit from a row source; X is a matrix (shuffled whole)`);
    if (isRowSource(options.validationData)) throw new TypeError(`${where}: validationData is a row source, which goes with X a row source; give a matrix (or X as a source)`);
    const rowsOptions = options.validationData === undefined ? options : { ...options, validationData: this.asRows(options.validationData as MatrixInput, where, 'validationData') as MatrixInput };
    const { data, validation } = fitMatrices(this.asRows(X, where), rowsOptions, where, this.inputLabel, this.inputDim, this.config.dtype);
    const unit = this.unitSetting();
    if (unit !== null) assertUnitData({ data, validation }, where, unit);
    let rows: LabelledRows = data;
    let held: LabelledRows | null = validation;
    if (labels !== null) {
      const y = labels(data, validation);
      rows = { ...data, labels: y.data };
      held = validation === null ? null : { ...validation, labels: y.validation! };
    }
    return this.trainer.fit(this.trainable(), rows, held, opts, options, (log) => this.keep(log));
  }

  /** Restores what every trained model saves from checked parts of a saved state (`fromState`). @internal */
  protected restore(parts: LoadedParts<E>, where: string): void {
    copyParameters(this.parameters(), parts.tensors, where);
    if (parts.trainer !== null) this.trainer.loadState(parts.trainer, parts.tensors, where, this.parameters());
    this.initRng = Rng.fromState(parts.rng.init);
    this.log = parts.history;
    this.loaded = parts.fitted;
  }
}
