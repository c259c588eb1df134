/**
 * LogisticRegression's options (checked, defaults filled in) and its saved form
 * ({@link ModelState}, type 'LogisticRegression', version 1), bit-exact through float64 bytes.
 *
 * @module
 */
import { FormatError } from '../../errors.js';
import { requireTensor, type ModelState, type TensorRecord } from '../../io/model-state.js';
import { assertInt, assertNumber, assertOneOf } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import { scoreColumns } from './logistic-regression-loss.js';

/**
 * The solver of {@link LogisticRegression}: `'lbfgs'`, limited-memory BFGS (scikit-learn's
 * default, src/optim/lbfgs.ts), or `'newton-cg'`, truncated Newton with exact Hessian products
 * (src/optim/newton-cg.ts), which needs far fewer iterations, each dearer, and suits a tight tol.
 *
 * @example
 * ```ts
 * new LogisticRegression({ solver: 'newton-cg', tol: 1e-10 });
 * ```
 */
export type LogisticRegressionSolver = 'lbfgs' | 'newton-cg';

/**
 * LogisticRegression options with every default filled in (plain JSON values).
 *
 * @example
 * ```ts
 * new LogisticRegression().options.maxIter; // 100
 * ```
 */
export interface ResolvedLogisticRegressionOptions {
  C: number;
  penalty: 'l2' | null;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
  solver: LogisticRegressionSolver;
}

/**
 * The fitted parameters: W `[r, d]` and b `[r]` (zeros without an intercept), r = nClasses, or 1
 * for two classes.
 *
 * @example
 * ```ts
 * const { fit } = logisticRegressionFromState(model.toState()); // fit.classes, fit.coef
 * ```
 */
export interface LogisticRegressionFit {
  classes: Int32Array;
  d: number;
  coef: Float64Array;
  intercept: Float64Array;
  nIter: number;
  converged: boolean;
}

const KNOWN = ['C', 'penalty', 'fitIntercept', 'maxIter', 'tol', 'solver'];

/**
 * Checks the options and fills defaults (C 1, penalty 'l2', fitIntercept true, maxIter 100,
 * tol 1e-4, solver 'lbfgs': scikit-learn's).
 *
 * @example
 * ```ts
 * validateLogisticRegressionOptions({ C: 10 }, 'LogisticRegression').tol; // 1e-4
 * ```
 */
export function validateLogisticRegressionOptions(options: Partial<Record<keyof ResolvedLogisticRegressionOptions, unknown>>, where: string): ResolvedLogisticRegressionOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  assertKnownOptions(options, KNOWN, where);
  const penalty = options.penalty === null ? null : assertOneOf(options.penalty ?? 'l2', ['l2'] as const, 'penalty', where);
  const fitIntercept = options.fitIntercept ?? true;
  if (typeof fitIntercept !== 'boolean') throw new TypeError(`${where}: fitIntercept must be a boolean (got ${typeof fitIntercept})`);
  return {
    C: assertNumber(options.C ?? 1, 'C', where, { min: 0, minExclusive: true }),
    penalty,
    fitIntercept,
    maxIter: assertInt(options.maxIter ?? 100, 'maxIter', where, 1),
    tol: assertNumber(options.tol ?? 1e-4, 'tol', where, { min: 0 }),
    solver: assertOneOf(options.solver ?? 'lbfgs', ['lbfgs', 'newton-cg'] as const, 'solver', where),
  };
}

/**
 * The saved form.
 *
 * @example
 * ```ts
 * logisticRegressionToState(model.options, null).type; // 'LogisticRegression'
 * ```
 */
export function logisticRegressionToState(options: Readonly<ResolvedLogisticRegressionOptions>, f: LogisticRegressionFit | null): ModelState {
  const config: Record<string, unknown> = { options: { ...options }, fitted: null };
  const tensors: Record<string, TensorRecord> = {};
  if (f !== null) {
    const r = scoreColumns(f.classes.length);
    config.fitted = { nFeatures: f.d, classes: Array.from(f.classes), nIter: f.nIter, converged: f.converged };
    tensors.coef = { shape: [r, f.d], data: f.coef.slice() };
    tensors.intercept = { shape: [r], data: f.intercept.slice() };
  }
  return { type: 'LogisticRegression', version: 1, config, tensors };
}

/**
 * Parses {@link logisticRegressionToState} output; every field is checked before anything is built.
 *
 * @example
 * ```ts
 * const { options, fit } = logisticRegressionFromState(model.toState());
 * ```
 */
export function logisticRegressionFromState(state: ModelState): { options: ResolvedLogisticRegressionOptions; fit: LogisticRegressionFit | null } {
  const where = 'LogisticRegression.fromState';
  if (state === null || typeof state !== 'object') throw new FormatError(`${where}: expected a ModelState object`);
  if (state.type !== 'LogisticRegression') throw new FormatError(`${where}: field 'type' is ${JSON.stringify(state.type)}, expected 'LogisticRegression'`);
  if (state.version !== 1) throw new FormatError(`${where}: field 'version' is ${JSON.stringify(state.version)}; this latent-ts reads version 1`);
  const config = state.config as Record<string, unknown> | null;
  if (config === null || typeof config !== 'object') throw new FormatError(`${where}: field 'config' is missing`);
  let options: ResolvedLogisticRegressionOptions;
  try {
    options = validateLogisticRegressionOptions((config.options ?? {}) as Record<string, unknown>, where);
  } catch (e) {
    throw new FormatError(`${where}: field 'config.options' is invalid: ${(e as Error).message}`);
  }
  const f = config.fitted as Record<string, unknown> | null | undefined;
  if (f === null || f === undefined) return { options, fit: null };
  if (typeof f !== 'object') throw new FormatError(`${where}: field 'config.fitted' must be an object or null`);
  const d = f.nFeatures;
  const nIter = f.nIter;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new FormatError(`${where}: field 'nFeatures' must be an integer >= 1 (got ${JSON.stringify(d)})`);
  if (typeof nIter !== 'number' || !Number.isInteger(nIter) || nIter < 0) throw new FormatError(`${where}: field 'nIter' must be an integer >= 0 (got ${JSON.stringify(nIter)})`);
  if (typeof f.converged !== 'boolean') throw new FormatError(`${where}: field 'converged' must be a boolean`);
  const classes = readClasses(f.classes, where);
  const r = scoreColumns(classes.length);
  return {
    options,
    fit: {
      classes, d, nIter, converged: f.converged,
      coef: finiteFloat64(state, 'coef', [r, d], where),
      intercept: finiteFloat64(state, 'intercept', [r], where),
    },
  };
}

/** At least two distinct int32 labels in increasing order. */
function readClasses(v: unknown, where: string): Int32Array {
  const ok = Array.isArray(v) && v.length >= 2
    && v.every((c, i) => typeof c === 'number' && Number.isInteger(c) && c === (c | 0) && (i === 0 || c > (v[i - 1] as number)));
  if (!ok) throw new FormatError(`${where}: field 'classes' must be at least 2 increasing int32 labels (got ${JSON.stringify(v)})`);
  return Int32Array.from(v as number[]);
}

/** A float64 copy of a saved array; float32 storage or a non-finite value is a FormatError. */
function finiteFloat64(state: ModelState, name: string, shape: readonly number[], where: string): Float64Array {
  const t = requireTensor(state, name, shape, where);
  if (!(t.data instanceof Float64Array)) throw new FormatError(`${where}: tensor '${name}' must be float64`);
  const i = t.data.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new FormatError(`${where}: tensor '${name}' holds a non-finite value at index ${i}`);
  return t.data.slice();
}
