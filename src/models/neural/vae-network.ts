import { bceWithLogits, gaussianKl, gaussianKlHead, gaussianNll, reparameterizeHead } from '../../autodiff/functional.js';
import { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import { buildPlan, decoderPlan, encoderPlan } from './conv-architecture.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { sameShape } from '../../tensor/shape.js';
import type { VAEConfig } from './vae-config.js';

/**
 * The three terms of the VAE objective on one batch, each a mean over its rows (nats per sample).
 *
 * @example
 * ```ts
 * const terms: VAETerms = vae.objective(X, { eps });
 * console.log(terms.reconstruction, terms.kl);
 * ```
 */
export interface VAETerms {
  /** reconstruction + klWeight · kl: what training minimises. */
  loss: Tensor;
  /** −E_q[ln p(x | z)], single-sample estimate. */
  reconstruction: Tensor;
  /** KL(q(z | x) ‖ p(z)), analytic. */
  kl: Tensor;
}

/**
 * The VAE's modules: `encoder` (an MLP from x to [μ, ln σ²], width 2·latentDim), `decoder` (an
 * MLP from z to Bernoulli logits or Gaussian means) and, for a Gaussian decoder with learned
 * variance, `decoderLogVar` (one log-variance per feature). Parameter names:
 * `encoder.layers.0.weight`, …, `decoder.layers.0.weight`, …, `decoderLogVar`.
 *
 * @example
 * ```ts
 * const net = new VAENetwork(resolveVAEConfig({ inputDim: 784, hiddenDims: [400], latentDim: 20 }), new Rng(0));
 * const { loss } = net.terms(x, Tensor.randn([x.shape[0], 20], rng), 1);
 * ```
 */
export class VAENetwork extends Module {
  readonly encoder: MLP | Sequential;
  readonly decoder: MLP | Sequential;
  private readonly fixedLogVar: Tensor | null;

  constructor(private readonly config: VAEConfig, rng: Rng) {
    super();
    const { inputDim, hiddenDims, latentDim, activation, init, dtype } = config;
    const arch = config.architecture;
    this.encoder = this.registerModule('encoder', arch !== undefined
      ? buildPlan(encoderPlan(arch, hiddenDims, 2 * latentDim, activation, 'identity'), rng, init, dtype)
      : new MLP({ sizes: [inputDim, ...hiddenDims, 2 * latentDim], activation, rng, init, dtype }));
    this.decoder = this.registerModule('decoder', arch !== undefined
      ? buildPlan(decoderPlan(arch, hiddenDims, latentDim, activation), rng, init, dtype)
      : new MLP({ sizes: [latentDim, ...hiddenDims.slice().reverse(), inputDim], activation, rng, init, dtype }));
    this.fixedLogVar = null;
    if (config.likelihood === 'gaussian') {
      if (config.decoderVariance === 'learned') this.registerParameter('decoderLogVar', Tensor.zeros([inputDim], { dtype }));
      else this.fixedLogVar = Tensor.full([], Math.log(config.decoderVariance), { dtype });
    }
  }

  /** The reconstruction at z = μ: decoder logits (Bernoulli) or means (Gaussian). */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const k = this.config.latentDim;
    return this.decoder.forward(this.encoder.forward(x, options).slice(1, 0, k), options);
  }

  /** The decoder's log-variance: the learned parameter, or the fixed constant (null for Bernoulli). */
  decoderLogVar(options?: ForwardOptions): Tensor | null {
    return this.fixedLogVar ?? (this.config.likelihood === 'gaussian' ? this.param('decoderLogVar', options) : null);
  }

  /**
   * The objective on a batch with the given noise ε [n, latentDim]: z = μ + e^{½ ln σ²} ⊙ ε,
   * reconstruction −ln p(x | z), analytic KL, loss = reconstruction + klWeight · KL. `eps` may
   * be a function giving the noise, called once, after the encoder (a training step draws it
   * while the encoder's first product runs on the workers, see `VAE`).
   */
  terms(x: Tensor, eps: Tensor | (() => Tensor), klWeight: number, options?: ForwardOptions): VAETerms {
    const k = this.config.latentDim;
    const h = this.encoder.forward(x, options);
    const noise = typeof eps === 'function' ? eps() : eps;
    // The head read in place, with the bytes of the ops on its slices, where ε is [n, k] of h's
    // type; a broadcast ε or one of another type takes the ops on the slices.
    const inPlace = noise.shape.length === 2 && sameShape(noise.shape, [h.shape[0], k]) && noise.dtype === h.dtype;
    let z: Tensor;
    let kl: () => Tensor;
    if (inPlace) {
      z = reparameterizeHead(h, noise);
      kl = () => gaussianKlHead(h, { reduction: 'batchMean' });
    } else {
      const mean = h.slice(1, 0, k);
      const logVar = h.slice(1, k, 2 * k);
      z = mean.add(logVar.mul(0.5).exp().mul(noise));
      kl = () => gaussianKl(mean, logVar, { reduction: 'batchMean' });
    }
    const out = this.decoder.forward(z, options);
    const reconstruction = this.config.likelihood === 'bernoulli'
      ? bceWithLogits(out, x, { reduction: 'batchMean' })
      : gaussianNll(x, out, this.decoderLogVar(options)!, { reduction: 'batchMean' });
    const klTerm = kl();
    const loss = klWeight === 1 ? reconstruction.add(klTerm) : reconstruction.add(klTerm.mul(klWeight));
    return { loss, reconstruction, kl: klTerm };
  }
}
