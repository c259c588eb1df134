/**
 * TruncatedSVD against scikit-learn's TruncatedSVD(algorithm='arpack') on the TF-IDF matrix of
 * the fixture corpus and on a small dense matrix (test/fixtures/text/truncated-svd.json, written
 * by scripts/fixtures/truncated_svd.py), for both solvers and for sparse and dense input; then
 * the identities, the options, bad inputs and the saved form.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NotFittedError, ShapeError } from '../../../src/errors.js';
import { TruncatedSVD } from '../../../src/models/decomposition/truncated-svd.js';
import { permutedL } from '../../../src/models/decomposition/randomized-range.js';
import { modelFromState } from '../../../src/models/registry.js';
import { CsrMatrix } from '../../../src/sparse/csr.js';
import { TfidfVectorizer } from '../../../src/text/tfidf-vectorizer.js';

interface Case {
  nComponents: number; singularValues: number[]; lapackSingularValues: number[]; explainedVariance: number[];
  explainedVarianceRatio: number[]; components: number[][]; transform: number[][]; heldOutTransform?: number[][]; X?: number[][];
}
const corpus = JSON.parse(readFileSync(new URL('../../fixtures/text/tfidf.json', import.meta.url), 'utf8')) as { documents: string[] };
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/text/truncated-svd.json', import.meta.url), 'utf8')) as {
  heldOut: string[]; tfidf: Case; dense: Case; sklearnRandomizedMaxRelErr: Record<'5' | '40', number[]>;
};

const tfidf = new TfidfVectorizer({ stopWords: 'english' });
const X = tfidf.fitTransform(corpus.documents);

/** max |a − e| / max |e| over the arrays. */
function relErr(actual: ArrayLike<number>, expected: readonly number[]): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return worst / scale;
}

/** Largest relative error of each singular value. */
function worstRelative(actual: Float64Array, expected: readonly number[]): number {
  return Math.max(...expected.map((e, i) => Math.abs(actual[i] - e) / e));
}

describe('TruncatedSVD equals scikit-learn (arpack) on TF-IDF of the fixture corpus', () => {
  const c = fixture.tfidf;
  it('the TF-IDF matrix is the fixture\'s (48 documents)', () => {
    expect(X.shape[0]).toBe(48);
    expect(X.shape[1]).toBe(c.components[0].length);
  });

  it('lanczos: singular values to 1e-10, components, transforms and explained variances to 1e-8', () => {
    const svd = new TruncatedSVD({ nComponents: c.nComponents, algorithm: 'lanczos' });
    const Z = svd.fitTransform(X);
    expect(worstRelative(svd.singularValues, c.singularValues)).toBeLessThan(1e-10);
    expect(worstRelative(svd.singularValues, c.lapackSingularValues)).toBeLessThan(1e-10);
    expect(relErr(svd.components.data, c.components.flat())).toBeLessThan(1e-8);
    expect(relErr(Z.data, c.transform.flat())).toBeLessThan(1e-8);
    expect(relErr(svd.explainedVariance, c.explainedVariance)).toBeLessThan(1e-8);
    expect(relErr(svd.explainedVarianceRatio, c.explainedVarianceRatio)).toBeLessThan(1e-8);
    expect(relErr(svd.transform(tfidf.transform(fixture.heldOut)).data, (c.heldOutTransform as number[][]).flat())).toBeLessThan(1e-8);
  });

  it('randomized: as close to arpack as scikit-learn\'s randomized solver, and to 1e-6 with 40 power iterations', () => {
    // The TF-IDF spectrum is flat (σ₁₀/σ₁ = 0.85), so 5 power iterations leave about 2% error;
    // scikit-learn's own randomized_svd is no closer (its errors over five seeds are in the fixture).
    const sk = fixture.sklearnRandomizedMaxRelErr;
    for (const seed of [0, 1, 2]) {
      const svd = new TruncatedSVD({ nComponents: c.nComponents, seed }).fit(X);
      expect(worstRelative(svd.singularValues, c.singularValues), `seed ${seed}`).toBeLessThan(2 * Math.max(...sk['5']));
      expect(svd.singularValues[0] / c.singularValues[0]).toBeLessThanOrEqual(1 + 1e-12); // Ritz values never exceed σ
    }
    const long = new TruncatedSVD({ nComponents: c.nComponents, nIter: 40 }).fit(X);
    expect(worstRelative(long.singularValues, c.singularValues)).toBeLessThan(Math.max(1e-6, 2 * Math.max(...sk['40'])));
    expect(relErr(long.explainedVarianceRatio, c.explainedVarianceRatio)).toBeLessThan(1e-4);
    for (const normalizer of ['QR', 'LU', 'none'] as const) {
      const other = new TruncatedSVD({ nComponents: c.nComponents, powerIterationNormalizer: normalizer, nIter: 40 }).fit(X);
      expect(worstRelative(other.singularValues, c.singularValues), normalizer).toBeLessThan(1e-4);
    }
  });

  it('sparse and dense input give the same fit', () => {
    const sparse = new TruncatedSVD({ nComponents: 4, algorithm: 'lanczos' }).fit(X);
    const dense = new TruncatedSVD({ nComponents: 4, algorithm: 'lanczos' }).fit(X.toDense());
    expect(relErr(dense.singularValues, [...sparse.singularValues])).toBeLessThan(1e-12);
    expect(relErr(dense.components.data, [...sparse.components.data])).toBeLessThan(1e-9);
    expect(relErr(dense.transform(X).data, [...sparse.transform(X.toDense()).data])).toBeLessThan(1e-9);
  });
});

describe('TruncatedSVD equals scikit-learn on a dense 13×7 matrix', () => {
  const c = fixture.dense;
  for (const algorithm of ['lanczos', 'randomized'] as const) {
    it(algorithm, () => {
      const svd = new TruncatedSVD({ nComponents: c.nComponents, algorithm });
      const Z = svd.fitTransform(c.X as number[][]);
      expect(worstRelative(svd.singularValues, c.singularValues)).toBeLessThan(1e-10);
      expect(relErr(svd.components.data, c.components.flat())).toBeLessThan(1e-8);
      expect(relErr(Z.data, c.transform.flat())).toBeLessThan(1e-8);
      expect(relErr(svd.explainedVarianceRatio, c.explainedVarianceRatio)).toBeLessThan(1e-8);
    });
  }
});

describe('TruncatedSVD identities and edges', () => {
  it('components are orthonormal; reconstruct is inverseTransform(transform); k = min(N, D) is exact', () => {
    const svd = new TruncatedSVD({ nComponents: 5, algorithm: 'lanczos' }).fit(X);
    const V = svd.components.data;
    const d = X.shape[1];
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += V[a * d + j] * V[b * d + j];
        expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    expect([...svd.reconstruct(X).data]).toEqual([...svd.inverseTransform(svd.transform(X)).data]);
    expect([...svd.encode(X).data]).toEqual([...svd.transform(X).data]);
    const small = CsrMatrix.fromDense([[1, 0, 2], [0, 3, 0], [4, 0, 0], [0, 0, 1]]);
    for (const algorithm of ['lanczos', 'randomized'] as const) {
      const full = new TruncatedSVD({ nComponents: 3, algorithm }).fit(small);
      const back = full.reconstruct(small).data;
      const dense = small.toDense().data;
      for (let i = 0; i < dense.length; i++) expect(Math.abs(back[i] - dense[i]), algorithm).toBeLessThan(1e-12);
    }
  });

  it('rank-deficient and zero matrices, and one row or column', () => {
    const rank1 = new TruncatedSVD({ nComponents: 2, algorithm: 'lanczos' }).fit([[1, 2, 3], [2, 4, 6], [3, 6, 9]]);
    expect(rank1.singularValues[0]).toBeCloseTo(14, 12);
    expect(Math.abs(rank1.singularValues[1])).toBeLessThan(1e-12);
    const zero = new TruncatedSVD({ nComponents: 1, algorithm: 'lanczos' }).fit(CsrMatrix.fromTriplets([], [], [], [3, 4]));
    expect([...zero.singularValues]).toEqual([0]);
    expect([...zero.explainedVarianceRatio]).toEqual([0]);
    const row = new TruncatedSVD({ nComponents: 1 }).fit([[3, 4]]);
    expect(row.singularValues[0]).toBeCloseTo(5, 12);
    expect([...row.components.data].map((v) => Math.round(v * 10) / 10)).toEqual([0.6, 0.8]);
  });

  it('the same seed gives the same bytes; the sign convention puts each component\'s largest entry positive', () => {
    const a = new TruncatedSVD({ nComponents: 3, seed: 'x' }).fit(X);
    const b = new TruncatedSVD({ nComponents: 3, seed: 'x' }).fit(X);
    expect(a.toBytes()).toEqual(b.toBytes());
    const V = a.components.data;
    const d = X.shape[1];
    for (let c = 0; c < 3; c++) {
      const row = Array.from(V.subarray(c * d, (c + 1) * d));
      const at = row.reduce((best, v, j) => (Math.abs(v) > Math.abs(row[best]) ? j : best), 0);
      expect(row[at]).toBeGreaterThan(0);
    }
  });

  it('permutedL is P·L of LU with partial pivoting, as SciPy lu(permute_l=True)', () => {
    const a = [[1, 2, 4], [3, 2, 1], [0.5, 9, 7], [1, 1, 1]];
    const m = 4;
    const p = 3;
    // Reference: eliminate with explicit row swaps, then undo the permutation on L.
    const work = a.map((r) => r.slice());
    const order = [0, 1, 2, 3];
    const L = Array.from({ length: m }, () => new Array<number>(p).fill(0));
    for (let j = 0; j < p; j++) {
      let best = j;
      for (let r = j + 1; r < m; r++) if (Math.abs(work[r][j]) > Math.abs(work[best][j])) best = r;
      [work[j], work[best]] = [work[best], work[j]];
      [L[j], L[best]] = [L[best], L[j]];
      [order[j], order[best]] = [order[best], order[j]];
      L[j][j] = 1;
      for (let r = j + 1; r < m; r++) {
        const l = work[r][j] / work[j][j];
        L[r][j] = l;
        for (let c = j; c < p; c++) work[r][c] -= l * work[j][c];
      }
    }
    const expected = new Array<number[]>(m);
    order.forEach((row, t) => { expected[row] = L[t]; });
    const pl = permutedL(Float64Array.from(a.flat()), m, p);
    for (let i = 0; i < m; i++) for (let c = 0; c < p; c++) expect(pl[i * p + c]).toBeCloseTo(expected[i][c], 14);
    // And P·L·U = A with U the eliminated upper triangle.
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < p; c++) {
        let s = 0;
        for (let t = 0; t < p; t++) s += pl[i * p + t] * (t <= c ? work[t][c] : 0);
        expect(s).toBeCloseTo(a[i][c], 12);
      }
    }
  });

  it('rejects bad options and inputs, naming them', () => {
    expect(() => new TruncatedSVD({ nComponent: 2 } as never)).toThrow(/unknown option 'nComponent'; did you mean 'nComponents'\?/);
    expect(() => new TruncatedSVD({ algorithm: 'arpack' as 'lanczos' })).toThrow(/algorithm/);
    expect(() => new TruncatedSVD({ nComponents: 0 })).toThrow(/nComponents/);
    expect(() => new TruncatedSVD({ tol: -1 })).toThrow(/tol must be a finite number >= 0/);
    expect(() => new TruncatedSVD({ powerIterationNormalizer: 'qr' as 'QR' })).toThrow(/powerIterationNormalizer/);
    expect(() => new TruncatedSVD({ nComponents: 5 }).fit([[1, 2, 3], [4, 5, 6]])).toThrow(/TruncatedSVD\.fit: nComponents = 5 is more than min\(nSamples, nFeatures\) = 2 for X of shape \[2, 3\]/);
    expect(() => new TruncatedSVD().transform(X)).toThrow(NotFittedError);
    const svd = new TruncatedSVD({ nComponents: 2 }).fit(X);
    expect(() => svd.transform([[1, 2]])).toThrow(ShapeError);
    expect(() => svd.inverseTransform([[1, 2, 3]])).toThrow(/TruncatedSVD\.inverseTransform: Z has 3 columns, but TruncatedSVD was fitted with nComponents = 2/);
    expect(() => svd.fit([[1, NaN]])).toThrow(/NaN/);
    // A failed fit leaves the previous fit in place.
    expect(svd.latentDim).toBe(2);
  });

  it('saves and loads bit for bit, also through the registry', () => {
    const svd = new TruncatedSVD({ nComponents: 3, algorithm: 'lanczos' }).fit(X);
    const again = TruncatedSVD.fromBytes(svd.toBytes());
    expect([...again.transform(X).data]).toEqual([...svd.transform(X).data]);
    expect(TruncatedSVD.fromJSON(JSON.stringify(svd)).toBytes()).toEqual(svd.toBytes());
    const viaRegistry = modelFromState(svd.toState());
    expect(viaRegistry.type).toBe('TruncatedSVD');
    expect(viaRegistry.toBytes()).toEqual(svd.toBytes());
    expect(TruncatedSVD.fromState(new TruncatedSVD().toState()).isFitted).toBe(false);
  });
});
