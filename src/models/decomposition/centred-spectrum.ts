/**
 * The PCA spectrum of a matrix seen only through its products, centred implicitly: for a
 * {@link CsrMatrix} X with column means μ,
 *
 *   X_c·B = X·B − 1·(μᵀB),   X_cᵀ·B = Xᵀ·B − μ·(1ᵀB),
 *
 * so the dense centred matrix X_c = X − 1μᵀ is never formed (as scikit-learn ≥ 1.4's PCA on
 * sparse input). The Lanczos solver (lanczos.ts, to a residual of 1e-11·σ₁: accurate, the
 * default on sparse input) and the randomized solver (randomized-range.ts, as scikit-learn's
 * `randomized_svd`) run on that operator; the result is the same {@link Spectrum} that the
 * dense solvers (solvers.ts) return, with the N − 1 conventions there.
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { defaultPowerIterations } from '../../linalg/randomized.js';
import { fixRowSigns } from '../../linalg/matrix.js';
import { Rng } from '../../random/rng.js';
import type { CsrMatrix } from '../../sparse/csr.js';
import type { MatrixInput } from '../../validate.js';
import { lanczosTriplets } from './lanczos.js';
import { dataOperator, type DataOperator } from './linear-operator.js';
import { randomizedTriplets } from './randomized-range.js';
import type { SolverSettings, Spectrum } from './solvers.js';

/** Residual bound of the Lanczos triplets, relative to σ₁: components to about 1e-11/gap. */
const LANCZOS_TOL = 1e-11;

/**
 * The operator of X − 1μᵀ from the operator of X (rows×cols) and μ (length cols).
 *
 * @example
 * ```ts
 * const c = centredOperator(dataOperator(csr, 'PCA.fit'), mean);
 * c.mul(b, 2); // (X − 1μᵀ)·B without forming X − 1μᵀ
 * ```
 */
export function centredOperator(op: DataOperator, mean: Float64Array): DataOperator {
  const { rows: m, cols: n } = op;
  return {
    rows: m,
    cols: n,
    mul(B, p) {
      const y = op.mul(B, p);
      const w = new Float64Array(p); // μᵀB
      for (let j = 0; j < n; j++) {
        const mj = mean[j];
        if (mj !== 0) for (let c = 0; c < p; c++) w[c] += mj * B[j * p + c];
      }
      for (let i = 0; i < m; i++) for (let c = 0; c < p; c++) y[i * p + c] -= w[c];
      return y;
    },
    mulT(B, p) {
      const y = op.mulT(B, p);
      const s = new Float64Array(p); // 1ᵀB
      for (let i = 0; i < m; i++) for (let c = 0; c < p; c++) s[c] += B[i * p + c];
      for (let j = 0; j < n; j++) {
        const mj = mean[j];
        if (mj !== 0) for (let c = 0; c < p; c++) y[j * p + c] -= mj * s[c];
      }
      return y;
    },
    totalVariance: () => op.totalVariance(),
  };
}

/** Column means Xᵀ·1/rows of an operator. */
function columnMeans(op: DataOperator): Float64Array {
  const mean = op.mulT(new Float64Array(op.rows).fill(1), 1);
  for (let j = 0; j < mean.length; j++) mean[j] /= op.rows;
  return mean;
}

/**
 * Fits the PCA spectrum of X (a CsrMatrix, or dense) with the `lanczos` or `randomized`
 * solver on the implicitly centred operator. nComponents must be an integer (or undefined for
 * min(N, D)): a fraction of variance would need the whole spectrum.
 *
 * @example
 * ```ts
 * const sp = centredSpectrum(csr, 'PCA.fit', settings, 'lanczos'); // sp.components k×D
 * ```
 */
export function centredSpectrum(
  X: CsrMatrix | MatrixInput, where: string, s: SolverSettings, solver: 'lanczos' | 'randomized', observe?: (op: DataOperator) => void,
): Spectrum {
  const raw = dataOperator(X, where);
  const { rows: n, cols: d } = raw;
  if (n < 2) throw new ShapeError(`${where}: X has ${n} sample${n === 1 ? '' : 's'} (shape ${formatShape([n, d])}); at least 2 samples are needed`);
  const r = Math.min(n, d);
  const kReq = s.nComponents;
  if (kReq !== undefined && kReq < 1) {
    throw new RangeError(`${where}: nComponents as a fraction of variance (${kReq}) needs the whole spectrum; solver '${solver}' (the sparse-input solvers) needs an integer nComponents`);
  }
  if (kReq !== undefined && kReq > r) {
    throw new RangeError(`${where}: nComponents must be <= min(nSamples, nFeatures) = ${r} (got ${kReq}) for X of shape ${formatShape([n, d])}`);
  }
  const k = kReq ?? r;
  const mean = columnMeans(raw);
  const op = centredOperator(raw, mean);
  observe?.(op);
  const rng = new Rng(s.seed);
  const nIter = s.nPowerIterations === 'auto' ? defaultPowerIterations(k, n, d) : s.nPowerIterations;
  const t = solver === 'lanczos' ? lanczosTriplets(op, k, LANCZOS_TOL, rng) : randomizedTriplets(op, k, s.nOversamples, nIter, 'auto', rng);
  fixRowSigns(t.vt, k, d);
  const explainedVariance = Float64Array.from(t.s, (x) => (x * x) / (n - 1));
  const totalVariance = (raw.totalVariance() * n) / (n - 1);
  let kept = 0;
  for (let i = 0; i < k; i++) kept += explainedVariance[i];
  const noiseVariance = k < r ? Math.max(0, (totalVariance - kept) / (r - k)) : 0;
  return {
    nSamples: n, nFeatures: d, mean, components: t.vt, explainedVariance, singularValues: Float64Array.from(t.s),
    totalVariance, noiseVariance, solver, precision: 'float64',
  };
}
