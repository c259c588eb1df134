/**
 * Factor analysis (Bishop, PRML §12.2.4; Barber, BRML §21): probabilistic PCA with a diagonal
 * noise Ψ, fitted by scikit-learn's SVD-based EM.
 *
 * @module
 */
import { NotFittedError } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { loadState, stateFromBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { Rng } from '../../random/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertInt, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { DecompositionModel, whiten } from './base.js';
import { fitFactorAnalysis } from './factor-analysis-fit.js';
import { rejectSparse } from './sparse-rows.js';
import {
  factorAnalysisFromState, factorAnalysisToState, validateFactorAnalysisOptions,
  type FactorAnalysisFit, type FactorAnalysisRotation, type FactorAnalysisSvdMethod, type ResolvedFactorAnalysisOptions,
} from './factor-analysis-state.js';
import { lowRankGaussian, posteriorFromProducts, posteriorMeans, sampleRows, type LowRankGaussian } from './gaussian.js';
import { pooledCentredProduct } from './pooled-rows.js';

export type { FactorAnalysisRotation, FactorAnalysisSvdMethod, ResolvedFactorAnalysisOptions } from './factor-analysis-state.js';

/**
 * Options of {@link FactorAnalysis} (scikit-learn's names in camelCase, and its defaults).
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack', rotation: 'varimax', tol: 1e-4 });
 * ```
 */
export interface FactorAnalysisOptions {
  /** Latent dimension k, 1 ≤ k ≤ min(nSamples, nFeatures). Default: nFeatures. */
  nComponents?: number | null;
  /** EM stops when the total log-likelihood grows by less than tol. Default 1e-2. */
  tol?: number;
  /** EM iterations at most. Default 1000. */
  maxIter?: number;
  /** The initial Ψ, one value > 0 per feature. Default: all ones. */
  noiseVarianceInit?: ArrayLike<number> | null;
  /** `'randomized'` (default, as scikit-learn) or `'lapack'` (the exact SVD). */
  svdMethod?: FactorAnalysisSvdMethod;
  /** Power iterations of the randomized SVD. Default 3. */
  iteratedPower?: number;
  /** `'varimax'`, `'quartimax'` or null (default): an orthogonal rotation of the loadings. */
  rotation?: FactorAnalysisRotation;
  /** Seed of the randomized SVD. Default 0. */
  seed?: number | string;
}

/**
 * Factor analysis: p(z) = N(0, I), p(x|z) = N(Wz + μ, Ψ) with Ψ diagonal, so
 * p(x) = N(μ, WWᵀ + Ψ) (PRML 12.64–12.65). Fitted as scikit-learn's `FactorAnalysis`: the
 * SVD-based EM (BRML Algorithm 21.1), `loglike` the total log-likelihood per iteration,
 * `noiseVariance` Ψ per feature, optional varimax or quartimax rotation. Each component (row of
 * `components`) has its largest-magnitude loading positive. `transform` (or `encode`) gives the
 * posterior means E[z|x] = (I + WᵀΨ⁻¹W)⁻¹WᵀΨ⁻¹(x − μ) (PRML 12.66); `inverseTransform` (or
 * `decode`) the mean Wz + μ of p(x|z); `getPrecision` is Woodbury with Ψ.
 *
 * @example
 * ```ts
 * const fa = new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack' }).fit(X);
 * fa.noiseVariance;       // Float64Array [nFeatures], Ψ
 * fa.loglike;             // total log-likelihood per EM iteration
 * fa.score(X);            // mean ln p(x)
 * fa.transform(X);        // Tensor [nSamples, 3], posterior means
 * new FactorAnalysis({ nComponents: 3, rotation: 'varimax' }).fit(X).components;
 * ```
 */
export class FactorAnalysis extends DecompositionModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<ResolvedFactorAnalysisOptions>;
  private fitted: FactorAnalysisFit | null = null;
  private cache: { g: LowRankGaussian; scale: Float64Array } | null = null;

  constructor(options: FactorAnalysisOptions = {}) {
    super();
    this.options = Object.freeze(validateFactorAnalysisOptions((options ?? {}) as unknown as Record<string, unknown>, 'FactorAnalysis'));
  }

  /** Fits W, Ψ and μ and returns `this`. X is validated and never modified. */
  fit(X: MatrixInput): this {
    rejectSparse(X, 'FactorAnalysis.fit', 'X', 'its EM works on the dense centred X; scikit-learn\'s FactorAnalysis refuses sparse X too');
    this.fitted = fitFactorAnalysis(X, this.options, 'FactorAnalysis.fit');
    this.cache = null;
    return this;
  }

  /** `'FactorAnalysis'`, the type tag of the saved state. */
  get type(): 'FactorAnalysis' { return 'FactorAnalysis'; }

  /** n draws x = Wz + μ + Ψ^½ε, deterministic for a seed: Tensor [n, nFeatures]. */
  sample(n: number, options: { seed?: number | string } = {}): Tensor {
    assertInt(n, 'n', 'FactorAnalysis.sample', 0);
    const { g, scale } = this.whitened();
    // S·(W̃z + S⁻¹μ + ε) = Wz + μ + Ψ^½ε.
    const out = sampleRows(g.w, g.mu, 1, g.d, g.k, n, new Rng(options.seed ?? 0));
    for (let i = 0; i < n; i++) for (let j = 0; j < g.d; j++) out[i * g.d + j] *= scale[j];
    return new Tensor(out, [n, g.d]);
  }

  /** The loadings W as rows: Tensor [k, nFeatures] (a copy; scikit-learn's `components_`). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [f.k, f.d]);
  }

  /** Ψ, the noise variance of each feature (a copy). */
  get noiseVariance(): Float64Array {
    return this.state().psi.slice();
  }

  /** μ (a copy). */
  get mean(): Float64Array {
    return this.state().mu.slice();
  }

  /** The total log-likelihood Σₙ ln p(xₙ) at each EM iteration (a copy; scikit-learn's `loglike_`). */
  get loglike(): Float64Array {
    return this.state().loglike.slice();
  }

  /** EM iterations run. */
  get nIter(): number {
    return this.state().nIter;
  }

  /** Whether the log-likelihood gain fell below tol before maxIter. */
  get converged(): boolean {
    return this.state().converged;
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The model as a {@link ModelState} (type 'FactorAnalysis', version 1). */
  toState(): ModelState {
    return factorAnalysisToState(this.options, this.fitted);
  }

  /** Rebuilds a model from {@link FactorAnalysis.toState}; FormatError names the bad field. */
  static fromState(state: ModelState): FactorAnalysis {
    const { options, fit } = factorAnalysisFromState(state);
    const model = new FactorAnalysis(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link FactorAnalysis.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): FactorAnalysis {
    return FactorAnalysis.fromState(stateFromJSON(json, 'FactorAnalysis', [1]));
  }

  /** Inverse of {@link FactorAnalysis.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `FactorAnalysis.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): FactorAnalysis {
    return FactorAnalysis.fromState(stateFromBytes(bytes, 'FactorAnalysis', [1], source));
  }

  /** Loads a file written by {@link FactorAnalysis.save}; errors name the file. Node only. @example `const m = await FactorAnalysis.load('fa.safetensors');` */
  static async load(path: string): Promise<FactorAnalysis> {
    return FactorAnalysis.fromState(await loadState(path, 'FactorAnalysis', [1]));
  }

  private state(): FactorAnalysisFit {
    if (this.fitted === null) throw new NotFittedError('FactorAnalysis');
    return this.fitted;
  }

  /** The Gaussian of the whitened rows Ψ^{-½}x: N(Ψ^{-½}μ, W̃W̃ᵀ + I) with W̃ = Ψ^{-½}W (D×k). */
  private whitened(): { g: LowRankGaussian; scale: Float64Array } {
    if (this.cache !== null) return this.cache;
    const f = this.state();
    const scale = f.psi.map((v) => Math.sqrt(v));
    const w = new Float64Array(f.d * f.k);
    for (let q = 0; q < f.k; q++) for (let j = 0; j < f.d; j++) w[j * f.k + q] = f.components[q * f.d + j] / scale[j];
    const mu = f.mu.map((m, j) => m / scale[j]);
    this.cache = { g: lowRankGaussian(w, mu, 1, f.d, f.k), scale };
    return this.cache;
  }

  /** @internal */
  protected dims(): { d: number; k: number } {
    const f = this.state();
    return { d: f.d, k: f.k };
  }

  /** Posterior means (I + WᵀΨ⁻¹W)⁻¹WᵀΨ⁻¹(x − μ) (PRML 12.66): Tensor [nSamples, k]. @internal */
  protected project(X: MatrixInput, where: string): Tensor {
    const { g, scale } = this.whitened();
    // Large float32/float64 inputs: (Ψ^{-½}x − μ̃)·W̃ by the threads, which read, check, whiten
    // and centre the rows (same bytes).
    const pooled = pooledCentredProduct(X, g.d, g.mu, scale, g.w, false, g.k);
    if (pooled !== null) return new Tensor(posteriorFromProducts(g, pooled.z, pooled.rows), [pooled.rows, g.k]);
    const x = this.readRows(X, where);
    return new Tensor(posteriorMeans(g, whiten(x, scale), x.rows), [x.rows, g.k]);
  }

  /** The mean of p(x|z), W·z + μ, for each row of Z: Tensor [nSamples, nFeatures]. @internal */
  protected lift(z: DenseMatrix<Float64Array>): Tensor {
    const f = this.state();
    const out = new Float64Array(z.rows * f.d);
    for (let i = 0; i < z.rows; i++) out.set(f.mu, i * f.d);
    gemmCore(false, false, z.rows, f.d, f.k, 1, z.data, f.k, f.components, f.d, 1, out, f.d);
    return new Tensor(out, [z.rows, f.d]);
  }

  /** W̃ = Ψ^{-½}W and σ² = 1: the covariance of the whitened rows. @internal */
  protected covarianceFactors(): { w: Float64Array; sigma2: number } {
    return { w: this.whitened().g.w, sigma2: 1 };
  }

  /** @internal */
  protected gaussian(): LowRankGaussian {
    return this.whitened().g;
  }

  /** Ψ^½. @internal */
  protected override noiseScale(): Float64Array {
    return this.whitened().scale;
  }
}
