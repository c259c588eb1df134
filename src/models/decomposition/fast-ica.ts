/**
 * Independent component analysis by FastICA (Hyvärinen & Oja 2000), with scikit-learn's
 * definitions (see fast-ica-fit.ts).
 *
 * @module
 */
import { NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { fitFastICA } from './fast-ica-fit.js';
import { rejectSparse } from './sparse-rows.js';
import {
  fastICAFromState, fastICAToState, validateFastICAOptions,
  type FastICAAlgorithm, type FastICAFit, type FastICAFun, type FastICAWhiten, type FastICAWhitenSolver, type ResolvedFastICAOptions,
} from './fast-ica-state.js';

export type { FastICAAlgorithm, FastICAFun, FastICAWhiten, FastICAWhitenSolver } from './fast-ica-state.js';

/**
 * Options of {@link FastICA} (scikit-learn's names in camelCase; `alpha` is its `fun_args`).
 *
 * @example
 * ```ts
 * new FastICA({ nComponents: 3, algorithm: 'deflation', fun: 'logcosh', alpha: 1.5, maxIter: 500, tol: 1e-8, seed: 1 });
 * ```
 */
export interface FastICAOptions {
  /** Number of sources k ≤ min(nSamples, nFeatures). Default min(nSamples, nFeatures); must be left out with `whiten: false`. */
  nComponents?: number;
  /** `'parallel'` (default) or `'deflation'`. */
  algorithm?: FastICAAlgorithm;
  /** `'logcosh'` (default), `'exp'` or `'cube'`. */
  fun?: FastICAFun;
  /** α of `'logcosh'`, in [1, 2]. Default 1. */
  alpha?: number;
  /** `'unit-variance'` (default), `'arbitrary-variance'` or `false` (X is already white). */
  whiten?: FastICAWhiten;
  /** `'svd'` (default) or `'eigh'`. */
  whitenSolver?: FastICAWhitenSolver;
  /** Iterations at most (per component for `'deflation'`). Default 200. */
  maxIter?: number;
  /** Stop when max |(|⟨wᵢ_new, wᵢ⟩| − 1)| < tol. Default 1e-4. */
  tol?: number;
  /** Seed of the normal initial unmixing when `wInit` is not given. Default 0. */
  seed?: number | string;
  /** The initial k×k unmixing of the whitened data (scikit-learn's `w_init`). */
  wInit?: MatrixInput;
}

/**
 * FastICA: finds an unmixing matrix whose sources s = (x − μ)·componentsᵀ are as
 * non-Gaussian (independent) as possible, maximising the negentropy approximation
 * E[G(wᵀx̃)] over unit vectors w of the whitened data x̃ (Hyvärinen & Oja 2000).
 *
 * Signs, the one freedom scikit-learn leaves to the random start: each row of `components`
 * has its largest-magnitude entry positive (the sources are negated accordingly), so a fit is
 * deterministic for a seed or `wInit`. Not converging is not an error: `converged` is false
 * (scikit-learn's ConvergenceWarning), and `nIter` equals `maxIter`. Data that are Gaussian in
 * two or more directions cannot be separated; `separable` is then false (see `sourceKurtosis`).
 *
 * @example
 * ```ts
 * const ica = new FastICA({ nComponents: 3, seed: 0 }).fit(X); // X: mixed signals [n, d]
 * const S = ica.transform(X);         // Tensor [n, 3], unit-variance sources
 * ica.mixing;                         // Tensor [d, 3]
 * ica.converged;                      // false means: raise maxIter or tol
 * ica.separable;                      // false means: two or more sources look Gaussian
 * ica.inverseTransform(S);            // back to X (exactly when k = d)
 * ```
 */
export class FastICA implements LatentModel {
  /** The hyper-parameters, every default filled in and frozen; `fit` never changes them. */
  readonly options: Readonly<ResolvedFastICAOptions>;
  private fitted: FastICAFit | null = null;

  constructor(options: FastICAOptions = {}) {
    this.options = Object.freeze(validateFastICAOptions((options ?? {}) as unknown as Record<string, unknown>, 'FastICA'));
  }

  /** `'FastICA'`, the type tag of the saved state. */
  get type(): 'FastICA' { return 'FastICA'; }

  /** Fits the unmixing to the rows of X (at least 2) and returns `this`. X is never modified. */
  fit(X: MatrixInput): this {
    rejectSparse(X, 'FastICA.fit', 'X', 'FastICA whitens the dense centred X; scikit-learn\'s FastICA refuses sparse X too');
    this.fitted = fitFastICA(X, this.options, 'FastICA.fit');
    return this;
  }

  /** `fit(X)` then `transform(X)`. */
  fitTransform(X: MatrixInput): Tensor {
    return this.fit(X).transform(X);
  }

  /** The sources (x − μ)·componentsᵀ of each row: Tensor `[nSamples, k]`, float64. */
  transform(X: MatrixInput): Tensor {
    return this.sources(X, 'FastICA.transform');
  }

  /** The same as {@link FastICA.transform} (the {@link LatentModel} name). */
  encode(X: MatrixInput): Tensor {
    return this.sources(X, 'FastICA.encode');
  }

  /** Mixed rows s·mixingᵀ + μ from sources S `[nSamples, k]`: Tensor `[nSamples, nFeatures]`. */
  inverseTransform(S: MatrixInput): Tensor {
    return this.mix(S, 'FastICA.inverseTransform');
  }

  /** The same as {@link FastICA.inverseTransform} (the {@link LatentModel} name). */
  decode(S: MatrixInput): Tensor {
    return this.mix(S, 'FastICA.decode');
  }

  /** `inverseTransform(transform(X))`: the projection of X onto the k sources' span. */
  reconstruct(X: MatrixInput): Tensor {
    return this.mix(this.sources(X, 'FastICA.reconstruct'), 'FastICA.reconstruct');
  }

  /** The unmixing matrix `[k, nFeatures]` (a copy): sources = (x − mean)·componentsᵀ. */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [f.k, f.d]);
  }

  /** The mixing matrix `[nFeatures, k]`, the pseudo-inverse of {@link FastICA.components} (a copy). */
  get mixing(): Tensor {
    const f = this.state();
    return new Tensor(f.mixing.slice(), [f.d, f.k]);
  }

  /** The column means removed before whitening (zeros with `whiten: false`; a copy). */
  get mean(): Float64Array {
    return this.state().mean.slice();
  }

  /** The whitening K `[k, nFeatures]` (x̃ = √n·K(x − μ) has identity covariance), or null with `whiten: false`. */
  get whitening(): Tensor | null {
    const f = this.state();
    return f.whitening === null ? null : new Tensor(f.whitening.slice(), [f.k, f.d]);
  }

  /** The unmixing W `[k, k]` of the whitened data (scikit-learn's `_unmixing`, sign-fixed as components). */
  get unmixing(): Tensor {
    const f = this.state();
    return new Tensor(f.unmixing.slice(), [f.k, f.k]);
  }

  /** The excess kurtosis of each source on the training rows (a copy): 0 for a Gaussian source. */
  get sourceKurtosis(): Float64Array { return this.state().kurtosis.slice(); }

  /**
   * Whether the fit found at most one source indistinguishable from a Gaussian, the condition
   * under which ICA identifies the sources (Comon 1994). A source counts as Gaussian when its
   * excess kurtosis is within 3 sampling standard deviations, 3·√(24/n), of 0. False means:
   * the data look Gaussian in two or more directions, and those sources are an arbitrary rotation.
   */
  get separable(): boolean {
    const f = this.state();
    const bound = 3 * Math.sqrt(24 / f.nSamples);
    let gaussian = 0;
    for (const v of f.kurtosis) if (Math.abs(v) < bound) gaussian++;
    return gaussian <= 1;
  }

  /** Iterations run (the largest over components for `'deflation'`). */
  get nIter(): number { return this.state().nIter; }

  /** Whether the tolerance was met within maxIter (false is scikit-learn's ConvergenceWarning). */
  get converged(): boolean { return this.state().converged; }

  /** Whether `fit` has run (or the model was loaded fitted). */
  get isFitted(): boolean { return this.fitted !== null; }

  /** Features seen by `fit`. */
  get nFeatures(): number { return this.state().d; }

  /** The number of sources k. */
  get latentDim(): number { return this.state().k; }

  /** The model as a {@link ModelState} (type 'FastICA', version 1). */
  toState(): ModelState { return fastICAToState(this.options, this.fitted); }

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON { return stateToJSON(this.toState()); }

  /** safetensors bytes of {@link FastICA.toState}. @example `const again = FastICA.fromBytes(ica.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically. Node only. @example `await ica.save('ica.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Rebuilds a model from {@link FastICA.toState}; FormatError names the bad field. @example `FastICA.fromState(ica.toState())` */
  static fromState(state: ModelState): FastICA {
    const { options, fit } = fastICAFromState(state);
    const model = new FastICA();
    (model as { options: Readonly<ResolvedFastICAOptions> }).options = Object.freeze(options);
    model.fitted = fit;
    return model;
  }

  /** Parses {@link FastICA.toJSON} output (an object or its JSON text). @example `FastICA.fromJSON(JSON.stringify(ica))` */
  static fromJSON(json: string | ModelJSON): FastICA {
    return FastICA.fromState(stateFromJSON(json, 'FastICA', [1]));
  }

  /** Inverse of {@link FastICA.toBytes}; corrupt or foreign bytes throw FormatError. @example `FastICA.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): FastICA {
    return FastICA.fromState(stateFromBytes(bytes, 'FastICA', [1], source));
  }

  /** Loads a file written by {@link FastICA.save}. Node only. @example `const ica = await FastICA.load('ica.safetensors');` */
  static async load(path: string): Promise<FastICA> {
    return FastICA.fromState(await loadState(path, 'FastICA', [1]));
  }

  private state(): FastICAFit {
    if (this.fitted === null) throw new NotFittedError('FastICA');
    return this.fitted;
  }

  private sources(X: MatrixInput, where: string): Tensor {
    const f = this.state();
    rejectSparse(X, where, 'X', 'FastICA works on dense rows');
    const x = toMatrix(X, where, 'X');
    assertFeatures(x.cols, f.d, where, 'FastICA');
    const n = x.rows;
    for (let i = 0; i < n; i++) for (let j = 0; j < f.d; j++) x.data[i * f.d + j] -= f.mean[j];
    const s = new Float64Array(n * f.k);
    gemmCore(false, true, n, f.k, f.d, 1, x.data, f.d, f.components, f.d, 0, s, f.k);
    return new Tensor(s, [n, f.k]);
  }

  private mix(S: MatrixInput, where: string): Tensor {
    const f = this.state();
    const s = toMatrix(S, where, 'S');
    if (s.cols !== f.k) {
      throw new ShapeError(`${where}: S has ${s.cols} columns, but FastICA was fitted with ${f.k} sources (shape ${formatShape([s.rows, s.cols])})`);
    }
    const out = new Float64Array(s.rows * f.d);
    for (let i = 0; i < s.rows; i++) out.set(f.mean, i * f.d);
    gemmCore(false, true, s.rows, f.d, f.k, 1, s.data, f.k, f.mixing, f.k, 1, out, f.d);
    return new Tensor(out, [s.rows, f.d]);
  }
}
