/**
 * IncrementalPCA's hyper-parameter validation, its running state and its saved form
 * ({@link ModelState}, type 'IncrementalPCA', version 1). The saved form holds everything
 * `partialFit` needs to continue (the running variance too), as float64 bytes, so a model saved
 * mid-stream and loaded continues to the same bytes as one never interrupted.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { assertInt } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * IncrementalPCA options with every default filled in (plain JSON values).
 *
 * @example
 * ```ts
 * const o: ResolvedIncrementalPCAOptions = new IncrementalPCA({ nComponents: 2 }).options;
 * ```
 */
export interface ResolvedIncrementalPCAOptions {
  /** Integer count, or null: the first batch's min(rows, nFeatures). */
  nComponents: number | null;
  whiten: boolean;
  /** Rows per batch of `fit`, or null for 5·nFeatures. */
  batchSize: number | null;
}

/**
 * The running state of an incremental fit: what scikit-learn's IncrementalPCA keeps between
 * `partial_fit` calls.
 *
 * @example
 * ```ts
 * const f: IncrementalFit = incrementalUpdate(null, batch, 2, 'IncrementalPCA.partialFit');
 * ```
 */
export interface IncrementalFit {
  nSamplesSeen: number;
  nFeatures: number;
  mean: Float64Array;
  /** Per-feature variance of the rows seen, 1/N convention (scikit-learn's var_). */
  variance: Float64Array;
  /** k×D, orthonormal rows, each with its largest-magnitude entry positive. */
  components: Float64Array;
  singularValues: Float64Array;
  /** sᵢ²/(N − 1). */
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  /** Mean of the discarded variances of the last update (scikit-learn's rule). */
  noiseVariance: number;
  /** The rows per batch of the last `fit` (scikit-learn's batch_size_), or null after `partialFit` alone. */
  batchSize: number | null;
}

const KNOWN = ['nComponents', 'whiten', 'batchSize'];

/**
 * Checks IncrementalPCA options and fills defaults; RangeError for bad values, TypeError for
 * unknown names or wrong kinds.
 *
 * @example
 * ```ts
 * validateIncrementalPCAOptions({ nComponents: 5 }, 'IncrementalPCA').batchSize; // null
 * ```
 */
export function validateIncrementalPCAOptions(options: Partial<Record<keyof ResolvedIncrementalPCAOptions, unknown>>, where: string): ResolvedIncrementalPCAOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const nComponents = options.nComponents ?? null;
  const whiten = options.whiten ?? false;
  if (typeof whiten !== 'boolean') throw new TypeError(`${where}: whiten must be a boolean (got ${typeof whiten})`);
  const batchSize = options.batchSize ?? null;
  return {
    nComponents: nComponents === null ? null : assertInt(nComponents, 'nComponents', where, 1),
    whiten,
    batchSize: batchSize === null ? null : assertInt(batchSize, 'batchSize', where, 1),
  };
}

/**
 * The saved form: the options, the running state's sizes (or null), and its arrays.
 *
 * @example
 * ```ts
 * incrementalPCAToState(ipca.options, null).type; // 'IncrementalPCA'
 * ```
 */
export function incrementalPCAToState(options: Readonly<ResolvedIncrementalPCAOptions>, f: IncrementalFit | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    const k = f.singularValues.length;
    const d = f.nFeatures;
    config.fitted = { nSamplesSeen: f.nSamplesSeen, nFeatures: d, nComponents: k, batchSize: f.batchSize };
    tensors.mean = { shape: [d], data: f.mean.slice() };
    tensors.variance = { shape: [d], data: f.variance.slice() };
    tensors.components = { shape: [k, d], data: f.components.slice() };
    tensors.singularValues = { shape: [k], data: f.singularValues.slice() };
    tensors.explainedVariance = { shape: [k], data: f.explainedVariance.slice() };
    tensors.explainedVarianceRatio = { shape: [k], data: f.explainedVarianceRatio.slice() };
    tensors.scalars = { shape: [1], data: Float64Array.of(f.noiseVariance) };
  }
  return { type: 'IncrementalPCA', version: 1, config, tensors };
}

/**
 * Parses {@link incrementalPCAToState} output; everything is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = incrementalPCAFromState(ipca.toState());
 * ```
 */
export function incrementalPCAFromState(state: ModelState): { options: ResolvedIncrementalPCAOptions; fit: IncrementalFit | null } {
  const where = 'IncrementalPCA.fromState';
  const { options, fitted: fit } = readSavedConfig(state, 'IncrementalPCA', where, (raw) => validateIncrementalPCAOptions(raw, where));
  if (fit === null) return { options, fit: null };
  const n = intField(fit, 'nSamplesSeen', where, 2);
  const d = intField(fit, 'nFeatures', where);
  const k = intField(fit, 'nComponents', where);
  if (k > d) throw new FormatError(`${where}: field 'nComponents' is ${k}, more than nFeatures = ${d}`);
  const batchSize = fit.batchSize === null ? null : intField(fit, 'batchSize', where);
  return {
    options,
    fit: {
      nSamplesSeen: n,
      nFeatures: d,
      mean: float64Tensor(state, 'mean', [d], where),
      variance: float64Tensor(state, 'variance', [d], where),
      components: float64Tensor(state, 'components', [k, d], where),
      singularValues: float64Tensor(state, 'singularValues', [k], where),
      explainedVariance: float64Tensor(state, 'explainedVariance', [k], where),
      explainedVarianceRatio: float64Tensor(state, 'explainedVarianceRatio', [k], where),
      noiseVariance: float64Tensor(state, 'scalars', [1], where)[0],
      batchSize,
    },
  };
}
