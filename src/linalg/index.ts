/**
 * Float64 linear algebra for the closed-form models: the only part of latent-ts that imports
 * ml-matrix. Public functions validate (NaN or ±Infinity is an error, never a silent NaN result)
 * and never mutate their input; the unchecked cores are for model code that validated already.
 *
 * @module
 */
export { svd, thinSvd, type SvdOptions, type SvdResult, type ThinSvd } from './svd.js';
export { eigh, symmetricEigen, type EighOptions, type EighResult, type SymmetricEigen } from './eigh.js';
export {
  cholesky, logDet, solve, luSolveInPlace, choleskyInPlace, choleskySolveInPlace, logDetFromCholesky, spdInverse,
} from './cholesky.js';
export { householderQR, applyQ as applyQRQ, thinQ, type QRFactors } from './qr.js';
export {
  randomizedSvd, randomizedRangeFinder, rangeFinder, truncatedSvd, defaultPowerIterations,
  type RandomizedOptions, type TruncatedSvd, type MatrixProducts,
} from './randomized.js';
export { syrk, gram, mirrorUpper, type GramOptions } from './syrk.js';
export { tridiagonalize, applyQ as applyTridiagonalQ, type Tridiagonal } from './tridiagonal.js';
export { tridiagonalEigen, type TridiagonalEigen, type VectorCount } from './tridiagonal-ql.js';
export { householderInPlace, type ReflectorBeta } from './householder.js';
export {
  readMatrix, readSquare, assertSymmetric, toMl, fromMl, transpose, fixRowSigns, fixColumnSigns, asTensor, type Mat,
} from './matrix.js';
