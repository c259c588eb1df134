/**
 * The baseline: k nearest neighbours of a query by cosine similarity of sparse rows (TF-IDF),
 * through an inverted index, so no dense document-by-term matrix is ever formed.
 *
 * @module
 */
import type { CsrMatrix } from '../../src/sparse/csr.js';

/**
 * Mean precision at each k of `ks`: for each query row of `queries`, the share of its k most
 * similar `database` rows (cosine similarity, ties by lower index) with the query's label.
 * Rows without any term have similarity 0 to everything (ranked by index).
 *
 * @example
 * ```ts
 * cosinePrecisionAtK(tfidfTrain, trainLabels, tfidfTest, testLabels, [1, 10, 100]); // [0.97, 0.95, 0.9]
 * ```
 */
export function cosinePrecisionAtK(
  database: CsrMatrix,
  databaseLabels: ArrayLike<number>,
  queries: CsrMatrix,
  queryLabels: ArrayLike<number>,
  ks: readonly number[],
): number[] {
  if (database.cols !== queries.cols) throw new RangeError(`cosinePrecisionAtK: database has ${database.cols} columns, queries ${queries.cols}`);
  const n = database.rows;
  const dbNorm = rowNorms(database);
  const byTerm = database.transpose(); // row t: the database rows holding term t
  const scores = new Float64Array(n);
  const order = new Int32Array(n);
  const totals = ks.map(() => 0);
  for (let q = 0; q < queries.rows; q++) {
    scores.fill(0);
    let qNorm = 0;
    for (let p = queries.indptr[q]; p < queries.indptr[q + 1]; p++) {
      const t = queries.indices[p];
      const v = queries.values[p];
      qNorm += v * v;
      for (let r = byTerm.indptr[t]; r < byTerm.indptr[t + 1]; r++) scores[byTerm.indices[r]] += v * byTerm.values[r];
    }
    const scale = qNorm > 0 ? 1 / Math.sqrt(qNorm) : 0;
    for (let i = 0; i < n; i++) {
      scores[i] = dbNorm[i] > 0 ? (scores[i] * scale) / dbNorm[i] : 0;
      order[i] = i;
    }
    order.sort((a, b) => scores[b] - scores[a] || a - b);
    ks.forEach((k, j) => {
      const m = Math.min(k, n);
      let hits = 0;
      for (let r = 0; r < m; r++) if (databaseLabels[order[r]] === queryLabels[q]) hits++;
      totals[j] += hits / m;
    });
  }
  return totals.map((t) => t / queries.rows);
}

function rowNorms(X: CsrMatrix): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) s += X.values[p] * X.values[p];
    out[i] = Math.sqrt(s);
  }
  return out;
}
