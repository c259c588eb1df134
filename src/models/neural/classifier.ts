import { epochEntry } from './epoch-entry.js';
import { softmax } from '../../autodiff/functional.js';
import { NotFittedError } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { isRowSource, type RowSource } from '../../io/row-source.js';
import type { Linear } from '../../nn/linear.js';
import type { MLP } from '../../nn/mlp.js';
import { Rng, type RngState } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { modelMatrix } from '../../train/batches.js';
import { unpackNeuralState, wantsTrainingState, type NeuralSaveOptions } from '../../train/model-checkpoint.js';
import { deepFreeze, type TrainingOptions } from '../../train/options.js';
import { Trainer, type EpochLog, type FitHooks, type Trainable } from '../../train/trainer.js';
import { toLabels, type DenseMatrix, type FloatArray, type MatrixInput } from '../../validate.js';
import type { SupervisedModel } from '../model.js';
import { classifierConfigToJSON, resolveClassifierConfig, type ClassifierConfig, type ClassifierOptions } from './classifier-config.js';
import { copyEncoderBody, encoderBodyOptions, type EncoderSource, type FromEncoderOptions } from './classifier-encoder.js';
import { ClassifierNetwork } from './classifier-network.js';
import { savedOptions } from './option-keys.js';
import { TrainedModel } from './trained-model.js';
import type { UnitSetting } from './unit-interval.js';

/**
 * One epoch of Classifier training (means over the rows; validation fields when there is validation data).
 *
 * @example
 * ```ts
 * const history: ClassifierEpoch[] = await clf.fit(X, y, { epochs: 5, validationSplit: 0.1 });
 * console.log(history.at(-1)?.valAccuracy);
 * ```
 */
export interface ClassifierEpoch {
  /** 1-based epoch number, counted over all `fit` calls. */
  epoch: number;
  /** Mean cross-entropy in nats, the minimised objective. */
  loss: number;
  /** Fraction of the training rows classified correctly (during the epoch's steps). */
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * Options of {@link Classifier.fit}: training overrides, callbacks, controls and held-out data.
 *
 * @example
 * ```ts
 * await clf.fit(X, y, { epochs: 30, validationData: Xval, validationLabels: yval, patience: 5 });
 * ```
 */
export interface ClassifierFitOptions extends TrainingOptions, FitHooks<ClassifierEpoch> {
  /** Held-out rows to validate on each epoch (instead of `validationSplit`); needs `validationLabels`. */
  validationData?: MatrixInput;
  /** The labels of `validationData`. */
  validationLabels?: Int32Array | readonly number[];
}

/**
 * Options of {@link Classifier.fit} from a labelled row source: training overrides, callbacks,
 * controls, a held-out labelled source and the shuffle buffer.
 *
 * @example
 * ```ts
 * await clf.fit(trainSource, { epochs: 10, validationData: testSource, shuffleBuffer: 20_000 });
 * ```
 */
export interface ClassifierSourceFitOptions extends TrainingOptions, FitHooks<ClassifierEpoch> {
  /** A held-out source of labelled batches, read once per epoch (instead of `validationSplit`). */
  validationData?: RowSource;
  /** Rows in the shuffle buffer, as for `VAE.fit` from a source. Default 10,000. */
  shuffleBuffer?: number;
}

type Input = MatrixInput | Tensor;
type Labels = Int32Array | readonly number[];
const NO_GRAD = { grad: false } as const;
const CHUNK = 1024;
const LABEL_KEYS = ['validationLabels'];

/** Row-wise argmax of logits or probabilities `[rows, classes]` (the first maximum wins). */
function argmaxRows(p: FloatArray, rows: number, classes: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[r * classes + c] > p[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}

function accuracyOf(predicted: Int32Array, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / Math.max(labels.length, 1);
}

/**
 * A neural classifier: an MLP encoder (`hiddenDims`, ReLU by default) and a linear head to one
 * logit per class, trained on the mean softmax cross-entropy by the shared trainer (minibatches,
 * validation split, early stopping, abort, progress, non-finite guard, bit-exact resume), as
 * PyTorch's `nn.Sequential(..., nn.Linear(h, C))` with `F.cross_entropy` or scikit-learn's
 * `MLPClassifier`. {@link Classifier.fromEncoder} starts from a trained Autoencoder's or VAE's
 * encoder (pre-training; `freeze: true` is a linear probe).
 *
 * @example
 * ```ts
 * const clf = new Classifier({ inputDim: 64, hiddenDims: [64], nClasses: 10, seed: 1 });
 * await clf.fit(X, labels, { epochs: 50 });
 * const yhat = clf.predict(Xtest);        // Int32Array
 * const p = clf.predictProba(Xtest);      // Tensor [n, 10], rows sum to 1
 * console.log(clf.score(Xtest, ytest));   // accuracy
 * ```
 */
export class Classifier extends TrainedModel<ClassifierConfig, ClassifierNetwork, ClassifierEpoch> implements SupervisedModel {
  constructor(options: ClassifierOptions) {
    const config = deepFreeze(resolveClassifierConfig(options));
    const initRng = new Rng(`${config.seed}:init`);
    super(config, new ClassifierNetwork(config, initRng), new Trainer(config.seed, [], 'Classifier.fit'), initRng);
  }

  /**
   * A classifier whose encoder is a copy of a trained Autoencoder's encoder, or of a VAE's
   * encoder up to the posterior mean μ (the first `latentDim` outputs of its last layer), followed
   * by a new linear head to `nClasses` logits. With `freeze: true` only the head trains (a
   * linear probe on the frozen codes); otherwise everything is fine-tuned, the copied layers at
   * `encoderLearningRate` when given. The copy's codes equal `model.encode(X)` bit for bit; the
   * source model is not changed by anything the classifier does. Other options are
   * {@link ClassifierOptions} (training defaults, `seed` of the head and of the shuffling).
   *
   * @throws NotFittedError when `model` is not fitted; RangeError/TypeError for bad options.
   * @example
   * ```ts
   * const ae = new Autoencoder({ inputDim: 64, hiddenDims: [128], latentDim: 16, seed: 1 });
   * await ae.fit(Xall, { epochs: 50 });
   * const probe = Classifier.fromEncoder(ae, { nClasses: 10, freeze: true, seed: 2 });
   * await probe.fit(Xlabelled, labels, { epochs: 100 });
   * ```
   */
  static fromEncoder(model: EncoderSource, options: FromEncoderOptions): Classifier {
    const where = 'Classifier.fromEncoder';
    const clf = new Classifier(encoderBodyOptions(model, options, where));
    copyEncoderBody(model, clf.net.encoder!, where);
    return clf;
  }

  /** `'Classifier'`, the type tag of the saved state. */
  get type(): 'Classifier' { return 'Classifier'; }
  /** Number of classes. */
  get nClasses(): number { return this.config.nClasses; }
  /** The encoder MLP (x → the features the head sees), or null without hidden layers. */
  get encoder(): MLP | null { return this.net.encoder; }
  /** The linear head (features → logits). */
  get head(): Linear { return this.net.head; }

  /**
   * Trains for `epochs` more epochs (an interrupted epoch is finished first) on the rows of X
   * and their class labels (0..nClasses−1, one per row) and returns their history.
   *
   * Given a {@link RowSource} instead, whose batches carry their labels
   * (`{ data, shape, labels }`), trains from it as `VAE.fit` does from a source (an epoch is
   * one pass, shuffled in a buffer of `shuffleBuffer` rows);
   * `validationData` is then a labelled source too, or `validationSplit` holds out a fraction of
   * the stream. A batch whose labels are missing or bad fails the fit, which then leaves the
   * model as it was before the call.
   *
   * @throws RangeError/TypeError for labels of the wrong length, non-integer, out of range, or
   * all of one class, and for `validationData` without `validationLabels` (or the reverse).
   * @example
   * ```ts
   * async function* batches() { for (const b of chunks) yield { data: b.X, shape: [b.n, 64], labels: b.y }; }
   * await clf.fit({ [Symbol.asyncIterator]: batches }, { epochs: 5, shuffleBuffer: 5000 });
   * ```
   */
  async fit(X: Input, labels: Labels, options?: ClassifierFitOptions): Promise<ClassifierEpoch[]>;
  async fit(source: RowSource, options?: ClassifierSourceFitOptions): Promise<ClassifierEpoch[]>;
  async fit(X: Input | RowSource, labels?: Labels | ClassifierSourceFitOptions, options: ClassifierFitOptions = {}): Promise<ClassifierEpoch[]> {
    const where = 'Classifier.fit';
    if (isRowSource(X)) return this.train(X, (labels ?? {}) as ClassifierSourceFitOptions, where);
    const classes = this.nClasses;
    return this.train(X, options, where, (data, validation) => {
      const y = toLabels(labels, where, 'labels', { rows: data.rows, classes });
      if (y.length > 0 && y.every((v) => v === y[0])) {
        throw new RangeError(`${where}: labels must hold at least 2 distinct classes (got only class ${y[0]} in ${y.length} rows)`);
      }
      const held = options.validationLabels;
      if ((validation === null) !== (held === undefined)) {
        throw new TypeError(`${where}: validationData and validationLabels go together (got ${validation === null ? 'validationLabels only' : 'validationData only'})`);
      }
      const v = validation === null ? null : toLabels(held, where, 'validationLabels', { rows: validation.rows, classes, rowsArg: 'validationData' });
      return { data: y, validation: v };
    }, LABEL_KEYS);
  }

  /** A streamed batch's labels, checked as class indices. @internal */
  protected override batchLabels(where: string): (labels: unknown, rows: number, arg: string) => Int32Array {
    return (labels, rows, arg) => toLabels(labels, where, arg, { rows, classes: this.nClasses, rowsArg: 'the batch' });
  }

  /** A classifier has no [0, 1] requirement. @internal */
  protected unitSetting(): UnitSetting | null { return null; }

  /** The cross-entropy of a batch against its labels, and its accuracy. @internal */
  protected trainable(): Trainable {
    const lr = this.config.encoderLearningRate;
    const encoder = this.net.encoder;
    const learningRates = lr === null || this.config.freeze || encoder === null
      ? undefined
      : new Map([...encoder.parameters().keys()].map((k) => [`encoder.${k}`, lr]));
    const step = (batch: Tensor, labels: Int32Array | null, grad: boolean) => {
      const y = labels!;
      const logits = this.net.forward(batch, grad ? undefined : NO_GRAD);
      const loss = this.net.headLoss(logits, y);
      const accuracy = accuracyOf(argmaxRows(logits.data, y.length, this.nClasses), y);
      return { loss, parts: { accuracy } };
    };
    return {
      lossUnit: 'nats/sample',
      parameters: () => this.net.trainableParameters(),
      learningRates,
      trainingLoss: (batch, ctx) => step(batch, ctx.labels, true),
      validationLoss: (batch, ctx) => {
        const r = step(batch, ctx.labels, false);
        return { loss: r.loss.item(), parts: r.parts };
      },
    };
  }

  /** A {@link ClassifierEpoch} of one trainer log. @internal */
  protected record(log: EpochLog): ClassifierEpoch {
    return epochEntry(log, { accuracy: log.parts.accuracy }, ['accuracy']);
  }

  /** The logits `[n, nClasses]` (scores before the softmax). */
  decisionFunction(X: Input): Tensor {
    const x = this.fitted(X, 'Classifier.decisionFunction');
    return this.logits(x);
  }

  /** The class probabilities `[n, nClasses]`: the softmax of the logits, each row summing to 1. */
  predictProba(X: Input): Tensor {
    const x = this.fitted(X, 'Classifier.predictProba');
    return softmax(this.logits(x), { axis: 1 });
  }

  /** The most probable class of each row (the first one on a tie). */
  predict(X: Input): Int32Array {
    const x = this.fitted(X, 'Classifier.predict');
    return argmaxRows(this.logits(x).data, x.rows, this.nClasses);
  }

  /** Accuracy: the fraction of rows whose predicted class is the label. */
  score(X: Input, labels: Labels): number {
    const where = 'Classifier.score';
    const x = this.fitted(X, where);
    const y = toLabels(labels, where, 'labels', { rows: x.rows, classes: this.nClasses });
    return accuracyOf(argmaxRows(this.logits(x).data, x.rows, this.nClasses), y);
  }

  private logits(x: DenseMatrix): Tensor {
    const c = this.nClasses;
    const out = this.config.dtype === 'float64' ? new Float64Array(x.rows * c) : new Float32Array(x.rows * c);
    for (let s = 0; s < x.rows; s += CHUNK) {
      const e = Math.min(s + CHUNK, x.rows);
      out.set(this.net.forward(new Tensor(x.data.subarray(s * x.cols, e * x.cols), [e - s, x.cols]), NO_GRAD).data, s * c);
    }
    return new Tensor(out, [x.rows, c]);
  }

  private fitted(X: Input, where: string): DenseMatrix {
    if (!this.isFitted) throw new NotFittedError(`Classifier (in ${where})`);
    return modelMatrix(X, where, this.inputDim, 'Classifier', this.config.dtype);
  }

  /** @internal */
  protected configJSON(): Record<string, unknown> { return classifierConfigToJSON(this.config); }

  /** @internal */
  protected rngStates(): Record<string, RngState> { return { init: this.initRng.state() }; }

  /** Rebuilds a Classifier from {@link Classifier.toState}; every field is checked first. */
  static fromState(state: ModelState): Classifier {
    return unpackNeuralState<Classifier, ClassifierEpoch>(state, 'Classifier', (o) => new Classifier(savedOptions(o) as unknown as ClassifierOptions), (clf, parts) => {
      clf.restore(parts, 'Classifier.fromState');
    });
  }

  /** Inverse of {@link Classifier.toJSON} (an object or its string). */
  static fromJSON(json: string | ModelJSON): Classifier {
    return Classifier.fromState(stateFromJSON(json, 'Classifier', [1]));
  }

  /** safetensors bytes: parameters, optimizer state and random streams (weights-only with `{ trainingState: false }`), CRC-32. @example `const again = Classifier.fromBytes(clf.toBytes());` */
  toBytes(options: NeuralSaveOptions = {}): Uint8Array { return stateToBytes(this.toState(options)); }

  /** Inverse of {@link Classifier.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `Classifier.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): Classifier { return Classifier.fromState(stateFromBytes(bytes, 'Classifier', [1], source)); }

  /**
   * Saves as safetensors, atomically: a full checkpoint, or with `{ trainingState: false }` the
   * weights and configuration only. Node only.
   * @example `await clf.save('clf.safetensors');`
   */
  async save(path: string, options: NeuralSaveOptions = {}): Promise<void> {
    await saveState(path, this.toState({ trainingState: wantsTrainingState(options, 'Classifier.save') }));
  }

  /** Loads a file written by {@link Classifier.save}; errors name the file. Node only. @example `const m = await Classifier.load('clf.safetensors');` */
  static async load(path: string): Promise<Classifier> { return Classifier.fromState(await loadState(path, 'Classifier', [1])); }
}
