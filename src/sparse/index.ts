/**
 * Sparse matrices: the CSR container, its builders and products.
 *
 * @module
 */
export { CsrMatrix, isCsrMatrix, type CsrBuildOptions, type SparseDType, type SparseRow } from './csr.js';
export { validateCsr, type CsrParts } from './csr-validate.js';
