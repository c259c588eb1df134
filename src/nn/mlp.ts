import type { Rng } from '../random/rng.js';
import type { Tensor, DType } from '../tensor/tensor.js';
import { assertInt, assertOneOf } from '../validate.js';
import { ACTIVATIONS, activate, type Activation } from './activations.js';
import { INIT_NAMES, type InitName } from './init.js';
import { Linear } from './linear.js';
import { Module, ModuleList, type ForwardOptions } from './module.js';

/**
 * Options of {@link MLP}.
 *
 * @example
 * ```ts
 * const mlp = new MLP({ sizes: [784, 400, 20], activation: 'relu', rng: new Rng(0) });
 * ```
 */
export interface MLPOptions {
  /** Layer widths from input to output, at least two: `[784, 400, 40]` is two Linear layers. */
  sizes: readonly number[];
  /** Nonlinearity after every layer but the last. Default `'relu'`. */
  activation?: Activation;
  /** Nonlinearity after the last layer. Default `'identity'`. */
  outputActivation?: Activation;
  /** The stream the initial weights are drawn from, layer by layer, weight then bias. */
  rng: Rng;
  /** Initialisation scheme of every layer. Default `'pytorch'`. */
  init?: InitName;
  /** Storage type of the parameters. Default `'float32'`. */
  dtype?: DType;
}

/**
 * A multilayer perceptron: Linear layers named `layers.0`, `layers.1`, … with an activation
 * between them. Parameter names: `layers.0.weight`, `layers.0.bias`, …
 *
 * @example
 * ```ts
 * const mlp = new MLP({ sizes: [784, 400, 40], activation: 'relu', rng: new Rng(1) });
 * const out = mlp.forward(Tensor.zeros([8, 784])); // [8, 40]
 * [...mlp.parameters().keys()]; // ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
 * ```
 */
export class MLP extends Module {
  /** The dense layers, input side first. */
  readonly layers: readonly Linear[];
  /** Layer widths from input to output. */
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly outputActivation: Activation;

  constructor(options: MLPOptions) {
    super();
    const sizes = options?.sizes;
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new RangeError(`MLP: sizes must list at least 2 widths (got ${JSON.stringify(sizes)})`);
    }
    sizes.forEach((s, i) => assertInt(s, `sizes[${i}]`, 'MLP', 1));
    this.sizes = Object.freeze(sizes.slice());
    this.activation = assertOneOf(options.activation ?? 'relu', ACTIVATIONS, 'activation', 'MLP');
    this.outputActivation = assertOneOf(options.outputActivation ?? 'identity', ACTIVATIONS, 'outputActivation', 'MLP');
    const init = assertOneOf(options.init ?? 'pytorch', INIT_NAMES, 'init', 'MLP');
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const layer = new Linear(sizes[i], sizes[i + 1], { rng: options.rng, init, dtype: options.dtype ?? 'float32' });
      layers.push(layer);
    }
    this.layers = this.registerModule('layers', new ModuleList(layers)).items;
  }

  /** x `[n, sizes[0]]` → `[n, sizes[last]]`. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    let h = x;
    const last = this.layers.length - 1;
    for (let i = 0; i <= last; i++) {
      const act = i === last ? this.outputActivation : this.activation;
      h = act === 'relu' ? this.layers[i].forwardRelu(h, options) : activate(this.layers[i].forward(h, options), act);
    }
    return h;
  }
}
