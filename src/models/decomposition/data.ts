/**
 * Loading and centring for the spectral solvers and PPCA's EM: validation through toMatrix, the column means, and
 * the centred copy in the storage the solver wants (float64, or float32 for mixed precision).
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { toMatrix, type FloatArray } from '../../validate.js';
import { getBackend } from '../../kernels/backend.js';
import { centreCopyWasm, columnMomentsWasm } from '../../kernels/wasm/column-stats.js';

/**
 * The shape of a matrix input without copying it (undefined when it is not 2-D-looking).
 *
 * @example
 * ```ts
 * peekShape([[1, 2, 3]]); // [1, 3]
 * ```
 */
export function peekShape(x: unknown): [number, number] | undefined {
  if (Array.isArray(x)) return [x.length, Array.isArray(x[0]) ? (x[0] as unknown[]).length : 0];
  const shape = (x as { shape?: unknown } | null)?.shape;
  if (Array.isArray(shape) && shape.length === 2) return [shape[0] as number, shape[1] as number];
  return undefined;
}

/** True when every value of the input is exactly a float32 (so a float32 copy loses nothing). */
function isFloat32Exact(x: unknown): boolean {
  const data = (x as { data?: unknown } | null)?.data;
  return data instanceof Float32Array || data instanceof Uint8Array || data instanceof Int8Array
    || data instanceof Uint8ClampedArray || data instanceof Uint16Array || data instanceof Int16Array;
}

/**
 * The centred data in the storage the solver wants, with its mean and ‖X_c‖_F². A float32 copy
 * holds X − 1μ̃ᵀ for a rounded mean μ̃; `shift` = μ − μ̃ (zero in float64), and products are
 * corrected exactly: X_cᵀX_c = X̃ᵀX̃ − N·δδᵀ because Σ(x − μ̃) = N·δ.
 *
 * @example
 * ```ts
 * const { data, mean, shift, sumSq }: Centred = loadCentred(X, 'PCA.fit', true);
 * ```
 */
export interface Centred {
  data: FloatArray;
  rows: number;
  cols: number;
  mean: Float64Array;
  shift: Float64Array;
  /** ‖X − 1μᵀ‖_F², exact in float64 arithmetic. */
  sumSq: number;
}

/**
 * μ̃ⱼ: μⱼ rounded to 2^(⌈log₂ Rⱼ⌉ − 16), where Rⱼ bounds |xⱼ − μⱼ|. Data on a grid at least that
 * coarse (integers, bytes) then centre exactly in float32 (17 significant bits). Otherwise the
 * rounding error of x − μ is a fixed function of x in each column, which does not average out
 * over rows.
 */
function roundedMean(mean: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  return Float64Array.from(mean, (m, j) => {
    const r = Math.max(hi[j] - m, m - lo[j]);
    if (!(r > 0)) return m;
    const step = 2 ** (Math.ceil(Math.log2(r)) - 16);
    return Math.round(m / step) * step;
  });
}

/**
 * Validates, copies and centres X (at least 2 samples). With `float32` the centred copy is
 * float32: each x − μ̃ is computed in double and rounded once, so data with a large offset keeps
 * its digits.
 *
 * @example
 * ```ts
 * const c = loadCentred([[1, 2], [3, 4]], 'PCA.fit', false); // c.mean = [2, 3], c.sumSq = 4
 * ```
 */
export function loadCentred(X: unknown, where: string, float32: boolean): Centred {
  const fast = float32 ? loadFloat32(X) : null;
  if (fast !== null) return fast;
  const direct = float32 && isFloat32Exact(X);
  const m = direct ? toMatrix(X, where, 'X', { dtype: 'float32' }) : toMatrix(X, where, 'X');
  const { rows, cols } = m;
  if (rows < 2) {
    throw new ShapeError(`${where}: X has 1 sample (shape ${formatShape([rows, cols])}); at least 2 samples are needed`);
  }
  const src = m.data;
  const st = src instanceof Float32Array ? columnStats32(src, rows, cols) : columnStats64(src as Float64Array, rows, cols);
  const mean = st.mean;
  const centre = src instanceof Float32Array || float32 ? roundedMean(mean, st.lo, st.hi) : mean;
  const shift = Float64Array.from(mean, (v, j) => v - centre[j]);
  let data: FloatArray;
  let sumSq: number;
  if (src instanceof Float32Array) {
    data = src;
    sumSq = centre32(src, rows, cols, centre);
  } else if (float32) {
    data = new Float32Array(rows * cols);
    sumSq = centre64to32(src as Float64Array, data, rows, cols, centre);
  } else {
    data = src;
    sumSq = centre64(src as Float64Array, rows, cols, centre);
  }
  let dd = 0;
  for (let j = 0; j < cols; j++) dd += shift[j] * shift[j];
  sumSq = Math.max(0, sumSq - rows * dd);
  return { data, rows, cols, mean, shift, sumSq };
}

// Monomorphic loops: V8 compiles a Float32Array | Float64Array union loop much more slowly.

interface ColumnStats {
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

function columnStats32(x: Float32Array, rows: number, cols: number): ColumnStats {
  const mean = new Float64Array(cols);
  const lo = Float64Array.from(x.subarray(0, cols));
  const hi = Float64Array.from(x.subarray(0, cols));
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      mean[j] += v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return { mean, lo, hi };
}

function columnStats64(x: Float64Array, rows: number, cols: number): ColumnStats {
  const mean = new Float64Array(cols);
  const lo = x.slice(0, cols);
  const hi = x.slice(0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      mean[j] += v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return { mean, lo, hi };
}

/** x ← fround(x − c) in place; returns Σ(x − c)² of the unrounded differences. */
function centre32(x: Float32Array, rows: number, cols: number, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - c[j];
      x[o + j] = v;
      s += v * v;
    }
  }
  return s;
}

function centre64to32(x: Float64Array, out: Float32Array, rows: number, cols: number, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - c[j];
      out[o + j] = v;
      s += v * v;
    }
  }
  return s;
}

function centre64(x: Float64Array, rows: number, cols: number, mean: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - mean[j];
      x[o + j] = v;
      s += v * v;
    }
  }
  return s;
}


/**
 * The fast path for `{ data: Float32Array, shape }` in mixed precision: two passes over the
 * data instead of four (validation copy, finiteness check, statistics, centring). Pass 1 reads
 * the caller's array for the column statistics; a non-finite value makes a column sum
 * non-finite, and then null is returned so that toMatrix reports it with its usual message.
 * Pass 2 writes the centred float32 copy. The copy holds exactly what the general path
 * computes (each x − μ̃ rounded once), so results do not depend on the path.
 */
function loadFloat32(X: unknown): Centred | null {
  if (X === null || typeof X !== 'object') return null;
  const { data, shape } = X as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array) || !Array.isArray(shape) || shape.length !== 2) return null;
  const [rows, cols] = shape as unknown[];
  if (typeof rows !== 'number' || typeof cols !== 'number' || !Number.isInteger(rows) || !Number.isInteger(cols)) return null;
  if (rows < 2 || cols < 1 || rows * cols !== data.length) return null;
  const st = columnMoments32(data, rows, cols);
  const { mean, sq } = st;
  let sumSq = 0;
  let exact = true;
  for (let j = 0; j < cols; j++) {
    if (!Number.isFinite(mean[j]) || !Number.isFinite(sq[j])) return null;
    // Σ(x − μ)² = Σx² − N·μ²: the double sums of exact float32 squares carry a relative error
    // of about N·2⁻⁵³·Σx²/Σ(x − μ)², negligible unless the column's offset dwarfs its spread.
    const ss = sq[j] - rows * mean[j] * mean[j];
    if (!(ss * CANCELLATION_LIMIT >= sq[j])) exact = false;
    sumSq += Math.max(0, ss);
  }
  const centre = roundedMean(mean, st.lo, st.hi);
  const shift = Float64Array.from(mean, (v, j) => v - centre[j]);
  if (exact && getBackend() === 'wasm' && centre.every((v) => Math.fround(v) === v)) {
    return new StreamedCentred(data, centre, rows, cols, mean, shift, sumSq);
  }
  const out = new Float32Array(rows * cols);
  if (exact) {
    centreCopy32(data, out, rows, cols, centre);
  } else {
    sumSq = centreCopySum32(data, out, rows, cols, centre);
    let dd = 0;
    for (let j = 0; j < cols; j++) dd += shift[j] * shift[j];
    sumSq = Math.max(0, sumSq - rows * dd);
  }
  return { data: out, rows, cols, mean, shift, sumSq };
}

/** Σx²/Σ(x − μ)² above which the moment formula gives way to the sum of centred squares. */
const CANCELLATION_LIMIT = 2 ** 12;

/**
 * Column means, sums of squares, minima and maxima of a float32 matrix, in float64. The SIMD
 * kernel computes the same values (same order of double additions) several times faster.
 */
function columnMoments32(x: Float32Array, rows: number, cols: number): ColumnStats & { sq: Float64Array } {
  const fast = getBackend() === 'wasm' ? columnMomentsWasm(x, rows, cols) : null;
  if (fast !== null) {
    for (let j = 0; j < cols; j++) fast.sum[j] /= rows;
    return { mean: fast.sum, sq: fast.sq, lo: fast.lo, hi: fast.hi };
  }
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  const lo = Float64Array.from(x.subarray(0, cols));
  const hi = Float64Array.from(x.subarray(0, cols));
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      mean[j] += v;
      sq[j] += v * v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return { mean, sq, lo, hi };
}

/** out ← fround(x − c). */
function centreCopy32(x: Float32Array, out: Float32Array, rows: number, cols: number, c: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - c[j];
  }
}

/** out ← fround(x − c); returns Σ(x − c)² of the unrounded differences. */
function centreCopySum32(x: Float32Array, out: Float32Array, rows: number, cols: number, c: Float64Array): number {
  const acc = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j] - c[j];
      out[o + j] = v;
      acc[j] += v * v;
    }
  }
  let s = 0;
  for (let j = 0; j < cols; j++) s += acc[j];
  return s;
}

/**
 * Centred float32 data that is not copied up front: the solvers that stream over row chunks
 * (the covariance Gram and the Rayleigh–Ritz projection) centre each chunk into a small scratch
 * with {@link centredRows}, which saves writing, and page-faulting in, a second N×D matrix
 * (188 MB and about 0.1 s on 60,000 × 784). Any other reader of `data` gets the full copy, made
 * once on first access, holding the same values.
 */
class StreamedCentred implements Centred {
  private full: Float32Array | null = null;

  constructor(
    readonly raw: Float32Array, readonly centre: Float64Array, readonly rows: number, readonly cols: number,
    readonly mean: Float64Array, readonly shift: Float64Array, readonly sumSq: number,
  ) {}

  get data(): Float32Array {
    if (this.full === null) {
      const out = new Float32Array(this.rows * this.cols);
      this.fill(0, this.rows, out);
      this.full = out;
    }
    return this.full;
  }

  /** out ← rows r0 … r0 + m − 1 of X − 1μ̃ᵀ. */
  fill(r0: number, m: number, out: Float32Array): void {
    const { raw, cols, centre } = this;
    const x = raw.subarray(r0 * cols, (r0 + m) * cols);
    if (!centreCopyWasm(x, out, m, cols, centre)) centreCopy32(x, out, m, cols, centre);
  }

  /** True once `data` has been materialised. */
  get materialised(): boolean {
    return this.full !== null;
  }
}

/** Whether the centred data is stored in float64 (never materialises streamed data). */
export function storesFloat64(c: Centred): boolean {
  return !(c instanceof StreamedCentred) && c.data instanceof Float64Array;
}

/**
 * Rows r0 … r0 + m − 1 of the centred matrix: a view of `c.data`, or, for data centred on the
 * fly, those rows centred into `scratch` (at least m·cols long; the result is a view of it).
 *
 * @example
 * ```ts
 * const scratch = new Float32Array(1024 * c.cols);
 * for (let r0 = 0; r0 < c.rows; r0 += 1024) use(centredRows(c, r0, Math.min(1024, c.rows - r0), scratch));
 * ```
 */
export function centredRows(c: Centred, r0: number, m: number, scratch: Float32Array): FloatArray {
  if (c instanceof StreamedCentred && !c.materialised) {
    const out = scratch.subarray(0, m * c.cols);
    c.fill(r0, m, out);
    return out;
  }
  return c.data.subarray(r0 * c.cols, (r0 + m) * c.cols);
}

/**
 * For data centred on the fly: the raw float32 rows and the centre μ̃ (exactly float32 values),
 * so that a consumer on threads can copy raw rows into shared memory and centre them where it
 * computes (x − μ̃ in float32 gives the values of {@link centredRows}); null for data stored
 * centred.
 *
 * @example
 * ```ts
 * const raw = rawRows(c);
 * if (raw !== null) use(raw.data.subarray(r0 * c.cols, (r0 + m) * c.cols), raw.centre);
 * ```
 */
export function rawRows(c: Centred): { data: Float32Array; centre: Float32Array } | null {
  if (!(c instanceof StreamedCentred) || c.materialised) return null;
  return { data: c.raw, centre: Float32Array.from(c.centre) };
}
