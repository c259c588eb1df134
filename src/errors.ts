/**
 * Error classes thrown by latent-ts. Every message names the function, the argument,
 * what was expected and what was received.
 *
 * @module
 */

/** Formats a shape the way error messages print it: `[2, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Thrown when an array or tensor has the wrong shape, or two shapes are incompatible.
 *
 * @example
 * ```ts
 * try { a.matmul(b); } catch (e) { if (e instanceof ShapeError) console.log(e.message); }
 * ```
 */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * Thrown when a fitted attribute or method is used before `fit`.
 *
 * @example
 * ```ts
 * new PCA({ nComponents: 2 }).transform(X); // NotFittedError: PCA is not fitted yet; call fit(X) first
 * ```
 */
export class NotFittedError extends Error {
  constructor(modelName: string) {
    super(`${modelName} is not fitted yet; call fit(X) first`);
    this.name = 'NotFittedError';
  }
}

/**
 * Thrown when data or a training quantity contains NaN or ±Infinity. A `RangeError`, so code
 * that catches range errors catches it too.
 *
 * @example
 * ```ts
 * try { pca.fit([[1, NaN]]); } catch (e) { if (e instanceof NonFiniteError) console.log(e.message); }
 * ```
 */
export class NonFiniteError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

/**
 * Thrown when an iterative method fails to reach its tolerance or a closed form is undefined.
 *
 * @example
 * ```ts
 * try { ppca.fit(X); } catch (e) { if (e instanceof ConvergenceError) console.log(e.message); }
 * ```
 */
export class ConvergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvergenceError';
  }
}

/**
 * Thrown when a saved model or checkpoint is truncated, corrupted, of an unknown type or
 * version, or does not match the configuration it declares.
 *
 * @example
 * ```ts
 * try { VAE.fromBytes(bytes); } catch (e) { if (e instanceof FormatError) console.log(e.message); }
 * ```
 */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** Describes a value for an error message: `string '3'`, `undefined`, `NaN`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string '${value.length > 20 ? value.slice(0, 20) + '…' : value}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  return typeof value;
}
