import { epochEntry } from './epoch-entry.js';
import type { RowSource } from '../../io/row-source.js';
import type { SourceFitOptions } from './source-fit.js';
import { NonFiniteError, NotFittedError } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import type { MLP } from '../../nn/mlp.js';
import { Rng, type RngState } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { modelMatrix } from '../../train/batches.js';
import { unpackNeuralState, wantsTrainingState, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { deepFreeze, type TrainingOptions } from '../../train/options.js';
import { Trainer, type EpochLog, type FitHooks, type Trainable } from '../../train/trainer.js';
import { assertInt, type DenseMatrix, type MatrixInput } from '../../validate.js';
import type { DiscreteCodes } from '../model.js';
import { NeuralModel } from './base.js';
import { lossUnit } from './loss-unit.js';
import { savedOptions } from './option-keys.js';
import type { UnitSetting } from './unit-interval.js';
import { assignmentStats, codeUsage, emaState, emaUpdate, type EmaState } from './vq-codebook.js';
import { resolveVQVAEConfig, vqvaeConfigToJSON, type VQVAEConfig, type VQVAEOptions } from './vq-vae-config.js';
import { codesOf, decodeCodes, mapRows, readEma, startCodebook, writeEma } from './vq-vae-inference.js';
import { VQVAENetwork, type VQVAETerms } from './vq-vae-network.js';

/**
 * One epoch of VQ-VAE training: per-sample means (validation fields when there is validation data).
 *
 * @example
 * ```ts
 * const history: VQVAEEpoch[] = await vq.fit(X, { epochs: 5 });
 * console.log(history.at(-1)?.perplexity);
 * ```
 */
export interface VQVAEEpoch {
  /** 1-based epoch number, counted over all `fit` calls. */
  epoch: number;
  /** The minimised objective: reconstruction + codebook (with `'loss'`) + commitment. */
  loss: number;
  /** Squared error summed over features ('mse') or BCE in nats ('bce'). */
  reconstruction: number;
  /** ‖sg[z_e] − z_q‖² per sample (the quantisation error; in the loss with `codebookUpdate: 'loss'` only). */
  codebook: number;
  /** β‖z_e − sg[z_q]‖² per sample. */
  commitment: number;
  /** Perplexity of the codes chosen in each batch, averaged over the epoch's batches by size. */
  perplexity: number;
  valLoss?: number;
  valReconstruction?: number;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Options of {@link VQVAE.fit}: training overrides, callbacks and controls.
 *
 * @example
 * ```ts
 * await vq.fit(X, { epochs: 20, batchSize: 64, validationSplit: 0.1, patience: 3 });
 * ```
 */
export interface VQVAEFitOptions extends TrainingOptions, FitHooks<VQVAEEpoch>, SourceFitOptions {}

type Input = MatrixInput | Tensor;
const NO_GRAD = { grad: false } as const;

/**
 * A vector-quantised VAE (van den Oord, Vinyals & Kavukcuoglu 2017): an MLP encoder maps x to
 * M latent vectors z_e of dimension d, each replaced by its nearest code z_q of a learned
 * codebook of K codes, and an MLP decoder maps z_q back. The gradient passes the quantisation
 * straight through (z_e + sg[z_q − z_e]); the codebook learns from the codebook loss
 * ‖sg[z_e] − z_q‖² or from moving averages (`codebookUpdate: 'ema'`), and the commitment loss
 * β‖z_e − sg[z_q]‖² keeps the encoder near its codes. `encode` gives the M code indices of
 * each row: M·log2 K bits, a discrete address of the input (a hashing).
 *
 * There is no learned prior here (the paper fits a PixelCNN over the codes afterwards):
 * `sample` draws codes uniformly, so its samples show what the codes decode to rather than
 * the data distribution.
 *
 * @example
 * ```ts
 * const vq = new VQVAE({ inputDim: 64, hiddenDims: [128], nLatents: 4, nCodes: 16, codeDim: 8, loss: 'bce', seed: 1 });
 * await vq.fit(X, { epochs: 20 });
 * const codes = vq.encode(X);        // { data: Int32Array(n·4), shape: [n, 4] }, each in 0..15
 * const images = vq.decode(codes);   // [n, 64] probabilities
 * console.log(vq.codeUsage(X).perplexity);
 * ```
 */
export class VQVAE extends NeuralModel<VQVAEConfig, VQVAENetwork, VQVAEEpoch> {
  private evalRng: Rng;
  private ema: EmaState;
  /** The assignment statistics of the step in progress, applied by `afterStep` (EMA only). */
  private pendingStats: { counts: Float64Array; sums: Float64Array } | null = null;

  constructor(options: VQVAEOptions) {
    const config = deepFreeze(resolveVQVAEConfig(options));
    const initRng = new Rng(`${config.seed}:init`);
    super(config, new VQVAENetwork(config, initRng), new Trainer(config.seed, ['codebook'], 'VQVAE.fit'), initRng);
    this.evalRng = new Rng(`${config.seed}:evaluation`);
    this.ema = emaState(config.nCodes, config.codeDim);
  }

  /** `'VQVAE'`, the type tag of the saved state. */
  get type(): 'VQVAE' { return 'VQVAE'; }
  /** The encoder (x → the M·d values of z_e). */
  get encoder(): MLP { return this.net.encoder; }
  /** The decoder (the M·d values of z_q → reconstructions, or logits for 'bce'). */
  get decoder(): MLP { return this.net.decoder; }
  /** K, the number of codes. */
  get nCodes(): number { return this.config.nCodes; }
  /** M, the codes per row (the same as `latentDim`). */
  get nLatents(): number { return this.config.nLatents; }
  /** d, the dimension of each code. */
  get codeDim(): number { return this.config.codeDim; }
  /** A copy of the codebook `[K, d]`. */
  get codebook(): Tensor { return this.net.codebook.detach().clone(); }

  /**
   * Trains for `epochs` more epochs (an interrupted epoch is finished first) and returns their
   * history. With `codebookInit: 'encoder'` the first step of a new model starts the codebook
   * from that batch's encoder outputs. With `'ema'` the codebook moves after each applied step
   * (a step the non-finite guard stops changes nothing, the averages included). X may be a
   * {@link RowSource}, streamed as `VAE.fit` describes (`shuffleBuffer`; a buffer that
   * holds the whole pass gives the in-memory bytes).
   */
  async fit(X: Input | RowSource, options: VQVAEFitOptions = {}): Promise<VQVAEEpoch[]> {
    return this.train(X, options, 'VQVAE.fit');
  }

  /** 'bce' needs data in [0, 1]. @internal */
  protected unitSetting(): UnitSetting | null {
    return this.config.loss === 'bce' ? { option: 'loss', value: 'bce', alternative: 'mse' } : null;
  }

  /** The reconstruction, codebook and commitment terms, and the EMA update after each step. @internal */
  protected trainable(): Trainable {
    const { nCodes: K, codeDim: d, codebookUpdate, codebookInit } = this.config;
    const parts = (t: VQVAETerms) => ({
      reconstruction: t.reconstruction.item(), codebook: t.codebook.item(), commitment: t.commitment.item(), perplexity: codeUsage(t.codes, K).perplexity,
    });
    return {
      lossUnit: lossUnit(this.config),
      parameters: () => this.net.parameters(),
      trainingLoss: (batch, ctx) => {
        this.pendingStats = null;
        const fresh = codebookInit === 'encoder' && !this.isFitted;
        const t = this.net.terms(batch, undefined, fresh ? (ze) => startCodebook(ze, this.net.codebook, ctx.rng('codebook')) : undefined);
        if (codebookUpdate === 'ema') this.pendingStats = assignmentStats(t.ze.data, t.codes, K, d);
        return { loss: t.loss, parts: parts(t) };
      },
      validationLoss: (batch) => {
        const t = this.net.terms(batch, NO_GRAD);
        return { loss: t.loss.item(), parts: parts(t) };
      },
      afterStep: () => {
        if (this.pendingStats === null) return;
        emaUpdate(this.ema, this.pendingStats, this.net.codebook.data, this.config.decay, this.config.epsilon);
        this.pendingStats = null;
      },
    };
  }

  /** A {@link VQVAEEpoch} of one trainer log. @internal */
  protected record(log: EpochLog): VQVAEEpoch {
    const p = log.parts;
    return epochEntry(log, { reconstruction: p.reconstruction, codebook: p.codebook, commitment: p.commitment, perplexity: p.perplexity }, ['reconstruction']);
  }

  /** The training objective on X (no codebook start), with a graph to the parameters. */
  objective(X: Input): VQVAETerms {
    const x = this.matrix(X, 'VQVAE.objective');
    return this.net.terms(new Tensor(x.data, [x.rows, x.cols]));
  }

  /**
   * The codes of X: for each row the indices of the nearest codes of its M latent vectors,
   * `{ data: Int32Array(n·M), shape: [n, M] }`, each in 0..K−1 (ties to the lowest index).
   * Throws a NonFiniteError when an encoder output is not finite (diverged weights).
   */
  encode(X: Input): DiscreteCodes {
    const x = this.fitted(X, 'VQVAE.encode');
    const codes = codesOf(this.net, x, this.config);
    const bad = codes.indexOf(-1);
    if (bad >= 0) throw new NonFiniteError(`VQVAE.encode: the encoder output of row ${Math.floor(bad / this.nLatents)} is not finite, so it has no nearest code`);
    return { data: codes, shape: [x.rows, this.nLatents] };
  }

  /** The continuous encoder outputs z_e `[n, M·d]` (latent m of row i at columns m·d … (m+1)·d − 1). */
  encodeContinuous(X: Input): Tensor {
    const x = this.fitted(X, 'VQVAE.encodeContinuous');
    return mapRows(x, this.nLatents * this.codeDim, this.config.dtype, (rows) => this.net.encoder.forward(rows, NO_GRAD).data);
  }

  /**
   * Rows in the data space from codes `[n, M]` (a {@link DiscreteCodes}, rows of integers, or
   * `{ data, shape }`): the decoder at the code vectors; probabilities for 'bce'. Every value
   * must be an integer in 0..K−1.
   */
  decode(codes: DiscreteCodes | Input): Tensor {
    const where = 'VQVAE.decode';
    this.assertFitted(where);
    return decodeCodes(this.net, codes, this.config, where);
  }

  /** decode(encode(X)). */
  reconstruct(X: Input): Tensor {
    return this.decode(this.encode(X));
  }

  /**
   * `n` decodings of codes drawn uniformly from 0..K−1 (M per sample), from a fresh stream
   * when `seed` is given, else the model's evaluation stream. This VQ-VAE has no learned prior
   * over the codes, so these are not samples of the data distribution.
   */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    this.assertFitted('VQVAE.sample');
    assertInt(n, 'n', 'VQVAE.sample', 1);
    const rng = options.seed === undefined ? this.evalRng : new Rng(options.seed);
    const codes = new Int32Array(n * this.nLatents);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.int(0, this.nCodes);
    return this.decode({ data: codes, shape: [n, this.nLatents] });
  }

  /** Code usage on X: the count of each code over all n·M latents, the codes used, and the perplexity exp(H). */
  codeUsage(X: Input): { counts: Float64Array; used: number; perplexity: number } {
    return codeUsage(this.encode(X).data, this.nCodes);
  }

  private assertFitted(where: string): void {
    if (!this.isFitted) throw new NotFittedError(`VQVAE (in ${where})`);
  }

  private matrix(X: Input, where: string): DenseMatrix {
    return modelMatrix(X, where, this.inputDim, this.inputLabel, this.config.dtype);
  }

  private fitted(X: Input, where: string): DenseMatrix {
    this.assertFitted(where);
    return this.matrix(X, where);
  }

  /** The saved state: that of every neural model, plus the EMA averages with the training state. */
  override toState(options: NeuralSaveOptions = {}): ModelState {
    const state = super.toState(options);
    if (this.config.codebookUpdate === 'ema' && wantsTrainingState(options, 'VQVAE.toState')) Object.assign(state.tensors, writeEma(this.ema));
    return state;
  }

  /** @internal */
  protected configJSON(): Record<string, unknown> { return vqvaeConfigToJSON(this.config); }

  /** @internal */
  protected rngStates(): Record<string, RngState> { return { init: this.initRng.state(), evaluation: this.evalRng.state() }; }

  /** Rebuilds a VQVAE from {@link VQVAE.toState}; every field is checked before the model is returned. */
  static fromState(state: ModelState): VQVAE {
    return unpackNeuralState<VQVAE, VQVAEEpoch>(state, 'VQVAE', (o) => new VQVAE(savedOptions(o) as unknown as VQVAEOptions), (vq, parts) => {
      const ema = vq.config.codebookUpdate === 'ema' && parts.trainer !== null && parts.trainer !== undefined
        ? readEma(parts.tensors, vq.nCodes, vq.codeDim, 'VQVAE.fromState') : null;
      vq.restore(parts, 'VQVAE.fromState');
      vq.evalRng = Rng.fromState(parts.rng.evaluation);
      if (ema !== null) vq.ema = ema;
    });
  }

  /** Inverse of {@link VQVAE.toJSON} (an object or its string). */
  static fromJSON(json: string | ModelJSON): VQVAE {
    return VQVAE.fromState(stateFromJSON(json, 'VQVAE', [1]));
  }

  /** safetensors bytes: parameters and codebook, optimizer and EMA state, random streams, CRC-32 (weights-only with `{ trainingState: false }`). @example `const again = VQVAE.fromBytes(vq.toBytes());` */
  toBytes(options: NeuralSaveOptions = {}): Uint8Array { return stateToBytes(this.toState(options)); }

  /** Inverse of {@link VQVAE.toBytes}; corrupt, foreign or mismatched bytes throw FormatError, nothing half-loaded. @example `VQVAE.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): VQVAE { return VQVAE.fromState(stateFromBytes(bytes, 'VQVAE', [1], source)); }

  /**
   * Saves as safetensors, atomically (temp file, then rename): a full checkpoint, or with
   * `{ trainingState: false }` the weights, codebook and configuration only. Node only.
   * @example `await vq.save('vq.safetensors');`
   */
  async save(path: string, options: NeuralSaveOptions = {}): Promise<void> {
    await saveState(path, this.toState({ trainingState: wantsTrainingState(options, 'VQVAE.save') }));
  }

  /** Loads a file written by {@link VQVAE.save}; errors name the file. Node only. @example `const m = await VQVAE.load('vq.safetensors');` */
  static async load(path: string): Promise<VQVAE> { return VQVAE.fromState(await loadState(path, 'VQVAE', [1])); }
}
