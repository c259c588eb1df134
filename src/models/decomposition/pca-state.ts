/**
 * PCA's hyper-parameter validation and its saved form ({@link ModelState}, type 'PCA',
 * version 1). Every array is stored as float64 bytes, so a save/load round trip is bit-exact.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import type { ModelState, TensorRecord } from '../../io/model-state.js';
import { assertInt, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import type { PCAPrecision, PCASolver, Spectrum } from './solvers.js';
import { float64Tensor, intField, readSavedConfig } from './state.js';

/**
 * PCA options with every default filled in (plain JSON values).
 *
 * @example
 * ```ts
 * const o: ResolvedPCAOptions = new PCA({ nComponents: 2 }).options; // every default filled in
 * ```
 */
export interface ResolvedPCAOptions {
  /** Integer count, fraction in (0, 1), or null for min(nSamples, nFeatures). */
  nComponents: number | null;
  solver: PCASolver;
  whiten: boolean;
  seed: number | string;
  nOversamples: number;
  nPowerIterations: number | 'auto';
  precision: PCAPrecision;
}

const SOLVERS: readonly PCASolver[] = ['auto', 'full', 'covariance', 'randomized', 'lanczos'];
const PRECISIONS: readonly PCAPrecision[] = ['auto', 'float64', 'mixed'];
const KNOWN = ['nComponents', 'solver', 'whiten', 'seed', 'nOversamples', 'nPowerIterations', 'precision'];

/**
 * Checks PCA options and fills defaults. RangeError for bad values, TypeError for unknown
 * names or wrong kinds.
 *
 * @example
 * ```ts
 * validatePCAOptions({ nComponents: 0.95 }, 'PCA').solver; // 'auto'
 * ```
 */
export function validatePCAOptions(options: Partial<Record<keyof ResolvedPCAOptions, unknown>>, where: string): ResolvedPCAOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const solver = assertOneOf(options.solver ?? 'auto', SOLVERS, 'solver', where);
  const nComponents = options.nComponents ?? null;
  if (nComponents !== null) {
    const ok = typeof nComponents === 'number' && Number.isFinite(nComponents)
      && ((Number.isInteger(nComponents) && nComponents >= 1) || (nComponents > 0 && nComponents < 1));
    if (!ok) {
      throw new RangeError(`${where}: nComponents must be an integer >= 1 or a fraction in (0, 1) (got ${String(nComponents)})`);
    }
    if ((nComponents as number) < 1 && (solver === 'randomized' || solver === 'lanczos')) {
      throw new RangeError(`${where}: nComponents as a fraction of variance (${String(nComponents)}) needs solver 'full', 'covariance' or 'auto', not '${solver}'`);
    }
  }
  const whiten = options.whiten ?? false;
  if (typeof whiten !== 'boolean') throw new TypeError(`${where}: whiten must be a boolean (got ${typeof whiten})`);
  const nIter = options.nPowerIterations ?? 'auto';
  return {
    nComponents: nComponents as number | null,
    solver,
    whiten,
    seed: assertSeed(options.seed ?? 0, where),
    nOversamples: assertInt(options.nOversamples ?? 10, 'nOversamples', where, 0),
    nPowerIterations: nIter === 'auto' ? 'auto' : assertInt(nIter, 'nPowerIterations', where, 0),
    precision: assertOneOf(options.precision ?? 'auto', PRECISIONS, 'precision', where),
  };
}

/**
 * The saved form of a PCA model: the options, the fit's metadata (or null), and the arrays.
 *
 * @example
 * ```ts
 * pcaToState(pca.options, null).type; // 'PCA'
 * ```
 */
export function pcaToState(options: Readonly<ResolvedPCAOptions>, f: Spectrum | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    const k = f.explainedVariance.length;
    const d = f.nFeatures;
    config.fitted = { nSamples: f.nSamples, nFeatures: d, nComponents: k, solver: f.solver, precision: f.precision };
    tensors.mean = { shape: [d], data: f.mean.slice() };
    tensors.components = { shape: [k, d], data: f.components.slice() };
    tensors.explainedVariance = { shape: [k], data: f.explainedVariance.slice() };
    tensors.singularValues = { shape: [k], data: f.singularValues.slice() };
    tensors.scalars = { shape: [2], data: Float64Array.of(f.totalVariance, f.noiseVariance) };
  }
  return { type: 'PCA', version: 1, config, tensors };
}

/**
 * Parses {@link pcaToState} output. Everything is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, spectrum } = pcaFromState(pca.toState());
 * ```
 */
export function pcaFromState(state: ModelState): { options: ResolvedPCAOptions; spectrum: Spectrum | null } {
  const where = 'PCA.fromState';
  const { options, fitted: fit } = readSavedConfig(state, 'PCA', where, (raw) => validatePCAOptions(raw, where));
  if (fit === null) return { options, spectrum: null };
  const n = intField(fit, 'nSamples', where, 2);
  const d = intField(fit, 'nFeatures', where);
  const k = intField(fit, 'nComponents', where);
  if (k > Math.min(n, d)) throw new FormatError(`${where}: field 'nComponents' is ${k}, more than min(nSamples, nFeatures) = ${Math.min(n, d)}`);
  if (!['full', 'covariance', 'randomized', 'lanczos'].includes(fit.solver as string)) throw new FormatError(`${where}: field 'solver' is invalid (${JSON.stringify(fit.solver)})`);
  if (!['float64', 'mixed'].includes(fit.precision as string)) throw new FormatError(`${where}: field 'precision' is invalid (${JSON.stringify(fit.precision)})`);
  const scalars = float64Tensor(state, 'scalars', [2], where);
  const spectrum: Spectrum = {
    nSamples: n,
    nFeatures: d,
    mean: float64Tensor(state, 'mean', [d], where),
    components: float64Tensor(state, 'components', [k, d], where),
    explainedVariance: float64Tensor(state, 'explainedVariance', [k], where),
    singularValues: float64Tensor(state, 'singularValues', [k], where),
    totalVariance: scalars[0],
    noiseVariance: scalars[1],
    solver: fit.solver as Spectrum['solver'],
    precision: fit.precision as Spectrum['precision'],
  };
  return { options, spectrum };
}
