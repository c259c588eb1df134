/**
 * Principal component analysis, scikit-learn's estimator in camelCase: four solvers, whitening,
 * the probabilistic-PCA likelihood, deterministic signs, and bit-exact save/load.
 *
 * @module
 */
import { ConvergenceError, NotFittedError, ShapeError } from '../../errors.js';
import { gemm } from '../../kernels/gemm.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type MatrixInput } from '../../validate.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { fitSpectrum, type PCAPrecision, type PCASolver, type Spectrum } from './pca-solvers.js';
import { covarianceMatrix, logLikelihoodRows, lowRankGaussian, precisionMatrix, type LowRankGaussian } from './ppca-gaussian.js';
import { pcaFromState, pcaToState, validatePCAOptions, type ResolvedPCAOptions } from './pca-state.js';

export type { PCAPrecision, PCASolver } from './pca-solvers.js';

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

/**
 * Relative floor of the noise variance used by the likelihood (times the mean variance).
 *
 * @example
 * ```ts
 * Math.max(pca.noiseVariance, NOISE_FLOOR * pca.totalVariance / pca.nFeatures); // σ² used by score
 * ```
 */
export const NOISE_FLOOR = 1e-12;
/** Components with variance at most this times the largest are not rescaled by whitening. */
const WHITEN_EPS = 1e-12;

/**
 * Principal component analysis. Data are rows ([nSamples, nFeatures]); X is centred, and the
 * components are the leading right singular vectors of X_c, each sign-fixed so that its
 * largest-magnitude entry is positive. `explainedVariance` uses the N − 1 convention
 * (sᵢ²/(N − 1), as scikit-learn). `score` is the probabilistic-PCA log-likelihood with
 * σ² = mean of the discarded variances.
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
export class PCA {
  /** The hyper-parameters, resolved and frozen; `fit` never changes them. */
  readonly options: Readonly<ResolvedPCAOptions>;
  private fitted: Spectrum | null = null;
  private gaussian: LowRankGaussian | null = null;

  constructor(options: PCAOptions = {}) {
    this.options = Object.freeze(validatePCAOptions(options, 'PCA'));
  }

  /** Fits the components to X and returns `this`. X is validated and never modified. */
  fit(X: MatrixInput): this {
    const o = this.options;
    this.fitted = fitSpectrum(X, 'PCA.fit', {
      nComponents: o.nComponents ?? undefined, solver: o.solver, precision: o.precision,
      nOversamples: o.nOversamples, nPowerIterations: o.nPowerIterations, seed: o.seed,
    });
    this.gaussian = null;
    return this;
  }

  /** `fit(X)` then `transform(X)`. */
  fitTransform(X: MatrixInput): Tensor {
    return this.fit(X).transform(X);
  }

  /** Scores Z = (X − μ)·Vₖᵀ, divided by √λᵢ when whitening: Tensor [nSamples, k], float64. */
  transform(X: MatrixInput): Tensor {
    const f = this.state();
    const z = this.project(X, 'PCA.transform');
    if (this.options.whiten) {
      const scale = this.whitenScales();
      for (let i = 0; i < z.length; i++) z[i] /= scale[i % scale.length];
    }
    return new Tensor(z, [z.length / this.k(f), this.k(f)]);
  }

  /** X̂ = Z·Vₖ + μ (after undoing whitening): Tensor [nSamples, nFeatures]. */
  inverseTransform(Z: MatrixInput): Tensor {
    const f = this.state();
    const z = this.readCodes(Z, 'PCA.inverseTransform');
    if (this.options.whiten) {
      const scale = this.whitenScales();
      for (let i = 0; i < z.data.length; i++) z.data[i] *= scale[i % scale.length];
    }
    return new Tensor(this.reconstruct(f, z.data, z.rows), [z.rows, f.nFeatures]);
  }

  /**
   * The linear-autoencoder encoder z = Aᵀ(x − μ) with A = Vₖᵀ (orthonormal columns). Ignores
   * `whiten`: PCA is the optimal linear autoencoder in this unscaled form.
   */
  encode(X: MatrixInput): Tensor {
    const f = this.state();
    const z = this.project(X, 'PCA.encode');
    return new Tensor(z, [z.length / this.k(f), this.k(f)]);
  }

  /** The decoder x̂ = A·z + μ matching {@link PCA.encode}. */
  decode(Z: MatrixInput): Tensor {
    const f = this.state();
    const z = this.readCodes(Z, 'PCA.decode');
    return new Tensor(this.reconstruct(f, z.data, z.rows), [z.rows, f.nFeatures]);
  }

  /** The probabilistic-PCA log-likelihood of each sample (scikit-learn's score_samples). */
  scoreSamples(X: MatrixInput): Float64Array {
    const f = this.state();
    const x = toMatrix(X, 'PCA.scoreSamples', 'X');
    assertFeatures(x.cols, f.nFeatures, 'PCA.scoreSamples', 'PCA');
    return logLikelihoodRows(this.likelihood('scoreSamples'), x.data, x.rows);
  }

  /** The mean of {@link PCA.scoreSamples}: the average log-likelihood. */
  score(X: MatrixInput): number {
    const ll = this.scoreSamples(X);
    let s = 0;
    for (let i = 0; i < ll.length; i++) s += ll[i];
    return s / ll.length;
  }

  /** The model covariance Vₖᵀ·diag(λ − σ²)·Vₖ + σ²I: Tensor [nFeatures, nFeatures]. */
  getCovariance(): Tensor {
    const f = this.state();
    const d = f.nFeatures;
    return new Tensor(covarianceMatrix(this.weights(f, f.noiseVariance), f.noiseVariance, d, this.k(f)), [d, d]);
  }

  /** The inverse of {@link PCA.getCovariance} by Woodbury (no D×D inverse): Tensor [D, D]. */
  getPrecision(): Tensor {
    const f = this.state();
    return new Tensor(precisionMatrix(this.likelihood('getPrecision')), [f.nFeatures, f.nFeatures]);
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

  /** Features seen by `fit`. */
  get nFeatures(): number {
    return this.state().nFeatures;
  }

  /** Samples seen by `fit`. */
  get nSamples(): number {
    return this.state().nSamples;
  }

  /** The solver and precision `fit` actually used (after resolving `auto`). */
  get fittedWith(): { solver: 'full' | 'covariance' | 'randomized'; precision: 'float64' | 'mixed' } {
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

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON {
    return stateToJSON(this.toState());
  }

  /** Parses {@link PCA.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): PCA {
    return PCA.fromState(stateFromJSON(json, 'PCA', [1]));
  }

  /** safetensors bytes (float64 arrays; type, version, config in the metadata; CRC-32). @example `const again = PCA.fromBytes(pca.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Inverse of {@link PCA.toBytes}; corrupt, foreign or mismatched bytes throw FormatError. @example `PCA.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): PCA { return PCA.fromState(stateFromBytes(bytes, 'PCA', [1], source)); }

  /** Saves as safetensors, atomically (temp file, then rename). Node only. @example `await pca.save('pca.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Loads a file written by {@link PCA.save}; errors name the file. Node only. @example `const m = await PCA.load('pca.safetensors');` */
  static async load(path: string): Promise<PCA> { return PCA.fromState(await loadState(path, 'PCA', [1])); }

  private state(): Spectrum {
    if (this.fitted === null) throw new NotFittedError('PCA');
    return this.fitted;
  }

  private k(f: Spectrum): number {
    return f.explainedVariance.length;
  }

  /** (X − μ)·Vₖᵀ as a fresh n×k array, after validating X. */
  private project(X: MatrixInput, where: string): Float64Array {
    const f = this.state();
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.nFeatures, where, 'PCA');
    const { rows: n, cols: d } = x;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x.data[i * d + j] -= f.mean[j];
    const k = this.k(f);
    const z = new Float64Array(n * k);
    gemm(false, true, n, k, d, 1, x.data, d, f.components, d, 0, z, k);
    return z;
  }

  /** Z·Vₖ + μ for an n×k Z. */
  private reconstruct(f: Spectrum, z: Float64Array, n: number): Float64Array {
    const d = f.nFeatures;
    const k = this.k(f);
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) out.set(f.mean, i * d);
    gemm(false, false, n, d, k, 1, z, k, f.components, d, 1, out, d);
    return out;
  }

  private readCodes(Z: MatrixInput, where: string): { data: Float64Array; rows: number } {
    const f = this.state();
    const z = toMatrix(Z, where, 'Z');
    if (z.cols !== this.k(f)) {
      throw new ShapeError(`${where}: Z has ${z.cols} columns, but PCA was fitted with nComponents = ${this.k(f)}`);
    }
    return z;
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

  private likelihood(where: string): LowRankGaussian {
    const f = this.state();
    if (this.gaussian !== null) return this.gaussian;
    if (!(f.totalVariance > 0)) {
      throw new ConvergenceError(`PCA.${where}: the training data have zero variance in every feature, so the probabilistic-PCA likelihood is undefined`);
    }
    const sigma2 = Math.max(f.noiseVariance, this.noiseFloor(f));
    this.gaussian = lowRankGaussian(this.weights(f, sigma2), f.mean, sigma2, f.nFeatures, this.k(f));
    return this.gaussian;
  }
}

