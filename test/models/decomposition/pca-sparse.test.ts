/**
 * PCA on a CsrMatrix: centred implicitly (centred-spectrum.ts), so the results must equal dense
 * PCA (solver 'full', a float64 SVD of X_c, which test/models/decomposition/pca.test.ts checks
 * against scikit-learn) on toDense() of the same matrix; transform of a CsrMatrix equals
 * transform of its dense form; the saved form round-trips; dense input never passes through here
 * unless solver 'lanczos' is asked for.
 */
import { describe, expect, it, vi } from 'vitest';
import { ShapeError } from '../../../src/errors.js';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { centredOperator, centredSpectrum } from '../../../src/models/decomposition/centred-spectrum.js';
import { dataOperator, type DataOperator } from '../../../src/models/decomposition/linear-operator.js';
import { CsrMatrix } from '../../../src/sparse/csr.js';
import { Rng } from '../../../src/random/rng.js';

/** A random n×d CsrMatrix of the given density; columns in `empty` hold no entries. */
function randomCsr(n: number, d: number, density: number, seed: number, empty: readonly number[] = []): CsrMatrix {
  const rng = new Rng(seed);
  const u = new Float64Array(1);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      rng.fillUniform(u);
      if (u[0] < density && !empty.includes(j)) {
        rows.push(i);
        cols.push(j);
        rng.fillUniform(u);
        vals.push(4 * u[0] - 1 + (j % 3)); // column-dependent offsets, so the means matter
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

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('PCA.fit(CsrMatrix) equals dense PCA on toDense()', () => {
  const cases: Array<[number, number, number, number, number[]]> = [
    // n, d, density, k, empty columns
    [40, 17, 0.3, 5, [3, 11]],
    [17, 40, 0.25, 6, [0]],
    [2, 7, 0.6, 1, []],
    [33, 9, 0.4, 9, [8]], // k = min(N, D): the whole spectrum
    [9, 33, 0.3, 9, [1, 2]], // k = N: the rank of X_c is N − 1, its last variance 0
    [61, 23, 0.1, 7, []],
  ];
  for (const [n, d, density, k, empty] of cases) {
    it(`${n}×${d}, density ${density}, k = ${k}`, () => {
      const X = randomCsr(n, d, density, n * 1000 + d, empty);
      const sparse = new PCA({ nComponents: k }).fit(X);
      const dense = new PCA({ nComponents: k, solver: 'full' }).fit(X.toDense());
      expect(sparse.fittedWith).toEqual({ solver: 'lanczos', precision: 'float64' });
      const scale = dense.explainedVariance[0];
      expect(maxAbsDiff(sparse.explainedVariance, dense.explainedVariance) / scale).toBeLessThan(1e-10);
      expect(maxAbsDiff(sparse.singularValues, dense.singularValues) / dense.singularValues[0]).toBeLessThan(1e-10);
      expect(Math.abs(sparse.totalVariance - dense.totalVariance) / dense.totalVariance).toBeLessThan(1e-12);
      expect(Math.abs(sparse.noiseVariance - dense.noiseVariance) / scale).toBeLessThan(1e-10);
      expect(maxAbsDiff(sparse.mean, dense.mean)).toBeLessThan(1e-13);
      // Components with (numerically) zero variance are any basis of the null space: compare
      // only those with variance.
      const kv = Array.from(dense.explainedVariance).filter((v) => v > 1e-10 * scale).length;
      const dd = X.shape[1];
      expect(maxAbsDiff(sparse.components.data.slice(0, kv * dd), dense.components.data.slice(0, kv * dd))).toBeLessThan(1e-8);
      const zs = sparse.transform(X).data.slice();
      const zd = sparse.transform(X.toDense()).data;
      expect(maxAbsDiff(zs, zd) / Math.max(maxAbs(zd), 1)).toBeLessThan(1e-12);
    });
  }

  it('whitened fitTransform of a CsrMatrix equals the dense whitened scores', () => {
    const X = randomCsr(50, 20, 0.2, 7);
    const zs = new PCA({ nComponents: 4, whiten: true }).fitTransform(X);
    const zd = new PCA({ nComponents: 4, whiten: true, solver: 'full' }).fitTransform(X.toDense());
    expect(maxAbsDiff(zs.data, zd.data)).toBeLessThan(1e-8);
  });

  it("solver 'randomized' on a CsrMatrix: exact when k + nOversamples covers min(N, D)", () => {
    const X = randomCsr(30, 12, 0.3, 5, [4]);
    const sparse = new PCA({ nComponents: 3, solver: 'randomized' }).fit(X);
    const dense = new PCA({ nComponents: 3, solver: 'full' }).fit(X.toDense());
    expect(sparse.fittedWith.solver).toBe('randomized');
    expect(maxAbsDiff(sparse.explainedVariance, dense.explainedVariance) / dense.explainedVariance[0]).toBeLessThan(1e-10);
    expect(maxAbsDiff(sparse.components.data, dense.components.data)).toBeLessThan(1e-8);
  });

  it("dense input with solver 'lanczos' equals 'full'", () => {
    const X = randomCsr(45, 14, 0.5, 9).toDense();
    const l = new PCA({ nComponents: 4, solver: 'lanczos' }).fit(X);
    const f = new PCA({ nComponents: 4, solver: 'full' }).fit(X);
    expect(l.fittedWith.solver).toBe('lanczos');
    expect(maxAbsDiff(l.explainedVariance, f.explainedVariance) / f.explainedVariance[0]).toBeLessThan(1e-10);
    expect(maxAbsDiff(l.components.data, f.components.data)).toBeLessThan(1e-8);
  });

  it('save/load of a sparse fit is unchanged: same bytes, same scores', () => {
    const X = randomCsr(25, 11, 0.3, 3);
    const pca = new PCA({ nComponents: 3 }).fit(X);
    const again = PCA.fromJSON(JSON.stringify(pca.toJSON()));
    expect(again.fittedWith.solver).toBe('lanczos');
    expect(Array.from(again.components.data)).toEqual(Array.from(pca.components.data));
    expect(Array.from(again.transform(X).data)).toEqual(Array.from(pca.transform(X).data));
    expect(Array.from(PCA.fromBytes(pca.toBytes()).explainedVariance)).toEqual(Array.from(pca.explainedVariance));
  });
});

describe('PCA on a CsrMatrix: errors', () => {
  const X = randomCsr(10, 6, 0.4, 1);
  it("'full' and 'covariance' ask for a dense matrix", () => {
    expect(() => new PCA({ nComponents: 2, solver: 'full' }).fit(X)).toThrow(/solver 'full' needs a dense matrix, but X is a CsrMatrix of shape \[10, 6\]; pass X.toDense\(\)/);
    expect(() => new PCA({ nComponents: 2, solver: 'covariance' }).fit(X)).toThrow(/solver 'covariance' needs a dense matrix/);
  });
  it('a fraction of variance needs an integer nComponents', () => {
    expect(() => new PCA({ nComponents: 0.9 }).fit(X)).toThrow(/needs an integer nComponents/);
    expect(() => new PCA({ nComponents: 0.9, solver: 'lanczos' })).toThrow(/not 'lanczos'/);
  });
  it('too many components, one row, a wrong width', () => {
    expect(() => new PCA({ nComponents: 7 }).fit(X)).toThrow(/nComponents must be <= min\(nSamples, nFeatures\) = 6 \(got 7\)/);
    expect(() => new PCA({ nComponents: 1 }).fit(randomCsr(1, 5, 1, 2))).toThrow(ShapeError);
    const pca = new PCA({ nComponents: 2 }).fit(X);
    expect(() => pca.transform(randomCsr(3, 5, 0.5, 4))).toThrow(/PCA.transform/);
  });
});

describe('the dense centred matrix is never formed', () => {
  it('5000 × 2000 at 0.5% density: Lanczos on the implicitly centred CSR operator, no toDense', () => {
    const X = randomCsr(5000, 2000, 0.005, 11);
    const toDense = vi.spyOn(CsrMatrix.prototype, 'toDense');
    let calls = 0;
    let widest = 0;
    const observe = (op: DataOperator): void => {
      const { mul, mulT } = op;
      op.mul = (B, p) => { calls++; widest = Math.max(widest, p); return mul(B, p); };
      op.mulT = (B, p) => { calls++; widest = Math.max(widest, p); return mulT(B, p); };
    };
    const settings = { nComponents: 5, solver: 'auto' as const, precision: 'auto' as const, nOversamples: 10, nPowerIterations: 'auto' as const, seed: 0 };
    const sp = centredSpectrum(X, 'PCA.fit', settings, 'lanczos', observe);
    expect(calls).toBeGreaterThan(0);
    expect(widest).toBe(1); // matrix-vector products only: nothing 5000×2000 is ever held
    const pca = new PCA({ nComponents: 5 }).fit(X);
    expect(toDense).not.toHaveBeenCalled();
    toDense.mockRestore();
    expect(Array.from(pca.explainedVariance)).toEqual(Array.from(sp.explainedVariance));
    // The operator is X − 1μᵀ: its products agree with the centred dense rows on a slice.
    const small = randomCsr(7, 5, 0.5, 12);
    const mean = Float64Array.from({ length: 5 }, (_, j) => {
      let s = 0;
      for (let i = 0; i < 7; i++) s += small.toDense().data[i * 5 + j] as number;
      return s / 7;
    });
    const xc = Float64Array.from(small.toDense().data, (v, idx) => v - mean[idx % 5]);
    const op = centredOperator(dataOperator(small, 'test'), mean);
    const b = Float64Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)); // 5×2
    const want = new Float64Array(14);
    for (let i = 0; i < 7; i++) for (let c = 0; c < 2; c++) for (let j = 0; j < 5; j++) want[i * 2 + c] += xc[i * 5 + j] * b[j * 2 + c];
    expect(maxAbsDiff(op.mul(b, 2), want)).toBeLessThan(1e-13);
    const bt = Float64Array.from({ length: 14 }, (_, i) => Math.cos(i));
    const wantT = new Float64Array(10);
    for (let j = 0; j < 5; j++) for (let c = 0; c < 2; c++) for (let i = 0; i < 7; i++) wantT[j * 2 + c] += xc[i * 5 + j] * bt[i * 2 + c];
    expect(maxAbsDiff(op.mulT(bt, 2), wantT)).toBeLessThan(1e-13);
  });
});

describe('PPCA.fit(CsrMatrix): the closed form on the implicitly centred matrix', () => {
  for (const [n, d, k] of [[40, 13, 3], [11, 30, 4], [2, 5, 1]] as const) {
    it(`${n}×${d}, k = ${k}: W, μ, σ² equal the dense closed form on toDense()`, () => {
      const X = randomCsr(n, d, 0.3, n + 7 * d, [2]);
      const sparse = new PPCA({ nComponents: k }).fit(X);
      const dense = new PPCA({ nComponents: k }).fit(X.toDense());
      expect(Math.abs(sparse.noiseVariance - dense.noiseVariance) / dense.noiseVariance).toBeLessThan(1e-10);
      expect(maxAbsDiff(sparse.mean, dense.mean)).toBeLessThan(1e-13);
      expect(maxAbsDiff(sparse.components.data, dense.components.data) / maxAbs(dense.components.data)).toBeLessThan(1e-8);
      const Y = X.toDense();
      expect(Math.abs(sparse.score(Y) - dense.score(Y)) / Math.abs(dense.score(Y))).toBeLessThan(1e-10);
    });
  }
  it("method 'em' and k ≥ nFeatures on a CsrMatrix throw, naming the way out", () => {
    const X = randomCsr(10, 6, 0.4, 1);
    expect(() => new PPCA({ nComponents: 2, method: 'em' }).fit(X)).toThrow(/method 'em' needs a dense matrix, but X is a CsrMatrix of shape \[10, 6\].*PCA \/ TruncatedSVD/);
    expect(() => new PPCA({ nComponents: 6 }).fit(X)).toThrow(/nComponents < nFeatures \(got 6 ≥ 6\)/);
  });
});
