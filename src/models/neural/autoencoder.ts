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
import { modelMatrix } from '../../train/batches.js';
import { unpackNeuralState, wantsTrainingState, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { deepFreeze, type TrainingOptions } from '../../train/options.js';
import { Trainer, type EpochLog, type FitHooks, type Trainable } from '../../train/trainer.js';
import type { DenseMatrix, FloatArray, MatrixInput } from '../../validate.js';
import { autoencoderConfigToJSON, resolveAutoencoderConfig, type AutoencoderConfig, type AutoencoderOptions } from './autoencoder-config.js';
import { AutoencoderNetwork, type AutoencoderTerms } from './autoencoder-network.js';
import { autoencoderStateDict, loadAutoencoderStateDict } from './model-state-dict.js';
import { autoencoderPytorchSource } from './pytorch-source.js';
import type { LoadStateDictOptions, LoadStateDictResult, StateDict, StateDictInput } from '../../nn/state-dict.js';
import { lossUnit } from './loss-unit.js';
import type { UnitSetting } from './unit-interval.js';
import { log1pexp, sigmoid } from '../../kernels/stable.js';
import { codesMatrix } from './codes.js';
import { savedOptions } from './option-keys.js';
import { NeuralModel } from './base.js';
import { pretrainLayers, type PretrainLevel, type PretrainOptions } from './autoencoder-pretrain.js';
import { imageRows } from './conv-architecture.js';

/**
 * One epoch of Autoencoder training (per-sample means; validation fields when there is validation data).
 *
 * @example
 * ```ts
 * const history: AutoencoderEpoch[] = await ae.fit(X, { epochs: 5 });
 * console.log(history.at(-1)?.reconstruction);
 * ```
 */
export interface AutoencoderEpoch {
  /** 1-based epoch number, counted over all `fit` calls. */
  epoch: number;
  /** reconstruction + penalty, the minimised objective. */
  loss: number;
  /** Squared error summed over features ('mse') or BCE in nats ('bce'). */
  reconstruction: number;
  /** Sparsity, binarisation and weight-decay penalties (0 when off). */
  penalty: number;
  valLoss?: number;
  valReconstruction?: number;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Options of {@link Autoencoder.fit}: training overrides, callbacks and controls.
 *
 * @example
 * ```ts
 * await ae.fit(X, { epochs: 20, batchSize: 64, validationSplit: 0.1, patience: 3, onEpochEnd: (e) => console.log(e.loss) });
 * ```
 */
export interface AutoencoderFitOptions extends TrainingOptions, FitHooks<AutoencoderEpoch>, SourceFitOptions {}

type Input = MatrixInput | Tensor;
const NO_GRAD = { grad: false } as const;
const CHUNK = 1024;

/**
 * An autoencoder: an MLP encoder to a `latentDim` code and a mirrored MLP decoder, trained to
 * reconstruct its input (squared error, or BCE on logits for data in [0, 1]). Optional L1
 * sparsity on the codes, denoising (Gaussian or masking noise on the inputs), L2 weight decay,
 * and a binarisation penalty for semantic hashing. With no hidden layers, identity code and
 * 'mse' it is the linear autoencoder whose decoder spans the PCA subspace.
 *
 * @example
 * ```ts
 * const ae = new Autoencoder({ inputDim: 784, hiddenDims: [256], latentDim: 32, loss: 'bce', seed: 1 });
 * await ae.fit(X, { epochs: 20 });
 * const codes = ae.encode(X);            // [n, 32]
 * const errors = ae.reconstructionError(X); // [n]
 * ```
 */
export class Autoencoder extends NeuralModel<AutoencoderConfig, AutoencoderNetwork, AutoencoderEpoch> {
  constructor(options: AutoencoderOptions) {
    const config = deepFreeze(resolveAutoencoderConfig(options));
    const initRng = new Rng(`${config.seed}:init`);
    super(config, new AutoencoderNetwork(config, initRng), new Trainer(config.seed, ['noise'], 'Autoencoder.fit'), initRng);
  }

  /** `'Autoencoder'`, the type tag of the saved state. */
  get type(): 'Autoencoder' { return 'Autoencoder'; }
  /** The encoder (x → code): an MLP, or a Sequential for the conv architecture. */
  get encoder(): MLP | Sequential { return this.net.encoder; }
  /** The decoder (code → reconstruction, or logits for 'bce'): an MLP, or a Sequential for the conv architecture. */
  get decoder(): MLP | Sequential { return this.net.decoder; }

  /**
   * Trains for `epochs` more epochs (an interrupted epoch is finished first) and returns their
   * history. On the `'wasm'` backend parameters, gradients and optimizer moments live in one
   * WebAssembly memory during the fit, as for `VAE.fit`, and get their own arrays back
   * when it ends. X may be a {@link RowSource}, streamed as `VAE.fit` does (an epoch is one
   * pass, shuffled within `shuffleBuffer` rows; a failing source leaves the model as before).
   *
   * @example
   * ```ts
   * const ae = new Autoencoder({ inputDim: 4, latentDim: 2, seed: 1 });
   * await ae.fit(matrixSource(X, { batchSize: 64 }), { epochs: 5, shuffleBuffer: 1000 });
   * ```
   */
  async fit(X: Input | RowSource, options: AutoencoderFitOptions = {}): Promise<AutoencoderEpoch[]> {
    return this.train(X, options, 'Autoencoder.fit');
  }

  /**
   * Greedy layer-wise pre-training (Bengio et al. 2007; Hinton & Salakhutdinov 2006): each
   * layer is trained as a shallow autoencoder on the codes of the one below (the first on X),
   * for `epochs` epochs each, and its encoder and decoder layers become this model's encoder
   * layer and the mirrored decoder layer. Then `fit` fine-tunes the whole stack. Call it on a
   * new model: it replaces the initial weights (and throws once the model has trained). The
   * penalties and input noise apply to fine-tuning only; see pretrainLayers in
   * autoencoder-pretrain.ts for the seeds and losses of each level.
   *
   * @example
   * ```ts
   * const ae = new Autoencoder({ inputDim: 64, hiddenDims: [128, 32], latentDim: 2, seed: 1 });
   * const levels = await ae.pretrainLayerwise(X, { epochs: 10 }); // 3 shallow autoencoders
   * await ae.fit(X, { epochs: 20 });                               // fine-tune the stack
   * ```
   */
  async pretrainLayerwise(X: Input, options: PretrainOptions = {}): Promise<PretrainLevel[]> {
    const where = 'Autoencoder.pretrainLayerwise';
    if (this.trainer.step > 0) throw new Error(`${where}: the model has already trained ${this.trainer.step} steps; pre-train a new model before fit`);
    const levels = await pretrainLayers(this.net, this.config, X, options, where);
    this.loaded = true;
    return levels;
  }

  /** 'bce' needs data in [0, 1]. @internal */
  protected unitSetting(): UnitSetting | null {
    return this.config.loss === 'bce' ? { option: 'loss', value: 'bce', alternative: 'mse' } : null;
  }

  private corrupt(x: Tensor, rng: Rng): Tensor {
    const d = this.config.denoising;
    if (d === null) return x;
    const out = x.data.slice();
    if (d.type === 'gaussian') {
      for (let i = 0; i < out.length; i++) out[i] += d.std * rng.normal();
    } else {
      for (let i = 0; i < out.length; i++) if (rng.uniform() < d.rate) out[i] = 0;
    }
    return new Tensor(out, x.shape);
  }

  /** The reconstruction and penalty terms, on corrupted inputs when denoising. @internal */
  protected trainable(): Trainable {
    return {
      lossUnit: lossUnit(this.config),
      parameters: () => this.net.parameters(),
      trainingLoss: (batch, ctx) => {
        const t = this.net.terms(this.corrupt(batch, ctx.rng('noise')), batch);
        return { loss: t.loss, parts: { reconstruction: t.reconstruction.item(), penalty: t.penalty.item() } };
      },
      validationLoss: (batch) => {
        const t = this.net.terms(batch, batch, NO_GRAD);
        return { loss: t.loss.item(), parts: { reconstruction: t.reconstruction.item(), penalty: t.penalty.item() } };
      },
    };
  }

  /** An {@link AutoencoderEpoch} of one trainer log. @internal */
  protected record(log: EpochLog): AutoencoderEpoch {
    return epochEntry(log, { reconstruction: log.parts.reconstruction, penalty: log.parts.penalty }, ['reconstruction']);
  }

  /** The training objective on clean inputs (no noise), with a graph to the parameters. */
  objective(X: Input): AutoencoderTerms {
    const x = this.matrix(X, 'Autoencoder.objective', this.inputDim);
    const t = new Tensor(x.data, [x.rows, x.cols]);
    return this.net.terms(t, t);
  }

  /** The codes `[n, latentDim]`. */
  encode(X: Input): Tensor {
    const x = this.fitted(X, 'Autoencoder.encode', this.inputDim);
    return this.mapRows(x, this.latentDim, (rows) => this.net.encoder.forward(rows, NO_GRAD).data);
  }

  /** Reconstructions from codes Z `[n, latentDim]` (probabilities for 'bce'). */
  decode(Z: Input): Tensor {
    const where = 'Autoencoder.decode';
    if (!this.isFitted) throw new NotFittedError(`Autoencoder (in ${where})`);
    const z = codesMatrix(Z, where, this.latentDim, 'Autoencoder', this.config.dtype);
    return this.mapRows(z, this.inputDim, (rows) => this.output(this.net.decoder.forward(rows, NO_GRAD).data));
  }

  /** decode(encode(X)). */
  reconstruct(X: Input): Tensor {
    const x = this.fitted(X, 'Autoencoder.reconstruct', this.inputDim);
    return this.mapRows(x, this.inputDim, (rows) => this.output(this.net.forward(rows, NO_GRAD).data));
  }

  /**
   * Per-row reconstruction loss `[n]`: squared error summed over features ('mse'), or BCE in
   * nats ('bce'). Penalties are not included.
   */
  reconstructionError(X: Input): Tensor {
    const x = this.fitted(X, 'Autoencoder.reconstructionError', this.inputDim);
    const d = this.inputDim;
    const bce = this.config.loss === 'bce';
    return this.mapRows(x, 1, (rows) => {
      const out = this.net.forward(rows, NO_GRAD).data;
      const err = new Float64Array(rows.shape[0]);
      for (let r = 0; r < err.length; r++) {
        let s = 0;
        for (let j = r * d; j < (r + 1) * d; j++) {
          const t = rows.data[j];
          const o = out[j];
          s += bce ? log1pexp(o) - t * o : (o - t) * (o - t);
        }
        err[r] = s;
      }
      return err;
    }, true);
  }

  private output(out: FloatArray): FloatArray {
    if (this.config.loss === 'bce') for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
    return out;
  }

  private mapRows(x: DenseMatrix, width: number, f: (rows: Tensor) => ArrayLike<number>, flat = false): Tensor {
    const out = this.config.dtype === 'float64' ? new Float64Array(x.rows * width) : new Float32Array(x.rows * width);
    for (let s = 0; s < x.rows; s += CHUNK) {
      const e = Math.min(s + CHUNK, x.rows);
      out.set(f(new Tensor(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols])), s * width);
    }
    return new Tensor(out, flat ? [x.rows] : [x.rows, width]);
  }

  private matrix(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    return modelMatrix(cols === this.inputDim ? imageRows(X, this.config.architecture, where, arg) : X, where, cols, this.inputLabel, this.config.dtype, arg);
  }

  private fitted(X: Input, where: string, cols: number, arg = 'X'): DenseMatrix {
    if (!this.isFitted) throw new NotFittedError(`Autoencoder (in ${where})`);
    return this.matrix(X, where, cols, arg);
  }

  /**
   * The weights as a PyTorch-style state dict under the parameter names (copies, `[out, in]`
   * weights, no optimizer state), ready for {@link saveSafetensors}.
   * @example `await saveSafetensors('ae.safetensors', ae.stateDict());`
   */
  stateDict(): StateDict { return autoencoderStateDict(this.net); }

  /**
   * Loads weights by name with PyTorch's `load_state_dict` semantics, converting F64/F16/BF16 to
   * the model's dtype. Strict by default: missing or unexpected keys throw, listing them all; a
   * wrong shape always throws, naming the key and both shapes; nothing is written unless all
   * checks pass. The model then counts as fitted. Returns the keys that did not match.
   * @example `ae.loadStateDict((await loadSafetensors('ae.safetensors')).tensors);`
   */
  loadStateDict(tensors: StateDictInput, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const { result, written } = loadAutoencoderStateDict(this.net, tensors, options);
    if (written) this.loaded = true;
    return result;
  }

  /**
   * The Python source of a PyTorch `nn.Module` class `Autoencoder` computing what this model
   * computes, whose `load_state_dict(..., strict=True)` accepts {@link Autoencoder.stateDict}.
   * @example `writeFileSync('ae_model.py', ae.pytorchSource());`
   */
  pytorchSource(): string { return autoencoderPytorchSource(this.config); }

  /** @internal */
  protected configJSON(): Record<string, unknown> { return autoencoderConfigToJSON(this.config); }

  /** @internal */
  protected rngStates(): Record<string, RngState> { return { init: this.initRng.state() }; }

  /** Rebuilds an Autoencoder from {@link Autoencoder.toState}; every field is checked first. */
  static fromState(state: ModelState): Autoencoder {
    return unpackNeuralState<Autoencoder, AutoencoderEpoch>(state, 'Autoencoder', (o) => new Autoencoder(savedOptions(o) as unknown as AutoencoderOptions), (ae, parts) => {
      ae.restore(parts, 'Autoencoder.fromState');
    });
  }

  /** Inverse of {@link Autoencoder.toJSON} (an object or its string). */
  static fromJSON(json: string | ModelJSON): Autoencoder {
    return Autoencoder.fromState(stateFromJSON(json, 'Autoencoder', [1]));
  }

  /** safetensors bytes: F32 parameters, optimizer state and random streams (a full checkpoint; weights-only with `{ trainingState: false }`), CRC-32. @example `const again = Autoencoder.fromBytes(ae.toBytes());` */
  toBytes(options: NeuralSaveOptions = {}): Uint8Array { return stateToBytes(this.toState(options)); }

  /** Inverse of {@link Autoencoder.toBytes}; corrupt, foreign or mismatched bytes throw FormatError, nothing half-loaded. @example `Autoencoder.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): Autoencoder { return Autoencoder.fromState(stateFromBytes(bytes, 'Autoencoder', [1], source)); }

  /**
   * Saves as safetensors, atomically (temp file, then rename): a full checkpoint, or with
   * `{ trainingState: false }` the weights and configuration only. Node only.
   * @example `await ae.save('ae.safetensors');`
   */
  async save(path: string, options: NeuralSaveOptions = {}): Promise<void> {
    await saveState(path, this.toState({ trainingState: wantsTrainingState(options, 'Autoencoder.save') }));
  }

  /** Loads a file written by {@link Autoencoder.save}; errors name the file. Node only. @example `const m = await Autoencoder.load('ae.safetensors');` */
  static async load(path: string): Promise<Autoencoder> { return Autoencoder.fromState(await loadState(path, 'Autoencoder', [1])); }
}
