/**
 * TruncatedSVD's options (validation, defaults) and its saved form ({@link ModelState}, type
 * 'TruncatedSVD', version 1): every array float64, so a save/load round trip is bit-exact.
 *
 * @module
 */
import { FormatError, describeValue } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { assertInt, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import type { PowerIterationNormalizer } from './randomized-range.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * The solver of {@link TruncatedSVD}: `'randomized'` (Halko et al., scikit-learn's default) or
 * `'lanczos'` (Golub–Kahan–Lanczos bidiagonalisation to a residual tolerance, the accurate one,
 * like scikit-learn's `'arpack'`).
 *
 * @example
 * ```ts
 * const algorithm: TruncatedSVDAlgorithm = 'lanczos';
 * ```
 */
export type TruncatedSVDAlgorithm = 'randomized' | 'lanczos';

/**
 * Options of {@link TruncatedSVD}, scikit-learn's names in camelCase.
 *
 * @example
 * ```ts
 * new TruncatedSVD({ nComponents: 100, algorithm: 'randomized', nIter: 7, seed: 1 });
 * ```
 */
export interface TruncatedSVDOptions {
  /** Number of components k, 1 ≤ k ≤ min(nSamples, nFeatures). Default 2 (as scikit-learn). */
  nComponents?: number;
  /** `'randomized'` (default) or `'lanczos'`. */
  algorithm?: TruncatedSVDAlgorithm;
  /** Power iterations of the randomized solver. Default 5 (scikit-learn's TruncatedSVD default). */
  nIter?: number;
  /** Extra sketch columns of the randomized solver. Default 10. */
  nOversamples?: number;
  /** Normalisation of each power iteration: 'auto' (default: none for nIter ≤ 2, else LU), 'QR', 'LU', 'none'. */
  powerIterationNormalizer?: PowerIterationNormalizer;
  /** Lanczos stopping rule: every kept triplet's residual ‖Xᵀu − σv‖ ≤ tol·σ₁. Default 1e-10. */
  tol?: number;
  /** Seed of the random start (both solvers). Default 0. */
  seed?: number | string;
}

/**
 * {@link TruncatedSVDOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const o: ResolvedTruncatedSVDOptions = new TruncatedSVD().options; // o.nComponents === 2
 * ```
 */
export interface ResolvedTruncatedSVDOptions {
  nComponents: number;
  algorithm: TruncatedSVDAlgorithm;
  nIter: number;
  nOversamples: number;
  powerIterationNormalizer: PowerIterationNormalizer;
  tol: number;
  seed: number | string;
}

/** What `fit` learns. */
export interface TruncatedSVDFit {
  nSamples: number;
  nFeatures: number;
  /** k×nFeatures, orthonormal rows. */
  components: Float64Array;
  singularValues: Float64Array;
  explainedVariance: Float64Array;
  /** Σ of the column variances of the training data (ddof 0). */
  totalVariance: number;
}

const KNOWN = ['nComponents', 'algorithm', 'nIter', 'nOversamples', 'powerIterationNormalizer', 'tol', 'seed'];
const ALGORITHMS: readonly TruncatedSVDAlgorithm[] = ['randomized', 'lanczos'];
const NORMALIZERS: readonly PowerIterationNormalizer[] = ['auto', 'QR', 'LU', 'none'];

/** Checks the options and fills the defaults; TypeError for unknown names, RangeError for bad values. */
export function validateTruncatedSVDOptions(options: Partial<Record<keyof ResolvedTruncatedSVDOptions, unknown>>, where: string): ResolvedTruncatedSVDOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const tol = options.tol ?? 1e-10;
  if (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol)) throw new RangeError(`${where}: tol must be a finite number >= 0 (got ${describeValue(tol)})`);
  return {
    nComponents: assertInt(options.nComponents ?? 2, 'nComponents', where, 1),
    algorithm: assertOneOf(options.algorithm ?? 'randomized', ALGORITHMS, 'algorithm', where),
    nIter: assertInt(options.nIter ?? 5, 'nIter', where, 0),
    nOversamples: assertInt(options.nOversamples ?? 10, 'nOversamples', where, 0),
    powerIterationNormalizer: assertOneOf(options.powerIterationNormalizer ?? 'auto', NORMALIZERS, 'powerIterationNormalizer', where),
    tol,
    seed: assertSeed(options.seed ?? 0, where),
  };
}

/** The saved form: the options, the fit's sizes (or null) and its arrays. */
export function truncatedSvdToState(options: Readonly<ResolvedTruncatedSVDOptions>, f: TruncatedSVDFit | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    const k = f.singularValues.length;
    config.fitted = { nSamples: f.nSamples, nFeatures: f.nFeatures, nComponents: k };
    tensors.components = { shape: [k, f.nFeatures], data: f.components.slice() };
    tensors.singularValues = { shape: [k], data: f.singularValues.slice() };
    tensors.explainedVariance = { shape: [k], data: f.explainedVariance.slice() };
    tensors.totalVariance = { shape: [1], data: Float64Array.of(f.totalVariance) };
  }
  return { type: 'TruncatedSVD', version: 1, config, tensors };
}

/** Parses {@link truncatedSvdToState} output; FormatError names the bad field. */
export function truncatedSvdFromState(state: ModelState): { options: ResolvedTruncatedSVDOptions; fit: TruncatedSVDFit | null } {
  const where = 'TruncatedSVD.fromState';
  const { options, fitted } = readSavedConfig(state, 'TruncatedSVD', where, (raw) => validateTruncatedSVDOptions(raw, where));
  if (fitted === null) return { options, fit: null };
  const n = intField(fitted, 'nSamples', where);
  const d = intField(fitted, 'nFeatures', where);
  const k = intField(fitted, 'nComponents', where);
  if (k > Math.min(n, d)) throw new FormatError(`${where}: field 'nComponents' is ${k}, more than min(nSamples, nFeatures) = ${Math.min(n, d)}`);
  return {
    options,
    fit: {
      nSamples: n,
      nFeatures: d,
      components: float64Tensor(state, 'components', [k, d], where),
      singularValues: float64Tensor(state, 'singularValues', [k], where),
      explainedVariance: float64Tensor(state, 'explainedVariance', [k], where),
      totalVariance: float64Tensor(state, 'totalVariance', [1], where)[0],
    },
  };
}
