/**
 * Factor analysis (Bishop, PRML §12.2.4): PPCA with a diagonal noise Ψ instead of σ²I, fitted
 * by scikit-learn's SVD-based EM (see factor-analysis-fit.ts).
 *
 * @module
 */
import { NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, assertInt, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { fitFactorAnalysis } from './factor-analysis-fit.js';
import {
  factorAnalysisFromState, factorAnalysisToState, validateFactorAnalysisOptions,
  type FactorAnalysisFit, type FactorRotation, type ResolvedFactorAnalysisOptions,
} from './factor-analysis-state.js';
import { covarianceMatrix, logLikelihoodRows, lowRankGaussian, posteriorMeans, precisionMatrix, type LowRankGaussian } from './gaussian.js';

export type { FactorRotation, ResolvedFactorAnalysisOptions } from './factor-analysis-state.js';

/**
 * Options of {@link FactorAnalysis} (scikit-learn's names in camelCase).
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 3, tol: 1e-8, maxIter: 2000, rotation: 'varimax', noiseVarianceInit: [1, 1, 1, 1, 1] });
 * ```
 */
export interface FactorAnalysisOptions {
  /** Number of factors k ≤ nFeatures. Default nFeatures. */
  nComponents?: number;
  /** EM stops when the log-likelihood (the total over rows) grows by less than tol. Default 1e-2, as scikit-learn. */
  tol?: number;
  /** EM iterations at most. Default 1000. */
  maxIter?: number;
  /** Ψ at the start, one positive value per feature. Default all ones. */
  noiseVarianceInit?: readonly number[] | Float64Array;
  /** `'varimax'`, `'quartimax'` or null (default): an orthogonal rotation of the fitted loadings. */
  rotation?: FactorRotation;
}

/**
 * Factor analysis: p(z) = N(0, I), p(x|z) = N(Wᵀz + μ, Ψ) with Ψ diagonal, so
 * p(x) = N(μ, WᵀW + Ψ) where W = `components` (k×D, scikit-learn's layout). Fitted by
 * scikit-learn's SVD-based EM; `loglike` records the total log-likelihood at every iteration
 * (non-decreasing), `converged` is false when maxIter ran out (scikit-learn's
 * ConvergenceWarning). Each loading row has its largest-magnitude entry positive.
 * `transform` gives the posterior means (I + WΨ⁻¹Wᵀ)⁻¹WΨ⁻¹(x − μ); `inverseTransform` the
 * mean Wᵀz + μ of p(x|z). The likelihood, precision and posterior work in the coordinates
 * Ψ^−½x, where the model is PPCA with σ² = 1, so only k×k matrices are inverted (Woodbury).
 *
 * @example
 * ```ts
 * const fa = new FactorAnalysis({ nComponents: 2, tol: 1e-6 }).fit(X);
 * fa.noiseVariance;          // Float64Array [nFeatures], Ψ
 * fa.score(X);               // average log-likelihood
 * fa.transform(X);           // Tensor [n, 2], posterior means
 * fa.getPrecision();         // Tensor [D, D], by Woodbury
 * ```
 */
export class FactorAnalysis implements LatentModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<ResolvedFactorAnalysisOptions>;
  private fitted: FactorAnalysisFit | null = null;
  private cache: LowRankGaussian | null = null;

  constructor(options: FactorAnalysisOptions = {}) {
    this.options = Object.freeze(validateFactorAnalysisOptions((options ?? {}) as unknown as Record<string, unknown>, 'FactorAnalysis'));
  }

  /** `'FactorAnalysis'`, the type tag of the saved state. */
  get type(): 'FactorAnalysis' { return 'FactorAnalysis'; }

  /** Fits W, Ψ and μ to the rows of X (at least 2) and returns `this`. X is never modified. */
  fit(X: MatrixInput): this {
    this.fitted = fitFactorAnalysis(X, this.options, 'FactorAnalysis.fit');
    this.cache = null;
    return this;
  }

  /** `fit(X)` then `transform(X)`. */
  fitTransform(X: MatrixInput): Tensor {
    return this.fit(X).transform(X);
  }

  /** Posterior means E[z|x] = (I + WΨ⁻¹Wᵀ)⁻¹WΨ⁻¹(x − μ): Tensor `[nSamples, k]`, float64. */
  transform(X: MatrixInput): Tensor {
    return this.project(X, 'FactorAnalysis.transform');
  }

  /** The same as {@link FactorAnalysis.transform} (the {@link LatentModel} name). */
  encode(X: MatrixInput): Tensor {
    return this.project(X, 'FactorAnalysis.encode');
  }

  /** The mean Wᵀz + μ of p(x|z) for each row of Z `[nSamples, k]`: Tensor `[nSamples, nFeatures]`. */
  inverseTransform(Z: MatrixInput): Tensor {
    return this.lift(Z, 'FactorAnalysis.inverseTransform');
  }

  /** The same as {@link FactorAnalysis.inverseTransform} (the {@link LatentModel} name). */
  decode(Z: MatrixInput): Tensor {
    return this.lift(Z, 'FactorAnalysis.decode');
  }

  /** `inverseTransform(transform(X))`. */
  reconstruct(X: MatrixInput): Tensor {
    return this.lift(this.project(X, 'FactorAnalysis.reconstruct'), 'FactorAnalysis.reconstruct');
  }

  /** ln N(xₙ | μ, WᵀW + Ψ) of each row (scikit-learn's `score_samples`): Tensor `[nSamples]`. */
  scoreSamples(X: MatrixInput): Tensor {
    const x = this.readScaled(X, 'FactorAnalysis.scoreSamples');
    const f = this.state();
    const ll = logLikelihoodRows(this.gaussian(), x.data, x.rows);
    let halfLogPsi = 0;
    for (let j = 0; j < f.d; j++) halfLogPsi += 0.5 * Math.log(f.noiseVariance[j]);
    for (let i = 0; i < ll.length; i++) ll[i] -= halfLogPsi;
    return new Tensor(ll, [x.rows]);
  }

  /** The mean of {@link FactorAnalysis.scoreSamples}: the average log-likelihood. */
  score(X: MatrixInput): number {
    const ll = this.scoreSamples(X).data;
    let s = 0;
    for (let i = 0; i < ll.length; i++) s += ll[i];
    return s / ll.length;
  }

  /** The model covariance WᵀW + Ψ: Tensor `[nFeatures, nFeatures]`. */
  getCovariance(): Tensor {
    const f = this.state();
    const wt = transposed(f.components, f.k, f.d);
    const c = covarianceMatrix(wt, 0, f.d, f.k);
    for (let j = 0; j < f.d; j++) c[j * f.d + j] += f.noiseVariance[j];
    return new Tensor(c, [f.d, f.d]);
  }

  /** (WᵀW + Ψ)⁻¹ = Ψ⁻¹ − Ψ⁻¹Wᵀ(I + WΨ⁻¹Wᵀ)⁻¹WΨ⁻¹ (Woodbury; only k×k is inverted): Tensor `[D, D]`. */
  getPrecision(): Tensor {
    const f = this.state();
    const p = precisionMatrix(this.gaussian()); // of Ψ^−½x
    const r = Float64Array.from(f.noiseVariance, (v) => 1 / Math.sqrt(v));
    for (let i = 0; i < f.d; i++) for (let j = 0; j < f.d; j++) p[i * f.d + j] *= r[i] * r[j];
    return new Tensor(p, [f.d, f.d]);
  }

  /** n draws x = Wᵀz + μ + Ψ^½ε, deterministic for a seed: Tensor `[n, nFeatures]`. */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    const f = this.state();
    assertInt(n, 'n', 'FactorAnalysis.sample', 0);
    const rng = new Rng(options.seed ?? 0);
    const z = new Float64Array(n * f.k);
    const out = new Float64Array(n * f.d);
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < f.k; q++) z[i * f.k + q] = rng.normal();
      for (let j = 0; j < f.d; j++) out[i * f.d + j] = f.mean[j] + Math.sqrt(f.noiseVariance[j]) * rng.normal();
    }
    gemmCore(false, false, n, f.d, f.k, 1, z, f.k, f.components, f.d, 1, out, f.d);
    return new Tensor(out, [n, f.d]);
  }

  /** The loadings W `[k, nFeatures]` (rotated when asked; a copy). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [f.k, f.d]);
  }

  /** Ψ, the noise variance of each feature (a copy). */
  get noiseVariance(): Float64Array { return this.state().noiseVariance.slice(); }

  /** μ (a copy). */
  get mean(): Float64Array { return this.state().mean.slice(); }

  /** The total log-likelihood at each EM iteration (scikit-learn's `loglike_`; a copy). */
  get loglike(): Float64Array { return this.state().loglike.slice(); }

  /** EM iterations run. */
  get nIter(): number { return this.state().nIter; }

  /** Whether EM met tol within maxIter (false is scikit-learn's ConvergenceWarning). */
  get converged(): boolean { return this.state().converged; }

  /** Whether `fit` has run (or the model was loaded fitted). */
  get isFitted(): boolean { return this.fitted !== null; }

  /** Features seen by `fit`. */
  get nFeatures(): number { return this.state().d; }

  /** The number of factors k. */
  get latentDim(): number { return this.state().k; }

  /** The model as a {@link ModelState} (type 'FactorAnalysis', version 1). */
  toState(): ModelState { return factorAnalysisToState(this.options, this.fitted); }

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON { return stateToJSON(this.toState()); }

  /** safetensors bytes of {@link FactorAnalysis.toState}. @example `const again = FactorAnalysis.fromBytes(fa.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically. Node only. @example `await fa.save('fa.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Rebuilds a model from {@link FactorAnalysis.toState}; FormatError names the bad field. @example `FactorAnalysis.fromState(fa.toState())` */
  static fromState(state: ModelState): FactorAnalysis {
    const { options, fit } = factorAnalysisFromState(state);
    const model = new FactorAnalysis();
    (model as { options: Readonly<ResolvedFactorAnalysisOptions> }).options = Object.freeze(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link FactorAnalysis.toJSON} output (an object or its JSON text). @example `FactorAnalysis.fromJSON(JSON.stringify(fa))` */
  static fromJSON(json: string | ModelJSON): FactorAnalysis {
    return FactorAnalysis.fromState(stateFromJSON(json, 'FactorAnalysis', [1]));
  }

  /** Inverse of {@link FactorAnalysis.toBytes}; corrupt or foreign bytes throw FormatError. @example `FactorAnalysis.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): FactorAnalysis {
    return FactorAnalysis.fromState(stateFromBytes(bytes, 'FactorAnalysis', [1], source));
  }

  /** Loads a file written by {@link FactorAnalysis.save}. Node only. @example `const fa = await FactorAnalysis.load('fa.safetensors');` */
  static async load(path: string): Promise<FactorAnalysis> {
    return FactorAnalysis.fromState(await loadState(path, 'FactorAnalysis', [1]));
  }

  private state(): FactorAnalysisFit {
    if (this.fitted === null) throw new NotFittedError('FactorAnalysis');
    return this.fitted;
  }

  /** PPCA with σ² = 1 in the coordinates Ψ^−½x: W̃ = Ψ^−½Wᵀ (D×k), μ̃ = Ψ^−½μ. */
  private gaussian(): LowRankGaussian {
    if (this.cache === null) {
      const f = this.state();
      const wt = transposed(f.components, f.k, f.d);
      const mu = new Float64Array(f.d);
      for (let j = 0; j < f.d; j++) {
        const r = 1 / Math.sqrt(f.noiseVariance[j]);
        mu[j] = f.mean[j] * r;
        for (let q = 0; q < f.k; q++) wt[j * f.k + q] *= r;
      }
      this.cache = lowRankGaussian(wt, mu, 1, f.d, f.k);
    }
    return this.cache;
  }

  /** X validated, then each column divided by √Ψⱼ. */
  private readScaled(X: MatrixInput, where: string): DenseMatrix<Float64Array> {
    const f = this.state();
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.d, where, 'FactorAnalysis');
    const r = Float64Array.from(f.noiseVariance, (v) => 1 / Math.sqrt(v));
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < f.d; j++) x.data[i * f.d + j] *= r[j];
    return x;
  }

  private project(X: MatrixInput, where: string): Tensor {
    const x = this.readScaled(X, where);
    return new Tensor(posteriorMeans(this.gaussian(), x.data, x.rows), [x.rows, this.state().k]);
  }

  private lift(Z: MatrixInput, where: string): Tensor {
    const f = this.state();
    const z = toMatrix(Z, where, 'Z');
    if (z.cols !== f.k) {
      throw new ShapeError(`${where}: Z has ${z.cols} columns, but FactorAnalysis was fitted with nComponents = ${f.k} (shape ${formatShape([z.rows, z.cols])})`);
    }
    const out = new Float64Array(z.rows * f.d);
    for (let i = 0; i < z.rows; i++) out.set(f.mean, i * f.d);
    gemmCore(false, false, z.rows, f.d, f.k, 1, z.data, f.k, f.components, f.d, 1, out, f.d);
    return new Tensor(out, [z.rows, f.d]);
  }
}

/** The transpose of a rows×cols row-major matrix (a new array). */
function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
