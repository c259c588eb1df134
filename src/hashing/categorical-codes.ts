/**
 * Categorical codes for hashing: N variables of K categories each, one integer symbol per
 * variable. A code is a compact discrete address of N·log2(K) bits.
 *
 * @module
 */
import { toMatrix, type MatrixInput } from '../validate.js';

/**
 * Categorical codes: symbol `j` of code `i` is `codes[i * nVariables + j]`, an integer in
 * `[0, nCategories)`.
 *
 * @example
 * ```ts
 * const c: CategoricalCodes = categoricalCodes([[0.1, 0.9, 0.7, 0.3]], 2);
 * c.codes; // Int32Array [1, 0]
 * ```
 */
export interface CategoricalCodes {
  codes: Int32Array;
  nCodes: number;
  nVariables: number;
  nCategories: number;
}

/**
 * The arg-max category of each variable of a `[nSamples, nVariables · nCategories]` matrix of
 * category scores (probabilities or logits; variable `j`'s K scores are columns
 * `[j·K, (j + 1)·K)`). Ties go to the lower category.
 *
 * @throws ShapeError, TypeError or NonFiniteError for a bad `scores`; RangeError when
 * `nCategories` is not an integer >= 2 dividing its width.
 * @example
 * ```ts
 * const codes = categoricalCodes(cvae.encode(X), cvae.nCategories); // the probabilities' arg-max
 * const index = new CategoricalIndex(codes.codes, codes.nVariables, codes.nCategories);
 * ```
 */
export function categoricalCodes(scores: MatrixInput, nCategories: number): CategoricalCodes {
  const where = 'categoricalCodes';
  const { data, rows, cols } = toMatrix(scores, where, 'scores', { dtype: 'float64' });
  if (!Number.isInteger(nCategories) || nCategories < 2) {
    throw new RangeError(`${where}: nCategories must be an integer >= 2 (got ${String(nCategories)})`);
  }
  if (cols % nCategories !== 0) {
    throw new RangeError(`${where}: scores has ${cols} columns, which is not a multiple of nCategories = ${nCategories}`);
  }
  const nVariables = cols / nCategories;
  const codes = new Int32Array(rows * nVariables);
  for (let g = 0; g < rows * nVariables; g++) {
    const base = g * nCategories;
    let best = 0;
    for (let c = 1; c < nCategories; c++) if (data[base + c] > data[base + best]) best = c;
    codes[g] = best;
  }
  return { codes, nCodes: rows, nVariables, nCategories };
}

/**
 * Throws unless `codes` holds whole codes of `nVariables` integer symbols in `[0, nCategories)`;
 * returns the number of codes.
 */
export function checkCategoricalCodes(codes: Int32Array, nVariables: number, nCategories: number, where: string): number {
  if (!(codes instanceof Int32Array)) {
    const got = codes === null ? 'null' : typeof codes === 'object' ? (codes as object).constructor.name : typeof codes;
    throw new TypeError(`${where}: codes must be an Int32Array of [nCodes, nVariables] symbols (got ${got})`);
  }
  if (!Number.isInteger(nVariables) || nVariables < 1) {
    throw new RangeError(`${where}: nVariables must be an integer >= 1 (got ${String(nVariables)})`);
  }
  if (!Number.isInteger(nCategories) || nCategories < 2) {
    throw new RangeError(`${where}: nCategories must be an integer >= 2 (got ${String(nCategories)})`);
  }
  if (codes.length % nVariables !== 0) {
    throw new RangeError(`${where}: codes has ${codes.length} symbols, which is not a multiple of nVariables = ${nVariables}`);
  }
  for (let i = 0; i < codes.length; i++) {
    const s = codes[i];
    if (s < 0 || s >= nCategories) {
      throw new RangeError(
        `${where}: symbol ${i % nVariables} of code ${Math.floor(i / nVariables)} is ${s}, outside [0, ${nCategories - 1}]`,
      );
    }
  }
  return codes.length / nVariables;
}
