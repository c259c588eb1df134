/**
 * Incremental PCA: principal components fitted batch by batch (Ross et al. 2008, as
 * scikit-learn's IncrementalPCA), so data larger than memory, or data that arrive over time,
 * can be decomposed with memory bounded by the batch.
 *
 * @module
 */
import { ConvergenceError, NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { CsrMatrix } from '../../sparse/csr.js';
import { loadState, stateFromBytes } from '../../io/model-bytes.js';
import { stateFromJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { isRowSource, readRowBatches, type RowSource } from '../../io/row-source.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import { DecompositionModel } from './base.js';
import { NOISE_FLOOR, lowRankGaussian, type LowRankGaussian } from './gaussian.js';
import {
  incrementalPCAFromState, incrementalPCAToState, validateIncrementalPCAOptions, type IncrementalFit,
  type ResolvedIncrementalPCAOptions,
} from './incremental-pca-state.js';
import { incrementalUpdate } from './incremental-pca-update.js';
import { RowBuffer } from './incremental-pca-batches.js';
import { centredProduct, denseRows, transposed } from './sparse-rows.js';
import { pooledCentredProduct } from './pooled-rows.js';

/** Throws unless a sparse X has a row and a column, as toMatrix asks of dense input. */
function checkSparse(X: CsrMatrix, where: string, arg: string): CsrMatrix {
  if (X.rows === 0 || X.cols === 0) {
    throw new ShapeError(`${where}: ${arg} must have at least 1 sample and 1 feature (got a CsrMatrix of shape ${formatShape(X.shape)})`);
  }
  return X;
}

/**
 * Options of {@link IncrementalPCA}.
 *
 * @example
 * ```ts
 * new IncrementalPCA({ nComponents: 10, batchSize: 200, whiten: true });
 * ```
 */
export interface IncrementalPCAOptions {
  /**
   * Components to keep, 1 ≤ k ≤ nFeatures, and at most the rows of every batch. Default (or
   * null): min(rows, nFeatures) of the first batch.
   */
  nComponents?: number | null;
  /** Scale the scores to unit variance; `inverseTransform` undoes it exactly. Default false. */
  whiten?: boolean;
  /**
   * Rows per batch of `fit` (a last batch shorter than nComponents joins the one before, as
   * scikit-learn's `gen_batches`). Default (or null): 5·nFeatures. `partialFit` takes its
   * batch as given.
   */
  batchSize?: number | null;
}

/** Components with variance at most this times the largest are not rescaled by whitening (as PCA). */
const WHITEN_EPS = 1e-12;

/**
 * Incremental principal component analysis: `partialFit(batch)` updates the components with
 * one batch of rows, any number of times; `fit(X)` runs it over X in batches of `batchSize`
 * rows; `fit(source)` does the same over a {@link RowSource} (a file read in chunks, an async
 * stream), holding at most about two batches. Results are scikit-learn's IncrementalPCA with
 * the same batches: the running mean, the variance (1/N), the components (each with its
 * largest-magnitude entry positive), singular values, explained variance (N − 1 convention)
 * and its ratio, and the noise variance (the mean of the variances the last update discarded).
 * With one batch holding all rows it is PCA. `transform`, `inverseTransform`, `score`,
 * `getCovariance` and the other {@link DecompositionModel} methods work as for PCA. A model
 * saved mid-stream and loaded continues `partialFit` to the same bytes.
 *
 * @example
 * ```ts
 * const ipca = new IncrementalPCA({ nComponents: 2 });
 * for (const batch of batches) ipca.partialFit(batch);  // each batch: number[][] or { data, shape }
 * ipca.transform(X);                                    // Tensor [nSamples, 2]
 * ipca.explainedVarianceRatio;                          // Float64Array [0.7, 0.2]
 * await new IncrementalPCA({ nComponents: 50, batchSize: 1000 }).fit(idxSource('train-images-idx3-ubyte.gz'));
 * ```
 */
export class IncrementalPCA extends DecompositionModel {
  /** The hyper-parameters, every default filled in and frozen; fitting never changes them. */
  readonly options: Readonly<ResolvedIncrementalPCAOptions>;
  private fitted: IncrementalFit | null = null;
  private cache: LowRankGaussian | null = null;

  constructor(options: IncrementalPCAOptions = {}) {
    super();
    this.options = Object.freeze(validateIncrementalPCAOptions(options, 'IncrementalPCA'));
  }

  /** `'IncrementalPCA'`, the type tag of the saved state. */
  get type(): 'IncrementalPCA' { return 'IncrementalPCA'; }

  /**
   * Updates the fit with one batch of rows (validated, never modified; at least nComponents
   * rows) and returns `this`. On an error the model is left as it was. A {@link CsrMatrix}
   * batch is made dense (the update's SVD needs the centred batch) and fitted as `toDense()`.
   */
  partialFit(batch: MatrixInput | CsrMatrix): this {
    const where = 'IncrementalPCA.partialFit';
    const x = batch instanceof CsrMatrix ? denseRows(checkSparse(batch, where, 'batch'), 0, batch.rows) : toMatrix(batch, where, 'batch');
    this.fitted = incrementalUpdate(this.fitted, x, this.options.nComponents, where);
    this.cache = null;
    return this;
  }

  /**
   * Fits from scratch over X in batches of `batchSize` rows and returns `this`. Given a
   * {@link RowSource}, reads it once, regrouping its rows into the same batches (so the result
   * does not depend on how the source cuts its rows), and returns a promise of `this`; if the
   * source throws, the model is left as it was. A {@link CsrMatrix} X is made dense one batch
   * at a time, never whole (as scikit-learn's IncrementalPCA on sparse input), so the result
   * is the fit of `X.toDense()` with memory bounded by a dense batch.
   */
  fit(X: MatrixInput | CsrMatrix): this;
  fit(source: RowSource): Promise<this>;
  fit(X: MatrixInput | CsrMatrix | RowSource): this | Promise<this> {
    const where = 'IncrementalPCA.fit';
    if (isRowSource(X)) return this.fitSource(X, where);
    const sparse = X instanceof CsrMatrix ? checkSparse(X, where, 'X') : null;
    const x = sparse === null ? toMatrix(X, where, 'X') : null;
    const [n, d] = x !== null ? [x.rows, x.cols] : (sparse as CsrMatrix).shape;
    const size = this.options.batchSize ?? 5 * d;
    const minBatch = this.options.nComponents ?? 0;
    let f: IncrementalFit | null = null;
    // scikit-learn's gen_batches: full batches while at least size + minBatch rows remain, then the rest.
    let start = 0;
    while (start < n) {
      const end = n - start >= size + minBatch ? start + size : n;
      const rows = x !== null ? { data: x.data.subarray(start * d, end * d), rows: end - start, cols: d } : denseRows(sparse as CsrMatrix, start, end);
      f = incrementalUpdate(f, rows, this.options.nComponents, where);
      start = end;
    }
    this.fitted = { ...(f as IncrementalFit), batchSize: size };
    this.cache = null;
    return this;
  }

  private async fitSource(source: RowSource, where: string): Promise<this> {
    let f: IncrementalFit | null = null;
    let buffer: RowBuffer | null = null;
    const minBatch = this.options.nComponents ?? 0;
    for await (const b of readRowBatches(source, where)) {
      buffer ??= new RowBuffer(this.options.batchSize ?? 5 * b.cols, minBatch, b.cols);
      for (const batch of buffer.push(b.data, b.rows)) f = incrementalUpdate(f, batch, this.options.nComponents, where);
    }
    if (buffer === null) throw new ShapeError(`${where}: the source gave no rows; at least nComponents rows are needed`);
    const rest = buffer.flush();
    if (rest !== null) f = incrementalUpdate(f, rest, this.options.nComponents, where);
    this.fitted = { ...(f as IncrementalFit), batchSize: buffer.size };
    this.cache = null;
    return this;
  }

  /** The components Vₖ: Tensor [k, nFeatures], orthonormal rows (a copy). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [this.k(f), f.nFeatures]);
  }

  /** The per-feature mean μ of the rows seen (a copy). */
  get mean(): Float64Array {
    return this.state().mean.slice();
  }

  /** The per-feature variance of the rows seen, 1/N convention (scikit-learn's `var_`; a copy). */
  get variance(): Float64Array {
    return this.state().variance.slice();
  }

  /** Variance along each component, sᵢ²/(N − 1) (a copy). */
  get explainedVariance(): Float64Array {
    return this.state().explainedVariance.slice();
  }

  /** explainedVariance / total variance; 0 when the rows seen have no variance at all. */
  get explainedVarianceRatio(): Float64Array {
    return this.state().explainedVarianceRatio.slice();
  }

  /** The singular values of the last update (a copy). */
  get singularValues(): Float64Array {
    return this.state().singularValues.slice();
  }

  /** Mean variance of the directions the last update discarded (0 when k equals its batch rows or nFeatures). */
  get noiseVariance(): number {
    return this.state().noiseVariance;
  }

  /** True when the likelihood methods use a floored noise variance, max(σ², 1e-12·mean variance), as PCA. */
  get noiseVarianceClamped(): boolean {
    const f = this.state();
    return f.noiseVariance < this.noiseFloor(f);
  }

  /** Total variance of the rows seen, N − 1 convention. */
  get totalVariance(): number {
    return this.totalOf(this.state());
  }

  /** The number of components kept. */
  get nComponentsFitted(): number {
    return this.k(this.state());
  }

  /** Rows seen so far (scikit-learn's `n_samples_seen_`). */
  get nSamplesSeen(): number {
    return this.state().nSamplesSeen;
  }

  /** Rows per batch of the last `fit` (scikit-learn's `batch_size_`), or null after `partialFit` alone. */
  get batchSizeFitted(): number | null {
    return this.state().batchSize;
  }

  /** Whether `fit` or `partialFit` has run. */
  get isFitted(): boolean {
    return this.fitted !== null;
  }

  /** The model as a {@link ModelState} (type 'IncrementalPCA', version 1), including the running variance. */
  toState(): ModelState {
    return incrementalPCAToState(this.options, this.fitted);
  }

  /** Rebuilds a model from {@link IncrementalPCA.toState}; throws FormatError naming the bad field. */
  static fromState(state: ModelState): IncrementalPCA {
    const { options, fit } = incrementalPCAFromState(state);
    const model = new IncrementalPCA(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link IncrementalPCA.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): IncrementalPCA {
    return IncrementalPCA.fromState(stateFromJSON(json, 'IncrementalPCA', [1]));
  }

  /** Inverse of {@link IncrementalPCA.toBytes}. @example `IncrementalPCA.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): IncrementalPCA {
    return IncrementalPCA.fromState(stateFromBytes(bytes, 'IncrementalPCA', [1], source));
  }

  /** Loads a file written by {@link IncrementalPCA.save}. Node only. @example `const m = await IncrementalPCA.load('ipca.safetensors');` */
  static async load(path: string): Promise<IncrementalPCA> {
    return IncrementalPCA.fromState(await loadState(path, 'IncrementalPCA', [1]));
  }

  private state(): IncrementalFit {
    if (this.fitted === null) throw new NotFittedError('IncrementalPCA');
    return this.fitted;
  }

  private k(f: IncrementalFit): number {
    return f.singularValues.length;
  }

  private totalOf(f: IncrementalFit): number {
    let s = 0;
    for (let j = 0; j < f.nFeatures; j++) s += f.variance[j];
    return f.nSamplesSeen > 1 ? (s * f.nSamplesSeen) / (f.nSamplesSeen - 1) : 0;
  }

  private noiseFloor(f: IncrementalFit): number {
    return NOISE_FLOOR * (this.totalOf(f) / f.nFeatures);
  }

  /** @internal */
  protected dims(): { d: number; k: number } {
    const f = this.state();
    return { d: f.nFeatures, k: this.k(f) };
  }

  /** The codes of X, dense or {@link CsrMatrix} (centred implicitly, never densified): Tensor `[nSamples, k]`, float64. */
  override transform(X: MatrixInput | CsrMatrix): Tensor {
    return this.project(X, 'IncrementalPCA.transform');
  }

  /** `fit(X)` then `transform(X)`, dense or {@link CsrMatrix}. */
  override fitTransform(X: MatrixInput | CsrMatrix): Tensor {
    return this.fit(X).transform(X);
  }

  /** Scores Z = (X − μ)·Vₖᵀ, divided by √λᵢ when whitening: Tensor [nSamples, k], float64. @internal */
  protected project(X: MatrixInput | CsrMatrix, where: string): Tensor {
    const f = this.state();
    if (X instanceof CsrMatrix) {
      const k = this.k(f);
      return this.whitenedScores(centredProduct(X, f.mean, transposed(f.components, k, f.nFeatures), k, where, 'IncrementalPCA'), X.rows);
    }
    // Large float32/float64 inputs: read, checked, centred and multiplied by the threads (same bytes).
    const pooled = pooledCentredProduct(X, f.nFeatures, f.mean, null, f.components, true, this.k(f));
    if (pooled !== null) return this.whitenedScores(pooled.z, pooled.rows);
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.nFeatures, where, 'IncrementalPCA');
    const { rows: n, cols: d } = x;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x.data[i * d + j] -= f.mean[j];
    const k = this.k(f);
    const z = new Float64Array(n * k);
    gemmCore(false, true, n, k, d, 1, x.data, d, f.components, d, 0, z, k);
    return this.whitenedScores(z, n);
  }

  /** Scores z (n×k) divided by √λᵢ in place when whitening, as a Tensor. */
  private whitenedScores(z: Float64Array, n: number): Tensor {
    const k = this.k(this.state());
    if (this.options.whiten) {
      const scale = this.whitenScales();
      for (let i = 0; i < z.length; i++) z[i] /= scale[i % k];
    }
    return new Tensor(z, [n, k]);
  }

  /** X̂ = Z·Vₖ + μ (after undoing whitening in place): Tensor [nSamples, nFeatures]. @internal */
  protected lift(z: DenseMatrix<Float64Array>): Tensor {
    const f = this.state();
    const d = f.nFeatures;
    const k = this.k(f);
    if (this.options.whiten) {
      const scale = this.whitenScales();
      for (let i = 0; i < z.data.length; i++) z.data[i] *= scale[i % k];
    }
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

  /** The likelihood's Gaussian, with σ² floored (see {@link IncrementalPCA.noiseVarianceClamped}). @internal */
  protected gaussian(where: string): LowRankGaussian {
    const f = this.state();
    if (this.cache !== null) return this.cache;
    if (!(this.totalOf(f) > 0)) {
      throw new ConvergenceError(`${where}: the rows seen have zero variance in every feature, so the probabilistic-PCA likelihood is undefined`);
    }
    const sigma2 = Math.max(f.noiseVariance, this.noiseFloor(f));
    this.cache = lowRankGaussian(this.weights(f, sigma2), f.mean, sigma2, f.nFeatures, this.k(f));
    return this.cache;
  }

  /** √λᵢ, or 1 for components without variance (their scores are zero anyway). */
  private whitenScales(): Float64Array {
    const ev = this.state().explainedVariance;
    const top = ev.length > 0 ? ev[0] : 0;
    return Float64Array.from(ev, (v) => (v > WHITEN_EPS * top && v > 0 ? Math.sqrt(v) : 1));
  }

  /** W = Vₖᵀ·diag(√max(λ − σ², 0)), D×k. */
  private weights(f: IncrementalFit, sigma2: number): Float64Array {
    const d = f.nFeatures;
    const k = this.k(f);
    const w = new Float64Array(d * k);
    for (let q = 0; q < k; q++) {
      const s = Math.sqrt(Math.max(f.explainedVariance[q] - sigma2, 0));
      for (let j = 0; j < d; j++) w[j * k + q] = f.components[q * d + j] * s;
    }
    return w;
  }
}
