/**
 * k-nearest-neighbour classification accuracy of codes: how well a representation separates
 * the classes without any training on labels.
 *
 * @module
 */
import { gemmCore } from '../kernels/gemm.js';

/**
 * Codes and labels of one split: `data` is `[n, dim]` row-major.
 *
 * @example
 * ```ts
 * const train: LabelledCodes = { data: Z.data, n: 8000, dim: 2, labels };
 * ```
 */
export interface LabelledCodes {
  data: ArrayLike<number>;
  n: number;
  dim: number;
  labels: ArrayLike<number>;
}

const CHUNK = 256;

/**
 * Accuracy of a k-NN classifier (Euclidean distance, majority vote; a tied vote goes to the
 * tied class with the nearest member) that predicts each query's label from the reference set.
 * Squared distances are ‖q‖² + ‖r‖² − 2 q·r, with both sets first centred on the reference
 * mean (so the products do not cancel), norms in float64 and the products by float32
 * {@link gemmCore} (8× faster than float64 here; ranks change only between near-ties), in chunks of
 * queries so memory stays at `256 × nReference` numbers.
 *
 * @throws RangeError when the dimensions or label counts disagree or k is out of range.
 * @example
 * ```ts
 * knnAccuracy(trainCodes, testCodes, 5); // e.g. 0.93
 * ```
 */
export function knnAccuracy(reference: LabelledCodes, queries: LabelledCodes, k = 5): number {
  if (reference.dim !== queries.dim) throw new RangeError(`knnAccuracy: reference has ${reference.dim} dimensions, queries ${queries.dim}`);
  if (!Number.isInteger(k) || k < 1 || k > reference.n) throw new RangeError(`knnAccuracy: k must be an integer in [1, ${reference.n}] (got ${k})`);
  if (queries.n === 0) throw new RangeError('knnAccuracy: there are no queries');
  if (reference.labels.length !== reference.n || queries.labels.length !== queries.n) throw new RangeError('knnAccuracy: one label per code is needed');
  const d = reference.dim;
  const mu = columnMeans(reference.data, reference.n, d);
  const R = centred(reference.data, reference.n, d, mu);
  const Q = centred(queries.data, queries.n, d, mu);
  const rNorm = rowNorms(R, reference.n, d);
  const qNorm = rowNorms(Q, queries.n, d);
  const dots = new Float32Array(CHUNK * reference.n);
  const dist = new Float64Array(reference.n);
  let correct = 0;
  for (let start = 0; start < queries.n; start += CHUNK) {
    const m = Math.min(CHUNK, queries.n - start);
    gemmCore(false, true, m, reference.n, d, 1, Q.subarray(start * d), d, R, d, 0, dots, reference.n);
    for (let i = 0; i < m; i++) {
      const q = start + i;
      const off = i * reference.n;
      for (let j = 0; j < reference.n; j++) dist[j] = qNorm[q] + rNorm[j] - 2 * dots[off + j];
      if (vote(nearest(dist, k), reference.labels) === queries.labels[q]) correct++;
    }
  }
  return correct / queries.n;
}

function columnMeans(X: ArrayLike<number>, n: number, d: number): Float64Array {
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += X[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= n;
  return mu;
}

function centred(X: ArrayLike<number>, n: number, d: number, mu: Float64Array): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = X[i * d + j] - mu[j];
  return out;
}

function rowNorms(X: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] * X[i * d + j];
    out[i] = s;
  }
  return out;
}

/** Indices of the k smallest distances, nearest first (ties by lower index). */
function nearest(dist: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let j = 0; j < dist.length; j++) {
    const v = dist[j];
    if (best.length === k && v >= dist[best[k - 1]]) continue;
    let pos = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(j);
    while (pos > 0 && dist[best[pos - 1]] > v) {
      best[pos] = best[pos - 1];
      pos--;
    }
    best[pos] = j;
  }
  return best;
}

function vote(indices: number[], labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const top = Math.max(...counts.values());
  // The neighbours are sorted nearest first, so the first tied class met is the nearest one.
  for (const i of indices) if (counts.get(labels[i]) === top) return labels[i];
  return labels[indices[0]];
}
