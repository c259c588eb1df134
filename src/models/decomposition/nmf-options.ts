/**
 * NMF's hyper-parameters: their types, defaults (scikit-learn's) and validation.
 *
 * @module
 */
import { describeValue } from '../../errors.js';
import { assertInt, assertNumber, assertOneOf, assertSeed } from '../../validate.js';
import { assertKnownOptions } from '../options.js';
import type { NmfInit } from './nmf-init.js';
import type { NmfBetaLoss } from './nmf-loss.js';

export type { NmfInit } from './nmf-init.js';
export type { NmfBetaLoss } from './nmf-loss.js';

/**
 * The solver of {@link NMF}: `'cd'` coordinate descent (Frobenius loss only) or `'mu'`
 * multiplicative updates (any β-divergence).
 *
 * @example
 * ```ts
 * const solver: NmfSolver = 'mu';
 * ```
 */
export type NmfSolver = 'cd' | 'mu';

/**
 * Options of {@link NMF}; the names are scikit-learn's in camelCase, the defaults its defaults.
 *
 * @example
 * ```ts
 * new NMF({ nComponents: 10, solver: 'mu', betaLoss: 'kullback-leibler', init: 'nndsvda', maxIter: 500 });
 * ```
 */
export interface NMFOptions {
  /** The number of components k ≥ 1. Default (or null): nFeatures. */
  nComponents?: number | null;
  /**
   * The start: `'random'`, `'nndsvd'`, `'nndsvda'`, `'nndsvdar'` or `'custom'` (W and H passed
   * to `fit`). Default null: `'nndsvda'` when k ≤ min(nSamples, nFeatures), else `'random'`.
   * The `'mu'` solver never moves an entry away from 0, so it does better with `'nndsvda'` than
   * with `'nndsvd'`.
   */
  init?: NmfInit;
  /** `'cd'` (default) or `'mu'`. */
  solver?: NmfSolver;
  /**
   * The β-divergence minimised: `'frobenius'` (β = 2, default), `'kullback-leibler'` (β = 1),
   * `'itakura-saito'` (β = 0, needs X > 0) or any finite β. Only `'mu'` handles β ≠ 2.
   */
  betaLoss?: NmfBetaLoss;
  /** Stopping tolerance ≥ 0 (see {@link NMF}). Default 1e-4. */
  tol?: number;
  /** Maximum number of iterations ≥ 1. Default 200. */
  maxIter?: number;
  /** Seed of the `'random'` and `'nndsvdar'` starts and of NNDSVD's randomized SVD. Default 0. */
  seed?: number | string;
  /** Penalty weight αW ≥ 0 on W. Default 0. */
  alphaW?: number;
  /** Penalty weight αH ≥ 0 on H, or `'same'` (default): αW. */
  alphaH?: number | 'same';
  /** The L1 share ρ ∈ [0, 1] of the penalties (the rest is L2). Default 0. */
  l1Ratio?: number;
}

/**
 * NMF options with every default filled in (plain JSON values).
 *
 * @example
 * ```ts
 * const o: ResolvedNMFOptions = new NMF({ nComponents: 3 }).options;
 * ```
 */
export interface ResolvedNMFOptions {
  nComponents: number | null;
  init: NmfInit;
  solver: NmfSolver;
  betaLoss: NmfBetaLoss;
  tol: number;
  maxIter: number;
  seed: number | string;
  alphaW: number;
  alphaH: number | 'same';
  l1Ratio: number;
}

const KNOWN = ['nComponents', 'init', 'solver', 'betaLoss', 'tol', 'maxIter', 'seed', 'alphaW', 'alphaH', 'l1Ratio'];
const INITS = ['random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom'] as const;
const LOSSES = ['frobenius', 'kullback-leibler', 'itakura-saito'] as const;

/**
 * Checks NMF options and fills the defaults: TypeError for unknown names or wrong kinds,
 * RangeError for bad values.
 *
 * @example
 * ```ts
 * validateNMFOptions({ nComponents: 4 }, 'NMF').solver; // 'cd'
 * ```
 */
export function validateNMFOptions(options: Partial<Record<keyof ResolvedNMFOptions, unknown>>, where: string): ResolvedNMFOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, KNOWN, where);
  const k = options.nComponents ?? null;
  const init = options.init ?? null;
  const solver = assertOneOf(options.solver ?? 'cd', ['cd', 'mu'] as const, 'solver', where);
  const loss = options.betaLoss ?? 'frobenius';
  let betaLoss: NmfBetaLoss;
  if (typeof loss === 'number') betaLoss = assertNumber(loss, 'betaLoss', where);
  else betaLoss = assertOneOf(loss, LOSSES, 'betaLoss', where);
  if (solver === 'cd' && betaLoss !== 'frobenius' && betaLoss !== 2) {
    throw new RangeError(`${where}: solver 'cd' minimises the Frobenius loss only (got betaLoss ${describeValue(betaLoss)}); use solver 'mu'`);
  }
  const alphaH = options.alphaH ?? 'same';
  return {
    nComponents: k === null ? null : assertInt(k, 'nComponents', where, 1),
    init: init === null ? null : assertOneOf(init, INITS, 'init', where),
    solver,
    betaLoss,
    tol: assertNumber(options.tol ?? 1e-4, 'tol', where, { min: 0 }),
    maxIter: assertInt(options.maxIter ?? 200, 'maxIter', where, 1),
    seed: assertSeed(options.seed ?? 0, where),
    alphaW: assertNumber(options.alphaW ?? 0, 'alphaW', where, { min: 0 }),
    alphaH: alphaH === 'same' ? 'same' : assertAlphaH(alphaH, where),
    l1Ratio: assertNumber(options.l1Ratio ?? 0, 'l1Ratio', where, { min: 0, max: 1 }),
  };
}

/** αH: a finite number ≥ 0, or the string 'same'. */
function assertAlphaH(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${where}: alphaH must be a finite number >= 0 or 'same' (got ${describeValue(value)})`);
  }
  return value;
}
