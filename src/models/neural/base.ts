/**
 * What {@link Autoencoder} and {@link VAE} share, defined once (as `models/decomposition/base.ts`
 * does for PCA and PPCA). Both are an encoder and a decoder MLP trained by one {@link Trainer},
 * so the size getters, the parameter access, the argument handling of `fit`, the saved state and
 * its JSON form are the same code; each model adds its network, its loss terms, its epoch record
 * and its inference methods.
 *
 * @module
 */
import { stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import type { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import { copyParameters } from '../../nn/parameter-copy.js';
import { Rng, type RngState } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fitMatrices } from '../../train/batches.js';
import { packNeuralState, wantsTrainingState, type LoadedParts, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { resolveTraining, type TrainingOptions } from '../../train/options.js';
import type { EpochLog, FitHooks, Trainable, Trainer } from '../../train/trainer.js';
import type { MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { assertFitOptions } from './option-keys.js';
import { assertUnitData, type UnitSetting } from './unit-interval.js';
import { imageRows, type ConvArchitectureConfig } from './conv-architecture.js';
import { formatShape } from '../../errors.js';

type Input = MatrixInput | Tensor;

/**
 * The base of {@link Autoencoder} and {@link VAE}: every member here works the same for both.
 *
 * @typeParam C - The model's checked configuration.
 * @typeParam N - The model's network (its encoder, decoder and parameters).
 * @typeParam E - The model's record of one training epoch.
 *
 * @example
 * ```ts
 * const models = [new Autoencoder({ inputDim: 4, latentDim: 2, seed: 1 }), new VAE({ inputDim: 4, latentDim: 2, seed: 1 })];
 * for (const m of models) console.log(m.type, m.inputDim, m.latentDim, m.parameters().size, m.isFitted);
 * ```
 */
export abstract class NeuralModel<
  C extends { inputDim: number; latentDim: number; dtype: 'float32' | 'float64'; training: Required<TrainingOptions>; architecture?: ConvArchitectureConfig },
  N extends { readonly encoder: MLP | Sequential; readonly decoder: MLP | Sequential; readonly parametersAssigned: boolean; parameters(): Map<string, Tensor>; setParameter(name: string, value: Tensor): void },
  E extends { epoch: number; loss: number },
> implements LatentModel {
  /** The checked configuration. */
  readonly config: Readonly<C>;
  /** The encoder and decoder and their parameters. @internal */
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
  abstract get type(): 'Autoencoder' | 'VAE';

  /** Width of the data rows (the `inputDim` option). */
  get inputDim(): number { return this.config.inputDim; }
  /** The same as {@link NeuralModel.inputDim} (the name PCA and PPCA use). */
  get nFeatures(): number { return this.config.inputDim; }
  /** Width of the codes. */
  get latentDim(): number { return this.config.latentDim; }
  /** Every epoch trained so far, over all `fit` calls. */
  get history(): readonly E[] { return this.log; }
  /** Finished epochs and optimizer steps, over all `fit` calls. */
  get epoch(): number { return this.trainer.epoch; }
  get step(): number { return this.trainer.step; }
  /** True once trained for a step, loaded from a fitted state, or given parameters (also through `encoder`/`decoder`). */
  get isFitted(): boolean { return this.loaded || this.trainer.step > 0 || this.net.parametersAssigned; }

  /** The live parameters by checkpoint name (`encoder.layers.0.weight`, …). */
  parameters(): Map<string, Tensor> { return this.net.parameters(); }

  /** Replaces one parameter tensor (same shape), e.g. to set weights by hand or for gradient checks. */
  setParameter(name: string, value: Tensor): void {
    this.net.setParameter(name, value);
    this.loaded = true;
  }

  /** Trains for `epochs` more epochs and returns their history (what each model's `fit` documents). */
  abstract fit(X: Input, options?: TrainingOptions & FitHooks<E> & { validationData?: MatrixInput }): Promise<E[]>;

  /** The codes `[n, latentDim]` (what each model's `encode` documents). */
  abstract encode(X: Input): Tensor;
  /** Rows in the data space from codes Z `[n, latentDim]` (what each model's `decode` documents). */
  abstract decode(Z: Input): Tensor;
  /** decode(encode(X)). */
  abstract reconstruct(X: Input): Tensor;
  /** safetensors bytes of {@link NeuralModel.toState}. */
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
  /** The model's epoch record of one trainer log, kept in the history; a copy is returned. @internal */
  protected abstract record(log: EpochLog): E;
  /** The configuration as plain JSON for the saved state. @internal */
  protected abstract configJSON(): Record<string, unknown>;
  /** The states of the model's random streams, by name. @internal */
  protected abstract rngStates(): Record<string, RngState>;

  /** The model's name in shape errors, with the image shape for the conv architecture. @internal */
  protected get inputLabel(): string {
    const arch = this.config.architecture;
    return arch === undefined ? this.type : `${this.type} (imageShape ${formatShape(arch.imageShape)})`;
  }

  /** The shared body of `fit`: the options, X and the validation data checked, then the trainer run. @internal */
  protected async train(X: Input, options: TrainingOptions & FitHooks<E> & { validationData?: MatrixInput }, where: string): Promise<E[]> {
    assertFitOptions(options, where);
    const opts = resolveTraining(options, where, this.config.training);
    const arch = this.config.architecture;
    const withImages = options.validationData === undefined ? options : { ...options, validationData: imageRows(options.validationData, arch, where, 'validationData') as MatrixInput };
    const { data, validation } = fitMatrices(imageRows(X, arch, where), withImages, where, this.inputLabel, this.inputDim, this.config.dtype);
    const unit = this.unitSetting();
    if (unit !== null) assertUnitData({ data, validation }, where, unit);
    return this.trainer.fit(this.trainable(), data, validation, opts, options, (log) => this.record(log));
  }

  /** Restores what both models save from checked parts of a saved state (`fromState`). @internal */
  protected restore(parts: LoadedParts<E>, where: string): void {
    copyParameters(this.parameters(), parts.tensors, where);
    if (parts.trainer !== null) this.trainer.loadState(parts.trainer, parts.tensors, where, this.parameters());
    this.initRng = Rng.fromState(parts.rng.init);
    this.log = parts.history;
    this.loaded = parts.fitted;
  }
}
