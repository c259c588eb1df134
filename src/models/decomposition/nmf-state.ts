/**
 * NMF's saved form ({@link ModelState}, type 'NMF', version 1): the options, the fit's
 * metadata, H as float64 bytes and the reconstruction error as a float64 scalar, so a
 * save/load round trip is bit-exact.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { validateNMFOptions, type ResolvedNMFOptions } from './nmf-options.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * What `fit` learns: H (k×d, row-major) and the numbers scikit-learn reports about the fit.
 *
 * @example
 * ```ts
 * const f: NmfFit = { nSamples: 60, nFeatures: 20, nComponents: 5, components, reconstructionError: 0.87, nIter: 200, converged: false, nMissing: 0 };
 * ```
 */
export interface NmfFit {
  nSamples: number;
  nFeatures: number;
  nComponents: number;
  components: Float64Array;
  reconstructionError: number;
  nIter: number;
  converged: boolean;
  /** Missing (NaN) entries of the training data. */
  nMissing: number;
}

/**
 * The saved form of an NMF model.
 *
 * @example
 * ```ts
 * nmfToState(nmf.options, null).type; // 'NMF'
 * ```
 */
export function nmfToState(options: Readonly<ResolvedNMFOptions>, f: NmfFit | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    config.fitted = {
      nSamples: f.nSamples, nFeatures: f.nFeatures, nComponents: f.nComponents,
      nIter: f.nIter, converged: f.converged, nMissing: f.nMissing,
    };
    tensors.components = { shape: [f.nComponents, f.nFeatures], data: f.components.slice() };
    tensors.scalars = { shape: [1], data: Float64Array.of(f.reconstructionError) };
  }
  return { type: 'NMF', version: 1, config, tensors };
}

/**
 * Parses {@link nmfToState} output; everything is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = nmfFromState(nmf.toState());
 * ```
 */
export function nmfFromState(state: ModelState): { options: ResolvedNMFOptions; fit: NmfFit | null } {
  const where = 'NMF.fromState';
  const { options, fitted: fit } = readSavedConfig(state, 'NMF', where, (raw) => validateNMFOptions(raw, where));
  if (fit === null) return { options, fit: null };
  const n = intField(fit, 'nSamples', where);
  const d = intField(fit, 'nFeatures', where);
  const k = intField(fit, 'nComponents', where);
  const nIter = intField(fit, 'nIter', where);
  const nMissing = intField(fit, 'nMissing', where, 0);
  if (typeof fit.converged !== 'boolean') throw new FormatError(`${where}: field 'converged' must be a boolean (got ${JSON.stringify(fit.converged)})`);
  const components = float64Tensor(state, 'components', [k, d], where);
  for (let i = 0; i < components.length; i++) {
    if (components[i] < 0) throw new FormatError(`${where}: tensor 'components' holds a negative value at index ${i}`);
  }
  const scalars = float64Tensor(state, 'scalars', [1], where);
  return {
    options,
    fit: { nSamples: n, nFeatures: d, nComponents: k, components, reconstructionError: scalars[0], nIter, converged: fit.converged, nMissing },
  };
}
