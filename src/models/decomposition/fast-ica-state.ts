/**
 * FastICA's hyper-parameter validation and its saved form ({@link ModelState}, type 'FastICA',
 * version 1), bit-exact through float64 bytes.
 *
 * @module
 */
import { FormatError, ShapeError, formatShape } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { assertInt, assertNumber, assertOneOf, assertSeed, toMatrix } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * How the components are extracted: all at once with symmetric decorrelation (`'parallel'`) or
 * one after the other with Gram–Schmidt (`'deflation'`).
 *
 * @example
 * ```ts
 * new FastICA({ algorithm: 'deflation' });
 * ```
 */
export type FastICAAlgorithm = 'parallel' | 'deflation';
/**
 * The contrast function G of the negentropy approximation: its derivative g is `tanh(αu)`
 * (`'logcosh'`), `u·exp(−u²/2)` (`'exp'`) or `u³` (`'cube'`).
 *
 * @example
 * ```ts
 * new FastICA({ fun: 'exp' });
 * ```
 */
export type FastICAFun = 'logcosh' | 'exp' | 'cube';
/**
 * Whitening: `'unit-variance'` (sources rescaled to unit variance), `'arbitrary-variance'`
 * (sources of the whitened space as they come), or `false` (X is taken as already white).
 *
 * @example
 * ```ts
 * new FastICA({ whiten: 'arbitrary-variance' });
 * ```
 */
export type FastICAWhiten = 'unit-variance' | 'arbitrary-variance' | false;
/**
 * How the whitening is computed: SVD of the centred data or eigendecomposition of XᵀX.
 *
 * @example
 * ```ts
 * new FastICA({ whitenSolver: 'eigh' });
 * ```
 */
export type FastICAWhitenSolver = 'svd' | 'eigh';

/**
 * FastICA options with every default filled in; `wInit` is a k×k row-major copy or null.
 *
 * @example
 * ```ts
 * new FastICA().options.maxIter; // 200
 * ```
 */
export interface ResolvedFastICAOptions {
  nComponents: number | null;
  algorithm: FastICAAlgorithm;
  fun: FastICAFun;
  alpha: number;
  whiten: FastICAWhiten;
  whitenSolver: FastICAWhitenSolver;
  maxIter: number;
  tol: number;
  seed: number | string;
  wInit: { data: Float64Array; k: number } | null;
}

/**
 * The fitted parameters and the fit's bookkeeping (all row-major float64).
 *
 * @example
 * ```ts
 * const { fit } = fastICAFromState(ica.toState()); // fit.components is k×d
 * ```
 */
export interface FastICAFit {
  /** k×d unmixing matrix: sources = (x − mean)·componentsᵀ. */
  components: Float64Array;
  /** d×k mixing matrix, the pseudo-inverse of components. */
  mixing: Float64Array;
  /** d column means (zeros when whiten is false). */
  mean: Float64Array;
  /** k×d whitening matrix K (null when whiten is false). */
  whitening: Float64Array | null;
  /** k×k unmixing of the whitened data (W), before the unit-variance rescaling. */
  unmixing: Float64Array;
  /** Excess kurtosis of each source on the training rows (0 for a Gaussian). */
  kurtosis: Float64Array;
  d: number;
  k: number;
  nSamples: number;
  nIter: number;
  converged: boolean;
}

const KNOWN = ['nComponents', 'algorithm', 'fun', 'alpha', 'whiten', 'whitenSolver', 'maxIter', 'tol', 'seed', 'wInit'];

/**
 * Checks FastICA options and fills defaults (algorithm 'parallel', fun 'logcosh', alpha 1,
 * whiten 'unit-variance', whitenSolver 'svd', maxIter 200, tol 1e-4, seed 0, as scikit-learn).
 *
 * @example
 * ```ts
 * validateFastICAOptions({ fun: 'cube' }, 'FastICA').tol; // 1e-4
 * ```
 */
export function validateFastICAOptions(options: Record<string, unknown>, where: string): ResolvedFastICAOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const whitenRaw = options.whiten ?? 'unit-variance';
  const whiten = whitenRaw === false ? false : assertOneOf(whitenRaw, ['unit-variance', 'arbitrary-variance'] as const, 'whiten', where);
  const nComponents = options.nComponents === undefined || options.nComponents === null
    ? null : assertInt(options.nComponents, 'nComponents', where, 1);
  if (whiten === false && nComponents !== null) {
    throw new RangeError(`${where}: nComponents must be left out with whiten: false (the number of sources is then nFeatures; got ${nComponents})`);
  }
  let wInit: ResolvedFastICAOptions['wInit'] = null;
  if (options.wInit !== undefined && options.wInit !== null) {
    const w = toMatrix(options.wInit, where, 'wInit', { dtype: 'float64' });
    if (w.rows !== w.cols || (nComponents !== null && w.rows !== nComponents)) {
      const want = nComponents === null ? 'square' : `[${nComponents}, ${nComponents}]`;
      throw new ShapeError(`${where}: wInit must be ${want} (got shape ${formatShape([w.rows, w.cols])})`);
    }
    wInit = { data: w.data.slice(), k: w.rows };
  }
  return {
    nComponents,
    algorithm: assertOneOf(options.algorithm ?? 'parallel', ['parallel', 'deflation'] as const, 'algorithm', where),
    fun: assertOneOf(options.fun ?? 'logcosh', ['logcosh', 'exp', 'cube'] as const, 'fun', where),
    alpha: assertNumber(options.alpha ?? 1, 'alpha', where, { min: 1, max: 2 }),
    whiten,
    whitenSolver: assertOneOf(options.whitenSolver ?? 'svd', ['svd', 'eigh'] as const, 'whitenSolver', where),
    maxIter: assertInt(options.maxIter ?? 200, 'maxIter', where, 1),
    tol: assertNumber(options.tol ?? 1e-4, 'tol', where, { min: 0 }),
    seed: assertSeed(options.seed ?? 0, where),
    wInit,
  };
}

/**
 * The saved form of a FastICA model; `wInit` is saved as a tensor, the other options in config.
 *
 * @example
 * ```ts
 * fastICAToState(ica.options, null).type; // 'FastICA'
 * ```
 */
export function fastICAToState(options: Readonly<ResolvedFastICAOptions>, f: FastICAFit | null): ModelState {
  const { wInit, ...rest } = options;
  const config: Record<string, unknown> = { options: rest, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (wInit !== null) tensors.wInit = { shape: [wInit.k, wInit.k], data: wInit.data.slice() };
  if (f !== null) {
    config.fitted = { nSamples: f.nSamples, nFeatures: f.d, nComponents: f.k, nIter: f.nIter, converged: f.converged };
    tensors.components = { shape: [f.k, f.d], data: f.components.slice() };
    tensors.mixing = { shape: [f.d, f.k], data: f.mixing.slice() };
    tensors.mean = { shape: [f.d], data: f.mean.slice() };
    tensors.unmixing = { shape: [f.k, f.k], data: f.unmixing.slice() };
    tensors.kurtosis = { shape: [f.k], data: f.kurtosis.slice() };
    if (f.whitening !== null) tensors.whitening = { shape: [f.k, f.d], data: f.whitening.slice() };
  }
  return { type: 'FastICA', version: 1, config, tensors };
}

/**
 * Parses {@link fastICAToState} output; every field is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = fastICAFromState(ica.toState());
 * ```
 */
export function fastICAFromState(state: ModelState): { options: ResolvedFastICAOptions; fit: FastICAFit | null } {
  const where = 'FastICA.fromState';
  const { options, fitted: f } = readSavedConfig(state, 'FastICA', where, (saved) => {
    const raw = { ...saved };
    const w = state.tensors.wInit;
    if (w !== undefined) raw.wInit = { data: w.data, shape: w.shape };
    return validateFastICAOptions(raw, where);
  });
  if (f === null) return { options, fit: null };
  const n = intField(f, 'nSamples', where, 2);
  const d = intField(f, 'nFeatures', where);
  const k = intField(f, 'nComponents', where);
  if (k > d) throw new FormatError(`${where}: field 'nComponents' is ${k}, but must be <= nFeatures = ${d}`);
  const nIter = intField(f, 'nIter', where, 0);
  if (typeof f.converged !== 'boolean') throw new FormatError(`${where}: field 'converged' must be a boolean`);
  const fit: FastICAFit = {
    components: float64Tensor(state, 'components', [k, d], where),
    mixing: float64Tensor(state, 'mixing', [d, k], where),
    mean: float64Tensor(state, 'mean', [d], where),
    unmixing: float64Tensor(state, 'unmixing', [k, k], where),
    kurtosis: float64Tensor(state, 'kurtosis', [k], where),
    whitening: options.whiten === false ? null : float64Tensor(state, 'whitening', [k, d], where),
    d, k, nSamples: n, nIter, converged: f.converged,
  };
  return { options, fit };
}
