import { bceWithLogits, mse, straightThrough } from '../../autodiff/functional.js';
import { MLP } from '../../nn/mlp.js';
import { Module, type ForwardOptions } from '../../nn/module.js';
import type { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { quantize, vqLosses } from './vq-codebook.js';
import type { VQVAEConfig } from './vq-vae-config.js';

/**
 * The terms of the VQ-VAE objective on one batch, each per sample (mean over rows), and the
 * batch's codes.
 *
 * @example
 * ```ts
 * const t: VQVAETerms = vq.objective(X);
 * console.log(t.reconstruction.item(), t.commitment.item(), t.codes.length);
 * ```
 */
export interface VQVAETerms {
  /** reconstruction + codebook (with `codebookUpdate: 'loss'`) + commitment: what training minimises. */
  loss: Tensor;
  /** Squared error summed over features ('mse') or BCE in nats ('bce'), at the decoded z_q. */
  reconstruction: Tensor;
  /** ‖sg[z_e] − z_q‖² summed over the M·d latent values (its value also with `'ema'`, where it is not in the loss). */
  codebook: Tensor;
  /** β‖z_e − sg[z_q]‖². */
  commitment: Tensor;
  /** The nearest code of each latent vector, `[n·M]` (row i·M + m: sample i, latent m). */
  codes: Int32Array;
  /** The encoder outputs z_e as rows `[n·M, d]`. */
  ze: Tensor;
}

/**
 * The VQ-VAE's modules and codebook: `encoder` (MLP from x to the M·d values of z_e),
 * `decoder` (the mirrored MLP from the M·d values of z_q to reconstructions, or logits for
 * 'bce'), and `codebook` `[K, d]`, U(−1/K, 1/K) at construction. Parameter names:
 * `codebook`, `encoder.layers.0.weight`, …, `decoder.layers.0.weight`, …
 *
 * @example
 * ```ts
 * const net = new VQVAENetwork(resolveVQVAEConfig({ inputDim: 10, nLatents: 2, nCodes: 8, codeDim: 4 }), new Rng(0));
 * const { loss, codes } = net.terms(x);
 * ```
 */
export class VQVAENetwork extends Module {
  readonly encoder: MLP;
  readonly decoder: MLP;

  constructor(private readonly config: VQVAEConfig, rng: Rng) {
    super();
    const { inputDim, hiddenDims, nLatents, nCodes, codeDim, activation, init, dtype } = config;
    const width = nLatents * codeDim;
    this.encoder = this.registerModule('encoder', new MLP({ sizes: [inputDim, ...hiddenDims, width], activation, outputActivation: 'identity', rng, init, dtype }));
    this.decoder = this.registerModule('decoder', new MLP({
      sizes: [width, ...hiddenDims.slice().reverse(), inputDim], activation, outputActivation: 'identity', rng, init, dtype,
    }));
    this.registerParameter('codebook', Tensor.rand([nCodes, codeDim], rng, { dtype, low: -1 / nCodes, high: 1 / nCodes }));
  }

  /** The codebook parameter `[K, d]` (live). */
  get codebook(): Tensor { return this.param('codebook'); }

  /** The decoder output at the quantised encoding of x: reconstructions ('mse') or logits ('bce'). */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    const n = x.shape[0];
    const rows = this.encoder.forward(x, options).reshape([n * this.config.nLatents, this.config.codeDim]);
    const { zq } = quantize(rows, this.codebook.detach());
    return this.decoder.forward(zq.reshape([n, this.config.nLatents * this.config.codeDim]), options);
  }

  /**
   * The objective on a batch: z_e = encoder(x) as n·M rows of d, z_q = the nearest codes, the
   * decoder applied to straightThrough(z_e, z_q) (so the reconstruction's gradient reaches the
   * encoder as if z_q were z_e), and the codebook and commitment losses. `prepare` sees z_e
   * before quantisation (the model's first step uses it to start the codebook).
   */
  terms(x: Tensor, options?: ForwardOptions, prepare?: (ze: Tensor) => void): VQVAETerms {
    const { nLatents, codeDim, codebookUpdate, commitment: beta } = this.config;
    const n = x.shape[0];
    const ze = this.encoder.forward(x, options).reshape([n * nLatents, codeDim]);
    prepare?.(ze);
    // With EMA updates (and for inference) the codebook is outside the graph.
    const book = codebookUpdate === 'ema' || options?.grad === false ? this.codebook.detach() : this.codebook;
    const { codes, zq } = quantize(ze, book);
    const out = this.decoder.forward(straightThrough(ze, zq).reshape([n, nLatents * codeDim]), options);
    const reconstruction = this.config.loss === 'bce'
      ? bceWithLogits(out, x, { reduction: 'batchMean' })
      : mse(out, x, { reduction: 'batchMean' });
    const { codebook, commitment } = vqLosses(ze, zq, n, beta);
    const withCodebook = codebookUpdate === 'loss' ? reconstruction.add(codebook) : reconstruction;
    return { loss: withCodebook.add(commitment), reconstruction, codebook, commitment, codes, ze };
  }
}
