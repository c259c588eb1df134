/**
 * FactorAnalysis's hyper-parameter validation and its saved form ({@link ModelState}, type
 * 'FactorAnalysis', version 1), bit-exact through float64 bytes.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { describeValue } from '../../errors.js';
import { assertInt, assertNumber, assertOneOf } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { checkHeader, float64Tensor, intField } from './state.js';

/**
 * The orthogonal rotation applied to the fitted loadings: `'varimax'`, `'quartimax'` or none.
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 3, rotation: 'varimax' });
 * ```
 */
export type FactorRotation = 'varimax' | 'quartimax' | null;

/**
 * FactorAnalysis options with every default filled in.
 *
 * @example
 * ```ts
 * new FactorAnalysis({ nComponents: 2 }).options.tol; // 1e-2
 * ```
 */
export interface ResolvedFactorAnalysisOptions {
  nComponents: number | null;
  tol: number;
  maxIter: number;
  noiseVarianceInit: Float64Array | null;
  rotation: FactorRotation;
}

/**
 * The fitted parameters and the fit's bookkeeping.
 *
 * @example
 * ```ts
 * const { fit } = factorAnalysisFromState(fa.toState()); // fit.components is k×d
 * ```
 */
export interface FactorAnalysisFit {
  /** k×d loadings (rotated when asked), each row's largest-magnitude entry positive. */
  components: Float64Array;
  /** d noise variances Ψ. */
  noiseVariance: Float64Array;
  mean: Float64Array;
  /** The log-likelihood (total over the rows, as scikit-learn's `loglike_`) at each iteration. */
  loglike: Float64Array;
  d: number;
  k: number;
  nSamples: number;
  nIter: number;
  converged: boolean;
}

const KNOWN = ['nComponents', 'tol', 'maxIter', 'noiseVarianceInit', 'rotation'];

/**
 * Checks FactorAnalysis options and fills defaults (nComponents = nFeatures, tol 1e-2,
 * maxIter 1000, Ψ₀ = 1, no rotation, as scikit-learn).
 *
 * @example
 * ```ts
 * validateFactorAnalysisOptions({ nComponents: 2 }, 'FactorAnalysis').maxIter; // 1000
 * ```
 */
export function validateFactorAnalysisOptions(options: Record<string, unknown>, where: string): ResolvedFactorAnalysisOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const rotation = options.rotation === undefined || options.rotation === null
    ? null : assertOneOf(options.rotation, ['varimax', 'quartimax'] as const, 'rotation', where);
  let init: Float64Array | null = null;
  const raw = options.noiseVarianceInit;
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) && !(raw instanceof Float64Array) && !(raw instanceof Float32Array)) {
      throw new TypeError(`${where}: noiseVarianceInit must be an array of nFeatures positive numbers (got ${describeValue(raw)})`);
    }
    init = Float64Array.from(raw as ArrayLike<number>, (v, j) => assertNumber(v, `noiseVarianceInit[${j}]`, where, { min: 0, minExclusive: true }));
  }
  return {
    nComponents: options.nComponents === undefined || options.nComponents === null ? null : assertInt(options.nComponents, 'nComponents', where, 1),
    tol: assertNumber(options.tol ?? 1e-2, 'tol', where, { min: 0 }),
    maxIter: assertInt(options.maxIter ?? 1000, 'maxIter', where, 1),
    noiseVarianceInit: init,
    rotation,
  };
}

/**
 * The saved form of a FactorAnalysis model (`noiseVarianceInit` as a tensor).
 *
 * @example
 * ```ts
 * factorAnalysisToState(fa.options, null).type; // 'FactorAnalysis'
 * ```
 */
export function factorAnalysisToState(options: Readonly<ResolvedFactorAnalysisOptions>, f: FactorAnalysisFit | null): ModelState {
  const { noiseVarianceInit, ...rest } = options;
  const config: Record<string, unknown> = { options: rest, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (noiseVarianceInit !== null) tensors.noiseVarianceInit = { shape: [noiseVarianceInit.length], data: noiseVarianceInit.slice() };
  if (f !== null) {
    config.fitted = { nSamples: f.nSamples, nFeatures: f.d, nComponents: f.k, nIter: f.nIter, converged: f.converged };
    tensors.components = { shape: [f.k, f.d], data: f.components.slice() };
    tensors.noiseVariance = { shape: [f.d], data: f.noiseVariance.slice() };
    tensors.mean = { shape: [f.d], data: f.mean.slice() };
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
  const config = checkHeader(state, 'FactorAnalysis', where);
  let options: ResolvedFactorAnalysisOptions;
  try {
    const raw = { ...((config.options ?? {}) as Record<string, unknown>) };
    if (state.tensors.noiseVarianceInit !== undefined) raw.noiseVarianceInit = state.tensors.noiseVarianceInit.data;
    options = validateFactorAnalysisOptions(raw, where);
  } catch (e) {
    throw new FormatError(`${where}: field 'config.options' is invalid: ${(e as Error).message}`);
  }
  const f = config.fitted as Record<string, unknown> | null | undefined;
  if (f === null || f === undefined) return { options, fit: null };
  if (typeof f !== 'object') throw new FormatError(`${where}: field 'config.fitted' must be an object or null`);
  const n = intField(f, 'nSamples', where, 2);
  const d = intField(f, 'nFeatures', where);
  const k = intField(f, 'nComponents', where);
  if (k > d) throw new FormatError(`${where}: field 'nComponents' is ${k}, but must be <= nFeatures = ${d}`);
  const nIter = intField(f, 'nIter', where, 1);
  if (typeof f.converged !== 'boolean') throw new FormatError(`${where}: field 'converged' must be a boolean`);
  const noiseVariance = float64Tensor(state, 'noiseVariance', [d], where);
  if (noiseVariance.some((v) => !(v > 0))) throw new FormatError(`${where}: tensor 'noiseVariance' must be > 0`);
  const fit: FactorAnalysisFit = {
    components: float64Tensor(state, 'components', [k, d], where),
    noiseVariance,
    mean: float64Tensor(state, 'mean', [d], where),
    loglike: float64Tensor(state, 'loglike', [nIter], where),
    d, k, nSamples: n, nIter, converged: f.converged,
  };
  return { options, fit };
}
