/**
 * FastICA against scikit-learn 1.2.1 (fixture from scripts/fixtures/fast-ica.py), source
 * separation on known signals, whitening, bad inputs and the save/load round trip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { FastICA } from '../../../src/models/decomposition/fast-ica.js';
import { FormatError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { Rng } from '../../../src/random/rng.js';
import type { FastICAFun, FastICAWhiten, FastICAWhitenSolver, FastICAAlgorithm } from '../../../src/models/decomposition/fast-ica.js';

interface IcaCase {
  algorithm: FastICAAlgorithm; fun: FastICAFun; alpha: number; whiten: FastICAWhiten; whitenSolver: FastICAWhitenSolver;
  nComponents: number | null; maxIter: number; tol: number; wInit: number[][]; components: number[][]; unmixing: number[][];
  whitening: number[][] | null; mean: number[] | null; mixing: number[][]; nIter: number; converged: boolean; sources: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/decomposition/fast-ica.json', import.meta.url), 'utf8')) as {
  X: number[][]; X3: number[][]; cases: IcaCase[];
};

const flat = (a: number[][]): Float64Array => Float64Array.from(a.flat());
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function fromCase(c: IcaCase): FastICA {
  return new FastICA({
    algorithm: c.algorithm, fun: c.fun, alpha: c.alpha, whiten: c.whiten, whitenSolver: c.whitenSolver,
    ...(c.nComponents === null ? {} : { nComponents: c.nComponents }), maxIter: c.maxIter, tol: c.tol, wInit: c.wInit,
  });
}

/** Amari distance (Amari, Cichocki & Yang 1996) of P = W·A, normalised to [0, 1]: 0 iff P is a scaled permutation. */
function amari(p: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    let row = 0; let max = 0;
    for (let j = 0; j < k; j++) { const v = Math.abs(p[i * k + j]); row += v; max = Math.max(max, v); }
    s += row / max - 1;
  }
  for (let j = 0; j < k; j++) {
    let col = 0; let max = 0;
    for (let i = 0; i < k; i++) { const v = Math.abs(p[i * k + j]); col += v; max = Math.max(max, v); }
    s += col / max - 1;
  }
  return s / (2 * k * (k - 1));
}

describe('FastICA against scikit-learn 1.2.1', () => {
  for (const c of fixture.cases) {
    const name = `${c.algorithm}, ${c.fun}, whiten ${String(c.whiten)}, ${c.whitenSolver}`;
    it(`${name}: same unmixing to 1e-6 with the same wInit`, () => {
      const X = c.whiten === false ? fixture.X3 : fixture.X;
      const ica = fromCase(c).fit(X);
      expect(ica.nIter).toBe(c.nIter);
      expect(ica.converged).toBe(c.converged);
      // The issue asks for 1e-6; measured: ≤ 6e-12 (the same steps in the same order).
      expect(maxDiff(ica.components.data, flat(c.components))).toBeLessThan(1e-9);
      expect(maxDiff(ica.unmixing.data, flat(c.unmixing))).toBeLessThan(1e-9);
      expect(maxDiff(ica.mixing.data, flat(c.mixing))).toBeLessThan(1e-9);
      expect(maxDiff(ica.transform(X.slice(0, 5)).data, flat(c.sources))).toBeLessThan(1e-9);
      if (c.whitening !== null) {
        expect(maxDiff(ica.whitening!.data, flat(c.whitening))).toBeLessThan(1e-9);
        expect(maxDiff(ica.mean, c.mean!)).toBeLessThan(1e-12);
      } else {
        expect(ica.whitening).toBeNull();
      }
    });
  }
});

/** Sine, square and Laplace sources (n = 2000), mixed by a fixed 3×3 A. */
function cocktail(): { X: number[][]; A: Float64Array } {
  const rng = new Rng(5);
  const A = Float64Array.of(1, 1, 1, 0.5, 2, 1, 1.5, 1, 2);
  const X: number[][] = [];
  for (let t = 0; t < 2000; t++) {
    const u = rng.uniform() - 0.5;
    const s = [Math.sin(t / 20), Math.sign(Math.sin(t / 31)) || 1, -Math.sign(u) * Math.log(1 - 2 * Math.abs(u))];
    X.push([0, 1, 2].map((i) => A[i * 3] * s[0] + A[i * 3 + 1] * s[1] + A[i * 3 + 2] * s[2]));
  }
  return { X, A };
}

describe('FastICA separates known non-Gaussian sources', () => {
  const { X, A } = cocktail();
  for (const algorithm of ['parallel', 'deflation'] as const) {
    for (const fun of ['logcosh', 'exp', 'cube'] as const) {
      it(`${algorithm}, ${fun}: Amari distance of components·A below 0.05`, () => {
        const ica = new FastICA({ algorithm, fun, seed: 3, maxIter: 1000, tol: 1e-8 }).fit(X);
        expect(ica.converged).toBe(true);
        const c = ica.components.data;
        const p = new Float64Array(9);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let q = 0; q < 3; q++) p[i * 3 + j] += c[i * 3 + q] * A[q * 3 + j];
        // Not 0: the finite samples of the three signals are not exactly independent (parallel reaches ~0.01, deflation ~0.03).
        expect(amari(p, 3)).toBeLessThan(0.05);
      });
    }
  }

  it('unit-variance sources have zero mean and identity covariance; k = d reconstructs X', () => {
    const ica = new FastICA({ seed: 1 }).fit(X);
    const S = ica.transform(X).data;
    const n = X.length;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += S[i * 3 + a] * S[i * 3 + b];
        expect(Math.abs(s / n - (a === b ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
    expect(maxDiff(ica.reconstruct(X).data, Float64Array.from(X.flat()))).toBeLessThan(1e-9);
  });

  it('reports the sources separable here, and not on Gaussian data', () => {
    const ica = new FastICA({ seed: 2 }).fit(X);
    expect(ica.separable).toBe(true);
    expect(Math.min(...ica.sourceKurtosis.map(Math.abs))).toBeGreaterThan(0.5);
    const rng = new Rng(9);
    const G = Array.from({ length: 4000 }, () => { const a = rng.normal(); const b = rng.normal(); const c = rng.normal(); return [a + b, b - c, a + 2 * c]; });
    const gauss = new FastICA({ seed: 2 }).fit(G);
    expect(gauss.separable).toBe(false);
    for (const v of gauss.sourceKurtosis) expect(Math.abs(v)).toBeLessThan(3 * Math.sqrt(24 / 4000));
  });

  it('the signs are deterministic: each row of components has a positive largest-magnitude entry', () => {
    const a = new FastICA({ seed: 'x' }).fit(X).components;
    const b = new FastICA({ seed: 'x' }).fit(X).components;
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    for (let q = 0; q < 3; q++) {
      const row = Array.from(a.data.slice(q * 3, q * 3 + 3));
      const big = row.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(big).toBeGreaterThan(0);
    }
  });
});

describe('FastICA whitening (property)', () => {
  it('√n·K(x − μ) has identity covariance, for random data and any k ≤ d', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('svd', 'eigh'),
        (d, kPick, seed, whitenSolver: FastICAWhitenSolver) => {
          const k = 1 + (kPick % d);
          const rng = new Rng(seed);
          const n = 40;
          const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() ** 3 + rng.normal()));
          const ica = new FastICA({ nComponents: k, whitenSolver, whiten: 'arbitrary-variance', seed, maxIter: 5 }).fit(X);
          const K = ica.whitening!.data;
          const mu = ica.mean;
          const Z = X.map((row) => Array.from({ length: k }, (_, q) => Math.sqrt(n) * row.reduce((s, v, j) => s + K[q * d + j] * (v - mu[j]), 0)));
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const cov = Z.reduce((s, z) => s + z[a] * z[b], 0) / n;
              expect(Math.abs(cov - (a === b ? 1 : 0))).toBeLessThan(1e-8);
            }
          }
        }),
      { numRuns: 40 },
    );
  });
});

describe('FastICA bad inputs', () => {
  const { X } = cocktail();
  it('rejects unknown options, bad values and wInit shapes', () => {
    expect(() => new FastICA({ algoritm: 'parallel' } as never)).toThrow(/unknown option 'algoritm'; did you mean 'algorithm'/);
    expect(() => new FastICA({ fun: 'tanh' as never })).toThrow(/fun must be one of 'logcosh', 'exp', 'cube'/);
    expect(() => new FastICA({ whiten: true as never })).toThrow(/whiten must be one of/);
    expect(() => new FastICA({ alpha: 3 })).toThrow(/alpha must be a finite number >= 1 and <= 2/);
    expect(() => new FastICA({ nComponents: 2, wInit: [[1, 0, 0]] })).toThrow(ShapeError);
    expect(() => new FastICA({ whiten: false, nComponents: 2 })).toThrow(/nComponents must be left out with whiten: false/);
    expect(() => new FastICA({ wInit: [[1, 0], [0, 1]] }).fit(X)).toThrow(/wInit must be \[3, 3\]/);
  });
  it('rejects nComponents > min(nSamples, nFeatures), a constant column, rank deficiency, NaN, one row', () => {
    expect(() => new FastICA({ nComponents: 4 }).fit(X)).toThrow(/nComponents must be <= min\(nSamples, nFeatures\) = 3 \(got 4\)/);
    expect(() => new FastICA().fit(X.map((r) => [r[0], 7, r[2]]))).toThrow(/column 1 of X is constant \(7\)/);
    expect(() => new FastICA().fit(X.map((r) => [r[0], 2 * r[0], r[2]]))).toThrow(/fewer than nComponents = 3/);
    expect(() => new FastICA().fit([[1, NaN], [2, 3], [3, 1]])).toThrow(/NaN/);
    expect(() => new FastICA().fit([[1, 2]])).toThrow(/FastICA.fit/);
  });
  it('rejects use before fit and wrong widths', () => {
    expect(() => new FastICA().transform(X)).toThrow(NotFittedError);
    const ica = new FastICA({ nComponents: 2 }).fit(X);
    expect(() => ica.transform([[1, 2]])).toThrow(/X has 2 features, but FastICA was fitted with 3/);
    expect(() => ica.inverseTransform([[1, 2, 3]])).toThrow(/S has 3 columns, but FastICA was fitted with 2 sources/);
  });
});

describe('FastICA save/load', () => {
  const { X } = cocktail();
  it('round-trips bit for bit through bytes and JSON, fitted or not, with wInit', () => {
    const ica = new FastICA({ nComponents: 2, fun: 'exp', wInit: [[1, 2], [3, 4]] }).fit(X);
    for (const again of [FastICA.fromBytes(ica.toBytes()), FastICA.fromJSON(JSON.stringify(ica.toJSON()))]) {
      expect(again.options).toEqual(ica.options);
      expect(Array.from(again.transform(X).data)).toEqual(Array.from(ica.transform(X).data));
      expect(Array.from(again.mixing.data)).toEqual(Array.from(ica.mixing.data));
      expect([again.nIter, again.converged, again.separable]).toEqual([ica.nIter, ica.converged, ica.separable]);
      expect(Array.from(again.sourceKurtosis)).toEqual(Array.from(ica.sourceKurtosis));
    }
    const raw = new FastICA({ whiten: false });
    expect(FastICA.fromBytes(raw.toBytes()).isFitted).toBe(false);
    const white = new FastICA({ whiten: false }).fit(X);
    expect(FastICA.fromBytes(white.toBytes()).whitening).toBeNull();
  });
  it('rejects a foreign or broken state', () => {
    const state = new FastICA().fit(X).toState();
    expect(() => FastICA.fromState({ ...state, type: 'PCA' })).toThrow(FormatError);
    expect(() => FastICA.fromState({ ...state, config: { ...state.config, options: { fun: 'nope' } } })).toThrow(/config.options' is invalid/);
  });
});
