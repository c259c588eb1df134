import { epochEntry } from './epoch-entry.js';
import type { RowSource } from '../../io/row-source.js';
import type { SourceFitOptions } from './source-fit.js';
import { NotFittedError } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import type { MLP } from '../../nn/mlp.js';
import type { Sequential } from '../../nn/sequential.js';
import { Rng, type RngState } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { arenaOf } from '../../kernels/wasm/arena.js';
import { modelMatrix } from '../../train/batches.js';
import { unpackNeuralState, wantsTrainingState, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { deepFreeze, type TrainingOptions } from '../../train/options.js';
import { Trainer, type EpochLog, type FitHooks, type StepContext, type Trainable } from '../../train/trainer.js';
import { assertInt, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { resolveVAEConfig, vaeConfigToJSON, type VAEConfig, type VAEOptions } from './vae-config.js';
import { decodeRaw, elboRows, encodeRaw, logLikelihoodRows, splitHalves } from './vae-inference.js';
import { VAENetwork, type VAETerms } from './vae-network.js';
import { vaeStateDict, loadVAEStateDict, type StateDictOptions } from './model-state-dict.js';
import { vaePytorchSource } from './pytorch-source.js';
import type { LoadStateDictOptions, LoadStateDictResult, StateDict, StateDictInput } from '../../nn/state-dict.js';
import { lossUnit } from './loss-unit.js';
import type { UnitSetting } from './unit-interval.js';
import { codesMatrix } from './codes.js';
import { savedOptions } from './option-keys.js';
import { NeuralModel } from './base.js';
import { imageRows } from './conv-architecture.js';
import type { EstimateOptions } from './estimate-options.js';

export type { EstimateOptions } from './estimate-options.js';

/**
 * One epoch of VAE training: per-sample means in nats (validation fields when there is validation data).
 *
 * @example
 * ```ts
 * const history: VAEEpoch[] = await vae.fit(X, { epochs: 10 });
 * console.log(history.at(-1)?.kl);
 * ```
 */
export interface VAEEpoch {
  /** 1-based epoch number, counted over all `fit` calls. */
  epoch: number;
  /** reconstruction + klWeight · kl, the minimised objective. */
  loss: number;
  /** −E_q[ln p(x | z)] (single-sample estimate). */
  reconstruction: number;
  /** KL(q(z | x) ‖ p(z)). */
  kl: number;
  /** The KL weight at the end of the epoch (β, or less during warm-up). */
  klWeight: number;
  valLoss?: number;
  valReconstruction?: number;
  valKl?: number;
  /** Training time of the epoch and its throughput. */
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Options of {@link VAE.fit}: training overrides, callbacks and controls.
 *
 * @example
 * ```ts
 * await vae.fit(X, { epochs: 10, batchSize: 128, learningRate: 1e-3, verbose: true, signal: controller.signal });
 * ```
 */
export interface VAEFitOptions extends TrainingOptions, FitHooks<VAEEpoch>, SourceFitOptions {}

type Input = MatrixInput | Tensor;
const NO_GRAD = { grad: false } as const;

/**
 * A variational autoencoder (Kingma & Welling 2014). The encoder outputs μ and ln σ² of
 * q(z | x) = N(μ, diag σ²); z = μ + σ ⊙ ε; the KL to N(0, I) is analytic; the decoder is
 * Bernoulli on logits (stable BCE) or Gaussian with fixed or learned variance. Training
 * minimises reconstruction + β·KL (optionally warmed up), reported in nats per sample.
 *
 * @example
 * ```ts
 * const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 1 });
 * const history = await vae.fit(X, { epochs: 10, batchSize: 128, learningRate: 1e-3 });
 * const codes = vae.encode(X);                 // posterior means [n, 20]
 * const { mean, logVar } = vae.posterior(X);   // q(z | x)
 * const ll = vae.scoreSamples(Xtest, { samples: 100, seed: 0 }); // ln p(x), nats per row
 * ```
 */
export class VAE extends NeuralModel<VAEConfig, VAENetwork, VAEEpoch> {
  private evalRng: Rng;

  constructor(options: VAEOptions) {
    const config = deepFreeze(resolveVAEConfig(options));
    const initRng = new Rng(`${config.seed}:init`);
    super(config, new VAENetwork(config, initRng), new Trainer(config.seed, ['reparameterization'], 'VAE.fit'), initRng);
    this.evalRng = new Rng(`${this.config.seed}:evaluation`);
    this.lastKlWeight = this.config.klWarmup === 0 ? this.config.beta : 0;
  }

  /** `'VAE'`, the type tag of the saved state. */
  get type(): 'VAE' { return 'VAE'; }
  /** The encoder (x → [μ, ln σ²]): an MLP, or a Sequential for the conv architecture. */
  get encoder(): MLP | Sequential { return this.net.encoder; }
  /** The decoder (z → logits or means): an MLP, or a Sequential for the conv architecture. */
  get decoder(): MLP | Sequential { return this.net.decoder; }

  /**
   * Trains for `epochs` more epochs (an interrupted epoch is finished first and counts as one)
   * and returns their history. Options given here override the constructor's for this call.
   *
   * On the `'wasm'` backend, from the second step on, the parameters, their gradients, the
   * optimizer's moments and the step's activations live in one WebAssembly memory, so the
   * matrix products and Adam work on them in place; callbacks then see `p.data` as a view of
   * that memory. When `fit` returns or throws, every parameter gets its own array back, holding
   * the trained values. The numbers are the same either way; `LATENT_TS_ARENA=0` turns it off.
   *
   * Given a {@link RowSource} instead (`idxSource`, `csvSource`, `matrixSource`, any iterable
   * or async iterable of `{ data, shape }` batches), an epoch is one pass over it, its rows
   * shuffled within a buffer of `shuffleBuffer` rows (default 10,000; a buffer that holds the
   * whole pass gives the bytes of the in-memory fit), so memory holds the buffer and a batch.
   * `validationData` may then be a held-out source; `validationSplit` holds out a seeded
   * fraction of the stream's rows. If the source throws or yields a bad batch, `fit` rejects
   * with that error and the model is as it was before the call.
   *
   * @example
   * ```ts
   * const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 1 });
   * await vae.fit(X, { epochs: 10 });                                      // a matrix in memory
   * await vae.fit(idxSource('train-images-idx3-ubyte.gz'), { epochs: 10, shuffleBuffer: 20_000 }); // streamed
   * ```
   */
  async fit(X: Input | RowSource, options: VAEFitOptions = {}): Promise<VAEEpoch[]> {
    return this.train(X, options, 'VAE.fit');
  }

  /** The Bernoulli likelihood needs data in [0, 1]. @internal */
  protected unitSetting(): UnitSetting | null {
    return this.config.likelihood === 'bernoulli' ? { option: 'likelihood', value: 'bernoulli', alternative: 'gaussian' } : null;
  }

  private klWeight(ctx: StepContext): number {
    const { beta, klWarmup } = this.config;
    if (klWarmup === 0) return beta;
    return beta * Math.min(1, (ctx.step + 1) / (klWarmup * ctx.batchesPerEpoch));
  }

  /** The KL weight of the last training step (validation uses the same). */
  private lastKlWeight: number;

  /** The reconstruction and KL terms, with the KL weight of the step. @internal */
  protected trainable(): Trainable {
    const eps = (n: number, rng: Rng) => Tensor.randn([n, this.latentDim], rng, { dtype: this.config.dtype });
    return {
      lossUnit: lossUnit(this.config),
      // The KL warm-up counts steps in epochs: a stream of unknown length is counted first.
      needsBatchesPerEpoch: this.config.klWarmup > 0,
      parameters: () => this.net.parameters(),
      trainingLoss: (batch, ctx) => {
        this.lastKlWeight = this.klWeight(ctx);
        // The noise is drawn while the workers compute the encoder's first product (its bytes
        // do not depend on when), or when terms needs it if no product was split before.
        let noise: Tensor | undefined;
        const draw = (): Tensor => (noise ??= eps(batch.shape[0], ctx.rng('reparameterization')));
        arenaOf(batch.data)?.overlapNextProduct(() => { draw(); });
        const t = this.net.terms(batch, draw, this.lastKlWeight);
        return { loss: t.loss, parts: { reconstruction: t.reconstruction.item(), kl: t.kl.item() } };
      },
      validationLoss: (batch, ctx) => {
        const t = this.net.terms(batch, eps(batch.shape[0], ctx.rng('validation')), this.lastKlWeight, NO_GRAD);
        return { loss: t.loss.item(), parts: { reconstruction: t.reconstruction.item(), kl: t.kl.item() } };
      },
    };
  }

  /** A {@link VAEEpoch} of one trainer log. @internal */
  protected record(log: EpochLog): VAEEpoch {
    const p = log.parts;
    return epochEntry(log, { reconstruction: p.reconstruction, kl: p.kl, klWeight: this.lastKlWeight }, ['reconstruction', 'kl']);
  }

  /**
   * The training objective on a batch, with a graph to the parameters: mean reconstruction,
   * analytic KL and their weighted sum. Pass `eps` [n, latentDim] to fix the noise (the ELBO is
   * then deterministic); otherwise it is drawn from `seed` or the evaluation stream.
   */
  objective(X: Input, options: { eps?: Input; klWeight?: number; seed?: number | string } = {}): VAETerms {
    const x = this.matrix(X, 'VAE.objective', this.inputDim);
    const n = x.rows;
    const eps = options.eps !== undefined
      ? codesMatrix(options.eps, 'VAE.objective', this.latentDim, 'VAE', this.config.dtype, 'eps')
      : { data: this.rngFor(options.seed).fillNormal(this.config.dtype === 'float64' ? new Float64Array(n * this.latentDim) : new Float32Array(n * this.latentDim)), rows: n, cols: this.latentDim };
    if (eps.rows !== n) throw new RangeError(`VAE.objective: eps must have ${n} rows (got ${eps.rows})`);
    return this.net.terms(new Tensor(x.data, [n, x.cols]), new Tensor(eps.data, [n, eps.cols]), options.klWeight ?? this.config.beta);
  }

  /** The codes: the mean of q(z | x) for each row, `[n, latentDim]` (see {@link VAE.posterior} for the variance too). */
  encode(X: Input): Tensor {
    return this.posteriorAt(X, 'VAE.encode').mean;
  }

  /** Mean and log-variance of q(z | x) for each row: two `[n, latentDim]` tensors. */
  posterior(X: Input): { mean: Tensor; logVar: Tensor } {
    return this.posteriorAt(X, 'VAE.posterior');
  }

  private posteriorAt(X: Input, where: string): { mean: Tensor; logVar: Tensor } {
    const x = this.fitted(X, where, this.inputDim);
    return splitHalves(encodeRaw(this.net, x, this.latentDim), x.rows, this.latentDim);
  }

  /** The mean of p(x | z) for each row of Z `[n, latentDim]`: probabilities (Bernoulli) or means (Gaussian). */
  decode(Z: Input): Tensor {
    const where = 'VAE.decode';
    this.assertFitted(where);
    const z = codesMatrix(Z, where, this.latentDim, 'VAE', this.config.dtype);
    return decodeRaw(this.net, z, this.config.likelihood, this.inputDim);
  }

  /** decode(encode(X)): the reconstruction at the posterior mean. */
  reconstruct(X: Input): Tensor {
    return this.decode(this.encode(X));
  }

  /** Decoder means of `n` draws z ~ N(0, I), from a fresh stream when `seed` is given. */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    this.assertFitted('VAE.sample');
    assertInt(n, 'n', 'VAE.sample', 1);
    const z = Tensor.randn([n, this.latentDim], this.rngFor(options.seed), { dtype: this.config.dtype });
    return decodeRaw(this.net, { data: z.data, rows: n, cols: this.latentDim }, this.config.likelihood, this.inputDim);
  }

  /**
   * Decodes `steps` evenly spaced points on the segment between two codes: the posterior means
   * of inputs `a` and `b` (default) or, with `latent: true`, the codes `a` and `b` themselves.
   * Returns `[steps, inputDim]`, the first row from `a` and the last from `b`.
   */
  interpolate(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, options: { latent?: boolean } = {}): Tensor {
    assertInt(steps, 'steps', 'VAE.interpolate', 2);
    const dim = options.latent ? this.latentDim : this.inputDim;
    const ends = this.fitted({ data: [...Array.from(a ?? []), ...Array.from(b ?? [])], shape: [2, dim] }, 'VAE.interpolate', dim, 'a and b');
    const codes = options.latent ? ends.data : this.encode({ data: ends.data, shape: [2, dim] }).data;
    const k = this.latentDim;
    const z = this.config.dtype === 'float64' ? new Float64Array(steps * k) : new Float32Array(steps * k);
    for (let i = 0; i < steps; i++) {
      const t = i / (steps - 1);
      for (let j = 0; j < k; j++) z[i * k + j] = (1 - t) * codes[j] + t * codes[k + j];
    }
    return this.decode({ data: z, shape: [steps, k] });
  }

  /** Per-row ELBO in nats: E_q[ln p(x | z)] − KL(q ‖ p), expectation over `samples` draws (default 1). */
  elbo(X: Input, options: EstimateOptions = {}): Tensor {
    const x = this.fitted(X, 'VAE.elbo', this.inputDim);
    const samples = assertInt(options.samples ?? 1, 'samples', 'VAE.elbo', 1);
    return this.rowsTensor(elboRows(x, { net: this.net, likelihood: this.config.likelihood, latentDim: this.latentDim, samples, rng: this.rngFor(options.seed) }));
  }

  /**
   * Per-row importance-weighted estimate of ln p(x) with K = `samples` (default 100):
   * logsumexp_k[ln p(x | z_k) + ln p(z_k) − ln q(z_k | x)] − ln K, a lower bound that tightens as K grows.
   * The name is scikit-learn's `score_samples`, as for PCA and PPCA.
   */
  scoreSamples(X: Input, options: EstimateOptions = {}): Tensor {
    const x = this.fitted(X, 'VAE.scoreSamples', this.inputDim);
    const samples = assertInt(options.samples ?? 100, 'samples', 'VAE.scoreSamples', 1);
    return this.rowsTensor(logLikelihoodRows(x, { net: this.net, likelihood: this.config.likelihood, latentDim: this.latentDim, samples, rng: this.rngFor(options.seed) }));
  }

  private rowsTensor(values: Float64Array): Tensor {
    return new Tensor(this.config.dtype === 'float64' ? values : Float32Array.from(values), [values.length]);
  }

  private rngFor(seed: number | string | undefined): Rng {
    return seed === undefined ? this.evalRng : new Rng(seed);
  }

  private assertFitted(where: string): void {
    if (!this.isFitted) throw new NotFittedError(`VAE (in ${where})`);
  }

  private matrix(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    return modelMatrix(cols === this.inputDim ? imageRows(X, this.config.architecture, where, arg) : X, where, cols, this.inputLabel, this.config.dtype, arg);
  }

  private fitted(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    this.assertFitted(where);
    return this.matrix(X, where, cols, arg);
  }

  /**
   * The weights as a PyTorch-style state dict (copies, `[out, in]` weights, no optimizer state),
   * ready for {@link saveSafetensors}. Keys are the parameter names, or with
   * `{ layout: 'pytorch-examples' }` those of the pytorch/examples VAE (`fc1`, `fc21` = μ head,
   * `fc22` = log σ² head, `fc3`, `fc4`; one hidden layer only).
   * @example `await saveSafetensors('vae.safetensors', vae.stateDict());`
   */
  stateDict(options: StateDictOptions = {}): StateDict { return vaeStateDict(this.net, this.config, options); }

  /**
   * Loads weights by name with PyTorch's `load_state_dict` semantics, in latent-ts's names or
   * the pytorch/examples VAE's (detected from the keys), converting F64/F16/BF16 to the model's
   * dtype. Strict by default: missing or unexpected keys throw, listing them all; a wrong shape
   * always throws, naming the key and both shapes; nothing is written unless all checks pass.
   * The model then counts as fitted. Returns the keys that did not match.
   * @example `vae.loadStateDict((await loadSafetensors('vae.safetensors')).tensors);`
   */
  loadStateDict(tensors: StateDictInput, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const { result, written } = loadVAEStateDict(this.net, this.config, tensors, options);
    if (written) this.loaded = true;
    return result;
  }

  /**
   * The Python source of a PyTorch `nn.Module` class `VAE` computing what this model computes,
   * whose `load_state_dict(..., strict=True)` accepts {@link VAE.stateDict} saved as safetensors.
   * @example `writeFileSync('vae_model.py', vae.pytorchSource());`
   */
  pytorchSource(): string { return vaePytorchSource(this.config); }

  /** @internal */
  protected configJSON(): Record<string, unknown> { return vaeConfigToJSON(this.config); }

  /** @internal */
  protected rngStates(): Record<string, RngState> { return { init: this.initRng.state(), evaluation: this.evalRng.state() }; }

  /** Rebuilds a VAE from {@link VAE.toState}; every field is checked before the model is returned. */
  static fromState(state: ModelState): VAE {
    return unpackNeuralState<VAE, VAEEpoch>(state, 'VAE', (options) => new VAE(savedOptions(options) as unknown as VAEOptions), (vae, parts) => {
      vae.restore(parts, 'VAE.fromState');
      vae.evalRng = Rng.fromState(parts.rng.evaluation);
    });
  }

  /** Inverse of {@link VAE.toJSON} (an object or its string). */
  static fromJSON(json: string | ModelJSON): VAE {
    return VAE.fromState(stateFromJSON(json, 'VAE', [1]));
  }

  /** safetensors bytes: F32 parameters, optimizer state and random streams (a full checkpoint; weights-only with `{ trainingState: false }`), CRC-32. @example `const again = VAE.fromBytes(vae.toBytes());` */
  toBytes(options: NeuralSaveOptions = {}): Uint8Array { return stateToBytes(this.toState(options)); }

  /** Inverse of {@link VAE.toBytes}; corrupt, foreign or mismatched bytes throw FormatError, nothing half-loaded. @example `VAE.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): VAE { return VAE.fromState(stateFromBytes(bytes, 'VAE', [1], source)); }

  /**
   * Saves as safetensors, atomically (temp file, then rename): a full checkpoint, or with
   * `{ trainingState: false }` the weights, configuration and evaluation stream only. Node only.
   * @example `await vae.save('vae.safetensors');`
   */
  async save(path: string, options: NeuralSaveOptions = {}): Promise<void> {
    await saveState(path, this.toState({ trainingState: wantsTrainingState(options, 'VAE.save') }));
  }

  /** Loads a file written by {@link VAE.save}; errors name the file. Node only. @example `const m = await VAE.load('vae.safetensors');` */
  static async load(path: string): Promise<VAE> { return VAE.fromState(await loadState(path, 'VAE', [1])); }
}

