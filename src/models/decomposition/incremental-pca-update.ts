/**
 * One step of incremental PCA (Ross, Lim, Lin & Yang 2008, "Incremental learning for robust
 * visual tracking", §3.1, as scikit-learn's IncrementalPCA computes it): the running mean and
 * variance are updated with Chan, Golub & LeVeque's pairwise formulas, and the new components
 * are the leading right singular vectors of the stacked matrix
 *
 *     [ diag(s)·Vₖ                           ]   the previous fit (k rows)
 *     [ X_b − 1·mean(X_b)ᵀ                   ]   the batch, centred on its own mean
 *     [ √(n·m/(n + m))·(μ_prev − mean(X_b))ᵀ ]   the shift between the two means
 *
 * whose Gram matrix is exactly the scatter of all rows seen about their joint mean, restricted
 * to the previous rank-k approximation. The first batch is just centred and decomposed.
 *
 * @module
 */
import { ShapeError, formatShape } from '../../errors.js';
import { thinSvd } from '../../linalg/index.js';
import type { DenseMatrix } from '../../validate.js';
import type { IncrementalFit } from './incremental-pca-state.js';

/**
 * The fit after one more batch (x, validated, not modified); `prev` (null for the first batch)
 * is not modified either. `nComponents` null keeps the previous k, or takes min(rows, D) of
 * the first batch. Errors name `where`, the batch shape and the rule broken.
 *
 * @example
 * ```ts
 * let f = incrementalUpdate(null, batch1, 2, 'IncrementalPCA.partialFit');
 * f = incrementalUpdate(f, batch2, 2, 'IncrementalPCA.partialFit');
 * ```
 */
export function incrementalUpdate(prev: IncrementalFit | null, x: DenseMatrix<Float64Array>, nComponents: number | null, where: string): IncrementalFit {
  const { rows: m, cols: d } = x;
  if (prev !== null && d !== prev.nFeatures) {
    throw new ShapeError(`${where}: the batch has ${d} features (shape ${formatShape([m, d])}), but the rows seen so far have ${prev.nFeatures}`);
  }
  const kPrev = prev === null ? 0 : prev.singularValues.length;
  let k: number;
  if (nComponents === null) {
    k = prev === null ? Math.min(m, d) : kPrev;
  } else if (nComponents > d) {
    throw new RangeError(`${where}: nComponents = ${nComponents} exceeds nFeatures = ${d}; IncrementalPCA needs nComponents <= nFeatures`);
  } else if (nComponents > m) {
    throw new RangeError(`${where}: nComponents = ${nComponents} exceeds the ${m} rows of this batch (shape ${formatShape([m, d])}); each batch needs at least nComponents rows`);
  } else {
    k = nComponents;
  }
  if (prev === null && m < 2) {
    // The variances divide by N − 1: one row alone has none (scikit-learn returns inf and NaN here).
    throw new ShapeError(`${where}: the first batch has ${m} row (shape ${formatShape([m, d])}); at least 2 rows are needed to start`);
  }
  if (prev !== null && k !== kPrev) {
    throw new RangeError(`${where}: the number of components changed from ${kPrev} to ${k} between calls; set nComponents to a fixed value`);
  }

  const nPrev = prev === null ? 0 : prev.nSamplesSeen;
  const n = nPrev + m;
  const moments = batchMoments(x);
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const lastMean = prev === null ? 0 : prev.mean[j];
    const lastSum = lastMean * nPrev;
    const newSum = moments.sum[j];
    mean[j] = (lastSum + newSum) / n;
    let scatter = moments.scatter[j];
    if (nPrev > 0) {
      const ratio = nPrev / m;
      scatter += prev!.variance[j] * nPrev + (ratio / n) * (lastSum / ratio - newSum) ** 2;
    }
    variance[j] = scatter / n;
  }

  // The matrix to decompose: the batch centred on its mean, below the previous fit and above
  // the mean correction (first batch: the batch alone).
  const rows = prev === null ? m : kPrev + m + 1;
  const a = new Float64Array(rows * d);
  const top = prev === null ? 0 : kPrev;
  const centre = prev === null ? mean : moments.mean;
  for (let i = 0; i < m; i++) {
    const o = i * d;
    const t = (top + i) * d;
    for (let j = 0; j < d; j++) a[t + j] = x.data[o + j] - centre[j];
  }
  if (prev !== null) {
    for (let q = 0; q < kPrev; q++) {
      const s = prev.singularValues[q];
      for (let j = 0; j < d; j++) a[q * d + j] = s * prev.components[q * d + j];
    }
    const c = Math.sqrt((nPrev / n) * m);
    const last = (rows - 1) * d;
    for (let j = 0; j < d; j++) a[last + j] = c * (prev.mean[j] - moments.mean[j]);
  }
  const svd = thinSvd(a, rows, d, false); // rows of Vᵀ sign-fixed: scikit-learn's svd_flip(u_based_decision=False)
  let scatterTotal = 0;
  for (let j = 0; j < d; j++) scatterTotal += variance[j] * n;
  const all = Float64Array.from(svd.s, (s) => (s * s) / (n - 1));
  let noiseVariance = 0;
  if (k !== m && k !== d) {
    let sum = 0;
    for (let i = k; i < all.length; i++) sum += all[i];
    noiseVariance = sum / (all.length - k);
  }
  return {
    nSamplesSeen: n,
    nFeatures: d,
    mean,
    variance,
    components: svd.vt.slice(0, k * d),
    singularValues: svd.s.slice(0, k),
    explainedVariance: all.slice(0, k),
    explainedVarianceRatio: Float64Array.from(svd.s.subarray(0, k), (s) => (scatterTotal > 0 ? (s * s) / scatterTotal : 0)),
    noiseVariance,
    batchSize: prev === null ? null : prev.batchSize,
  };
}

/** Column sums, means and the corrected two-pass scatter Σ(x − x̄)² − (Σ(x − x̄))²/m of a batch. */
function batchMoments(x: DenseMatrix<Float64Array>): { sum: Float64Array; mean: Float64Array; scatter: Float64Array } {
  const { data, rows: m, cols: d } = x;
  const sum = new Float64Array(d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) sum[j] += data[i * d + j];
  const mean = Float64Array.from(sum, (s) => s / m);
  const dev = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] - mean[j];
      dev[j] += v;
      sq[j] += v * v;
    }
  }
  const scatter = Float64Array.from(sq, (s, j) => s - (dev[j] * dev[j]) / m);
  return { sum, mean, scatter };
}
