/**
 * What {@link Autoencoder} and {@link VAE} share, defined once (as `models/decomposition/base.ts`
 * does for PCA and PPCA). Both are an encoder and a decoder MLP trained by one {@link Trainer};
 * the size getters, the parameter access, the argument handling of `fit`, the saved state and
 * its JSON form are those of every trained network ({@link TrainedModel}, trained-model.ts,
 * which the Classifier shares too); this adds the latent-model side.
 *
 * @module
 */
import { formatShape } from '../../errors.js';
import type { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { TrainingOptions } from '../../train/options.js';
import type { FitHooks } from '../../train/trainer.js';
import type { MatrixInput } from '../../validate.js';
import type { RowSource } from '../../io/row-source.js';
import type { SourceFitOptions } from './source-fit.js';
import type { DiscreteCodes, LatentModel } from '../model.js';
import { TrainedModel } from './trained-model.js';
import { imageRows, type ConvArchitectureConfig } from './conv-architecture.js';

type Input = MatrixInput | Tensor;

/**
 * The base of {@link Autoencoder} and {@link VAE}: a {@link TrainedModel} that is also a
 * {@link LatentModel} (an encoder to `latentDim` codes and a decoder back).
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
> extends TrainedModel<C, N, E> implements LatentModel {
  /** The type tag of the saved state. */
  abstract override get type(): 'Autoencoder' | 'VAE' | 'CategoricalVAE' | 'VQVAE';

  /** Width of the codes. */
  get latentDim(): number { return this.config.latentDim; }

  /**
   * The encoder: x → code (the VAE: x → [μ, ln σ²]; the first `latentDim` outputs are the code).
   * An MLP, or a Sequential for the conv architecture.
   */
  abstract get encoder(): MLP | Sequential;

  /** The model's name in shape errors, with the image shape for the conv architecture. @internal */
  protected override get inputLabel(): string {
    const arch = this.config.architecture;
    return arch === undefined ? this.type : `${this.type} (imageShape ${formatShape(arch.imageShape)})`;
  }

  /** Images `[n, c, h, w]` as rows `[n, c·h·w]` for the conv architecture; other input as given. @internal */
  protected override asRows(X: Input | MatrixInput, where: string, arg = 'X'): Input {
    return imageRows(X, this.config.architecture, where, arg) as Input;
  }

  /** Trains for `epochs` more epochs and returns their history (what each model's `fit` documents). */
  abstract fit(X: Input | RowSource, options?: TrainingOptions & FitHooks<E> & SourceFitOptions): Promise<E[]>;

  /** The codes `[n, latentDim]` (what each model's `encode` documents; integer codes for the VQ-VAE). */
  abstract encode(X: Input): Tensor | DiscreteCodes;
  /** Rows in the data space from codes Z `[n, latentDim]` (what each model's `decode` documents). */
  abstract decode(Z: Input): Tensor;
  /** decode(encode(X)). */
  abstract reconstruct(X: Input): Tensor;
}
