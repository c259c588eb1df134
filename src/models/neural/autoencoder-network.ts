import { bceWithLogits, mse } from '../../autodiff/functional.js';
import { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import { buildPlan, decoderPlan, encoderPlan } from './conv-architecture.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import type { AutoencoderConfig } from './autoencoder-config.js';

/**
 * The terms of the autoencoder objective on one batch, each per sample (mean over rows).
 *
 * @example
 * ```ts
 * const terms: AutoencoderTerms = ae.objective(X);
 * console.log(terms.reconstruction);
 * ```
 */
export interface AutoencoderTerms {
  /** reconstruction + penalties: what training minimises. */
  loss: Tensor;
  /** Squared error summed over features ('mse') or BCE in nats ('bce'). */
  reconstruction: Tensor;
  /** sparsity·Σ|z| + binarize·Σ z(1 − z) + (weightDecay/2)·Σ W²; a zero scalar when all are off. */
  penalty: Tensor;
}

/**
 * The autoencoder's modules: `encoder` (MLP from x to the code, code activation last) and
 * `decoder` (the mirrored MLP from the code to reconstructions, or logits for 'bce').
 * Parameter names: `encoder.layers.0.weight`, …, `decoder.layers.0.weight`, …
 *
 * @example
 * ```ts
 * const net = new AutoencoderNetwork(resolveAutoencoderConfig({ inputDim: 10, latentDim: 2 }), new Rng(0));
 * const { loss } = net.terms(x, x);
 * ```
 */
export class AutoencoderNetwork extends Module {
  readonly encoder: MLP | Sequential;
  readonly decoder: MLP | Sequential;

  constructor(private readonly config: AutoencoderConfig, rng: Rng) {
    super();
    const { inputDim, hiddenDims, latentDim, activation, latentActivation, init, dtype } = config;
    const arch = config.architecture;
    this.encoder = this.registerModule('encoder', arch !== undefined ? buildPlan(encoderPlan(arch, hiddenDims, latentDim, activation, latentActivation), rng, init, dtype) : new MLP({
      sizes: [inputDim, ...hiddenDims, latentDim], activation, outputActivation: latentActivation, rng, init, dtype,
    }));
    this.decoder = this.registerModule('decoder', arch !== undefined ? buildPlan(decoderPlan(arch, hiddenDims, latentDim, activation), rng, init, dtype) : new MLP({
      sizes: [latentDim, ...hiddenDims.slice().reverse(), inputDim], activation, outputActivation: 'identity', rng, init, dtype,
    }));
  }

  /** The decoder output for x: reconstructions ('mse') or logits ('bce'). */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    return this.decoder.forward(this.encoder.forward(x, options), options);
  }

  /** The objective: `input` (possibly corrupted) is encoded, `target` is what must come back. */
  terms(input: Tensor, target: Tensor, options?: ForwardOptions): AutoencoderTerms {
    const n = target.shape[0];
    const { sparsity, binarize, weightDecay } = this.config;
    const z = this.encoder.forward(input, options);
    const out = this.decoder.forward(z, options);
    const reconstruction = this.config.loss === 'bce'
      ? bceWithLogits(out, target, { reduction: 'batchMean' })
      : mse(out, target, { reduction: 'batchMean' });
    let penalty: Tensor | null = null;
    const addTo = (t: Tensor) => { penalty = penalty === null ? t : penalty.add(t); };
    if (sparsity > 0) addTo(z.abs().sum().mul(sparsity / n));
    if (binarize > 0) addTo(z.mul(z.neg().add(1)).sum().mul(binarize / n));
    if (weightDecay > 0) {
      for (const [name, p] of this.parameters()) {
        if (name.endsWith('.weight')) addTo((options?.grad === false ? p.detach() : p).square().sum().mul(weightDecay / 2));
      }
    }
    const pen: Tensor = penalty ?? Tensor.zeros([], { dtype: reconstruction.dtype });
    return { loss: penalty === null ? reconstruction : reconstruction.add(pen), reconstruction, penalty: pen };
  }
}
