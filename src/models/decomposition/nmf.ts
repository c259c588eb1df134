/**
 * Non-negative matrix factorisation X ≈ WH with W, H ≥ 0: scikit-learn's `NMF` in camelCase
 * (the same objective, penalties, starts, solvers and stopping rules), plus missing values.
 *
 * @module
 */
import { NotFittedError, ShapeError, formatShape } from '../../errors.js';
import { loadState, saveState, stateFromBytes, stateToBytes } from '../../io/model-bytes.js';
import { stateFromJSON, stateToJSON, type ModelJSON, type ModelState } from '../../io/model-state.js';
import { gemmCore } from '../../kernels/gemm.js';
import { Rng } from '../../random/rng.js';
import type { CsrMatrix } from '../../sparse/csr.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertFeatures, toMatrix, type MatrixInput } from '../../validate.js';
import type { LatentModel } from '../model.js';
import { assertKnownOptions } from '../options.js';
import { fitCoordinateDescent } from './nmf-cd.js';
import { readFactor, readNmfData } from './nmf-data.js';
import { nndsvdInit, observedMean, randomInit } from './nmf-init.js';
import { betaOf, penalties, reconstructionError, type NmfData } from './nmf-loss.js';
import { fitMultiplicative, type NmfSolverResult, type NmfSolverSettings } from './nmf-mu.js';
import { validateNMFOptions, type NMFOptions } from './nmf-options.js';
import { nmfFromState, nmfToState, type NmfFit } from './nmf-state.js';

export type { NMFOptions, NmfSolver, NmfInit, NmfBetaLoss } from './nmf-options.js';

/**
 * Options of {@link NMF.fit} and {@link NMF.fitTransform}: the starting factors of
 * `init: 'custom'` (and only then).
 *
 * @example
 * ```ts
 * new NMF({ nComponents: 2, init: 'custom' }).fit(X, { W: W0, H: H0 });
 * ```
 */
export interface NMFFitOptions {
  /** Start of W, [nSamples, k], non-negative. */
  W?: MatrixInput;
  /** Start of H, [k, nFeatures], non-negative. */
  H?: MatrixInput;
}

/**
 * Non-negative matrix factorisation: X (n×d, X ≥ 0) ≈ W·H with W (n×k) ≥ 0 the codes and
 * H (k×d) ≥ 0 the components, minimising, as scikit-learn,
 *
 *   D_β(X | WH) + αW·ρ·d·ΣW + αH·ρ·n·ΣH + ½αW(1 − ρ)·d·‖W‖² + ½αH(1 − ρ)·n·‖H‖²
 *
 * with D₂ = ½‖X − WH‖² (`'frobenius'`), D₁ the generalised Kullback–Leibler and D₀ the
 * Itakura–Saito divergence, ρ = `l1Ratio`. Solver `'cd'` (coordinate descent, Frobenius only)
 * stops when an iteration's KKT violation is at most `tol` times the first one's; `'mu'`
 * (multiplicative updates) checks every 10 iterations and stops when the error fell by less
 * than `tol` times its initial value. `reconstructionError` is √(2·D_β(X | WH)) at the end of
 * `fit` (‖X − WH‖_F for Frobenius). `transform` keeps H fixed and solves for W with the same
 * solver; `inverseTransform(W)` = W·H.
 *
 * **Missing values.** NaN entries of X are missing: both solvers then minimise the weighted
 * objective Σ over observed (i, j) of d_β(xᵢⱼ | (WH)ᵢⱼ) plus the same penalties, so a missing
 * entry pulls on neither factor, and `inverseTransform(transform(X))` fills it in. Without NaN
 * the fit is the unweighted one (the same numbers as scikit-learn's). In `'cd'` every row has its
 * own Gram matrix then, which costs k times the unweighted sweep.
 *
 * @example
 * ```ts
 * const nmf = new NMF({ nComponents: 2, init: 'nndsvd' });
 * const W = nmf.fitTransform([[1, 0, 2], [2, 0, 4], [0, 3, 1]]); // Tensor [3, 2], W ≥ 0
 * nmf.components;                       // Tensor [2, 3], H ≥ 0
 * nmf.reconstructionError;              // ‖X − WH‖_F
 * nmf.inverseTransform(W);              // ≈ X
 * const again = NMF.fromBytes(nmf.toBytes()); // bit-identical model
 * ```
 */
export class NMF implements LatentModel {
  /** The hyper-parameters, every default filled in and frozen. */
  readonly options: Readonly<Required<NMFOptions>>;
  private fitted: NmfFit | null = null;

  constructor(options: NMFOptions = {}) {
    this.options = Object.freeze(validateNMFOptions(options, 'NMF'));
  }

  /** `'NMF'`, the type tag of the saved state. */
  get type(): 'NMF' { return 'NMF'; }

  /** Whether `fit` has run (or the model was loaded fitted). */
  get isFitted(): boolean { return this.fitted !== null; }

  /**
   * Fits W and H to X (NaN entries are missing) and returns `this`. X is never modified. A
   * {@link CsrMatrix} X is never made dense: its products with the factors (X·Hᵀ, Xᵀ·W) run
   * on the sparse kernels, the loss is summed over chunks of rows, and the NNDSVD start's
   * randomized SVD uses the same products, so the fit equals that of `X.toDense()` to
   * rounding; `betaLoss` `'frobenius'` and `'kullback-leibler'` (whose X/WH is needed only at
   * X's stored entries) are supported on sparse X, the other β-divergences need dense X.
   */
  fit(X: MatrixInput | CsrMatrix, options: NMFFitOptions = {}): this {
    this.fitCore(X, options, 'NMF.fit');
    return this;
  }

  /** Fits and returns the codes W of the training rows: Tensor [nSamples, k], float64. */
  fitTransform(X: MatrixInput | CsrMatrix, options: NMFFitOptions = {}): Tensor {
    return this.fitCore(X, options, 'NMF.fitTransform');
  }

  /** The codes W ≥ 0 of X (dense or {@link CsrMatrix}) with H fixed (same solver, tol and maxIter): Tensor [nSamples, k]. */
  transform(X: MatrixInput | CsrMatrix): Tensor {
    return this.solveCodes(X, 'NMF.transform');
  }

  /** The same as {@link NMF.transform} (the {@link LatentModel} name). */
  encode(X: MatrixInput | CsrMatrix): Tensor {
    return this.solveCodes(X, 'NMF.encode');
  }

  /** W·H: Tensor [nSamples, nFeatures]. */
  inverseTransform(W: MatrixInput): Tensor {
    return this.lift(W, 'NMF.inverseTransform');
  }

  /** The same as {@link NMF.inverseTransform} (the {@link LatentModel} name). */
  decode(Z: MatrixInput): Tensor {
    return this.lift(Z, 'NMF.decode');
  }

  /** `inverseTransform(transform(X))`; with missing entries this is the filled-in matrix. */
  reconstruct(X: MatrixInput | CsrMatrix): Tensor {
    return this.lift(this.solveCodes(X, 'NMF.reconstruct'), 'NMF.reconstruct');
  }

  /** H: Tensor [k, nFeatures], non-negative (a copy). */
  get components(): Tensor {
    const f = this.state();
    return new Tensor(f.components.slice(), [f.nComponents, f.nFeatures]);
  }

  /** √(2·D_β(X | WH)) of the training data at the end of `fit` (scikit-learn's `reconstruction_err_`). */
  get reconstructionError(): number { return this.state().reconstructionError; }

  /** Iterations `fit` ran. */
  get nIter(): number { return this.state().nIter; }

  /** Whether `fit` met its stopping rule before `maxIter` (scikit-learn warns when not). */
  get converged(): boolean { return this.state().converged; }

  /** Samples seen by `fit`. */
  get nSamples(): number { return this.state().nSamples; }

  /** Missing (NaN) entries in the training data. */
  get nMissing(): number { return this.state().nMissing; }

  /** Features seen by `fit`. */
  get nFeatures(): number { return this.state().nFeatures; }

  /** The number of components k: the width of the codes. */
  get latentDim(): number { return this.state().nComponents; }

  /** The model as a {@link ModelState} (type 'NMF', version 1). */
  toState(): ModelState { return nmfToState(this.options, this.fitted); }

  /** The JSON form (arrays as base64 bytes, so the round trip is bit-exact). */
  toJSON(): ModelJSON { return stateToJSON(this.toState()); }

  /** safetensors bytes of {@link NMF.toState}. @example `const again = NMF.fromBytes(nmf.toBytes());` */
  toBytes(): Uint8Array { return stateToBytes(this.toState()); }

  /** Saves as safetensors, atomically. Node only. @example `await nmf.save('nmf.safetensors');` */
  async save(path: string): Promise<void> { await saveState(path, this.toState()); }

  /** Rebuilds a model from {@link NMF.toState}; FormatError names the bad field. */
  static fromState(state: ModelState): NMF {
    const { options, fit } = nmfFromState(state);
    const nmf = new NMF(options);
    nmf.fitted = fit;
    return nmf;
  }

  /** Parses {@link NMF.toJSON} output (an object or its JSON text). */
  static fromJSON(json: string | ModelJSON): NMF { return NMF.fromState(stateFromJSON(json, 'NMF', [1])); }

  /** Inverse of {@link NMF.toBytes}. @example `NMF.fromBytes(bytes)` */
  static fromBytes(bytes: Uint8Array, source = '<bytes>'): NMF { return NMF.fromState(stateFromBytes(bytes, 'NMF', [1], source)); }

  /** Loads a file written by {@link NMF.save}. Node only. @example `const m = await NMF.load('nmf.safetensors');` */
  static async load(path: string): Promise<NMF> { return NMF.fromState(await loadState(path, 'NMF', [1])); }

  private state(): NmfFit {
    if (this.fitted === null) throw new NotFittedError('NMF');
    return this.fitted;
  }

  private get beta(): number { return betaOf(this.options.betaLoss); }

  /** Checks what the β-divergence needs of X: no zero when β ≤ 0 (scikit-learn's rule). */
  private checkLoss(data: NmfData, where: string): void {
    if (data.sparse && this.beta !== 2 && this.beta !== 1) {
      const [n, d] = data.sparse.shape;
      throw new TypeError(
        `${where}: betaLoss ${String(this.options.betaLoss)} needs dense X, but X is a CsrMatrix of shape [${n}, ${d}]; on sparse X only betaLoss 'frobenius' and 'kullback-leibler' are supported (the other β-divergences need WH at every entry); pass X.toDense()`,
      );
    }
    if (this.beta > 0) return;
    const { x, mask } = data;
    for (let i = 0; i < x.length; i++) {
      if ((mask === null || mask[i] === 1) && x[i] === 0) {
        throw new RangeError(`${where}: betaLoss ${String(this.options.betaLoss)} (β ≤ 0) needs X > 0, but X[${Math.floor(i / data.d)}][${i % data.d}] = 0; add a small constant to X or use β > 0`);
      }
    }
  }

  private settings(n: number, d: number, updateH: boolean): NmfSolverSettings {
    const o = this.options;
    const alphaH = o.alphaH === 'same' ? o.alphaW : o.alphaH;
    return { beta: this.beta, tol: o.tol, maxIter: o.maxIter, reg: penalties(n, d, o.alphaW, alphaH, o.l1Ratio), updateH };
  }

  private solve(data: NmfData, W: Float64Array, H: Float64Array, k: number, s: NmfSolverSettings): NmfSolverResult {
    return this.options.solver === 'cd' ? fitCoordinateDescent(data, W, H, k, s) : fitMultiplicative(data, W, H, k, s);
  }

  private fitCore(X: MatrixInput | CsrMatrix, options: NMFFitOptions, where: string): Tensor {
    if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
    assertKnownOptions(options, ['W', 'H'], where);
    const data = readNmfData(X, where);
    this.checkLoss(data, where);
    const { n, d } = data;
    const o = this.options;
    const k = o.nComponents ?? d;
    const init = o.init ?? (k <= Math.min(n, d) ? 'nndsvda' : 'random');
    if (init !== 'random' && init !== 'custom' && k > Math.min(n, d)) {
      throw new RangeError(`${where}: init '${init}' needs nComponents <= min(nSamples, nFeatures) = ${Math.min(n, d)} (got ${k}, X shape ${formatShape([n, d])})`);
    }
    const given = options.W !== undefined || options.H !== undefined;
    if (given && init !== 'custom') throw new TypeError(`${where}: W and H are starting factors for init 'custom' (init is '${init}')`);
    let W: Float64Array;
    let H: Float64Array;
    if (init === 'custom') {
      if (options.W === undefined || options.H === undefined) throw new TypeError(`${where}: init 'custom' needs both W [${n}, ${k}] and H [${k}, ${d}] in the options`);
      W = readFactor(options.W, [n, k], where, 'W');
      H = readFactor(options.H, [k, d], where, 'H');
    } else if (init === 'random') {
      ({ W, H } = randomInit(data, k, new Rng(o.seed)));
    } else {
      ({ W, H } = nndsvdInit(data, k, init, o.seed));
    }
    const result = this.solve(data, W, H, k, this.settings(n, d, true));
    this.fitted = {
      nSamples: n, nFeatures: d, nComponents: k, components: H,
      reconstructionError: reconstructionError(data, W, H, k, this.beta),
      nIter: result.nIter, converged: result.converged, nMissing: data.nMissing,
    };
    return new Tensor(W, [n, k]);
  }

  private solveCodes(X: MatrixInput | CsrMatrix, where: string): Tensor {
    const f = this.state();
    const data = readNmfData(X, where);
    assertFeatures(data.d, f.nFeatures, where, 'NMF');
    this.checkLoss(data, where);
    const { n, d } = data;
    const k = f.nComponents;
    // scikit-learn's starts: zeros for 'cd'; for 'mu', which cannot move a zero, √(mean(X)/k).
    const W = new Float64Array(n * k);
    if (this.options.solver === 'mu') W.fill(Math.sqrt(observedMean(data) / k));
    this.solve(data, W, f.components.slice(), k, this.settings(n, d, false));
    return new Tensor(W, [n, k]);
  }

  private lift(Z: MatrixInput, where: string): Tensor {
    const f = this.state();
    const z = toMatrix(Z, where, 'W');
    const k = f.nComponents;
    if (z.cols !== k) {
      throw new ShapeError(`${where}: W has ${z.cols} columns, but NMF was fitted with nComponents = ${k} (shape ${formatShape([z.rows, z.cols])})`);
    }
    const d = f.nFeatures;
    const out = new Float64Array(z.rows * d);
    gemmCore(false, false, z.rows, d, k, 1, z.data, k, f.components, d, 0, out, d);
    return new Tensor(out, [z.rows, d]);
  }
}
