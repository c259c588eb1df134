import { softmaxCrossEntropy } from '../../autodiff/functional.js';
import { Linear } from '../../nn/linear.js';
import { MLP } from '../../nn/mlp.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import type { Rng } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ClassifierConfig } from './classifier-config.js';

/**
 * The classifier's modules: `encoder` (an MLP over the hidden widths, `codeActivation` last;
 * absent without hidden layers) and `head` (a Linear layer to one logit per class). Parameter
 * names: `encoder.layers.0.weight`, …, `head.weight`, `head.bias`. The softmax is in the loss
 * (softmaxCrossEntropy) and in `predictProba`, not in the network.
 *
 * @example
 * ```ts
 * const net = new ClassifierNetwork(resolveClassifierConfig({ inputDim: 64, hiddenDims: [32], nClasses: 10 }), new Rng(0));
 * const logits = net.forward(x); // [n, 10]
 * ```
 */
export class ClassifierNetwork extends Module {
  readonly encoder: MLP | null;
  readonly head: Linear;

  constructor(private readonly config: ClassifierConfig, rng: Rng) {
    super();
    const { inputDim, hiddenDims, nClasses, activation, codeActivation, init, dtype } = config;
    this.encoder = hiddenDims.length === 0 ? null : this.registerModule('encoder', new MLP({
      sizes: [inputDim, ...hiddenDims], activation, outputActivation: codeActivation, rng, init, dtype,
    }));
    this.head = this.registerModule('head', new Linear(hiddenDims.at(-1) ?? inputDim, nClasses, { rng, init, dtype }));
  }

  /** The logits `[n, nClasses]`. With `freeze`, the encoder runs without a graph during training too. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const frozen = this.config.freeze ? { grad: false } : options;
    const h = this.encoder === null ? x : this.encoder.forward(x, frozen);
    return this.head.forward(h, options);
  }

  /** The mean cross-entropy of logits from {@link ClassifierNetwork.forward} against their labels. */
  headLoss(logits: Tensor, labels: Int32Array): Tensor {
    return softmaxCrossEntropy(logits, labels, { reduction: 'mean' });
  }

  /** What the trainer updates: everything, or the head only with `freeze`. */
  trainableParameters(): Map<string, Tensor> {
    if (!this.config.freeze) return this.parameters();
    return new Map([...this.head.parameters()].map(([k, p]) => [`head.${k}`, p]));
  }
}
