/**
 * Probabilistic PCA (Tipping & Bishop 1999; Bishop, PRML §12.2): closed-form maximum
 * likelihood, EM, and EM with missing values.
 *
 * @module
 */
import { NotFittedError } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, assertInt, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { loadState, stateFromBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { DecompositionModel } from './base.js';
import { peekShape } from './data.js';
import { fitClosedForm, fitClosedFormSparse, fitEm, hasNaN } from './ppca-fit.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { rowPosteriors } from './ppca-missing.js';
import { isRowSource, type RowSource } from '../../io/row-source.js';
import { fitClosedFormFromSource } from './ppca-source.js';
import { logLikelihoodRows, lowRankGaussian, posteriorCovariance, posteriorFromProducts, posteriorMeans, sampleRows, type LowRankGaussian } from './gaussian.js';
import { centredProduct, rejectSparse } from './sparse-rows.js';
import { pooledCentredProduct } from './pooled-rows.js';
import { ppcaFromState, ppcaToState, validatePPCAOptions, type PPCAFit, type PPCAMethod, type PPCAMissing } from './ppca-state.js';

export type { PPCAMethod, PPCAMissing } from './ppca-state.js';

/**
 * Options of {@link PPCA}.
 *
 * @example
 * ```ts
 * new PPCA({ nComponents: 3, method: 'em', maxIter: 500, tol: 1e-10, seed: 7 });
 * ```
 */
export interface PPCAOptions {
  /** Latent dimension k, 1 ≤ k < nFeatures (σ² averages the D − k discarded eigenvalues). */
  nComponents: number;
  /** `closed-form` (default; PRML 12.45–12.46) or `em` (PRML 12.54–12.57). */
  method?: PPCAMethod;
  /** EM iterations at most. Default 1000. */
  maxIter?: number;
  /** EM stops when the mean log-likelihood changes by at most tol·max(1, |ℓ|). Default 1e-9. */
  tol?: number;
  /** Seed of EM's random initial W. Default 0. */
  seed?: number | string;
  /** `'nan'`: NaN marks a missing value (EM only); `'error'` (default): NaN is an error. */
  missing?: PPCAMissing;
}

/**
 * The posterior p(z|x) of each row.
 *
 * @example
 * ```ts
 * const { mean, covariance }: PPCAPosterior = new PPCA({ nComponents: 1 }).fit(X).posterior(X);
 * ```
 */
export interface PPCAPosterior {
  /** `[nSamples, k]`: M⁻¹Wᵀ(x − μ). */
  mean: Tensor;
  /** `[k, k]` σ²M⁻¹ shared by all rows, or `[nSamples, k, k]` when X has missing entries. */
  covariance: Tensor;
}

/**
 * Probabilistic PCA: p(z) = N(0, I), p(x|z) = N(Wz + μ, σ²I), so p(x) = N(μ, C) with
 * C = WWᵀ + σ²I. The closed form uses S with the 1/N convention (PRML 12.3): σ² is the mean
 * of the D − k discarded eigenvalues of S and W = Uₖ(Λₖ − σ²I)^½ (R = I). EM results are
 * rotated to the same canonical form (orthogonal columns, decreasing norms, largest-magnitude
 * entry of each column positive). When the data lie in a k-dimensional subspace (σ² = 0), σ²
 * is clamped to 1e-12 × the mean variance and `noiseVarianceClamped` is true; data without any
 * variance throw {@link ConvergenceError}. `transform` (or `encode`) gives the posterior means
 * E[z|x] = M⁻¹Wᵀ(x − μ) (PRML 12.42); `inverseTransform` (or `decode`) the mean W·z + μ of p(x|z).
 *
 * @example
 * ```ts
 * const ppca = new PPCA({ nComponents: 2 }).fit(X);
 * ppca.noiseVariance;                       // σ²
 * const { mean, covariance } = ppca.posterior(X);
 * ppca.scoreSamples(X);                    // Tensor [nSamples], ln p(x) per row
 * ppca.sample(100, { seed: 1 });            // Tensor [100, nFeatures]
 * new PPCA({ nComponents: 2, method: 'em', missing: 'nan' }).fit(Xwithholes);
 * ```
 */
export class PPCA extends DecompositionModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<Required<PPCAOptions>>;
  private fitted: PPCAFit | null = null;
  private cache: LowRankGaussian | null = null;

  constructor(options: PPCAOptions) {
    super();
    this.options = Object.freeze(validatePPCAOptions((options ?? {}) as unknown as Record<string, unknown>, 'PPCA'));
  }

  /**
   * Fits W, μ and σ² and returns `this`. X is validated and never modified. Given a
   * {@link RowSource} instead, fits the closed form from one pass (float64 covariance, memory
   * bounded by a batch and a D×D matrix) and returns a promise of `this`; if the source throws,
   * the model is left as it was. A {@link CsrMatrix} is fitted by the closed form on the
   * implicitly centred matrix (never densified); `method: 'em'` on it throws.
   */
  fit(X: MatrixInput | CsrMatrix): this;
  fit(source: RowSource): Promise<this>;
  fit(X: MatrixInput | CsrMatrix | RowSource): this | Promise<this> {
    const where = 'PPCA.fit';
    if (X instanceof CsrMatrix) {
      this.fitted = fitClosedFormSparse(X, this.options, where);
      this.cache = null;
      return this;
    }
    if (isRowSource(X)) {
      return fitClosedFormFromSource(X, this.options, where).then((f) => { this.fitted = f; this.cache = null; return this; });
    }
    const k = this.options.nComponents;
    const shape = peekShape(X);
    if (shape !== undefined && shape[0] >= 2 && shape[1] >= 1 && k >= shape[1]) {
      throw new RangeError(`${where}: PPCA requires nComponents < nFeatures (got ${k} ≥ ${shape[1]})`);
    }
    this.fitted = this.options.method === 'closed-form' ? fitClosedForm(X, this.options, where) : fitEm(X, this.options, where);
    this.cache = null;
    return this;
  }

  /** `'PPCA'`, the type tag of the saved state. */
  get type(): 'PPCA' { return 'PPCA'; }

  /**
   * p(z|x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹) for each row (PRML 12.42). With `missing: 'nan'`, NaN
   * entries are marginalised out and each row gets its own covariance. A {@link CsrMatrix} is
   * centred implicitly: R·W = X·W − 1·(μᵀW) by the sparse kernel, never the dense X − 1μᵀ.
   */
  posterior(X: MatrixInput | CsrMatrix): PPCAPosterior {
    return this.posteriorAt(X, 'PPCA.posterior');
  }

  private posteriorAt(X: MatrixInput | CsrMatrix, where: string): PPCAPosterior {
    const f = this.state();
    if (X instanceof CsrMatrix) {
      // R·W = (X − 1μᵀ)·W from the sparse rows: the dense residuals are never formed.
      const g = this.gaussian();
      const rw = centredProduct(X, f.mu, f.w, f.k, where, 'PPCA');
      return { mean: new Tensor(posteriorFromProducts(g, rw, X.rows), [X.rows, f.k]), covariance: new Tensor(posteriorCovariance(g), [f.k, f.k]) };
    }
    // Large float32/float64 inputs: R·W by the threads, which read, check and centre the rows
    // (same bytes); a NaN (missing: 'nan') or any other non-finite value takes the path below.
    const pooled = pooledCentredProduct(X, f.d, f.mu, null, f.w, false, f.k);
    if (pooled !== null) {
      const g = this.gaussian();
      return { mean: new Tensor(posteriorFromProducts(g, pooled.z, pooled.rows), [pooled.rows, f.k]), covariance: new Tensor(posteriorCovariance(g), [f.k, f.k]) };
    }
    const x = this.readRows(X, where);
    if (hasNaN(x.data)) {
      const p = rowPosteriors(f.w, f.mu, f.sigma2, f.d, f.k, x.data, x.rows);
      return { mean: new Tensor(p.z, [x.rows, f.k]), covariance: new Tensor(p.cov, [x.rows, f.k, f.k]) };
    }
    const g = this.gaussian();
    return {
      mean: new Tensor(posteriorMeans(g, x.data, x.rows), [x.rows, f.k]),
      covariance: new Tensor(posteriorCovariance(g), [f.k, f.k]),
    };
  }

  /** n draws x = Wz + μ + σε (PRML 12.33), deterministic for a seed: Tensor [n, nFeatures]. */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    const f = this.state();
    assertInt(n, 'n', 'PPCA.sample', 0);
    const rng = new Rng(options.seed ?? 0);
    return new Tensor(sampleRows(f.w, f.mu, f.sigma2, f.d, f.k, n, rng), [n, f.d]);
  }

  /**
   * Wᵀ: Tensor [k, nFeatures], rows orthogonal with decreasing norms (a copy; scikit-learn's
   * `FactorAnalysis.components_`). W = `components.transpose()` is the D×k matrix of PRML 12.2.
   */
  get components(): Tensor {
    const f = this.state();
    const c = new Float64Array(f.k * f.d);
    for (let j = 0; j < f.d; j++) for (let q = 0; q < f.k; q++) c[q * f.d + j] = f.w[j * f.k + q];
    return new Tensor(c, [f.k, f.d]);
  }

  /** μ (a copy). */
  get mean(): Float64Array {
    return this.state().mu.slice();
  }

  /** σ² (after clamping, see {@link PPCA.noiseVarianceClamped}). */
  get noiseVariance(): number {
    return this.state().sigma2;
  }

  /** True when σ² was raised to its floor because the data lie (almost) in a k-dim subspace. */
  get noiseVarianceClamped(): boolean {
    return this.state().clamped;
  }

  /** EM iterations run (0 for the closed form). */
  get nIter(): number {
    return this.state().nIter;
  }

  /** Whether EM met its tolerance (always true for the closed form). */
  get converged(): boolean {
    return this.state().converged;
  }

  /** Mean log-likelihood before each EM M-step (non-decreasing; empty for the closed form). */
  get logLikelihoodHistory(): Float64Array {
    return this.state().history.slice();
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The model as a {@link ModelState} (type 'PPCA', version 1). */
  toState(): ModelState {
    return ppcaToState(this.options, this.fitted);
  }

  /** Rebuilds a model from {@link PPCA.toState}; FormatError names the bad field. */
  static fromState(state: ModelState): PPCA {
    const { options, fit } = ppcaFromState(state);
    const model = new PPCA(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link PPCA.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): PPCA {
    return PPCA.fromState(stateFromJSON(json, 'PPCA', [1]));
  }

  /** Inverse of {@link PPCA.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `PPCA.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): PPCA { return PPCA.fromState(stateFromBytes(bytes, 'PPCA', [1], source)); }

  /** Loads a file written by {@link PPCA.save}; errors name the file. Node only. @example `const m = await PPCA.load('ppca.safetensors');` */
  static async load(path: string): Promise<PPCA> { return PPCA.fromState(await loadState(path, 'PPCA', [1])); }

  private state(): PPCAFit {
    if (this.fitted === null) throw new NotFittedError('PPCA');
    return this.fitted;
  }

  /** @internal */
  protected dims(): { d: number; k: number } {
    const f = this.state();
    return { d: f.d, k: f.k };
  }

  /** The posterior means of X, dense or {@link CsrMatrix} (centred implicitly, never densified): Tensor `[nSamples, k]`. */
  override transform(X: MatrixInput | CsrMatrix): Tensor {
    return this.project(X, 'PPCA.transform');
  }

  /** `fit(X)` then `transform(X)`, dense or {@link CsrMatrix}. */
  override fitTransform(X: MatrixInput | CsrMatrix): Tensor {
    return this.fit(X).transform(X);
  }

  /** Posterior means E[z|x] = M⁻¹Wᵀ(x − μ) (PRML 12.42): Tensor [nSamples, k]. @internal */
  protected project(X: MatrixInput | CsrMatrix, where: string): Tensor {
    return this.posteriorAt(X, where).mean;
  }

  /** The mean of p(x|z), W·z + μ, for each row of Z: Tensor [nSamples, nFeatures]. @internal */
  protected lift(z: DenseMatrix<Float64Array>): Tensor {
    const f = this.state();
    const out = new Float64Array(z.rows * f.d);
    for (let i = 0; i < z.rows; i++) out.set(f.mu, i * f.d);
    gemmCore(false, true, z.rows, f.d, f.k, 1, z.data, f.k, f.w, f.k, 1, out, f.d);
    return new Tensor(out, [z.rows, f.d]);
  }

  /** @internal */
  protected covarianceFactors(): { w: Float64Array; sigma2: number } {
    const f = this.state();
    return { w: f.w, sigma2: f.sigma2 };
  }

  /** @internal */
  protected gaussian(): LowRankGaussian {
    const f = this.state();
    this.cache ??= lowRankGaussian(f.w, f.mu, f.sigma2, f.d, f.k);
    return this.cache;
  }

  /**
   * ln p(xₙ) via Woodbury and ln|C| = (D − k) ln σ² + ln|M|. With `missing: 'nan'`, the
   * marginal over each row's observed entries (an all-NaN row gives 0).
   * @internal
   */
  protected override rowLogLikelihoods(x: DenseMatrix<Float64Array>): Float64Array {
    const f = this.state();
    if (hasNaN(x.data)) return rowPosteriors(f.w, f.mu, f.sigma2, f.d, f.k, x.data, x.rows).logLik;
    return logLikelihoodRows(this.gaussian(), x.data, x.rows);
  }

  /** X validated as rows of nFeatures columns; NaN passes with `missing: 'nan'`. @internal */
  protected override readRows(X: MatrixInput, where: string): DenseMatrix<Float64Array> {
    const f = this.state();
    rejectSparse(X, where, 'X', `${where} works on dense rows`);
    const x = toMatrix(X, where, 'X', { allowNaN: this.options.missing === 'nan' });
    assertFeatures(x.cols, f.d, where, 'PPCA');
    return x;
  }
}
