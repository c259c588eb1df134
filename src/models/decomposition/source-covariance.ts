/**
 * The covariance solver on a row source: one pass over the batches accumulates the Gram matrix
 * and the column sums in float64, so memory is bounded by one chunk of rows and a D×D matrix,
 * never by the data. The result is the in-memory covariance solver's (float64 precision) up to
 * rounding: the same eigensolver on the same matrix, summed in another order.
 *
 * Accuracy. XᵀX − N·μμᵀ cancels badly when a column's mean dwarfs its spread, so the rows are
 * shifted by the first batch's column means s before they are multiplied: with x̃ = x − s,
 * X_cᵀX_c = X̃ᵀX̃ − N·δδᵀ where δ = mean(x̃) is small (exact in exact arithmetic, as data.ts does
 * with its rounded centre).
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { gemmCore } from '../../kernels/gemm.js';
import { mirrorUpper, symmetricEigen, transpose } from '../../linalg/index.js';
import { readRowBatches, type RowSource } from '../../io/row-source.js';
import { subtractOuter } from './ritz.js';
import { countForFraction, tailSum, type SolverSettings, type Spectrum } from './solvers.js';

/**
 * What one pass over a source gives: the sample count, the column means and X_cᵀX_c (D×D,
 * float64, both triangles).
 *
 * @example
 * ```ts
 * const { n, d, mean, gram } = await centredGramOfSource(source, 'PCA.fit');
 * ```
 */
export interface SourceMoments {
  n: number;
  d: number;
  mean: Float64Array;
  /** Σ (x − μ)(x − μ)ᵀ over all rows. */
  gram: Float64Array;
  /** ‖X − 1μᵀ‖_F², the trace of `gram`. */
  sumSq: number;
}

/** Rows per float64 chunk: bounds the scratch to CHUNK·D doubles whatever the batch size. */
const CHUNK = 1024;
/** Block-row height of the upper-triangle product (as linalg/syrk.ts). */
const NB = 128;

/**
 * One pass over the source: X_cᵀX_c and the means in float64 (see the module comment). Throws
 * for fewer than 2 rows or for a bad batch (the error of {@link readRowBatches}).
 *
 * @example
 * ```ts
 * const m = await centredGramOfSource(matrixSource(X, { batchSize: 100 }), 'PCA.fit');
 * ```
 */
export async function centredGramOfSource(source: RowSource, where: string): Promise<SourceMoments> {
  let d = 0;
  let n = 0;
  let shift: Float64Array | null = null;
  let sums = new Float64Array(0);
  let g = new Float64Array(0);
  let scratch = new Float64Array(0);
  for await (const b of readRowBatches(source, where)) {
    if (shift === null) {
      d = b.cols;
      shift = firstMeans(b.data, b.rows, d);
      sums = new Float64Array(d);
      g = new Float64Array(d * d);
      scratch = new Float64Array(Math.min(CHUNK, b.rows) * d);
    }
    for (let r0 = 0; r0 < b.rows; r0 += CHUNK) {
      const m = Math.min(CHUNK, b.rows - r0);
      if (scratch.length < m * d) scratch = new Float64Array(m * d);
      const x = scratch.subarray(0, m * d);
      shiftRows(b.data, r0 * d, m, d, shift, x, sums);
      addUpperGram(x, m, d, g);
    }
    n += b.rows;
  }
  if (shift === null || n < 2) {
    throw new ShapeError(`${where}: the source gave ${n} row${n === 1 ? '' : 's'} (shape ${formatShape([n, d])}); at least 2 samples are needed`);
  }
  mirrorUpper(g, d, d);
  const delta = Float64Array.from(sums, (s) => s / n);
  subtractOuter(g, delta, d, n);
  let sumSq = 0;
  for (let j = 0; j < d; j++) sumSq += Math.max(0, g[j * d + j]);
  const mean = Float64Array.from(shift, (s, j) => s + delta[j]);
  return { n, d, mean, gram: g, sumSq };
}

/**
 * The covariance solver on a source, as {@link fitSpectrum} with `solver: 'covariance'` and
 * `precision: 'float64'` computes it in memory. A source is read once, so the solvers that
 * need the data twice (`full`, `randomized`, and `mixed` precision's Rayleigh–Ritz pass) are
 * rejected by name.
 *
 * @example
 * ```ts
 * const sp = await spectrumFromSource(idxSource(path), 'PCA.fit', settings);
 * ```
 */
export async function spectrumFromSource(source: RowSource, where: string, s: SolverSettings): Promise<Spectrum> {
  if (s.solver !== 'auto' && s.solver !== 'covariance') {
    throw new RangeError(`${where}: a row source is read in one pass, which only solver 'covariance' (or 'auto') can do (got solver '${s.solver}')`);
  }
  if (s.precision === 'mixed') {
    throw new RangeError(`${where}: precision 'mixed' needs a second pass over the data; a row source is fitted in 'float64' (got precision 'mixed')`);
  }
  const mo = await centredGramOfSource(source, where);
  return spectrumFromMoments(mo, where, s.nComponents);
}

/**
 * Eigendecomposition of X_cᵀX_c/(N − 1) into a {@link Spectrum}: the float64 branch of the
 * in-memory covariance solver (solvers.ts) and its bookkeeping, on given moments.
 *
 * @example
 * ```ts
 * const sp = spectrumFromMoments(await centredGramOfSource(source, 'PCA.fit'), 'PCA.fit', 5);
 * ```
 */
export function spectrumFromMoments(mo: SourceMoments, where: string, kReq: number | undefined): Spectrum {
  const { n, d, mean, sumSq } = mo;
  const r = Math.min(n, d);
  if (kReq !== undefined && kReq >= 1 && kReq > r) {
    throw new RangeError(`${where}: nComponents must be <= min(nSamples, nFeatures) = ${r} (got ${kReq}) for data of shape ${formatShape([n, d])}`);
  }
  const total = sumSq / (n - 1);
  const g = mo.gram.slice();
  const scale = 1 / (n - 1);
  for (let i = 0; i < g.length; i++) g[i] *= scale;
  let k = 0;
  const eig = symmetricEigen(g, d, (values: Float64Array): number => {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
    k = kReq === undefined ? r : kReq < 1 ? Math.min(r, countForFraction(values, total, kReq)) : kReq;
    return k;
  });
  const variances = eig.values.slice(0, k);
  const noiseVariance = k < r ? Math.max(0, tailSum(eig.values, k, r) / (r - k)) : 0;
  return {
    nSamples: n, nFeatures: d, mean, components: transpose(eig.vectors, d, k), explainedVariance: variances,
    singularValues: Float64Array.from(variances, (v) => Math.sqrt(v * (n - 1))),
    totalVariance: total, noiseVariance, solver: 'covariance', precision: 'float64',
  };
}

/** The column means of the first batch: the shift that keeps the sums small. */
function firstMeans(x: Float32Array | Float64Array, rows: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) m[j] += x[i * d + j];
  for (let j = 0; j < d; j++) m[j] /= rows;
  return m;
}

/** out ← rows of x from `offset` minus the shift (in float64); sums += their column sums. */
function shiftRows(x: Float32Array | Float64Array, offset: number, m: number, d: number, s: Float64Array, out: Float64Array, sums: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const o = i * d;
    const src = offset + o;
    for (let j = 0; j < d; j++) {
      const v = x[src + j] - s[j];
      out[o + j] = v;
      sums[j] += v;
    }
  }
}

/** Upper triangle of C += XᵀX for an m×d float64 chunk, one block row of C at a time. */
function addUpperGram(x: Float64Array, m: number, d: number, c: Float64Array): void {
  for (let i0 = 0; i0 < d; i0 += NB) {
    const b = Math.min(NB, d - i0);
    gemmCore(true, false, b, d - i0, m, 1, x.subarray(i0), d, x.subarray(i0), d, 1, c.subarray(i0 * d + i0), d);
  }
}
