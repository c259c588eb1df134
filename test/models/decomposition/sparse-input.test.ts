/**
 * Sparse input to the decompositions beyond PCA (issue 18: "every decomposition that makes
 * sense on sparse input accepts it"): each on a CsrMatrix equals the same model on
 * `toDense()` of it, on random shapes and densities with empty rows and columns. The models
 * that need dense rows say so, naming the argument.
 */
import { describe, expect, it } from 'vitest';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { FastICA } from '../../../src/models/decomposition/fast-ica.js';
import { IncrementalPCA } from '../../../src/models/decomposition/incremental-pca.js';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { CsrMatrix } from '../../../src/sparse/csr.js';
import { Rng } from '../../../src/random/rng.js';

/**
 * A random n×d CsrMatrix of the given density, non-negative when asked; rows in `emptyRows`
 * and columns in `emptyCols` hold no entries.
 */
export function randomCsr(
  n: number, d: number, density: number, seed: number,
  { emptyRows = [], emptyCols = [], nonNegative = false }: { emptyRows?: number[]; emptyCols?: number[]; nonNegative?: boolean } = {},
): CsrMatrix {
  const rng = new Rng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      if (rng.uniform() < density && !emptyRows.includes(i) && !emptyCols.includes(j)) {
        rows.push(i);
        cols.push(j);
        const u = rng.uniform();
        vals.push(nonNegative ? 0.1 + 2 * u : 4 * u - 1 + (j % 3)); // column offsets, so the means matter
      }
    }
  }
  return CsrMatrix.fromTriplets(rows, cols, vals, [n, d]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// n, d, density, k, batchSize, empty rows, empty columns
const CASES: Array<[number, number, number, number, number, number[], number[]]> = [
  [40, 12, 0.3, 4, 10, [0, 17], [3]],
  [23, 7, 0.5, 3, 6, [], [0, 6]],
  [31, 19, 0.08, 5, 9, [5, 6, 7], []],
  [12, 30, 0.2, 2, 5, [11], [1, 2, 29]],
  [9, 4, 1, 4, 9, [], []], // fully dense storage
];

describe('IncrementalPCA on a CsrMatrix', () => {
  it.each(CASES)('fit(csr) equals fit(toDense()) bit for bit (n %i, d %i, density %f, k %i, batch %i)', (n, d, density, k, batchSize, emptyRows, emptyCols) => {
    const X = randomCsr(n, d, density, n * 31 + d, { emptyRows, emptyCols });
    const sparse = new IncrementalPCA({ nComponents: k, batchSize }).fit(X);
    const dense = new IncrementalPCA({ nComponents: k, batchSize }).fit(X.toDense());
    expect(sparse.components.data).toEqual(dense.components.data);
    expect(sparse.mean).toEqual(dense.mean);
    expect(sparse.variance).toEqual(dense.variance);
    expect(sparse.singularValues).toEqual(dense.singularValues);
    expect(sparse.explainedVariance).toEqual(dense.explainedVariance);
    expect(sparse.noiseVariance).toBe(dense.noiseVariance);
    expect(sparse.nSamplesSeen).toBe(n);
    expect(sparse.batchSizeFitted).toBe(batchSize);
  });

  it.each(CASES)('transform(csr) equals transform(toDense()), whitened too (n %i, d %i)', (n, d, density, k, batchSize, emptyRows, emptyCols) => {
    const X = randomCsr(n, d, density, n * 7 + d, { emptyRows, emptyCols });
    const Xnew = randomCsr(5, d, density, n + 3 * d, { emptyRows: [2] });
    for (const whiten of [false, true]) {
      const model = new IncrementalPCA({ nComponents: k, batchSize, whiten }).fit(X);
      const zs = model.transform(Xnew);
      const zd = model.transform(Xnew.toDense());
      expect(zs.shape).toEqual([5, k]);
      expect(maxAbsDiff(zs.data, zd.data)).toBeLessThan(1e-12 * (1 + Math.max(...Array.from(zd.data, Math.abs))));
      expect(maxAbsDiff(model.fitTransform(X).data, model.transform(X.toDense()).data)).toBeLessThan(1e-10);
    }
  });

  it('partialFit(csr) batch by batch equals partialFit of the dense batches, and a sparse batch may follow a dense one', () => {
    const X = randomCsr(30, 8, 0.4, 5, { emptyRows: [3, 20], emptyCols: [7] });
    const dense = X.toDense();
    const rowsOf = (a: number, b: number): CsrMatrix => CsrMatrix.fromDense({ data: dense.data.subarray(a * 8, b * 8), shape: [b - a, 8] });
    const sparse = new IncrementalPCA({ nComponents: 3 });
    const denseModel = new IncrementalPCA({ nComponents: 3 });
    const mixed = new IncrementalPCA({ nComponents: 3 });
    for (const [a, b] of [[0, 10], [10, 21], [21, 30]]) {
      sparse.partialFit(rowsOf(a, b));
      denseModel.partialFit({ data: dense.data.subarray(a * 8, b * 8), shape: [b - a, 8] });
      if (a === 10) mixed.partialFit({ data: dense.data.subarray(a * 8, b * 8), shape: [b - a, 8] });
      else mixed.partialFit(rowsOf(a, b));
    }
    expect(sparse.components.data).toEqual(denseModel.components.data);
    expect(mixed.components.data).toEqual(denseModel.components.data);
    expect(sparse.toJSON()).toEqual(denseModel.toJSON());
  });

  it('errors name the argument: an empty CsrMatrix, features that differ from the fit', () => {
    const empty = CsrMatrix.fromTriplets([], [], [], [0, 4]);
    expect(() => new IncrementalPCA().partialFit(empty)).toThrow('IncrementalPCA.partialFit: batch must have at least 1 sample and 1 feature (got a CsrMatrix of shape [0, 4])');
    expect(() => new IncrementalPCA().fit(empty)).toThrow('IncrementalPCA.fit: X must have at least 1 sample and 1 feature (got a CsrMatrix of shape [0, 4])');
    const model = new IncrementalPCA({ nComponents: 2 }).fit(randomCsr(10, 4, 0.5, 1));
    expect(() => model.transform(randomCsr(3, 5, 0.5, 2))).toThrow('IncrementalPCA.transform: X has 5 features, but IncrementalPCA was fitted with 4');
    expect(() => model.partialFit(randomCsr(3, 5, 0.5, 2))).toThrow(/IncrementalPCA.partialFit: the batch has 5 features/);
  });
});

describe('PPCA.transform and posterior on a CsrMatrix', () => {
  it.each(CASES)('equal the dense posterior of toDense(), from a dense and from a sparse fit (n %i, d %i, density %f, k %i)', (n, d, density, k, _b, emptyRows, emptyCols) => {
    const X = randomCsr(n, d, density, 3 * n + d, { emptyRows, emptyCols });
    const Xnew = randomCsr(6, d, density, n + d, { emptyRows: [0, 5] });
    const q = Math.min(k, d - 1);
    for (const model of [new PPCA({ nComponents: q }).fit(X.toDense()), new PPCA({ nComponents: q }).fit(X)]) {
      const dense = model.posterior(Xnew.toDense());
      const sparse = model.posterior(Xnew);
      expect(sparse.mean.shape).toEqual([6, q]);
      const scale = 1 + Math.max(...Array.from(dense.mean.data, Math.abs));
      expect(maxAbsDiff(sparse.mean.data, dense.mean.data)).toBeLessThan(1e-12 * scale);
      expect(sparse.covariance.data).toEqual(dense.covariance.data);
      expect(maxAbsDiff(model.transform(Xnew).data, dense.mean.data)).toBeLessThan(1e-12 * scale);
      expect(maxAbsDiff(model.encode(Xnew as never).data, dense.mean.data)).toBeLessThan(1e-12 * scale);
    }
    expect(maxAbsDiff(new PPCA({ nComponents: q }).fitTransform(X).data, new PPCA({ nComponents: q }).fit(X).transform(X.toDense()).data)).toBeLessThan(1e-10);
  });

  it('names the model and the feature counts when they differ', () => {
    const model = new PPCA({ nComponents: 1 }).fit(randomCsr(10, 4, 0.5, 1));
    expect(() => model.transform(randomCsr(3, 5, 0.5, 2))).toThrow('PPCA.transform: X has 5 features, but PPCA was fitted with 4');
  });
});

describe('models that need dense rows say so for a CsrMatrix, naming the argument', () => {
  const X = randomCsr(20, 5, 0.5, 9);
  const dense = X.toDense();
  it('FastICA.fit and its transforms', () => {
    expect(() => new FastICA({ nComponents: 2, seed: 0 }).fit(X as never)).toThrow(
      "FastICA.fit: X is a CsrMatrix of shape [20, 5], but sparse input is not supported (FastICA whitens the dense centred X; scikit-learn's FastICA refuses sparse X too); pass X.toDense()",
    );
    const ica = new FastICA({ nComponents: 2, seed: 0 }).fit(dense);
    expect(() => ica.transform(X as never)).toThrow('FastICA.transform: X is a CsrMatrix of shape [20, 5], but sparse input is not supported (FastICA works on dense rows); pass X.toDense()');
    expect(() => ica.fitTransform(X as never)).toThrow(/^FastICA.fit: X is a CsrMatrix/);
  });

  it('FactorAnalysis.fit and transform', () => {
    expect(() => new FactorAnalysis({ nComponents: 2 }).fit(X as never)).toThrow(
      "FactorAnalysis.fit: X is a CsrMatrix of shape [20, 5], but sparse input is not supported (its EM works on the dense centred X; scikit-learn's FactorAnalysis refuses sparse X too); pass X.toDense()",
    );
    const fa = new FactorAnalysis({ nComponents: 2 }).fit(dense);
    expect(() => fa.transform(X as never)).toThrow('FactorAnalysis.transform: X is a CsrMatrix of shape [20, 5], but sparse input is not supported (FactorAnalysis.transform works on dense rows); pass X.toDense()');
  });

  it('the likelihood methods of PCA and PPCA', () => {
    expect(() => new PCA({ nComponents: 2 }).fit(X).scoreSamples(X as never)).toThrow('PCA.scoreSamples: X is a CsrMatrix of shape [20, 5], but sparse input is not supported (PCA.scoreSamples works on dense rows); pass X.toDense()');
    expect(() => new PPCA({ nComponents: 2 }).fit(X).score(X as never)).toThrow(/^PPCA.scoreSamples: X is a CsrMatrix of shape \[20, 5\]/);
  });
});
