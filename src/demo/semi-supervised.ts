/**
 * The demo's semi-supervised comparison (issue 16): few labelled digits, the rest unlabelled.
 * The autoencoder, the VAE and PCA were fitted on every training digit without labels; here
 * classifiers see only `labelsPerClass` labelled digits of each class, drawn anew for each
 * seed, and are scored on held-out digits: an MLP from random initialisation, the same MLP
 * initialised from the autoencoder's and from the VAE's encoder (fine-tuned, and frozen under a
 * trained linear head), and logistic regression on PCA codes; logistic regression on PCA codes
 * with every label is the reference line. Every method of one seed sees the same labelled rows.
 *
 * @module
 */
import { Classifier } from '../models/neural/classifier.js';
import { encoderBodyOptions, type EncoderSource } from '../models/neural/classifier-encoder.js';
import { LogisticRegression } from '../models/linear/logistic-regression.js';
import { Rng } from '../random/rng.js';
import { asMatrix, type Matrix } from '../app/matrix.js';

/**
 * The compared methods, in table order (`'all-labels'` is the reference with every label).
 *
 * @example
 * ```ts
 * const m: SemiSupervisedMethod = 'ae-finetuned';
 * ```
 */
export type SemiSupervisedMethod = 'random' | 'ae-finetuned' | 'ae-frozen' | 'vae-finetuned' | 'vae-frozen' | 'pca-logreg' | 'all-labels';

/** Methods run at every labels-per-class value, in table order. */
export const FEW_LABEL_METHODS: readonly SemiSupervisedMethod[] = ['random', 'ae-finetuned', 'ae-frozen', 'vae-finetuned', 'vae-frozen', 'pca-logreg'];

/**
 * How one neural method trains: Adam for a fixed number of minibatch steps (so 10 and 100
 * labels per class get the same optimisation budget; epochs = ⌈steps / batches per epoch⌉),
 * and for fine-tuning, the learning rate of the copied encoder layers.
 *
 * @example
 * ```ts
 * const s: StepSchedule = { steps: 300, batchSize: 32, learningRate: 1e-3, encoderLearningRate: 1e-4 };
 * ```
 */
export interface StepSchedule {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Fine-tuning: learning rate of the copied encoder layers (default: `learningRate`). */
  encoderLearningRate?: number | null;
}

/** The methods that train a {@link Classifier}. */
export type NeuralMethod = Exclude<SemiSupervisedMethod, 'pca-logreg' | 'all-labels'>;

/**
 * Settings of {@link semiSupervised}. The demo's were chosen on a validation split of the
 * training digits (scripts/tune-semisup.ts), never on the test digits.
 *
 * @example
 * ```ts
 * const s: SemiSupervisedSettings = { labelsPerClass: [10, 100], seeds: 5, seed: 0, schedules, C: 0.1, allLabelsC: 1 };
 * ```
 */
export interface SemiSupervisedSettings {
  /** Labelled digits per class, e.g. `[10, 100]`. */
  labelsPerClass: readonly number[];
  /** Repetitions, each with its own labelled rows and initialisations. */
  seeds: number;
  /** Base seed of the labelled draws and of the classifiers. */
  seed: number;
  /** The training of each neural method (each tuned on its own). */
  schedules: Readonly<Record<NeuralMethod, StepSchedule>>;
  /** Inverse L2 penalty of logistic regression on PCA codes of the labelled rows (scikit-learn's C). */
  C: number;
  /** The same for the reference fitted on every pool row. */
  allLabelsC: number;
  /** The methods to run (default all, in table order; hyper-parameter searches run a few). */
  methods?: readonly SemiSupervisedMethod[];
}

/**
 * The unsupervised models the classifiers start from: an Autoencoder and a VAE (their encoders
 * are copied) and a PCA (its codes are the features of logistic regression).
 *
 * @example
 * ```ts
 * const sources: PretrainedSources = { autoencoder: ae32, vae: vae32, pca: pca32 };
 * ```
 */
export interface PretrainedSources {
  autoencoder: EncoderSource;
  vae: EncoderSource;
  pca: { encode(X: Matrix): { data: ArrayLike<number>; shape: readonly number[] } };
}

/**
 * Rows and their class labels (0..nClasses−1).
 *
 * @example
 * ```ts
 * const pool: LabelledRows = { X: train, labels: train.labels };
 * ```
 */
export interface LabelledRows {
  X: Matrix;
  labels: ArrayLike<number>;
}

/**
 * One line of the table: a method at one labels-per-class value (null: every label of the
 * pool), its accuracy on each seed, their mean and sample standard deviation.
 *
 * @example
 * ```ts
 * const row: SemiSupervisedRow = result.rows[0];
 * console.log(`${row.method} ${row.labelsPerClass}: ${row.mean.toFixed(3)} ± ${row.sd.toFixed(3)}`);
 * ```
 */
export interface SemiSupervisedRow {
  method: SemiSupervisedMethod;
  labelsPerClass: number | null;
  /** Labelled rows each classifier was trained on. */
  labelled: number;
  accuracies: number[];
  mean: number;
  sd: number;
}

/**
 * Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value).
 *
 * @throws RangeError for an empty list.
 * @example
 * ```ts
 * meanSd([0.7, 0.8, 0.9]); // { mean: 0.8, sd: 0.1 }
 * ```
 */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('meanSd: values must not be empty');
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  if (n === 1) return { mean, sd: 0 };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

/**
 * Indices of `perClass` rows of each class 0..nClasses−1, drawn without replacement by `rng`
 * (a seeded permutation, first `perClass` of each class), in increasing order.
 *
 * @throws RangeError when a class has fewer than `perClass` rows.
 * @example
 * ```ts
 * labelledSubset(train.labels, 10, 10, new Rng('labels:0')); // 100 indices, 10 per digit
 * ```
 */
export function labelledSubset(labels: ArrayLike<number>, nClasses: number, perClass: number, rng: Rng): Int32Array {
  const taken = new Int32Array(nClasses);
  const out: number[] = [];
  for (const i of rng.permutation(labels.length)) {
    const c = labels[i];
    if (taken[c] < perClass) {
      taken[c]++;
      out.push(i);
    }
  }
  taken.forEach((t, c) => {
    if (t < perClass) throw new RangeError(`labelledSubset: class ${c} has ${t} rows, fewer than perClass = ${perClass}`);
  });
  return Int32Array.from(out.sort((a, b) => a - b));
}

/**
 * The labelled rows of repetition `r` at `perClass` labels per class: indices into the pool,
 * drawn with the seed `semisup:${seed}:${r}:${perClass}:labels`.
 *
 * @example
 * ```ts
 * drawLabelled(train.labels, 10, 10, 0, 3); // the 100 labelled digits of the fourth seed
 * ```
 */
export function drawLabelled(labels: ArrayLike<number>, nClasses: number, perClass: number, seed: number, r: number): Int32Array {
  return labelledSubset(labels, nClasses, perClass, new Rng(`${repetitionSeed(seed, r, perClass)}:labels`));
}

function repetitionSeed(seed: number, r: number, perClass: number): string {
  return `semisup:${seed}:${r}:${perClass}`;
}

/**
 * The rows `idx` of X (a copy).
 *
 * @example
 * ```ts
 * takeRows(train, [0, 5]).shape; // [2, 784]
 * ```
 */
export function takeRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const d = X.shape[1];
  const out = new (X.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(idx.length * d);
  for (let r = 0; r < idx.length; r++) out.set(X.data.subarray(idx[r] * d, (idx[r] + 1) * d), r * d);
  return { data: out, shape: [idx.length, d] };
}

/** Epochs that give at least `steps` minibatch steps on `rows` rows. */
function epochsFor(s: StepSchedule, rows: number): number {
  return Math.max(1, Math.ceil(s.steps / Math.ceil(rows / s.batchSize)));
}

/**
 * What {@link semiSupervised} calls back after each (method, labels-per-class) row.
 *
 * @example
 * ```ts
 * const onRow: (row: SemiSupervisedRow) => void = (r) => console.log(r.method, r.mean);
 * ```
 */
export type SemiSupervisedReport = (row: SemiSupervisedRow) => void;

/**
 * Runs the comparison: for each labels-per-class value and repetition r, draws the labelled rows
 * from `pool` ({@link drawLabelled}), trains every method on them (classifier seeds
 * `semisup:${seed}:${r}:${perClass}:${method}`) and scores it on `evaluation`; then fits the reference (logistic regression on PCA codes of every pool row).
 * Deterministic for given settings, bit for bit.
 *
 * @example
 * ```ts
 * const rows = await semiSupervised({ autoencoder: ae, vae, pca }, { X: train, labels }, { X: test, labels: testLabels }, settings);
 * ```
 */
export async function semiSupervised(
  sources: PretrainedSources,
  pool: LabelledRows,
  evaluation: LabelledRows,
  settings: SemiSupervisedSettings,
  onRow: SemiSupervisedReport = () => {},
): Promise<SemiSupervisedRow[]> {
  const nClasses = 1 + Math.max(...Array.from(pool.labels));
  const evalLabels = Int32Array.from(evaluation.labels);
  const evalPca = asMatrix(sources.pca.encode(evaluation.X));
  const methods = settings.methods ?? [...FEW_LABEL_METHODS, 'all-labels'];
  const few = FEW_LABEL_METHODS.filter((m) => methods.includes(m));
  const rows: SemiSupervisedRow[] = [];
  for (const perClass of settings.labelsPerClass) {
    const acc = new Map<SemiSupervisedMethod, number[]>(few.map((m) => [m, []]));
    for (let r = 0; r < settings.seeds; r++) {
      const seed = repetitionSeed(settings.seed, r, perClass);
      const idx = drawLabelled(pool.labels, nClasses, perClass, settings.seed, r);
      const X = takeRows(pool.X, idx);
      const y = Int32Array.from(idx, (i) => pool.labels[i]);
      for (const method of few) {
        acc.get(method)!.push(await scoreMethod(method, sources, X, y, evaluation.X, evalLabels, evalPca, nClasses, settings, seed));
      }
    }
    for (const method of few) {
      const accuracies = acc.get(method)!;
      const row = { method, labelsPerClass: perClass, labelled: perClass * nClasses, accuracies, ...meanSd(accuracies) };
      rows.push(row);
      onRow(row);
    }
  }
  if (!methods.includes('all-labels')) return rows;
  const all = logisticOnCodes(sources, pool.X, Int32Array.from(pool.labels), settings.allLabelsC).score(evalPca, evalLabels);
  const ceiling: SemiSupervisedRow = { method: 'all-labels', labelsPerClass: null, labelled: pool.X.shape[0], accuracies: [all], mean: all, sd: 0 };
  rows.push(ceiling);
  onRow(ceiling);
  return rows;
}

function logisticOnCodes(sources: PretrainedSources, X: Matrix, y: Int32Array, C: number): LogisticRegression {
  return new LogisticRegression({ C, maxIter: 1000 }).fit(asMatrix(sources.pca.encode(X)), y);
}

/** Accuracy on the evaluation rows of one method trained on the labelled rows (X, y). */
async function scoreMethod(
  method: SemiSupervisedMethod, sources: PretrainedSources, X: Matrix, y: Int32Array,
  evalX: Matrix, evalY: Int32Array, evalPca: Matrix, nClasses: number, s: SemiSupervisedSettings, seed: string,
): Promise<number> {
  if (method === 'pca-logreg') return logisticOnCodes(sources, X, y, s.C).score(evalPca, evalY);
  if (method === 'all-labels') throw new Error('semiSupervised: internal error, all-labels is not a few-label method');
  const schedule = s.schedules[method];
  const clf = classifierFor(method, sources, nClasses, schedule, `${seed}:${method}`);
  await clf.fit(X, y, { epochs: epochsFor(schedule, X.shape[0]), batchSize: schedule.batchSize, learningRate: schedule.learningRate });
  return clf.score(evalX, evalY);
}

/**
 * The classifier of a neural method. The randomly initialised MLP has the autoencoder's
 * encoder shape (widths and activations, its code layer's too), so it differs from the
 * fine-tuned autoencoder only in its starting weights.
 */
function classifierFor(method: NeuralMethod, sources: PretrainedSources, nClasses: number, schedule: StepSchedule, seed: string): Classifier {
  const source = method.startsWith('vae') ? sources.vae : sources.autoencoder;
  if (method === 'random') return new Classifier(encoderBodyOptions(source, { nClasses, seed }, 'semiSupervised'));
  const freeze = method.endsWith('frozen');
  return Classifier.fromEncoder(source, { nClasses, freeze, encoderLearningRate: freeze ? null : (schedule.encoderLearningRate ?? null), seed });
}
