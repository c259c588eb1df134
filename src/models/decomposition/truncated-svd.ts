/**
 * Truncated SVD (latent semantic analysis on TF-IDF), scikit-learn's `TruncatedSVD` in
 * camelCase: no centring, so a sparse X stays sparse; a randomized solver (Halko et al.) and a
 * Lanczos solver for accuracy, both on the sparse products; scikit-learn's definitions of the
 * explained variances; and its current sign convention.
 *
 * @module
 */
import { NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { gemmCore } from '../../kernels/gemm.js';
import { fixRowSigns } from '../../linalg/matrix.js';
import { Rng } from '../../random/rng.js';
import type { CsrMatrix } from '../../sparse/csr.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { lanczosTriplets } from './lanczos.js';
import { dataOperator, type DataOperator } from './linear-operator.js';
import { randomizedTriplets } from './randomized-range.js';
import {
  truncatedSvdFromState, truncatedSvdToState, validateTruncatedSVDOptions,
  type ResolvedTruncatedSVDOptions, type TruncatedSVDFit, type TruncatedSVDOptions,
} from './truncated-svd-state.js';

/**
 * Dimensionality reduction by truncated SVD, X ≈ U·Σ·Vᵀ with the k leading singular triplets,
 * without centring X (unlike {@link PCA}), so it works on sparse {@link CsrMatrix} input (such
 * as {@link TfidfVectorizer} output: latent semantic analysis) as well as dense matrices. As
 * scikit-learn: `transform(X)` = X·Vᵀ, `inverseTransform(Z)` = Z·V, `explainedVariance` is the
 * variance (ddof 0) of each column of `transform(X_train)` and `explainedVarianceRatio` divides
 * it by the summed column variances of X_train. Each component's largest-magnitude entry is
 * positive (scikit-learn ≥ 1.5's `svd_flip(u_based_decision=False)`), so `transform` of new
 * rows never depends on the training rows' signs.
 *
 * `'randomized'` (default) follows scikit-learn's `randomized_svd` (nIter = 5 power
 * iterations, 10 oversamples, LU normalisation); `'lanczos'` runs Golub–Kahan–Lanczos to a
 * residual of tol·σ₁ and matches scikit-learn's `'arpack'` to about 1e-10 relative
 * (test/models/decomposition/truncated-svd.test.ts). Both are deterministic for a given seed.
 *
 * @example
 * ```ts
 * const X = new TfidfVectorizer({ stopWords: 'english' }).fitTransform(documents); // CsrMatrix
 * const lsa = new TruncatedSVD({ nComponents: 100, algorithm: 'lanczos' });
 * const Z = lsa.fitTransform(X);      // Tensor [nDocuments, 100]
 * lsa.singularValues;                 // Float64Array, descending
 * lsa.explainedVarianceRatio;         // Float64Array
 * const back = lsa.inverseTransform(Z); // Tensor [nDocuments, nTerms], dense
 * ```
 */
export class TruncatedSVD implements LatentModel {
  /** The hyper-parameters, every default filled in and frozen. */
  readonly options: Readonly<ResolvedTruncatedSVDOptions>;
  private fitted: TruncatedSVDFit | null = null;

  constructor(options: TruncatedSVDOptions = {}) {
    this.options = Object.freeze(validateTruncatedSVDOptions(options, 'TruncatedSVD'));
  }

  /** `'TruncatedSVD'`, the type tag of the saved state. */
  get type(): 'TruncatedSVD' { return 'TruncatedSVD'; }

  /** Fits the components to X (CsrMatrix or dense) and returns `this`. X is never modified. */
  fit(X: CsrMatrix | MatrixInput): this {
    this.fitOperator(dataOperator(X, 'TruncatedSVD.fit'), 'TruncatedSVD.fit');
    return this;
  }

  /** `fit(X)`, then X·Vᵀ of the same X: Tensor `[nSamples, k]`, float64. */
  fitTransform(X: CsrMatrix | MatrixInput): Tensor {
    const op = dataOperator(X, 'TruncatedSVD.fitTransform');
    return this.fitOperator(op, 'TruncatedSVD.fitTransform');
  }

  /** X·Vᵀ: Tensor `[nSamples, k]`, float64. */
  transform(X: CsrMatrix | MatrixInput): Tensor {
    return this.project(X, 'TruncatedSVD.transform');
  }

  /** The same as {@link TruncatedSVD.transform} (the {@link LatentModel} name). */
  encode(X: CsrMatrix | MatrixInput): Tensor {
    return this.project(X, 'TruncatedSVD.encode');
  }

  /** Z·V, rows in the data space from codes `[nSamples, k]`: a dense Tensor `[nSamples, nFeatures]`. */
  inverseTransform(Z: MatrixInput): Tensor {
    return this.lift(Z, 'TruncatedSVD.inverseTransform');
  }

  /** The same as {@link TruncatedSVD.inverseTransform} (the {@link LatentModel} name). */
  decode(Z: MatrixInput): Tensor {
    return this.lift(Z, 'TruncatedSVD.decode');
  }

  /** `inverseTransform(transform(X))`: the rank-k approximation X·VᵀV, dense `[nSamples, nFeatures]`. */
  reconstruct(X: CsrMatrix | MatrixInput): Tensor {
    const z = this.project(X, 'TruncatedSVD.reconstruct');
    return this.lift({ data: z.data, shape: z.shape }, 'TruncatedSVD.reconstruct');
  }

  /** The components Vᵀ: Tensor `[k, nFeatures]`, orthonormal rows (a copy). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [f.singularValues.length, f.nFeatures]);
  }

  /** The k leading singular values of X, descending (a copy). */
  get singularValues(): Float64Array {
    return this.state().singularValues.slice();
  }

  /** Variance (ddof 0) of each column of X_train·Vᵀ (a copy). */
  get explainedVariance(): Float64Array {
    return this.state().explainedVariance.slice();
  }

  /** explainedVariance / Σ column variances of X_train; 0 when X_train has no variance. */
  get explainedVarianceRatio(): Float64Array {
    const f = this.state();
    return Float64Array.from(f.explainedVariance, (v) => (f.totalVariance > 0 ? v / f.totalVariance : 0));
  }

  /** Samples seen by `fit`. */
  get nSamples(): number { return this.state().nSamples; }

  /** Features seen by `fit`. */
  get nFeatures(): number { return this.state().nFeatures; }

  /** The number of components k: the width of the codes. */
  get latentDim(): number { return this.state().singularValues.length; }

  /** Whether `fit` has run (or the model was loaded fitted). */
  get isFitted(): boolean { return this.fitted !== null; }

  /** The model as a {@link ModelState} (type 'TruncatedSVD', version 1). */
  toState(): ModelState { return truncatedSvdToState(this.options, this.fitted); }

  /** The JSON form (arrays as base64 bytes, a bit-exact round trip). */
  toJSON(): ModelJSON { return stateToJSON(this.toState()); }

  /** safetensors bytes of {@link TruncatedSVD.toState}. @example `const again = TruncatedSVD.fromBytes(svd.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically. Node only. @example `await svd.save('lsa.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Rebuilds a model from {@link TruncatedSVD.toState}; FormatError names the bad field. */
  static fromState(state: ModelState): TruncatedSVD {
    const { options, fit } = truncatedSvdFromState(state);
    const model = new TruncatedSVD(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link TruncatedSVD.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): TruncatedSVD {
    return TruncatedSVD.fromState(stateFromJSON(json, 'TruncatedSVD', [1]));
  }

  /** Inverse of {@link TruncatedSVD.toBytes}. @example `TruncatedSVD.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): TruncatedSVD {
    return TruncatedSVD.fromState(stateFromBytes(bytes, 'TruncatedSVD', [1], source));
  }

  /** Loads a file written by {@link TruncatedSVD.save}. Node only. @example `const m = await TruncatedSVD.load('lsa.safetensors');` */
  static async load(path: string): Promise<TruncatedSVD> {
    return TruncatedSVD.fromState(await loadState(path, 'TruncatedSVD', [1]));
  }

  private state(): TruncatedSVDFit {
    if (this.fitted === null) throw new NotFittedError('TruncatedSVD');
    return this.fitted;
  }

  /** Solves, fixes the signs, and sets the fit only once everything succeeded; returns X·Vᵀ. */
  private fitOperator(op: DataOperator, where: string): Tensor {
    const o = this.options;
    const { rows: n, cols: d } = op;
    const k = o.nComponents;
    if (k > Math.min(n, d)) {
      throw new RangeError(`${where}: nComponents = ${k} is more than min(nSamples, nFeatures) = ${Math.min(n, d)} for X of shape ${formatShape([n, d])}`);
    }
    const rng = new Rng(o.seed);
    const t = o.algorithm === 'lanczos'
      ? lanczosTriplets(op, k, o.tol, rng)
      : randomizedTriplets(op, k, o.nOversamples, o.nIter, o.powerIterationNormalizer, rng);
    fixRowSigns(t.vt, k, d, { data: t.u, rows: n });
    const z = op.mul(transposeOf(t.vt, k, d), k);
    const explainedVariance = columnVariances(z, n, k);
    this.fitted = { nSamples: n, nFeatures: d, components: t.vt, singularValues: t.s, explainedVariance, totalVariance: op.totalVariance() };
    return new Tensor(z, [n, k]);
  }

  private project(X: CsrMatrix | MatrixInput, where: string): Tensor {
    const f = this.state();
    const k = f.singularValues.length;
    const op = dataOperator(X, where);
    assertFeatures(op.cols, f.nFeatures, where, 'TruncatedSVD');
    return new Tensor(op.mul(transposeOf(f.components, k, f.nFeatures), k), [op.rows, k]);
  }

  private lift(Z: MatrixInput, where: string): Tensor {
    const f = this.state();
    const k = f.singularValues.length;
    const z = toMatrix(Z, where, 'Z');
    if (z.cols !== k) {
      throw new ShapeError(`${where}: Z has ${z.cols} columns, but TruncatedSVD was fitted with nComponents = ${k}, so codes have latentDim ${k} (shape ${formatShape([z.rows, z.cols])})`);
    }
    const out = new Float64Array(z.rows * f.nFeatures);
    gemmCore(false, false, z.rows, f.nFeatures, k, 1, z.data, k, f.components, f.nFeatures, 0, out, f.nFeatures);
    return new Tensor(out, [z.rows, f.nFeatures]);
  }
}

function transposeOf(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** Population variance (ddof 0) of each column of the n×k matrix z, two-pass. */
function columnVariances(z: Float64Array, n: number, k: number): Float64Array {
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mean[c] += z[i * k + c];
  for (let c = 0; c < k; c++) mean[c] /= n;
  const v = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const d = z[i * k + c] - mean[c];
      v[c] += d * d;
    }
  }
  for (let c = 0; c < k; c++) v[c] /= n;
  return v;
}
