/**
 * Principal component analysis, scikit-learn's estimator in camelCase: four solvers, whitening,
 * the probabilistic-PCA likelihood, deterministic signs, and bit-exact save/load.
 *
 * @module
 */
import { ConvergenceError, NotFittedError } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { loadState, stateFromBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { DecompositionModel } from './base.js';
import { fitSpectrum, type PCAPrecision, type PCASolver, type Spectrum } from './solvers.js';
import { NOISE_FLOOR, lowRankGaussian, type LowRankGaussian } from './gaussian.js';
import { pcaFromState, pcaToState, validatePCAOptions } from './pca-state.js';
import { isRowSource, type RowSource } from '../../io/row-source.js';
import { spectrumFromSource } from './source-covariance.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { operatorSolver, sparseScores } from './pca-sparse.js';
import { centredSpectrum } from './centred-spectrum.js';
import { pooledCentredProduct } from './pooled-rows.js';

export type { PCAPrecision, PCASolver } from './solvers.js';

/**
 * Options of {@link PCA}.
 *
 * @example
 * ```ts
 * new PCA({ nComponents: 0.95, solver: 'full', whiten: true });
 * ```
 */
export interface PCAOptions {
  /**
   * An integer number of components (1 ≤ k ≤ min(nSamples, nFeatures)), or a fraction in (0, 1):
   * keep the fewest components whose explained-variance ratios sum to more than it (solvers
   * `full`, `covariance` and `auto` only). Default (or null): min(nSamples, nFeatures).
   */
  nComponents?: number | null;
  /**
   * `full` (float64 SVD of X_c, exact), `covariance` (eigendecomposition of X_cᵀX_c, fastest for
   * tall data), `randomized` (Halko–Martinsson–Tropp), or `auto` (default): covariance when
   * nFeatures ≤ 1000 and nSamples ≥ 10·nFeatures, full when both are ≤ 500, randomized when
   * the integer k is below 0.8·min(nSamples, nFeatures), full otherwise (as scikit-learn).
   * `lanczos`: Golub–Kahan–Lanczos on the implicitly centred matrix, float64, integer k only;
   * what `auto` picks for a {@link CsrMatrix} (which also accepts `randomized`).
   */
  solver?: PCASolver;
  /** Scale the scores to unit variance; `inverseTransform` undoes it exactly. Default false. */
  whiten?: boolean;
  /** Seed of the randomized solver. Default 0. */
  seed?: number | string;
  /** Extra sketch columns of the randomized solver. Default 10. */
  nOversamples?: number;
  /** Power iterations of the randomized solver; `'auto'`: 7 when k < 0.1·min(N, D), else 4. */
  nPowerIterations?: number | 'auto';
  /**
   * `float64`, `mixed` (float32 products with a float64 Rayleigh–Ritz correction; explained
   * variances stay within about 1e-7 of float64 relative to the largest), or `auto` (default):
   * mixed once the product exceeds 2³⁰ multiply-adds. The `full` solver is always float64.
   */
  precision?: PCAPrecision;
}

/** Components with variance at most this times the largest are not rescaled by whitening. */
const WHITEN_EPS = 1e-12;

/**
 * Principal component analysis. Data are rows ([nSamples, nFeatures]); X is centred, and the
 * components are the leading right singular vectors of X_c, each sign-fixed so that its
 * largest-magnitude entry is positive. `explainedVariance` uses the N − 1 convention
 * (sᵢ²/(N − 1), as scikit-learn). `score` is the probabilistic-PCA log-likelihood with
 * σ² = mean of the discarded variances. `encode` is `transform` (whitened when `whiten` is
 * set) and `decode` is `inverseTransform`; `reconstruct` undoes the whitening it applies.
 *
 * @example
 * ```ts
 * const pca = new PCA({ nComponents: 2 }).fit(X);      // X: number[][], { data, shape } or Tensor
 * const Z = pca.transform(X);                          // Tensor [nSamples, 2], float64
 * const Xhat = pca.inverseTransform(Z);                // Tensor [nSamples, nFeatures]
 * pca.explainedVarianceRatio;                          // Float64Array [0.71, 0.18]
 * const again = PCA.fromJSON(JSON.stringify(pca));     // bit-identical model
 * ```
 */
export class PCA extends DecompositionModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<Required<PCAOptions>>;
  private fitted: Spectrum | null = null;
  private cache: LowRankGaussian | null = null;

  constructor(options: PCAOptions = {}) {
    super();
    this.options = Object.freeze(validatePCAOptions(options, 'PCA'));
  }

  /** `'PCA'`, the type tag of the saved state. */
  get type(): 'PCA' { return 'PCA'; }

  /**
   * Fits the components to X and returns `this`. X is validated and never modified. Given a
   * {@link RowSource} instead, reads it once with the covariance solver in float64 (memory
   * bounded by a batch and a D×D matrix) and returns a promise of `this`; if the source throws,
   * the model is left as it was. A {@link CsrMatrix} is centred implicitly (the dense centred
   * matrix is never formed) and fitted by `'lanczos'` (what `'auto'` picks) or `'randomized'`,
   * in float64; `'full'` and `'covariance'` ask for the dense matrix.
   */
  fit(X: MatrixInput | CsrMatrix): this;
  fit(source: RowSource): Promise<this>;
  fit(X: MatrixInput | CsrMatrix | RowSource): this | Promise<this> {
    const o = this.options;
    const settings = {
      nComponents: o.nComponents ?? undefined, solver: o.solver, precision: o.precision,
      nOversamples: o.nOversamples, nPowerIterations: o.nPowerIterations, seed: o.seed,
    };
    if (isRowSource(X)) {
      return spectrumFromSource(X, 'PCA.fit', settings).then((sp) => { this.fitted = sp; this.cache = null; return this; });
    }
    if (X instanceof CsrMatrix || o.solver === 'lanczos') {
      this.fitted = centredSpectrum(X, 'PCA.fit', settings, operatorSolver(X, o.solver, 'PCA.fit'));
    } else {
      this.fitted = fitSpectrum(X, 'PCA.fit', settings);
    }
    this.cache = null;
    return this;
  }

  /** The components Vₖ: Tensor [k, nFeatures], orthonormal rows (a copy). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [this.k(f), f.nFeatures]);
  }

  /** The per-feature mean μ (a copy). */
  get mean(): Float64Array {
    return this.state().mean.slice();
  }

  /** Variance along each component, sᵢ²/(N − 1) (a copy). */
  get explainedVariance(): Float64Array {
    return this.state().explainedVariance.slice();
  }

  /** explainedVariance / total variance; 0 when the data have no variance at all. */
  get explainedVarianceRatio(): Float64Array {
    const f = this.state();
    const t = f.totalVariance;
    return Float64Array.from(f.explainedVariance, (v) => (t > 0 ? v / t : 0));
  }

  /** The singular values sᵢ of X_c (a copy). */
  get singularValues(): Float64Array {
    return this.state().singularValues.slice();
  }

  /** Mean variance of the discarded directions (0 when k = min(N, D)), N − 1 convention. */
  get noiseVariance(): number {
    return this.state().noiseVariance;
  }

  /**
   * True when the likelihood methods use a floored noise variance, max(σ², 1e-12·mean
   * variance), because σ² is (nearly) 0: the data lie in a k-dimensional subspace.
   */
  get noiseVarianceClamped(): boolean {
    const f = this.state();
    return f.noiseVariance < this.noiseFloor(f);
  }

  /** Total variance ‖X_c‖²/(N − 1) of the training data. */
  get totalVariance(): number {
    return this.state().totalVariance;
  }

  /** The number of components kept (resolves a fractional `nComponents`). */
  get nComponentsFitted(): number {
    return this.k(this.state());
  }

  /** Samples seen by `fit`. */
  get nSamples(): number {
    return this.state().nSamples;
  }

  /** The solver and precision `fit` actually used (after resolving `auto`). */
  get fittedWith(): { solver: Spectrum['solver']; precision: 'float64' | 'mixed' } {
    const f = this.state();
    return { solver: f.solver, precision: f.precision };
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The model as a {@link ModelState} (type 'PCA', version 1) for JSON or safetensors. */
  toState(): ModelState {
    return pcaToState(this.options, this.fitted);
  }

  /** Rebuilds a model from {@link PCA.toState}; throws FormatError naming the bad field. */
  static fromState(state: ModelState): PCA {
    const { options, spectrum } = pcaFromState(state);
    const pca = new PCA(options);
    pca.fitted = spectrum;
    return pca;
  }

  /** Parses {@link PCA.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): PCA {
    return PCA.fromState(stateFromJSON(json, 'PCA', [1]));
  }

  /** Inverse of {@link PCA.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `PCA.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): PCA { return PCA.fromState(stateFromBytes(bytes, 'PCA', [1], source)); }

  /** Loads a file written by {@link PCA.save}; errors name the file. Node only. @example `const m = await PCA.load('pca.safetensors');` */
  static async load(path: string): Promise<PCA> { return PCA.fromState(await loadState(path, 'PCA', [1])); }

  private state(): Spectrum {
    if (this.fitted === null) throw new NotFittedError('PCA');
    return this.fitted;
  }

  private k(f: Spectrum): number {
    return f.explainedVariance.length;
  }

  /** @internal */
  protected dims(): { d: number; k: number } {
    const f = this.state();
    return { d: f.nFeatures, k: this.k(f) };
  }

  /** Scores Z = (X − μ)·Vₖᵀ, divided by √λᵢ when whitening: Tensor [nSamples, k], float64. @internal */
  protected project(X: MatrixInput | CsrMatrix, where: string): Tensor {
    const f = this.state();
    if (X instanceof CsrMatrix) return this.whitened(sparseScores(X, f, where));
    // Large float32/float64 inputs: read, checked, centred and multiplied by the threads (same bytes).
    const pooled = pooledCentredProduct(X, f.nFeatures, f.mean, null, f.components, true, this.k(f));
    if (pooled !== null) return this.whitened(new Tensor(pooled.z, [pooled.rows, this.k(f)]));
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.nFeatures, where, 'PCA');
    const { rows: n, cols: d } = x;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x.data[i * d + j] -= f.mean[j];
    const k = this.k(f);
    const z = new Float64Array(n * k);
    gemmCore(false, true, n, k, d, 1, x.data, d, f.components, d, 0, z, k);
    return this.whitened(new Tensor(z, [n, k]));
  }

  /** Z divided by √λᵢ in place when whitening. */
  private whitened(z: Tensor): Tensor {
    if (this.options.whiten) {
      const scale = this.whitenScales();
      const data = z.data as Float64Array;
      for (let i = 0; i < data.length; i++) data[i] /= scale[i % scale.length];
    }
    return z;
  }

  /** The codes of X, dense or {@link CsrMatrix}: Tensor `[nSamples, k]`, float64. */
  override transform(X: MatrixInput | CsrMatrix): Tensor {
    return this.project(X, 'PCA.transform');
  }

  /** `fit(X)` then `transform(X)`, dense or {@link CsrMatrix}. */
  override fitTransform(X: MatrixInput | CsrMatrix): Tensor {
    return this.fit(X).transform(X);
  }

  /** X̂ = Z·Vₖ + μ (after undoing whitening in place): Tensor [nSamples, nFeatures]. @internal */
  protected lift(z: DenseMatrix<Float64Array>): Tensor {
    const f = this.state();
    if (this.options.whiten) {
      const scale = this.whitenScales();
      for (let i = 0; i < z.data.length; i++) z.data[i] *= scale[i % scale.length];
    }
    const d = f.nFeatures;
    const k = this.k(f);
    const out = new Float64Array(z.rows * d);
    for (let i = 0; i < z.rows; i++) out.set(f.mean, i * d);
    gemmCore(false, false, z.rows, d, k, 1, z.data, k, f.components, d, 1, out, d);
    return new Tensor(out, [z.rows, d]);
  }

  /** The unfloored σ² and its W: the covariance matches the fitted variances exactly. @internal */
  protected covarianceFactors(): { w: Float64Array; sigma2: number } {
    const f = this.state();
    return { w: this.weights(f, f.noiseVariance), sigma2: f.noiseVariance };
  }

  /** √λᵢ, or 1 for components without variance (their scores are zero anyway). */
  private whitenScales(): Float64Array {
    const ev = this.state().explainedVariance;
    const top = ev.length > 0 ? ev[0] : 0;
    return Float64Array.from(ev, (v) => (v > WHITEN_EPS * top && v > 0 ? Math.sqrt(v) : 1));
  }

  private noiseFloor(f: Spectrum): number {
    return NOISE_FLOOR * (f.totalVariance / f.nFeatures);
  }

  /** W = Vₖᵀ·diag(√max(λ − σ², 0)), D×k. */
  private weights(f: Spectrum, sigma2: number): Float64Array {
    const d = f.nFeatures;
    const k = this.k(f);
    const w = new Float64Array(d * k);
    for (let q = 0; q < k; q++) {
      const s = Math.sqrt(Math.max(f.explainedVariance[q] - sigma2, 0));
      for (let j = 0; j < d; j++) w[j * k + q] = f.components[q * d + j] * s;
    }
    return w;
  }

  /** The likelihood's Gaussian, with σ² floored (see {@link PCA.noiseVarianceClamped}). @internal */
  protected gaussian(where: string): LowRankGaussian {
    const f = this.state();
    if (this.cache !== null) return this.cache;
    if (!(f.totalVariance > 0)) {
      throw new ConvergenceError(`${where}: the training data have zero variance in every feature, so the probabilistic-PCA likelihood is undefined`);
    }
    const sigma2 = Math.max(f.noiseVariance, this.noiseFloor(f));
    this.cache = lowRankGaussian(this.weights(f, sigma2), f.mean, sigma2, f.nFeatures, this.k(f));
    return this.cache;
  }
}

