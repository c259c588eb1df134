import { bceWithLogits, categoricalKl, gumbelSoftmax } from '../../autodiff/functional.js';
import { MLP } from '../../nn/mlp.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import type { Rng } from '../../random/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CategoricalVAEConfig } from './categorical-vae-config.js';

/**
 * The terms of the categorical VAE objective on one batch, each a mean over its rows (nats per sample).
 *
 * @example
 * ```ts
 * const terms: CategoricalVAETerms = cvae.objective(X, { noise, temperature: 0.5 });
 * console.log(terms.reconstruction.item(), terms.kl.item());
 * ```
 */
export interface CategoricalVAETerms {
  /** reconstruction + β · kl: what training minimises. */
  loss: Tensor;
  /** −ln p(x | z) at the (relaxed or straight-through) Gumbel-softmax sample z. */
  reconstruction: Tensor;
  /** KL(q(z | x) ‖ uniform), summed over the N variables, analytic. */
  kl: Tensor;
}

/**
 * The categorical VAE's modules: `encoder` (an MLP from x to N·K logits, variable j's K logits
 * at columns [j·K, (j + 1)·K)) and `decoder` (an MLP from the N·K one-hot or relaxed code to
 * Bernoulli logits). Parameter names: `encoder.layers.0.weight`, …, `decoder.layers.0.weight`, ….
 *
 * @example
 * ```ts
 * const net = new CategoricalVAENetwork(resolveCategoricalVAEConfig({ inputDim: 64, nVariables: 8, nCategories: 4 }), new Rng(0));
 * ```
 */
export class CategoricalVAENetwork extends Module {
  readonly encoder: MLP;
  readonly decoder: MLP;

  constructor(private readonly config: CategoricalVAEConfig, rng: Rng) {
    super();
    const { inputDim, hiddenDims, latentDim, activation, init, dtype } = config;
    this.encoder = this.registerModule('encoder', new MLP({ sizes: [inputDim, ...hiddenDims, latentDim], activation, rng, init, dtype }));
    this.decoder = this.registerModule('decoder', new MLP({ sizes: [latentDim, ...hiddenDims.slice().reverse(), inputDim], activation, rng, init, dtype }));
  }

  /** The decoder's logits at q(z | x)'s probabilities (softmax per variable: the Gumbel-softmax at τ = 1 with zero noise). */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const logits = this.encoder.forward(x, options);
    const z = gumbelSoftmax(logits, { tau: 1, nCategories: this.config.nCategories, noise: new Float64Array(logits.size) });
    return this.decoder.forward(z, options);
  }

  /**
   * The objective on a batch with the given Gumbel noise (one value per logit):
   * z = gumbelSoftmax(logits, τ, hard), reconstruction −ln p(x | z) (Bernoulli), KL to the
   * uniform prior, loss = reconstruction + klWeight · KL.
   */
  terms(x: Tensor, noise: ArrayLike<number>, tau: number, klWeight: number, options?: ForwardOptions): CategoricalVAETerms {
    const { nCategories, hard } = this.config;
    const logits = this.encoder.forward(x, options);
    const z = gumbelSoftmax(logits, { tau, hard, nCategories, noise });
    const reconstruction = bceWithLogits(this.decoder.forward(z, options), x, { reduction: 'batchMean' });
    const kl = categoricalKl(logits, { nCategories, reduction: 'batchMean' });
    const loss = klWeight === 1 ? reconstruction.add(kl) : reconstruction.add(kl.mul(klWeight));
    return { loss, reconstruction, kl };
  }
}
