/**
 * FactorAnalysis's hyper-parameter validation and its saved form ({@link ModelState}, type
 * 'FactorAnalysis', version 1), bit-exact through float64 bytes.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { describeValue } from '../../errors.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * How each EM iteration decomposes the scaled data: `'lapack'` is the exact thin SVD
 * (scikit-learn's `svd_method='lapack'`), `'randomized'` the seeded randomized SVD.
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 3, svdMethod: 'lapack' });
 * ```
 */
export type FactorAnalysisSvdMethod = 'lapack' | 'randomized';

/**
 * An orthogonal rotation of the fitted loadings (Kaiser 1958), or none.
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 3, rotation: 'varimax' });
 * ```
 */
export type FactorAnalysisRotation = 'varimax' | 'quartimax' | null;

/**
 * FactorAnalysis options with every default filled in (plain JSON values).
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 2 }).options.tol; // 0.01
 * ```
 */
export interface ResolvedFactorAnalysisOptions {
  /** Latent dimension k, or null for nFeatures (as scikit-learn). */
  nComponents: number | null;
  tol: number;
  maxIter: number;
  /** Initial Ψ, one positive value per feature, or null for all ones. */
  noiseVarianceInit: readonly number[] | null;
  svdMethod: FactorAnalysisSvdMethod;
  iteratedPower: number;
  rotation: FactorAnalysisRotation;
  seed: number | string;
}

/**
 * The fitted parameters and the fit's bookkeeping.
 *
 * @example
 * ```ts
 * const { fit } = factorAnalysisFromState(fa.toState()); // fit.components is k×D
 * ```
 */
export interface FactorAnalysisFit {
  /** k×D row-major loadings (scikit-learn's `components_`), after the rotation if any. */
  components: Float64Array;
  /** Ψ, D values > 0. */
  psi: Float64Array;
  mu: Float64Array;
  d: number;
  k: number;
  nSamples: number;
  nIter: number;
  converged: boolean;
  /** Total log-likelihood at each iteration (scikit-learn's `loglike_`). */
  loglike: Float64Array;
}

const KNOWN = ['nComponents', 'tol', 'maxIter', 'noiseVarianceInit', 'svdMethod', 'iteratedPower', 'rotation', 'seed'];

/**
 * Checks FactorAnalysis options and fills scikit-learn's defaults (nComponents null = all
 * features, tol 1e-2, maxIter 1000, noiseVarianceInit null = ones, svdMethod 'randomized',
 * iteratedPower 3, rotation null, seed 0).
 *
 * @example
 * ```ts
 * validateFactorAnalysisOptions({ nComponents: 2 }, 'FactorAnalysis').maxIter; // 1000
 * ```
 */
export function validateFactorAnalysisOptions(options: Record<string, unknown>, where: string): ResolvedFactorAnalysisOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const nc = options.nComponents;
  const rotation = options.rotation ?? null;
  return {
    nComponents: nc === undefined || nc === null ? null : assertInt(nc, 'nComponents', where, 1),
    tol: assertNumber(options.tol ?? 1e-2, 'tol', where, { min: 0 }),
    maxIter: assertInt(options.maxIter ?? 1000, 'maxIter', where, 1),
    noiseVarianceInit: readInit(options.noiseVarianceInit, where),
    svdMethod: assertOneOf(options.svdMethod ?? 'randomized', ['lapack', 'randomized'] as const, 'svdMethod', where),
    iteratedPower: assertInt(options.iteratedPower ?? 3, 'iteratedPower', where, 0),
    rotation: rotation === null ? null : assertOneOf(rotation, ['varimax', 'quartimax'] as const, 'rotation', where),
    seed: assertSeed(options.seed ?? 0, where),
  };
}

/** A frozen copy of the initial Ψ; every value finite and > 0. */
function readInit(v: unknown, where: string): readonly number[] | null {
  if (v === undefined || v === null) return null;
  const isArrayLike = Array.isArray(v) || ArrayBuffer.isView(v);
  if (!isArrayLike) throw new TypeError(`${where}: noiseVarianceInit must be an array of numbers or null (got ${describeValue(v)})`);
  const values = Array.from(v as ArrayLike<unknown>);
  values.forEach((x, j) => assertNumber(x, `noiseVarianceInit[${j}]`, where, { min: 0, minExclusive: true }));
  return Object.freeze(values as number[]);
}

/**
 * The saved form of a FactorAnalysis model.
 *
 * @example
 * ```ts
 * factorAnalysisToState(fa.options, null).type; // 'FactorAnalysis'
 * ```
 */
export function factorAnalysisToState(options: Readonly<ResolvedFactorAnalysisOptions>, f: FactorAnalysisFit | null): ModelState {
  const config: Record<string, unknown> = {
    options: { ...options, noiseVarianceInit: options.noiseVarianceInit === null ? null : [...options.noiseVarianceInit] },
    fitted: null,
  };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    config.fitted = { nSamples: f.nSamples, nFeatures: f.d, nComponents: f.k, nIter: f.nIter, converged: f.converged };
    tensors.components = { shape: [f.k, f.d], data: f.components.slice() };
    tensors.mean = { shape: [f.d], data: f.mu.slice() };
    tensors.noiseVariance = { shape: [f.d], data: f.psi.slice() };
    tensors.loglike = { shape: [f.loglike.length], data: f.loglike.slice() };
  }
  return { type: 'FactorAnalysis', version: 1, config, tensors };
}

/**
 * Parses {@link factorAnalysisToState} output; every field is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = factorAnalysisFromState(fa.toState());
 * ```
 */
export function factorAnalysisFromState(state: ModelState): { options: ResolvedFactorAnalysisOptions; fit: FactorAnalysisFit | null } {
  const where = 'FactorAnalysis.fromState';
  const { options, fitted: f } = readSavedConfig(state, 'FactorAnalysis', where, (raw) => validateFactorAnalysisOptions(raw, where));
  if (f === null) return { options, fit: null };
  const n = intField(f, 'nSamples', where, 2);
  const d = intField(f, 'nFeatures', where, 1);
  const k = intField(f, 'nComponents', where);
  if (k > d) throw new FormatError(`${where}: field 'nComponents' is ${k}, but must be <= nFeatures = ${d}`);
  const nIter = intField(f, 'nIter', where, 0);
  if (typeof f.converged !== 'boolean') throw new FormatError(`${where}: field 'converged' must be a boolean`);
  const psi = float64Tensor(state, 'noiseVariance', [d], where);
  psi.forEach((v, j) => {
    if (!(v > 0)) throw new FormatError(`${where}: tensor 'noiseVariance' must be > 0 (got ${v} at index ${j})`);
  });
  const loglikeLength = state.tensors.loglike?.shape[0] ?? -1;
  const fit: FactorAnalysisFit = {
    components: float64Tensor(state, 'components', [k, d], where),
    psi,
    mu: float64Tensor(state, 'mean', [d], where),
    d, k, nSamples: n, nIter, converged: f.converged,
    loglike: float64Tensor(state, 'loglike', [Math.max(loglikeLength, 0)], where),
  };
  return { options, fit };
}
