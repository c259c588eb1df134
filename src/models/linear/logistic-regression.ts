/**
 * L2-penalised logistic regression, multinomial for three or more classes and binomial for two,
 * with scikit-learn's objective and `C` convention, solved in float64 by L-BFGS
 * (src/optim/lbfgs.ts). A supervised model: it maps rows to class labels, not to codes, so it is
 * not a `LatentModel` (src/models/model.ts); it saves and loads like the other models.
 *
 * @module
 */
import { NotFittedError } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { lbfgs } from '../../optim/lbfgs.js';
import { newtonCg } from '../../optim/newton-cg.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { encodeLabels, readLabels, type LabelInput } from './logistic-regression-labels.js';
import type { SupervisedModel } from '../model.js';
import { linearScores, logisticHessian, logisticObjective, parameterCount, scoreColumns, sigmoid, softplus, type LogisticProblem } from './logistic-regression-loss.js';
import {
  logisticRegressionFromState, logisticRegressionToState, validateLogisticRegressionOptions,
  type LogisticRegressionFit, type LogisticRegressionSolver,
} from './logistic-regression-state.js';

export type { LogisticRegressionSolver } from './logistic-regression-state.js';

/**
 * Options of {@link LogisticRegression}; the names and defaults are scikit-learn's.
 *
 * @example
 * ```ts
 * new LogisticRegression({ C: 0.1, penalty: 'l2', fitIntercept: true, maxIter: 500, tol: 1e-6 });
 * ```
 */
export interface LogisticRegressionOptions {
  /** Inverse penalty strength: the objective is C·Σᵢ −log p(yᵢ|xᵢ) + ½‖W‖². Default 1. */
  C?: number;
  /** `'l2'` (default) or `null`: no penalty (C is then unused). */
  penalty?: 'l2' | null;
  /** Fit an unpenalised intercept per score column. Default true. */
  fitIntercept?: boolean;
  /** Solver iterations at most (L-BFGS steps, or Newton steps). Default 100. */
  maxIter?: number;
  /** Stop when every partial derivative of Σᵢ −log p + ‖W‖²/(2C) is at most tol in size. Default 1e-4. */
  tol?: number;
  /** `'lbfgs'` (default) or `'newton-cg'`. */
  solver?: LogisticRegressionSolver;
}

/**
 * Logistic regression as scikit-learn 1.2 fits it with its default solver. With K ≥ 3 classes
 * the model is multinomial, p(k | x) = softmax(W·x + b)ₖ with W `[K, d]`; with two it is
 * binomial, p(classes[1] | x) = σ(w·x + b) with one row w, so `coef` is `[1, d]` and
 * `decisionFunction` gives one score per row, as in scikit-learn. The fit minimises
 * C·Σᵢ −log p(yᵢ|xᵢ) + ½‖W‖² (the intercept is not penalised; `penalty: null` drops the
 * penalty) from zero by L-BFGS (or Newton-CG, `solver: 'newton-cg'`) on the equivalent
 * Σᵢ −log p + ‖W‖²/(2C), stopping when the largest partial derivative is at most `tol`.
 * (scipy's L-BFGS-B, which scikit-learn calls, also stops when f falls by less than 2.2e-9
 * relative; this one does not, so at a small tol it goes on to the optimum.) Softmax scores are
 * unchanged by adding one vector to every row of W, or one number to every intercept, so the
 * multinomial solution is returned with the columns of W and the intercepts centred to sum to
 * zero (the minimiser with the smallest penalty; scikit-learn's, from its zero start, is the same).
 *
 * Labels are any integers, given as an Int32Array or an array (other integer typed arrays, such as
 * the digits' Uint8Array labels, work too); `classes` lists them sorted, like `classes_`.
 *
 * @example
 * ```ts
 * const { train, test } = await loadDigits();
 * const pca = new PCA({ nComponents: 50 }).fit(train);
 * const clf = new LogisticRegression({ C: 1, maxIter: 500 }).fit(pca.transform(train), train.labels);
 * clf.score(pca.transform(test), test.labels);  // accuracy
 * clf.predictProba(pca.transform(test)).shape;  // [nTest, 10]
 * clf.coef.shape;                                // [10, 50]
 * ```
 */
export class LogisticRegression implements SupervisedModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<Required<LogisticRegressionOptions>>;
  private fitted: LogisticRegressionFit | null = null;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = Object.freeze(validateLogisticRegressionOptions((options ?? {}) as Record<string, unknown>, 'LogisticRegression'));
  }

  /** `'LogisticRegression'`, the type tag of the saved state. */
  get type(): 'LogisticRegression' { return 'LogisticRegression'; }

  /**
   * Fits W and b to rows X and their labels y (one integer per row, at least two distinct) and
   * returns `this`. X and y are validated and never modified.
   */
  fit(X: MatrixInput, y: LabelInput): this {
    const where = 'LogisticRegression.fit';
    const x = toMatrix(X, where, 'X');
    const labels = readLabels(y, x.rows, where);
    const { classes, target } = encodeLabels(labels);
    if (classes.length < 2) {
      throw new RangeError(`${where}: y holds one class only (${classes[0]}); logistic regression needs at least 2`);
    }
    const { C, penalty, fitIntercept, maxIter, tol, solver } = this.options;
    const nClasses = classes.length;
    const r = scoreColumns(nClasses);
    const d = x.cols;
    const problem: LogisticProblem = { x, target, nClasses, lambda: penalty === null ? 0 : 1 / C, fitIntercept };
    const fn = logisticObjective(problem);
    const x0 = new Float64Array(parameterCount(nClasses, d, fitIntercept));
    const result = solver === 'newton-cg'
      ? newtonCg(fn, logisticHessian(problem), x0, { maxIter, gtol: tol })
      : lbfgs(fn, x0, { maxIter, gtol: tol });
    const coef = result.x.slice(0, r * d);
    const intercept = fitIntercept ? result.x.slice(r * d, r * d + r) : new Float64Array(r);
    if (r > 1) centreRows(coef, intercept, r, d);
    this.fitted = { classes, d, coef, intercept, nIter: result.nIter, converged: result.converged };
    return this;
  }

  /** Whether `fit` has run (or the model was loaded fitted). */
  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The distinct training labels, sorted (scikit-learn's `classes_`; a copy). */
  get classes(): Int32Array {
    return this.state().classes.slice();
  }

  /** Number of classes (the length of {@link LogisticRegression.classes}). */
  get nClasses(): number {
    return this.state().classes.length;
  }

  /** Width of the rows the model was fitted on. */
  get nFeatures(): number {
    return this.state().d;
  }

  /** W: Tensor `[nClasses, nFeatures]`, or `[1, nFeatures]` for two classes (a copy). */
  get coef(): Tensor {
    const f = this.state();
    return new Tensor(f.coef.slice(), [scoreColumns(f.classes.length), f.d]);
  }

  /** b: one per row of `coef` (zeros when `fitIntercept` is false; a copy). */
  get intercept(): Float64Array {
    return this.state().intercept.slice();
  }

  /** Solver iterations run (scikit-learn's `n_iter_`). */
  get nIter(): number {
    return this.state().nIter;
  }

  /** Whether the fit met `tol` within `maxIter` iterations. */
  get converged(): boolean {
    return this.state().converged;
  }

  /** The scores X·Wᵀ + b: Tensor `[nSamples, nClasses]`, or `[nSamples]` for two classes. */
  decisionFunction(X: MatrixInput): Tensor {
    const { z, rows, r } = this.scores(X, 'LogisticRegression.decisionFunction');
    return new Tensor(z, r === 1 ? [rows] : [rows, r]);
  }

  /** p(class | x) for each row: Tensor `[nSamples, nClasses]`, columns in `classes` order, rows summing to 1. */
  predictProba(X: MatrixInput): Tensor {
    const { z, rows, r } = this.scores(X, 'LogisticRegression.predictProba');
    const out = new Float64Array(rows * Math.max(r, 2));
    if (r === 1) {
      for (let i = 0; i < rows; i++) {
        const p = sigmoid(z[i]);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const lse = rowLogSumExp(z, i * r, r);
        for (let k = 0; k < r; k++) out[i * r + k] = Math.exp(z[i * r + k] - lse);
      }
    }
    return new Tensor(out, [rows, Math.max(r, 2)]);
  }

  /** log p(class | x), computed without forming p (no −Infinity from underflow): Tensor `[nSamples, nClasses]`. */
  predictLogProba(X: MatrixInput): Tensor {
    const { z, rows, r } = this.scores(X, 'LogisticRegression.predictLogProba');
    const out = new Float64Array(rows * Math.max(r, 2));
    if (r === 1) {
      for (let i = 0; i < rows; i++) {
        out[2 * i] = -softplus(z[i]);
        out[2 * i + 1] = -softplus(-z[i]);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const lse = rowLogSumExp(z, i * r, r);
        for (let k = 0; k < r; k++) out[i * r + k] = z[i * r + k] - lse;
      }
    }
    return new Tensor(out, [rows, Math.max(r, 2)]);
  }

  /** The most probable class of each row, as a label from `classes` (ties: the first). */
  predict(X: MatrixInput): Int32Array {
    return this.predictRows(this.readRows(X, 'LogisticRegression.predict'));
  }

  /** Accuracy of `predict(X)` against labels y (a label not in `classes` counts as wrong). */
  score(X: MatrixInput, y: LabelInput): number {
    const where = 'LogisticRegression.score';
    const x = this.readRows(X, where);
    const labels = readLabels(y, x.rows, where);
    const predicted = this.predictRows(x);
    let right = 0;
    for (let i = 0; i < x.rows; i++) if (predicted[i] === labels[i]) right++;
    return right / x.rows;
  }

  /** The model as a {@link ModelState} (type 'LogisticRegression', version 1). */
  toState(): ModelState {
    return logisticRegressionToState(this.options, this.fitted);
  }

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON {
    return stateToJSON(this.toState());
  }

  /** safetensors bytes (float64 arrays; type, version, config in the metadata; CRC-32). @example `const again = LogisticRegression.fromBytes(clf.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically (temp file, then rename). Node only. @example `await clf.save('clf.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Rebuilds a model from {@link LogisticRegression.toState}; FormatError names the bad field. */
  static fromState(state: ModelState): LogisticRegression {
    const { options, fit } = logisticRegressionFromState(state);
    const model = new LogisticRegression(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link LogisticRegression.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): LogisticRegression {
    return LogisticRegression.fromState(stateFromJSON(json, 'LogisticRegression', [1]));
  }

  /** Inverse of {@link LogisticRegression.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `LogisticRegression.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): LogisticRegression {
    return LogisticRegression.fromState(stateFromBytes(bytes, 'LogisticRegression', [1], source));
  }

  /** Loads a file written by {@link LogisticRegression.save}; errors name the file. Node only. @example `const m = await LogisticRegression.load('clf.safetensors');` */
  static async load(path: string): Promise<LogisticRegression> {
    return LogisticRegression.fromState(await loadState(path, 'LogisticRegression', [1]));
  }

  private state(): LogisticRegressionFit {
    if (this.fitted === null) throw new NotFittedError('LogisticRegression');
    return this.fitted;
  }

  private readRows(X: MatrixInput, where: string): DenseMatrix<Float64Array> {
    const f = this.state();
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.d, where, 'LogisticRegression');
    return x;
  }

  private scores(X: MatrixInput, where: string): { z: Float64Array; rows: number; r: number } {
    return this.rowScores(this.readRows(X, where));
  }

  private rowScores(x: DenseMatrix<Float64Array>): { z: Float64Array; rows: number; r: number } {
    const f = this.state();
    const r = scoreColumns(f.classes.length);
    return { z: linearScores(x, f.coef, f.intercept, r), rows: x.rows, r };
  }

  private predictRows(x: DenseMatrix<Float64Array>): Int32Array {
    const { z, rows, r } = this.rowScores(x);
    const classes = this.state().classes;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      if (r === 1) {
        out[i] = classes[z[i] > 0 ? 1 : 0];
        continue;
      }
      let best = 0;
      for (let k = 1; k < r; k++) if (z[i * r + k] > z[i * r + best]) best = k;
      out[i] = classes[best];
    }
    return out;
  }
}

/** log Σₖ exp z[o + k] over one row of r scores, shifted by the row maximum. */
function rowLogSumExp(z: Float64Array, o: number, r: number): number {
  let max = -Infinity;
  for (let k = 0; k < r; k++) max = Math.max(max, z[o + k]);
  let sum = 0;
  for (let k = 0; k < r; k++) sum += Math.exp(z[o + k] - max);
  return max + Math.log(sum);
}

/**
 * Subtracts from W `[r, d]` its mean row and from b its mean: softmax scores do not change, and
 * ‖W‖² can only fall, so this picks the one minimiser with centred columns.
 */
function centreRows(w: Float64Array, b: Float64Array, r: number, d: number): void {
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let k = 0; k < r; k++) mean += w[k * d + j];
    mean /= r;
    for (let k = 0; k < r; k++) w[k * d + j] -= mean;
  }
  let mean = 0;
  for (let k = 0; k < r; k++) mean += b[k];
  mean /= r;
  for (let k = 0; k < r; k++) b[k] -= mean;
}
