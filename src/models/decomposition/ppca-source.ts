/**
 * PPCA's closed form fitted from a row source: the one-pass covariance solver
 * (source-covariance.ts) and then PRML 12.45–12.46, as the in-memory closed form does after
 * its solver.
 *
 * @module
 */
import type { RowSource } from '../../io/row-source.js';
import { closedFormFromSpectrum } from './ppca-fit.js';
import type { PPCAFit, ResolvedPPCAOptions } from './ppca-state.js';
import { centredGramOfSource, spectrumFromMoments } from './source-covariance.js';

/**
 * The closed-form PPCA fit of the rows of a source, read once. EM needs many passes over the
 * data and missing values need the rows themselves, so `method: 'em'` and `missing: 'nan'`
 * are rejected by name.
 *
 * @example
 * ```ts
 * const fit = await fitClosedFormFromSource(idxSource(path), options, 'PPCA.fit');
 * ```
 */
export async function fitClosedFormFromSource(source: RowSource, options: Readonly<ResolvedPPCAOptions>, where: string): Promise<PPCAFit> {
  if (options.method !== 'closed-form') {
    throw new RangeError(`${where}: a row source is read in one pass, which only method 'closed-form' can do (got method '${options.method}')`);
  }
  if (options.missing !== 'error') {
    throw new RangeError(`${where}: missing values need the rows in memory; a row source needs missing 'error' (got missing '${options.missing}')`);
  }
  const k = options.nComponents;
  const mo = await centredGramOfSource(source, where);
  if (k >= mo.d) throw new RangeError(`${where}: PPCA requires nComponents < nFeatures (got ${k} ≥ ${mo.d})`);
  return closedFormFromSpectrum(spectrumFromMoments(mo, where, k), k, where);
}
