/**
 * PPCA's hyper-parameter validation and its saved form ({@link ModelState}, type 'PPCA',
 * version 1), bit-exact through float64 bytes.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * How PPCA is fitted.
 *
 * @example
 * ```ts
 * new PPCA({ nComponents: 2, method: 'em' });
 * ```
 */
export type PPCAMethod = 'closed-form' | 'em';
/**
 * What NaN in X means: an error (default) or a missing value (EM only).
 *
 * @example
 * ```ts
 * new PPCA({ nComponents: 2, method: 'em', missing: 'nan' }).fit([[1, NaN], [2, 3], [4, 5]]);
 * ```
 */
export type PPCAMissing = 'error' | 'nan';

/**
 * PPCA options with every default filled in.
 *
 * @example
 * ```ts
 * new PPCA({ nComponents: 2 }).options.maxIter; // 1000
 * ```
 */
export interface ResolvedPPCAOptions {
  nComponents: number;
  method: PPCAMethod;
  maxIter: number;
  tol: number;
  seed: number | string;
  missing: PPCAMissing;
}

/**
 * The fitted parameters and the fit's bookkeeping.
 *
 * @example
 * ```ts
 * const { fit } = ppcaFromState(model.toState()); // fit.w is D×k
 * ```
 */
export interface PPCAFit {
  /** D×k, orthogonal columns with decreasing norms (R = I in PRML 12.45). */
  w: Float64Array;
  mu: Float64Array;
  sigma2: number;
  d: number;
  k: number;
  nSamples: number;
  nIter: number;
  converged: boolean;
  clamped: boolean;
  /** Mean log-likelihood per EM iteration (empty for the closed form). */
  history: Float64Array;
}

const KNOWN = ['nComponents', 'method', 'maxIter', 'tol', 'seed', 'missing'];

/**
 * Checks PPCA options and fills defaults (method 'closed-form', maxIter 1000, tol 1e-9,
 * seed 0, missing 'error').
 *
 * @example
 * ```ts
 * validatePPCAOptions({ nComponents: 2, method: 'em' }, 'PPCA').maxIter; // 1000
 * ```
 */
export function validatePPCAOptions(options: Partial<Record<keyof ResolvedPPCAOptions, unknown>>, where: string): ResolvedPPCAOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const method = assertOneOf(options.method ?? 'closed-form', ['closed-form', 'em'] as const, 'method', where);
  const missing = assertOneOf(options.missing ?? 'error', ['error', 'nan'] as const, 'missing', where);
  if (missing === 'nan' && method !== 'em') {
    throw new RangeError(`${where}: missing: 'nan' needs method: 'em' (the closed form requires complete data)`);
  }
  return {
    nComponents: assertInt(options.nComponents, 'nComponents', where, 1),
    method,
    maxIter: assertInt(options.maxIter ?? 1000, 'maxIter', where, 1),
    tol: assertNumber(options.tol ?? 1e-9, 'tol', where, { min: 0 }),
    seed: assertSeed(options.seed ?? 0, where),
    missing,
  };
}

/**
 * The saved form of a PPCA model.
 *
 * @example
 * ```ts
 * ppcaToState(ppca.options, null).type; // 'PPCA'
 * ```
 */
export function ppcaToState(options: Readonly<ResolvedPPCAOptions>, f: PPCAFit | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    config.fitted = {
      nSamples: f.nSamples, nFeatures: f.d, nComponents: f.k, nIter: f.nIter, converged: f.converged, clamped: f.clamped,
    };
    tensors.weights = { shape: [f.d, f.k], data: f.w.slice() };
    tensors.mean = { shape: [f.d], data: f.mu.slice() };
    tensors.noiseVariance = { shape: [1], data: Float64Array.of(f.sigma2) };
    tensors.history = { shape: [f.history.length], data: f.history.slice() };
  }
  return { type: 'PPCA', version: 1, config, tensors };
}

/**
 * Parses {@link ppcaToState} output; every field is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = ppcaFromState(ppca.toState());
 * ```
 */
export function ppcaFromState(state: ModelState): { options: ResolvedPPCAOptions; fit: PPCAFit | null } {
  const where = 'PPCA.fromState';
  const { options, fitted: f } = readSavedConfig(state, 'PPCA', where, (raw) => validatePPCAOptions(raw, where));
  if (f === null) return { options, fit: null };
  const n = intField(f, 'nSamples', where, 2);
  const d = intField(f, 'nFeatures', where, 2);
  const k = intField(f, 'nComponents', where);
  if (k >= d) throw new FormatError(`${where}: field 'nComponents' is ${k}, but must be < nFeatures = ${d}`);
  const nIter = intField(f, 'nIter', where, 0);
  if (typeof f.converged !== 'boolean' || typeof f.clamped !== 'boolean') {
    throw new FormatError(`${where}: fields 'converged' and 'clamped' must be booleans`);
  }
  const sigma2 = float64Tensor(state, 'noiseVariance', [1], where)[0];
  if (!(sigma2 > 0)) throw new FormatError(`${where}: tensor 'noiseVariance' must be > 0 (got ${sigma2})`);
  const historyLength = state.tensors.history?.shape[0] ?? -1;
  const fit: PPCAFit = {
    w: float64Tensor(state, 'weights', [d, k], where),
    mu: float64Tensor(state, 'mean', [d], where),
    sigma2, d, k, nSamples: n, nIter, converged: f.converged, clamped: f.clamped,
    history: float64Tensor(state, 'history', [Math.max(historyLength, 0)], where),
  };
  return { options, fit };
}
