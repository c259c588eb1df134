/**
 * Sparse input to the decompositions beyond PCA (issue 18: "every decomposition that makes
 * sense on sparse input accepts it"): each on a CsrMatrix equals the same model on
 * `toDense()` of it, on random shapes and densities with empty rows and columns. The models
 * that need dense rows say so, naming the argument.
 */
import { describe, expect, it } from 'vitest';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { FastICA } from '../../../src/models/decomposition/fast-ica.js';
import { NMF } from '../../../src/models/decomposition/nmf.js';
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

/** max |a − b| / max(1, max |b|). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return maxAbsDiff(a, b) / Math.max(1, ...Array.from(b, Math.abs));
}

describe('NMF on a CsrMatrix equals NMF on toDense()', () => {
  // n, d, density, k, empty rows, empty columns
  const NMF_CASES: Array<[number, number, number, number, number[], number[]]> = [
    [30, 12, 0.3, 3, [4], [7]],
    [17, 25, 0.2, 4, [0, 16], [3, 24]],
    [40, 9, 0.6, 2, [], [0]],
    [11, 6, 1, 3, [], []],
  ];
  const SETTINGS = [
    { solver: 'cd', init: 'nndsvd' },
    { solver: 'cd', init: 'nndsvda', alphaW: 0.01, l1Ratio: 0.5 },
    { solver: 'cd', init: 'random', seed: 3 },
    { solver: 'mu', init: 'nndsvda' },
    { solver: 'mu', init: 'nndsvdar', alphaW: 0.02, alphaH: 0.01, l1Ratio: 0.3 },
    { solver: 'mu', init: 'random', seed: 5 },
    { solver: 'mu', init: 'nndsvda', betaLoss: 'kullback-leibler' },
    { solver: 'mu', init: 'random', seed: 2, betaLoss: 'kullback-leibler', alphaH: 0.01, l1Ratio: 0.5 },
  ] as const;

  it.each(NMF_CASES)('fit, fitTransform, transform and the error for both solvers and every start (n %i, d %i, density %f, k %i)', (n, d, density, k, emptyRows, emptyCols) => {
    const X = randomCsr(n, d, density, 11 * n + d, { emptyRows, emptyCols, nonNegative: true });
    const Xd = X.toDense();
    const Xnew = randomCsr(5, d, density, n + 17, { emptyRows: [1], nonNegative: true });
    for (const o of SETTINGS) {
      const sparse = new NMF({ nComponents: k, maxIter: 300, tol: 1e-6, ...o });
      const dense = new NMF({ nComponents: k, maxIter: 300, tol: 1e-6, ...o });
      const Ws = sparse.fitTransform(X);
      const Wd = dense.fitTransform(Xd);
      const what = JSON.stringify(o);
      expect(sparse.nIter, what).toBe(dense.nIter);
      expect(relDiff(sparse.components.data, dense.components.data), what).toBeLessThan(1e-9);
      expect(relDiff(Ws.data, Wd.data), what).toBeLessThan(1e-9);
      expect(Math.abs(sparse.reconstructionError - dense.reconstructionError), what).toBeLessThan(1e-9 * (1 + dense.reconstructionError));
      expect(relDiff(dense.transform(Xnew).data, dense.transform(Xnew.toDense()).data), what).toBeLessThan(1e-9);
      expect(relDiff(sparse.reconstruct(Xnew).data, dense.reconstruct(Xnew.toDense()).data), what).toBeLessThan(1e-9);
    }
  });

  it('a custom start on sparse X equals the dense custom start', () => {
    const X = randomCsr(12, 8, 0.4, 2, { nonNegative: true, emptyCols: [5] });
    const rng = new Rng(1);
    const W = Array.from({ length: 12 }, () => [rng.uniform(), rng.uniform()]);
    const H = Array.from({ length: 2 }, () => Array.from({ length: 8 }, () => rng.uniform()));
    for (const solver of ['cd', 'mu'] as const) {
      const a = new NMF({ nComponents: 2, init: 'custom', solver }).fit(X, { W, H });
      const b = new NMF({ nComponents: 2, init: 'custom', solver }).fit(X.toDense(), { W, H });
      expect(relDiff(a.components.data, b.components.data)).toBeLessThan(1e-9);
    }
  });

  it('rejects negative stored values, an empty matrix and β-divergences other than Frobenius and KL, naming X', () => {
    const neg = CsrMatrix.fromTriplets([0, 1], [1, 2], [1, -0.5], [3, 4]);
    expect(() => new NMF({ nComponents: 1 }).fit(neg)).toThrow('NMF.fit: X must be non-negative, but X[1][2] = -0.5 (row 1, col 2)');
    expect(() => new NMF({ nComponents: 1 }).fit(CsrMatrix.fromTriplets([], [], [], [0, 3]))).toThrow('NMF.fit: X must have at least 1 sample and 1 feature (got a CsrMatrix of shape [0, 3])');
    const X = randomCsr(6, 4, 0.5, 1, { nonNegative: true });
    expect(() => new NMF({ nComponents: 2, solver: 'mu', betaLoss: 0.5 }).fit(X)).toThrow(
      "NMF.fit: betaLoss 0.5 needs dense X, but X is a CsrMatrix of shape [6, 4]; on sparse X only betaLoss 'frobenius' and 'kullback-leibler' are supported (the other β-divergences need WH at every entry); pass X.toDense()",
    );
    const pos = CsrMatrix.fromDense(Array.from({ length: 6 }, (_, i) => [1 + i, 2, 3, 4 + i]));
    const is = new NMF({ nComponents: 2, solver: 'mu', betaLoss: 'itakura-saito' }).fit(pos.toDense());
    expect(() => is.transform(pos)).toThrow(/^NMF.transform: betaLoss itakura-saito needs dense X, but X is a CsrMatrix of shape \[6, 4\]/);
    const fro = new NMF({ nComponents: 2 }).fit(X);
    expect(() => fro.transform(randomCsr(2, 5, 0.5, 2, { nonNegative: true }))).toThrow('NMF.transform: X has 5 features, but NMF was fitted with 4');
  });
});
