/**
 * What {@link PCA} and {@link PPCA} share, defined once (as scikit-learn's
 * `decomposition/_base.py` does for its PCA family). Both are linear Gaussian latent models,
 * p(x) = N(μ, W·Wᵀ + σ²I), so the covariance, the precision, the log-likelihood, the
 * encode/transform and decode/inverseTransform pairs, `reconstruct` and the saved forms are the
 * same code; each model adds how it fits, how it maps rows to codes and back, and which W and
 * σ² its likelihood uses. {@link FactorAnalysis} has a diagonal noise Ψ instead of σ²I; with
 * S = Ψ^½ its covariance is S·(W̃W̃ᵀ + I)·S for W̃ = S⁻¹W, so the same code serves it on the
 * whitened rows S⁻¹x (the `noiseScale` hook).
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { saveState, stateToBytes } from '../../io/model-bytes.js';
import { stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type DenseMatrix, type MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { rejectSparse } from './sparse-rows.js';
import { covarianceMatrix, logLikelihoodRows, precisionMatrix, type LowRankGaussian } from './gaussian.js';

/**
 * The base of {@link PCA}, {@link PPCA} and {@link FactorAnalysis}: every method here works the same for all.
 * `transform` and `encode` are one method under two names (scikit-learn's and the
 * {@link LatentModel} interface's), as are `inverseTransform` and `decode`; errors name the one
 * called.
 *
 * @example
 * ```ts
 * const models: DecompositionModel[] = [new PCA({ nComponents: 2 }).fit(X), new PPCA({ nComponents: 2 }).fit(X)];
 * for (const m of models) console.log(m.type, m.score(X), m.getCovariance().shape);
 * ```
 */
export abstract class DecompositionModel implements LatentModel {
  /** The type tag of the saved state. */
  abstract get type(): 'PCA' | 'PPCA' | 'IncrementalPCA' | 'FactorAnalysis';
  /** Whether `fit` has run (or the model was loaded fitted). */
  abstract get isFitted(): boolean;
  /** Fits the model to X and returns `this`. X is validated and never modified. */
  abstract fit(X: MatrixInput): this;
  /** The saved form of the model. */
  abstract toState(): ModelState;

  /** nFeatures and the number of components of the fit; NotFittedError before `fit`. @internal */
  protected abstract dims(): { d: number; k: number };
  /** The codes of the rows of X (validated here): `[nSamples, k]`, float64. @internal */
  protected abstract project(X: MatrixInput, where: string): Tensor;
  /** Rows in the data space from validated codes (which it may overwrite): `[nSamples, nFeatures]`. @internal */
  protected abstract lift(z: DenseMatrix<Float64Array>, where: string): Tensor;
  /** The Gaussian N(μ, WWᵀ + σ²I) of the likelihood methods (σ² floored where needed). @internal */
  protected abstract gaussian(where: string): LowRankGaussian;
  /** W (D×k) and σ² of the model covariance {@link DecompositionModel.getCovariance} (of the whitened rows when `noiseScale` is not null). @internal */
  protected abstract covarianceFactors(): { w: Float64Array; sigma2: number };

  /**
   * Per-feature scales S of a diagonal-noise model, C = S·(WWᵀ + σ²I)·S with the `gaussian`
   * and `covarianceFactors` of the whitened rows S⁻¹x (FactorAnalysis: S = Ψ^½, σ² = 1); null
   * (S = I) for PCA and PPCA.
   * @internal
   */
  protected noiseScale(): Float64Array | null {
    return null;
  }

  /** `fit(X)` then `transform(X)`. */
  fitTransform(X: MatrixInput): Tensor {
    return this.fit(X).transform(X);
  }

  /** The codes of X: Tensor `[nSamples, k]`, float64 (what each model's `transform` documents). */
  transform(X: MatrixInput): Tensor {
    return this.project(X, `${this.type}.transform`);
  }

  /** The same as {@link DecompositionModel.transform} (the {@link LatentModel} name). */
  encode(X: MatrixInput): Tensor {
    return this.project(X, `${this.type}.encode`);
  }

  /** Rows in the data space from codes Z `[nSamples, k]`: Tensor `[nSamples, nFeatures]`. */
  inverseTransform(Z: MatrixInput): Tensor {
    const where = `${this.type}.inverseTransform`;
    return this.lift(this.readCodes(Z, where), where);
  }

  /** The same as {@link DecompositionModel.inverseTransform} (the {@link LatentModel} name). */
  decode(Z: MatrixInput): Tensor {
    const where = `${this.type}.decode`;
    return this.lift(this.readCodes(Z, where), where);
  }

  /** `inverseTransform(transform(X))`: Tensor `[nSamples, nFeatures]`. */
  reconstruct(X: MatrixInput): Tensor {
    const where = `${this.type}.reconstruct`;
    const z = this.project(X, where);
    return this.lift({ data: z.data as Float64Array, rows: z.shape[0], cols: z.shape[1] }, where);
  }

  /** The log-likelihood ln p(xₙ) of each row (scikit-learn's `score_samples`): Tensor `[nSamples]`, float64. */
  scoreSamples(X: MatrixInput): Tensor {
    const where = `${this.type}.scoreSamples`;
    const x = this.readRows(X, where);
    return new Tensor(this.rowLogLikelihoods(x, where), [x.rows]);
  }

  /** The mean of {@link DecompositionModel.scoreSamples}: the average log-likelihood. */
  score(X: MatrixInput): number {
    const ll = this.scoreSamples(X).data;
    let s = 0;
    for (let i = 0; i < ll.length; i++) s += ll[i];
    return s / ll.length;
  }

  /** The model covariance C = W·Wᵀ + σ²I: Tensor `[nFeatures, nFeatures]`. */
  getCovariance(): Tensor {
    const { d, k } = this.dims();
    const { w, sigma2 } = this.covarianceFactors();
    const c = covarianceMatrix(w, sigma2, d, k);
    const s = this.noiseScale();
    if (s !== null) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] *= s[i] * s[j];
    return new Tensor(c, [d, d]);
  }

  /** C⁻¹ = σ⁻²(I − W·M⁻¹·Wᵀ) by Woodbury (PRML 12.40; only the k×k M is inverted): Tensor `[D, D]`. */
  getPrecision(): Tensor {
    const { d } = this.dims();
    const p = precisionMatrix(this.gaussian(`${this.type}.getPrecision`));
    const s = this.noiseScale();
    if (s !== null) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) p[i * d + j] /= s[i] * s[j];
    return new Tensor(p, [d, d]);
  }

  /** Features seen by `fit`. */
  get nFeatures(): number {
    return this.dims().d;
  }

  /** The number of components of the fit: the width of the codes. */
  get latentDim(): number {
    return this.dims().k;
  }

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON {
    return stateToJSON(this.toState());
  }

  /** safetensors bytes (float64 arrays; type, version, config in the metadata; CRC-32). @example `const again = PCA.fromBytes(pca.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically (temp file, then rename). Node only. @example `await pca.save('pca.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** X validated as complete rows of nFeatures columns (PPCA with `missing: 'nan'` lets NaN through). @internal */
  protected readRows(X: MatrixInput, where: string): DenseMatrix<Float64Array> {
    const { d } = this.dims();
    rejectSparse(X, where, 'X', `${where} works on dense rows`);
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, d, where, this.type);
    return x;
  }

  /** ln p(xₙ) of validated rows. @internal */
  protected rowLogLikelihoods(x: DenseMatrix<Float64Array>, where: string): Float64Array {
    const s = this.noiseScale();
    if (s === null) return logLikelihoodRows(this.gaussian(where), x.data, x.rows);
    // ln N(x | μ, S·C̃·S) = ln N(S⁻¹x | S⁻¹μ, C̃) − Σⱼ ln sⱼ.
    const ll = logLikelihoodRows(this.gaussian(where), whiten(x, s), x.rows);
    let logDetS = 0;
    for (let j = 0; j < s.length; j++) logDetS += Math.log(s[j]);
    for (let i = 0; i < ll.length; i++) ll[i] -= logDetS;
    return ll;
  }

  /** Z validated as codes of width k; the error names the latent dimension. @internal */
  protected readCodes(Z: MatrixInput, where: string): DenseMatrix<Float64Array> {
    const { k } = this.dims();
    const z = toMatrix(Z, where, 'Z');
    if (z.cols !== k) {
      throw new ShapeError(`${where}: Z has ${z.cols} columns, but ${this.type} was fitted with nComponents = ${k}, so codes have latentDim ${k} (shape ${formatShape([z.rows, z.cols])})`);
    }
    return z;
  }
}

/**
 * The rows of x divided by the per-feature scales s (a new array): the whitened rows S⁻¹x.
 *
 * @example
 * ```ts
 * whiten({ data: new Float64Array([2, 6]), rows: 1, cols: 2 }, new Float64Array([2, 3])); // [1, 2]
 * ```
 */
export function whiten(x: DenseMatrix<Float64Array>, s: Float64Array): Float64Array {
  const out = new Float64Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out[i * x.cols + j] = x.data[i * x.cols + j] / s[j];
  return out;
}
