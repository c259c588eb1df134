/**
 * Data sets: the IDX reader (MNIST, Fashion-MNIST) and the built-in digits.
 *
 * @module
 */
export { loadIdx, loadIdxPair } from './idx.js';
export type { IdxContent, IdxImages, IdxLabels, LabelledImages } from './idx.js';
export { loadDigits } from './digits.js';
export type { Digits, DigitsSplit, LoadDigitsOptions } from './digits.js';
