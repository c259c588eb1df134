import { epochEntry } from './epoch-entry.js';
import type { RowSource } from '../../io/row-source.js';
import type { SourceFitOptions } from './source-fit.js';
import { NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import type { MLP } from '../../nn/mlp.js';
import { Rng, type RngState } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { modelMatrix } from '../../train/batches.js';
import { unpackNeuralState, wantsTrainingState, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { deepFreeze, type TrainingOptions } from '../../train/options.js';
import { Trainer, type EpochLog, type FitHooks, type StepContext, type Trainable } from '../../train/trainer.js';
import { assertInt, assertNumber, type DenseMatrix, type MatrixInput } from '../../validate.js';
import {
  categoricalVAEConfigToJSON, resolveCategoricalVAEConfig, temperatureAt, type CategoricalVAEConfig, type CategoricalVAEOptions,
} from './categorical-vae-config.js';
import {
  categoricalElboRows, categoricalLogLikelihoodRows, decodeRows, encodeCategories, oneHot, type CategoricalEstimate,
} from './categorical-vae-inference.js';
import { CategoricalVAENetwork, type CategoricalVAETerms } from './categorical-vae-network.js';
import type { UnitSetting } from './unit-interval.js';
import { codesMatrix } from './codes.js';
import { savedOptions } from './option-keys.js';
import { NeuralModel } from './base.js';
import type { EstimateOptions } from './estimate-options.js';

/**
 * One epoch of categorical VAE training: per-sample means in nats (validation fields when there is validation data).
 *
 * @example
 * ```ts
 * const history: CategoricalVAEEpoch[] = await cvae.fit(X, { epochs: 10 });
 * console.log(history.at(-1)?.temperature);
 * ```
 */
export interface CategoricalVAEEpoch {
  /** 1-based epoch number, counted over all `fit` calls. */
  epoch: number;
  /** reconstruction + β · kl, the minimised objective. */
  loss: number;
  /** −ln p(x | z) at the Gumbel-softmax sample (single-sample estimate). */
  reconstruction: number;
  /** KL(q(z | x) ‖ uniform), summed over the variables. */
  kl: number;
  /** The temperature τ of the epoch's last step. */
  temperature: number;
  valLoss?: number;
  valReconstruction?: number;
  valKl?: number;
  /** Training time of the epoch and its throughput. */
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Options of {@link CategoricalVAE.fit}: training overrides, callbacks and controls.
 *
 * @example
 * ```ts
 * await cvae.fit(X, { epochs: 20, batchSize: 100, learningRate: 1e-3, validationSplit: 0.1, patience: 3 });
 * ```
 */
export interface CategoricalVAEFitOptions extends TrainingOptions, FitHooks<CategoricalVAEEpoch>, SourceFitOptions {}

/**
 * What {@link CategoricalVAE.encode} returns: the category probabilities `[n, N·K]` as a
 * Tensor (variable j's K probabilities at columns [j·K, (j + 1)·K), each group summing to 1),
 * with the arg-max codes `[n, N]` (ties to the lower category) attached as `codes`.
 *
 * @example
 * ```ts
 * const q: CategoricalEncoding = cvae.encode(X);
 * q.shape; // [n, N·K]
 * q.codes; // Int32Array [n·N], symbol j of row i at i·N + j
 * ```
 */
export type CategoricalEncoding = Tensor & { readonly codes: Int32Array };

type Input = MatrixInput | Tensor;
const NO_GRAD = { grad: false } as const;

/**
 * A categorical VAE (Jang, Gu & Poole 2016; Maddison et al. 2016): N latent variables of K
 * categories each. The encoder gives each variable's logits; training decodes a Gumbel-softmax
 * sample z = softmax((logits + g)/τ) (or with `hard: true` its one-hot arg-max, with the soft
 * sample's gradient: straight-through), τ annealed as max(τ_min, τ₀·exp(−r·step)); the prior is
 * uniform, so the KL is Σ_j Σ_c q log(K q), analytic. The decoder is Bernoulli on logits (data
 * in [0, 1]). `encode` gives the category probabilities and the arg-max codes, which are also
 * a hashing of the inputs (see {@link CategoricalIndex}).
 *
 * @example
 * ```ts
 * const cvae = new CategoricalVAE({ inputDim: 64, hiddenDims: [128], nVariables: 8, nCategories: 4, seed: 1 });
 * await cvae.fit(X, { epochs: 30, batchSize: 64, learningRate: 1e-3 });
 * const q = cvae.encode(X);             // probabilities [n, 32], q.codes: Int32Array [n·8]
 * const images = cvae.sample(16, { seed: 2 }); // uniform codes, decoded: [16, 64]
 * const elbo = cvae.elbo(X, { samples: 10, seed: 0 }); // nats per row
 * ```
 */
export class CategoricalVAE extends NeuralModel<CategoricalVAEConfig, CategoricalVAENetwork, CategoricalVAEEpoch> {
  private evalRng: Rng;
  /** The temperature of the last training step (validation uses the same). */
  private lastTemperature: number;

  constructor(options: CategoricalVAEOptions) {
    const config = deepFreeze(resolveCategoricalVAEConfig(options));
    const initRng = new Rng(`${config.seed}:init`);
    super(config, new CategoricalVAENetwork(config, initRng), new Trainer(config.seed, ['gumbel'], 'CategoricalVAE.fit'), initRng);
    this.evalRng = new Rng(`${this.config.seed}:evaluation`);
    this.lastTemperature = this.config.temperature;
  }

  /** `'CategoricalVAE'`, the type tag of the saved state. */
  get type(): 'CategoricalVAE' { return 'CategoricalVAE'; }
  /** The encoder (x → N·K logits). */
  get encoder(): MLP { return this.net.encoder; }
  /** The decoder (one-hot or relaxed code [N·K] → Bernoulli logits). */
  get decoder(): MLP { return this.net.decoder; }
  /** N, the number of categorical variables. */
  get nVariables(): number { return this.config.nVariables; }
  /** K, the number of categories of each variable. */
  get nCategories(): number { return this.config.nCategories; }
  /** The temperature the next training step uses: max(τ_min, τ₀·exp(−r·step)). */
  get temperature(): number { return temperatureAt(this.config, this.step); }

  /**
   * Trains for `epochs` more epochs (an interrupted epoch is finished first and counts as one)
   * and returns their history. X may be a {@link RowSource}, streamed as `VAE.fit`
   * describes (`shuffleBuffer`; a buffer that holds the whole pass gives the in-memory bytes).
   */
  async fit(X: Input | RowSource, options: CategoricalVAEFitOptions = {}): Promise<CategoricalVAEEpoch[]> {
    return this.train(X, options, 'CategoricalVAE.fit');
  }

  /** The Bernoulli decoder needs data in [0, 1]. @internal */
  protected unitSetting(): UnitSetting { return { option: 'likelihood', value: 'bernoulli', alternative: '' }; }

  private noise(n: number, rng: Rng): Float64Array {
    return rng.fillGumbel(new Float64Array(n * this.latentDim)) as Float64Array;
  }

  /** The reconstruction and KL terms at the step's temperature. @internal */
  protected trainable(): Trainable {
    return {
      lossUnit: 'nats/sample',
      parameters: () => this.net.parameters(),
      trainingLoss: (batch, ctx: StepContext) => {
        this.lastTemperature = temperatureAt(this.config, ctx.step);
        const t = this.net.terms(batch, this.noise(batch.shape[0], ctx.rng('gumbel')), this.lastTemperature, this.config.beta);
        return { loss: t.loss, parts: { reconstruction: t.reconstruction.item(), kl: t.kl.item() } };
      },
      validationLoss: (batch, ctx) => {
        const t = this.net.terms(batch, this.noise(batch.shape[0], ctx.rng('validation')), this.lastTemperature, this.config.beta, NO_GRAD);
        return { loss: t.loss.item(), parts: { reconstruction: t.reconstruction.item(), kl: t.kl.item() } };
      },
    };
  }

  /** A {@link CategoricalVAEEpoch} of one trainer log. @internal */
  protected record(log: EpochLog): CategoricalVAEEpoch {
    const p = log.parts;
    return epochEntry(log, { reconstruction: p.reconstruction, kl: p.kl, temperature: this.lastTemperature }, ['reconstruction', 'kl']);
  }

  /**
   * The training objective on a batch, with a graph to the parameters. Pass `noise` (Gumbel(0, 1),
   * `[n, N·K]`) to fix the sample (the objective is then deterministic); otherwise it is drawn
   * from `seed` or the evaluation stream. `temperature` defaults to {@link CategoricalVAE.temperature},
   * `klWeight` to β.
   */
  objective(X: Input, options: { noise?: Input; temperature?: number; klWeight?: number; seed?: number | string } = {}): CategoricalVAETerms {
    const where = 'CategoricalVAE.objective';
    const x = this.matrix(X, where, this.inputDim);
    const tau = assertNumber(options.temperature ?? this.temperature, 'temperature', where, { min: 0, minExclusive: true });
    const klWeight = assertNumber(options.klWeight ?? this.config.beta, 'klWeight', where, { min: 0 });
    let noise: ArrayLike<number>;
    if (options.noise !== undefined) {
      const g = codesMatrix(options.noise, where, this.latentDim, 'CategoricalVAE', 'float64', 'noise');
      if (g.rows !== x.rows) throw new RangeError(`${where}: noise must have ${x.rows} rows (got ${g.rows})`);
      noise = g.data;
    } else noise = this.noise(x.rows, this.rngFor(options.seed));
    return this.net.terms(new Tensor(x.data, [x.rows, x.cols]), noise, tau, klWeight);
  }

  /** The category probabilities `[n, N·K]` of q(z | x), with the arg-max codes `[n, N]` as `.codes`. */
  encode(X: Input): CategoricalEncoding {
    const x = this.fitted(X, 'CategoricalVAE.encode', this.inputDim);
    const { probabilities, codes } = encodeCategories(this.net, x, this.config);
    return Object.assign(new Tensor(probabilities, [x.rows, this.latentDim]), { codes });
  }

  /** The decoder's Bernoulli means for one-hot (or relaxed) codes Z `[n, N·K]`. */
  decode(Z: Input): Tensor {
    const where = 'CategoricalVAE.decode';
    this.assertFitted(where);
    const z = codesMatrix(Z, where, this.latentDim, 'CategoricalVAE', this.config.dtype);
    return decodeRows(this.net, z, this.inputDim);
  }

  /**
   * The decoder's Bernoulli means for integer codes: an Int32Array of `n·N` symbols (as
   * `encode(X).codes`) or rows of N integers, each in [0, K).
   */
  decodeCodes(codes: Int32Array | readonly (readonly number[])[]): Tensor {
    const where = 'CategoricalVAE.decodeCodes';
    this.assertFitted(where);
    const symbols = this.checkedCodes(codes, where);
    const z = oneHot(symbols, this.nCategories, this.config.dtype);
    return decodeRows(this.net, { data: z, rows: symbols.length / this.nVariables, cols: this.latentDim }, this.inputDim);
  }

  /**
   * decode(encode(X)): the reconstruction at the posterior mean E_q[z] (the probabilities, as
   * the VAE's is at μ). `decodeCodes(encode(X).codes)` decodes the arg-max codes instead.
   */
  reconstruct(X: Input): Tensor {
    return this.decode(this.encode(X));
  }

  /** Decoder means of `n` codes drawn from the uniform prior, from a fresh stream when `seed` is given. */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    this.assertFitted('CategoricalVAE.sample');
    assertInt(n, 'n', 'CategoricalVAE.sample', 1);
    const rng = this.rngFor(options.seed);
    const codes = new Int32Array(n * this.nVariables);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.int(0, this.nCategories);
    return this.decodeCodes(codes);
  }

  /**
   * Per-row ELBO in nats of the discrete model: E_q[ln p(x | z)] − KL(q ‖ uniform), the
   * expectation over `samples` codes drawn from q(z | x) (default 1), the KL exact.
   */
  elbo(X: Input, options: EstimateOptions = {}): Tensor {
    const x = this.fitted(X, 'CategoricalVAE.elbo', this.inputDim);
    const samples = assertInt(options.samples ?? 1, 'samples', 'CategoricalVAE.elbo', 1);
    return this.rowsTensor(categoricalElboRows(x, this.estimate(samples, options.seed)));
  }

  /**
   * Per-row importance-weighted estimate of ln p(x) with K = `samples` codes from q (default
   * 100): logsumexp_k[ln p(x | z_k) + ln p(z_k) − ln q(z_k | x)] − ln K, a lower bound that
   * tightens as K grows (scikit-learn's name `score_samples`, as for the VAE).
   */
  scoreSamples(X: Input, options: EstimateOptions = {}): Tensor {
    const x = this.fitted(X, 'CategoricalVAE.scoreSamples', this.inputDim);
    const samples = assertInt(options.samples ?? 100, 'samples', 'CategoricalVAE.scoreSamples', 1);
    return this.rowsTensor(categoricalLogLikelihoodRows(x, this.estimate(samples, options.seed)));
  }

  private estimate(samples: number, seed: number | string | undefined): CategoricalEstimate {
    const { nVariables, nCategories, inputDim } = this.config;
    return { net: this.net, nVariables, nCategories, inputDim, samples, rng: this.rngFor(seed) };
  }

  private checkedCodes(codes: Int32Array | readonly (readonly number[])[], where: string): Int32Array {
    const nv = this.nVariables;
    const k = this.nCategories;
    let symbols: Int32Array;
    if (codes instanceof Int32Array) symbols = codes;
    else if (Array.isArray(codes)) {
      codes.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== nv) {
          throw new ShapeError(`${where}: codes[${i}] must be an array of ${nv} symbols (nVariables) (got ${Array.isArray(row) ? `${row.length}` : typeof row})`);
        }
      });
      symbols = Int32Array.from((codes as readonly (readonly number[])[]).flat(), (v, i) => {
        if (!Number.isInteger(v)) throw new RangeError(`${where}: codes[${Math.floor(i / nv)}][${i % nv}] must be an integer (got ${v})`);
        return v;
      });
    } else throw new TypeError(`${where}: codes must be an Int32Array of n·${nv} symbols or rows of ${nv} integers`);
    if (symbols.length === 0 || symbols.length % nv !== 0) {
      throw new ShapeError(`${where}: codes must hold whole codes of nVariables = ${nv} symbols (got ${symbols.length} symbols, shape ${formatShape([symbols.length])})`);
    }
    for (let i = 0; i < symbols.length; i++) {
      if (symbols[i] < 0 || symbols[i] >= k) {
        throw new RangeError(`${where}: symbol ${i % nv} of code ${Math.floor(i / nv)} is ${symbols[i]}, outside [0, ${k - 1}] (nCategories ${k})`);
      }
    }
    return symbols;
  }

  private rowsTensor(values: Float64Array): Tensor {
    return new Tensor(this.config.dtype === 'float64' ? values : Float32Array.from(values), [values.length]);
  }

  private rngFor(seed: number | string | undefined): Rng {
    return seed === undefined ? this.evalRng : new Rng(seed);
  }

  private assertFitted(where: string): void {
    if (!this.isFitted) throw new NotFittedError(`CategoricalVAE (in ${where})`);
  }

  private matrix(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    return modelMatrix(X, where, cols, this.inputLabel, this.config.dtype, arg);
  }

  private fitted(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    this.assertFitted(where);
    return this.matrix(X, where, cols, arg);
  }

  /** @internal */
  protected configJSON(): Record<string, unknown> { return categoricalVAEConfigToJSON(this.config); }

  /** @internal */
  protected rngStates(): Record<string, RngState> { return { init: this.initRng.state(), evaluation: this.evalRng.state() }; }

  /** Rebuilds a CategoricalVAE from {@link CategoricalVAE.toState}; every field is checked before the model is returned. */
  static fromState(state: ModelState): CategoricalVAE {
    return unpackNeuralState<CategoricalVAE, CategoricalVAEEpoch>(
      state, 'CategoricalVAE', (options) => new CategoricalVAE(savedOptions(options) as unknown as CategoricalVAEOptions), (m, parts) => {
        m.restore(parts, 'CategoricalVAE.fromState');
        m.evalRng = Rng.fromState(parts.rng.evaluation);
        m.lastTemperature = m.log.at(-1)?.temperature ?? m.config.temperature;
      });
  }

  /** Inverse of {@link CategoricalVAE.toJSON} (an object or its string). */
  static fromJSON(json: string | ModelJSON): CategoricalVAE {
    return CategoricalVAE.fromState(stateFromJSON(json, 'CategoricalVAE', [1]));
  }

  /** safetensors bytes: parameters, optimizer state and random streams (weights-only with `{ trainingState: false }`). @example `const again = CategoricalVAE.fromBytes(cvae.toBytes());` */
  toBytes(options: NeuralSaveOptions = {}): Uint8Array { return stateToBytes(this.toState(options)); }

  /** Inverse of {@link CategoricalVAE.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `CategoricalVAE.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): CategoricalVAE {
    return CategoricalVAE.fromState(stateFromBytes(bytes, 'CategoricalVAE', [1], source));
  }

  /** Saves as safetensors, atomically (a full checkpoint, or `{ trainingState: false }`). Node only. @example `await cvae.save('cvae.safetensors');` */
  async save(path: string, options: NeuralSaveOptions = {}): Promise<void> {
    await saveState(path, this.toState({ trainingState: wantsTrainingState(options, 'CategoricalVAE.save') }));
  }

  /** Loads a file written by {@link CategoricalVAE.save}; errors name the file. Node only. @example `const m = await CategoricalVAE.load('cvae.safetensors');` */
  static async load(path: string): Promise<CategoricalVAE> { return CategoricalVAE.fromState(await loadState(path, 'CategoricalVAE', [1])); }
}
