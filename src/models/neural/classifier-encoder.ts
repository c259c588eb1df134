/**
 * The pre-trained encoder of {@link Classifier.fromEncoder}: the classifier options that give its
 * encoder the source's shape, and the copy of the source's weights into it.
 *
 * @module
 */
import { NotFittedError, describeValue } from '../../errors.js';
import type { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import { mlpStack } from './mlp-stack.js';
import { TRAINING_KEYS } from './option-keys.js';
import { assertKnownOptions } from '../options.js';
import type { ClassifierOptions } from './classifier-config.js';

/**
 * Options of {@link Classifier.fromEncoder}: those of {@link ClassifierOptions} except the
 * shape of the encoder, which comes from the source model.
 *
 * @example
 * ```ts
 * const probe = Classifier.fromEncoder(vae, { nClasses: 10, freeze: true, epochs: 100, seed: 3 });
 * const tuned = Classifier.fromEncoder(ae, { nClasses: 10, encoderLearningRate: 1e-4 });
 * ```
 */
export type FromEncoderOptions = Omit<ClassifierOptions, 'inputDim' | 'hiddenDims' | 'activation' | 'codeActivation' | 'dtype'>;

/**
 * What {@link Classifier.fromEncoder} reads of an Autoencoder or a VAE (both are
 * {@link NeuralModel}s): the sizes, the dtype and the encoder MLP.
 *
 * @example
 * ```ts
 * const source: EncoderSource = vae; // or an Autoencoder
 * const clf = Classifier.fromEncoder(source, { nClasses: 10 });
 * ```
 */
export interface EncoderSource {
  readonly type: string;
  readonly isFitted: boolean;
  readonly inputDim: number;
  readonly latentDim: number;
  readonly encoder: MLP | Sequential;
  readonly config: { readonly dtype: 'float32' | 'float64' };
}

const OWN_KEYS = ['nClasses', 'freeze', 'encoderLearningRate', 'init', 'seed'];

function checkSource(model: EncoderSource, where: string): void {
  const m = model as Partial<EncoderSource> | null;
  if (m === null || typeof m !== 'object' || typeof m.latentDim !== 'number' || m.encoder === undefined || typeof m.encoder.forward !== 'function') {
    throw new TypeError(`${where}: model must be an Autoencoder or a VAE (got ${describeValue(model)})`);
  }
  if (!model.isFitted) throw new NotFittedError(`${model.type} (in ${where}: pre-train the model first)`);
}

/**
 * The classifier options for a copy of `model`'s encoder: its input width, its hidden widths,
 * then `latentDim` (the code; a VAE's last layer is cut to its μ rows), its activations and
 * dtype, and the caller's options for the rest.
 */
export function encoderBodyOptions(model: EncoderSource, options: FromEncoderOptions, where: string): ClassifierOptions {
  checkSource(model, where);
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, [...OWN_KEYS, ...TRAINING_KEYS], where);
  const { sizes, activation, outputActivation } = mlpStack(model.encoder, where, "the model's encoder");
  return {
    ...options,
    inputDim: model.inputDim,
    hiddenDims: [...sizes.slice(1, -1), model.latentDim],
    activation,
    codeActivation: outputActivation,
    dtype: model.config.dtype,
  };
}

/**
 * Copies `model`'s encoder into `body` (built from {@link encoderBodyOptions}): every layer as
 * is, the last one's first `latentDim` rows of weight and bias (all of an autoencoder's, the μ
 * half of a VAE's [μ, ln σ²]). The arrays are copied, so neither model sees the other's training.
 */
export function copyEncoderBody(model: EncoderSource, body: MLP, where: string): void {
  const src = mlpStack(model.encoder, where, "the model's encoder").layers;
  const dst = body.layers;
  if (src.length !== dst.length) throw new Error(`${where}: internal error, ${src.length} source layers for ${dst.length}`);
  dst.forEach((layer, i) => {
    const from = src[i];
    const w = layer.weight.data;
    w.set(from.weight.data.subarray(0, w.length));
    const b = layer.bias;
    const fb = from.bias;
    if (b !== null && fb !== null) b.data.set(fb.data.subarray(0, b.data.length));
  });
}
