/**
 * Greedy layer-wise pre-training of a deep autoencoder (Bengio et al. 2007; Hinton &
 * Salakhutdinov 2006, with autoencoders in place of RBMs): level i is a shallow autoencoder
 * d_i → d_{i+1} → d_i trained on the codes of level i − 1 (level 0 on the data), and its two
 * layers become encoder layer i and the mirrored decoder layer of the deep model, which `fit`
 * then fine-tunes as a whole.
 *
 * @module
 */
import { bceWithLogits, mse } from '../../autodiff/functional.js';
import { activate, type Activation } from '../../nn/activations.js';
import { Linear } from '../../nn/linear.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import { copyParameters } from '../../nn/parameter-copy.js';
import { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertCols, trainingMatrix } from '../../train/batches.js';
import { resolveTraining, type TrainingOptions } from '../../train/options.js';
import { Trainer, type FitHooks } from '../../train/trainer.js';
import type { DenseMatrix, MatrixInput } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import type { AutoencoderConfig } from './autoencoder-config.js';
import type { AutoencoderNetwork } from './autoencoder-network.js';
import { TRAINING_KEYS } from './option-keys.js';
import { assertUnitData } from './unit-interval.js';
import { mlpStack } from './mlp-stack.js';

/**
 * Options of {@link Autoencoder.pretrainLayerwise}: the training options of each level's
 * shallow autoencoder (`epochs` is per level; defaults are the model's), and progress controls.
 *
 * @example
 * ```ts
 * await ae.pretrainLayerwise(X, { epochs: 5, batchSize: 64, learningRate: 1e-3, verbose: true });
 * ```
 */
export interface PretrainOptions extends TrainingOptions, Pick<FitHooks<unknown>, 'signal' | 'verbose' | 'yieldEveryMs'> {}

/**
 * What one level of {@link Autoencoder.pretrainLayerwise} trained: its widths, its epoch
 * losses, and the shallow autoencoder's two layers, whose weights are now encoder layer
 * `level` and decoder layer `L − 1 − level` of the deep model (copies: fine-tuning leaves them).
 *
 * @example
 * ```ts
 * const levels: PretrainLevel[] = await ae.pretrainLayerwise(X, { epochs: 5 });
 * console.log(levels.map((l) => `${l.sizes.join('→')}: ${l.history.at(-1)?.loss}`));
 * ```
 */
export interface PretrainLevel {
  /** 0-based level: 0 reconstructs the data, level i the codes of level i − 1. */
  level: number;
  /** `[d_i, d_{i+1}]`: the width of its input and of its code. */
  sizes: [number, number];
  /** Mean reconstruction loss per sample of each epoch (and the validation loss when there is validation). */
  history: { epoch: number; loss: number; valLoss?: number }[];
  /** The shallow encoder layer d_i → d_{i+1}. */
  encoder: Linear;
  /** The shallow decoder layer d_{i+1} → d_i. */
  decoder: Linear;
}

/** A layer followed by its activation, as MLP.forward applies it (ReLU fused). */
function layerForward(layer: Linear, act: Activation, x: Tensor, options?: ForwardOptions): Tensor {
  return act === 'relu' ? layer.forwardRelu(x, options) : activate(layer.forward(x, options), act);
}

/** One level: an encoder and a decoder layer with their activations and reconstruction loss. */
class ShallowAutoencoder extends Module {
  readonly encoder: Linear;
  readonly decoder: Linear;

  constructor(
    sizes: [number, number], readonly acts: [Activation, Activation], readonly loss: 'mse' | 'bce',
    rng: Rng, config: AutoencoderConfig,
  ) {
    super();
    const o = { rng, init: config.init, dtype: config.dtype };
    this.encoder = this.registerModule('encoder', new Linear(sizes[0], sizes[1], o));
    this.decoder = this.registerModule('decoder', new Linear(sizes[1], sizes[0], o));
  }

  forward(x: Tensor, options?: ForwardOptions): Tensor {
    return layerForward(this.decoder, this.acts[1], layerForward(this.encoder, this.acts[0], x, options), options);
  }

  lossOf(x: Tensor, options?: ForwardOptions): Tensor {
    const out = this.forward(x, options);
    return this.loss === 'bce' ? bceWithLogits(out, x, { reduction: 'batchMean' }) : mse(out, x, { reduction: 'batchMean' });
  }
}

const KEYS = [...TRAINING_KEYS, 'signal', 'verbose', 'yieldEveryMs'];

/**
 * Pre-trains every layer of `net` (built from `config`) greedily on X and writes the shallow
 * autoencoders' weights into it. Level i is seeded `${seed}:pretrain:${i}` (initial weights
 * from its `:init` stream, then shuffling and validation as any fit), so level 0 is exactly an
 * `Autoencoder({ inputDim, latentDim: d₁, latentActivation, loss, seed: `${seed}:pretrain:0` })`
 * fitted with the same options. The encoder layers keep the model's activations (the code
 * layer its `latentActivation`); decoder layer 0 outputs the reconstruction (logits for 'bce'),
 * the higher ones reconstruct ReLU codes (the model's `activation`) under squared error. The
 * penalties and input noise of the model apply to fine-tuning only.
 */
export async function pretrainLayers(
  net: AutoencoderNetwork, config: AutoencoderConfig, X: MatrixInput | Tensor, options: PretrainOptions, where: string,
): Promise<PretrainLevel[]> {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KEYS, where);
  const encoder = mlpStack(net.encoder, where, 'the encoder');
  const decoder = mlpStack(net.decoder, where, 'the decoder');
  const opts = resolveTraining(options, where, config.training);
  const data = trainingMatrix(X, where, config.dtype);
  assertCols(data, config.inputDim, where, 'Autoencoder');
  if (config.loss === 'bce') assertUnitData({ data, validation: null }, where, { option: 'loss', value: 'bce', alternative: 'mse' });
  const sizes = [config.inputDim, ...config.hiddenDims, config.latentDim];
  const depth = sizes.length - 1;
  const levels: PretrainLevel[] = [];
  let input: DenseMatrix = data;
  for (let i = 0; i < depth; i++) {
    const seed = `${config.seed}:pretrain:${i}`;
    const encAct = i === depth - 1 ? config.latentActivation : config.activation;
    const decAct = i === 0 ? 'identity' : config.activation;
    const shallow = new ShallowAutoencoder([sizes[i], sizes[i + 1]], [encAct, decAct], i === 0 ? config.loss : 'mse', new Rng(`${seed}:init`), config);
    const trainer = new Trainer(seed, ['noise'], where);
    const history = await trainer.fit({
      lossUnit: i === 0 && config.loss === 'bce' ? 'nats/sample' : 'squared error/sample',
      parameters: () => shallow.parameters(),
      trainingLoss: (batch) => ({ loss: shallow.lossOf(batch), parts: {} }),
      validationLoss: (batch) => ({ loss: shallow.lossOf(batch, { grad: false }).item(), parts: {} }),
    }, input, null, opts, options, (log) => (log.validation === null
      ? { epoch: log.epoch, loss: log.loss }
      : { epoch: log.epoch, loss: log.loss, valLoss: log.validation.loss }));
    copyInto(encoder.layers[i], shallow.encoder, where);
    copyInto(decoder.layers[depth - 1 - i], shallow.decoder, where);
    levels.push({ level: i, sizes: [sizes[i], sizes[i + 1]], history, encoder: shallow.encoder, decoder: shallow.decoder });
    if (i + 1 < depth) input = codesOf(shallow.encoder, encAct, input);
  }
  return levels;
}

/** Copies the weights of `from` into `to` (same shapes): the deep model gets its own arrays. */
function copyInto(to: Linear, from: Linear, where: string): void {
  const records = new Map([...from.parameters()].map(([k, t]) => [k, { shape: t.shape.slice(), data: t.data }]));
  copyParameters(to.parameters(), records, where);
}

/** The codes of a level for the next one: its encoder layer on every row, in chunks, no graph. */
function codesOf(layer: Linear, act: Activation, m: DenseMatrix): DenseMatrix {
  const width = layer.outFeatures;
  const out = m.data instanceof Float64Array ? new Float64Array(m.rows * width) : new Float32Array(m.rows * width);
  const CHUNK = 1024;
  for (let s = 0; s < m.rows; s += CHUNK) {
    const e = Math.min(s + CHUNK, m.rows);
    const x = new Tensor(m.data.subarray(s * m.cols, e * m.cols), [e - s, m.cols]);
    out.set(layerForward(layer, act, x, { grad: false }).data, s * width);
  }
  return { data: out, rows: m.rows, cols: width };
}
