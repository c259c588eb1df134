/**
 * Logistic regression's objective and its gradient in float64, in scikit-learn 1.2.1's form for
 * the lbfgs solver (sklearn/linear_model/_logistic.py with unit sample weights, and
 * _linear_loss.py): f(W, b) = Σᵢ −log p(yᵢ | xᵢ) + ‖W‖²/(2C), the intercept not penalised and
 * the loss a sum over rows, not a mean. Minimising it is minimising C·Σᵢ −log p + ½‖W‖², the
 * form the documentation writes; this scaling is the one scikit-learn's `tol` applies to.
 *
 * Two row models: multinomial (softmax over K ≥ 3 score columns, K rows of W) and binomial (two
 * classes, one row w: p(class 1 | x) = σ(x·w + b)), which is what scikit-learn fits for two
 * classes (`multi_class: 'auto'` picks one-vs-rest, i.e. the binomial loss).
 *
 * The parameters are one vector: W row-major `[r, d]`, then b `[r]` when there is an intercept,
 * with r = K (multinomial) or 1 (binomial).
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import type { Objective } from '../../optim/minimize.js';
import type { HessianProduct } from '../../optim/newton-cg.js';
import type { DenseMatrix } from '../../validate.js';

/**
 * What the objective needs besides the parameters: the rows, each row's class index
 * (0 ≤ target < nClasses), the number of classes, the penalty λ = 1/C (0 without a penalty) and
 * whether there is an intercept.
 *
 * @example
 * ```ts
 * const problem: LogisticProblem = { x, target, nClasses: 3, lambda: 1 / C, fitIntercept: true };
 * ```
 */
export interface LogisticProblem {
  x: DenseMatrix<Float64Array>;
  target: Int32Array;
  nClasses: number;
  lambda: number;
  fitIntercept: boolean;
}

/**
 * Rows of W: nClasses for the multinomial model, 1 for the binomial one.
 *
 * @example
 * ```ts
 * scoreColumns(2); // 1
 * ```
 */
export function scoreColumns(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/**
 * Length of the parameter vector: r·d weights, then r intercepts if fitted.
 *
 * @example
 * ```ts
 * parameterCount(3, 4, true); // 15
 * ```
 */
export function parameterCount(nClasses: number, nFeatures: number, fitIntercept: boolean): number {
  const r = scoreColumns(nClasses);
  return r * nFeatures + (fitIntercept ? r : 0);
}

/**
 * The scores Z = X·Wᵀ + b, `[n, r]` row-major, from W `[r, d]` and b `[r]` (null: none).
 *
 * @example
 * ```ts
 * const z = linearScores(x, coef, intercept, 3);
 * ```
 */
export function linearScores(x: DenseMatrix<Float64Array>, w: Float64Array, b: Float64Array | null, r: number, out?: Float64Array): Float64Array {
  const { rows: n, cols: d } = x;
  const z = out ?? new Float64Array(n * r);
  if (b === null) z.fill(0);
  else for (let i = 0; i < n; i++) z.set(b, i * r);
  gemmCore(false, true, n, r, d, 1, x.data, d, w, d, 1, z, r);
  return z;
}

/**
 * f and ∇f as an {@link Objective} for L-BFGS. Its scratch arrays (scores and their residuals)
 * are allocated once here, so each evaluation allocates nothing.
 *
 * @example
 * ```ts
 * const fn = logisticObjective(problem);
 * const grad = new Float64Array(params.length);
 * const f = fn(params, grad);
 * ```
 */
export function logisticObjective(problem: LogisticProblem): Objective {
  const { x, target, nClasses, lambda, fitIntercept } = problem;
  const { rows: n, cols: d } = x;
  const r = scoreColumns(nClasses);
  const z = new Float64Array(n * r);
  return (params, grad) => {
    const w = params.subarray(0, r * d);
    const b = fitIntercept ? params.subarray(r * d, r * d + r) : null;
    linearScores(x, w, b, r, z);
    // z becomes the residual p − onehot(y), the gradient of the row loss with respect to its scores.
    const loss = r === 1 ? binomialRows(z, target, n) : multinomialRows(z, target, n, r);
    const gw = grad.subarray(0, r * d);
    gemmCore(true, false, r, d, n, 1, z, r, x.data, d, 0, gw, d);
    let penalty = 0;
    if (lambda !== 0) {
      for (let j = 0; j < r * d; j++) {
        penalty += w[j] * w[j];
        gw[j] += lambda * w[j];
      }
    }
    if (b !== null) {
      const gb = grad.subarray(r * d, r * d + r);
      gb.fill(0);
      for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) gb[k] += z[i * r + k];
    }
    return loss + 0.5 * lambda * penalty;
  };
}

/**
 * The objective's Hessian as products H·v, for Newton-CG. At parameters θ it stores the
 * probabilities P (softmax rows, or σ for the binomial model); then for a direction v = (V, c)
 * the scores' change is U = X·Vᵀ + c, each row's loss Hessian applied to it is
 * Rᵢ = Pᵢ ⊙ (Uᵢ − Pᵢ·Uᵢ) (binomial: pᵢ(1 − pᵢ)uᵢ), and H·v = (Rᵀ·X + λV, Σᵢ Rᵢ).
 *
 * @example
 * ```ts
 * const hv = logisticHessian(problem)(params);
 * hv(direction, out); // out = H(params)·direction
 * ```
 */
export function logisticHessian(problem: LogisticProblem): HessianProduct {
  const { x, nClasses, lambda, fitIntercept } = problem;
  const { rows: n, cols: d } = x;
  const r = scoreColumns(nClasses);
  const p = new Float64Array(n * r);
  const u = new Float64Array(n * r);
  return (params) => {
    const w = params.subarray(0, r * d);
    const b = fitIntercept ? params.subarray(r * d, r * d + r) : null;
    linearScores(x, w, b, r, p);
    if (r === 1) {
      for (let i = 0; i < n; i++) p[i] = sigmoid(p[i]);
    } else {
      for (let i = 0; i < n; i++) softmaxRow(p, i * r, r);
    }
    return (v, out) => {
      linearScores(x, v.subarray(0, r * d), fitIntercept ? v.subarray(r * d, r * d + r) : null, r, u);
      for (let i = 0; i < n; i++) {
        const o = i * r;
        if (r === 1) {
          u[i] *= p[i] * (1 - p[i]);
          continue;
        }
        let pu = 0;
        for (let k = 0; k < r; k++) pu += p[o + k] * u[o + k];
        for (let k = 0; k < r; k++) u[o + k] = p[o + k] * (u[o + k] - pu);
      }
      const hw = out.subarray(0, r * d);
      gemmCore(true, false, r, d, n, 1, u, r, x.data, d, 0, hw, d);
      if (lambda !== 0) for (let j = 0; j < r * d; j++) hw[j] += lambda * v[j];
      if (fitIntercept) {
        const hb = out.subarray(r * d, r * d + r);
        hb.fill(0);
        for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) hb[k] += u[i * r + k];
      }
    };
  };
}

/** z[o..o+r) ← softmax of itself, shifted by its maximum. */
function softmaxRow(z: Float64Array, o: number, r: number): void {
  let max = -Infinity;
  for (let k = 0; k < r; k++) max = Math.max(max, z[o + k]);
  let sum = 0;
  for (let k = 0; k < r; k++) {
    const e = Math.exp(z[o + k] - max);
    z[o + k] = e;
    sum += e;
  }
  for (let k = 0; k < r; k++) z[o + k] /= sum;
}

/**
 * Σᵢ [logΣₖ exp zᵢₖ − zᵢ,yᵢ], overwriting z with softmax(zᵢ) − onehot(yᵢ). The row maximum is
 * subtracted before exp, so no score overflows.
 */
function multinomialRows(z: Float64Array, target: Int32Array, n: number, r: number): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * r;
    let max = -Infinity;
    for (let k = 0; k < r; k++) max = Math.max(max, z[o + k]);
    let sum = 0;
    for (let k = 0; k < r; k++) {
      const e = Math.exp(z[o + k] - max);
      z[o + k] = e;
      sum += e;
    }
    const yi = o + target[i];
    loss -= Math.log(z[yi] / sum);
    for (let k = 0; k < r; k++) z[o + k] /= sum;
    z[yi] -= 1;
  }
  return loss;
}

/**
 * Σᵢ [log(1 + exp zᵢ) − yᵢzᵢ] with yᵢ ∈ {0, 1}, overwriting z with σ(zᵢ) − yᵢ.
 */
function binomialRows(z: Float64Array, target: Int32Array, n: number): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i];
    loss += softplus(zi) - (target[i] === 1 ? zi : 0);
    z[i] = sigmoid(zi) - target[i];
  }
  return loss;
}

/**
 * log(1 + eᶻ) without overflow or loss of small values.
 *
 * @example
 * ```ts
 * softplus(1000); // 1000
 * ```
 */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * 1 / (1 + e⁻ᶻ) without overflow.
 *
 * @example
 * ```ts
 * sigmoid(0); // 0.5
 * ```
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
