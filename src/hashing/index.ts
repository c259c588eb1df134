/**
 * Semantic hashing: binary and categorical codes, Hamming search, retrieval precision.
 *
 * @module
 */
export { binaryCodes, codeWords } from './binary-codes.js';
export type { BinaryCodes, BinaryCodesOptions, ThresholdRule } from './binary-codes.js';
export { HammingIndex } from './hamming-index.js';
export type { HammingQueryOptions, HammingResult } from './hamming-index.js';
export { precisionAtK } from './precision.js';
export type { PrecisionAtKOptions } from './precision.js';
export { hammingDistance } from './popcount.js';
export { categoricalCodes } from './categorical-codes.js';
export type { CategoricalCodes } from './categorical-codes.js';
export { CategoricalIndex } from './categorical-index.js';
