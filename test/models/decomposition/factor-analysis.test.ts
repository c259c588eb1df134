/**
 * FactorAnalysis against scikit-learn 1.2.1 (fixture from scripts/fixtures/fast-ica.py), its
 * identities (Woodbury, non-decreasing likelihood, the PPCA limit), bad inputs and save/load.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { FormatError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { Rng } from '../../../src/random/rng.js';
import type { FactorRotation } from '../../../src/models/decomposition/factor-analysis.js';

interface FaCase {
  nComponents: number; rotation: FactorRotation; tol: number; noiseVarianceInit: number[] | null; components: number[][];
  noiseVariance: number[]; loglike: number[]; nIter: number; mean: number[]; converged: boolean; score: number;
  scoreSamples: number[]; transform: number[][]; covariance: number[][]; precision: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/decomposition/factor-analysis.json', import.meta.url), 'utf8')) as {
  X: number[][]; cases: FaCase[];
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const flat = (a: number[][]): number[] => a.flat();

describe('FactorAnalysis against scikit-learn 1.2.1 (svd_method lapack)', () => {
  const X = fixture.X;
  for (const c of fixture.cases) {
    it(`k = ${c.nComponents}, rotation ${String(c.rotation)}, tol ${c.tol}${c.noiseVarianceInit ? ', Ψ₀ given' : ''}`, () => {
      const fa = new FactorAnalysis({
        nComponents: c.nComponents, tol: c.tol, rotation: c.rotation, ...(c.noiseVarianceInit ? { noiseVarianceInit: c.noiseVarianceInit } : {}),
      }).fit(X);
      expect(fa.nIter).toBe(c.nIter);
      expect(fa.converged).toBe(c.converged);
      // The issue asks for 1e-6; measured: loglike (about −1500) ≤ 2e-12, everything else ≤ 1e-12.
      expect(maxDiff(fa.loglike, c.loglike)).toBeLessThan(1e-9);
      expect(Math.abs(fa.score(X) - c.score)).toBeLessThan(1e-6);
      expect(maxDiff(fa.scoreSamples(X.slice(0, 5)).data, c.scoreSamples)).toBeLessThan(1e-6);
      // Components (sign-fixed on both sides), Ψ, posterior means, covariance and precision.
      expect(maxDiff(fa.components.data, flat(c.components))).toBeLessThan(1e-9);
      expect(maxDiff(fa.noiseVariance, c.noiseVariance)).toBeLessThan(1e-6);
      expect(maxDiff(fa.mean, c.mean)).toBeLessThan(1e-12);
      expect(maxDiff(fa.transform(X.slice(0, 5)).data, flat(c.transform))).toBeLessThan(1e-9);
      expect(maxDiff(fa.getCovariance().data, flat(c.covariance))).toBeLessThan(1e-6);
      expect(maxDiff(fa.getPrecision().data, flat(c.precision))).toBeLessThan(1e-6);
    });
  }
});

/** n rows of a random k-factor model in d features with unequal noise. */
function factorData(n: number, d: number, k: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const L = Array.from({ length: k * d }, () => rng.normal());
  const noise = Array.from({ length: d }, () => 0.1 + rng.uniform());
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: k }, () => rng.normal());
    return Array.from({ length: d }, (_, j) => z.reduce((s, v, q) => s + v * L[q * d + j], 0) + Math.sqrt(noise[j]) * rng.normal() + 3);
  });
}

describe('FactorAnalysis identities (property)', () => {
  const arb = fc.record({ d: fc.integer({ min: 2, max: 7 }), kPick: fc.nat(), seed: fc.integer({ min: 0, max: 10000 }) })
    .map(({ d, kPick, seed }) => ({ d, k: 1 + (kPick % d), seed }));

  it('getPrecision·getCovariance = I (Woodbury), and loglike never decreases', () => {
    fc.assert(
      fc.property(arb, ({ d, k, seed }) => {
        const fa = new FactorAnalysis({ nComponents: k, tol: 1e-10, maxIter: 200 }).fit(factorData(30, d, Math.min(k, 2), seed));
        const p = fa.getPrecision().data;
        const c = fa.getCovariance().data;
        let cond = 0;
        for (let i = 0; i < d; i++) cond = Math.max(cond, c[i * d + i]);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let m = 0; m < d; m++) s += p[i * d + m] * c[m * d + j];
            expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-8 * Math.max(1, cond / Math.min(...fa.noiseVariance)));
          }
        }
        const ll = fa.loglike;
        for (let t = 1; t < ll.length; t++) expect(ll[t]).toBeGreaterThanOrEqual(ll[t - 1] - 1e-9 * Math.abs(ll[t - 1]));
      }),
      { numRuns: 40 },
    );
  });

  it('score equals the dense Gaussian log-density of WᵀW + Ψ', () => {
    const X = factorData(50, 5, 2, 4);
    const fa = new FactorAnalysis({ nComponents: 2, tol: 1e-8 }).fit(X);
    const c = fa.getCovariance().data;
    const p = fa.getPrecision().data;
    // ln|C| from a Cholesky factor of the dense C.
    const d = 5;
    const l = Float64Array.from(c);
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      for (let m = 0; m < j; m++) l[j * d + j] -= l[j * d + m] ** 2;
      const piv = Math.sqrt(l[j * d + j]);
      logDet += 2 * Math.log(piv);
      l[j * d + j] = piv;
      for (let i = j + 1; i < d; i++) {
        for (let m = 0; m < j; m++) l[i * d + j] -= l[i * d + m] * l[j * d + m];
        l[i * d + j] /= piv;
      }
    }
    const mu = fa.mean;
    const dense = X.map((x) => {
      const r = x.map((v, j) => v - mu[j]);
      let q = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += r[i] * p[i * d + j] * r[j];
      return -0.5 * (d * Math.log(2 * Math.PI) + logDet + q);
    });
    expect(maxDiff(fa.scoreSamples(X).data, dense)).toBeLessThan(1e-10);
  });

  it('with Ψ isotropic (equal noise, exact PPCA data) the likelihood is PPCA\'s to 1e-3', () => {
    // FA's Ψ is free, so it only approaches PPCA's σ²I: on data whose noise is isotropic the two
    // maximum likelihoods differ by the small sampling spread of the per-feature noise.
    const rng = new Rng(8);
    const X = Array.from({ length: 4000 }, () => {
      const z = [rng.normal(), rng.normal()];
      return [0, 1, 2, 3, 4].map((j) => z[0] * (j + 1) + z[1] * (2 - j) + 0.5 * rng.normal());
    });
    const fa = new FactorAnalysis({ nComponents: 2, tol: 1e-10 }).fit(X);
    const ppca = new PPCA({ nComponents: 2 }).fit(X);
    expect(Math.abs(fa.score(X) - ppca.score(X))).toBeLessThan(1e-3);
    expect(fa.score(X)).toBeGreaterThanOrEqual(ppca.score(X) - 1e-9);
  });

  it('varimax and quartimax leave the covariance and the likelihood unchanged', () => {
    const X = factorData(80, 6, 3, 2);
    const plain = new FactorAnalysis({ nComponents: 3, tol: 1e-8 }).fit(X);
    for (const rotation of ['varimax', 'quartimax'] as const) {
      const rot = new FactorAnalysis({ nComponents: 3, tol: 1e-8, rotation }).fit(X);
      expect(maxDiff(rot.getCovariance().data, plain.getCovariance().data)).toBeLessThan(1e-10);
      expect(Math.abs(rot.score(X) - plain.score(X))).toBeLessThan(1e-10);
    }
  });
});

describe('FactorAnalysis bad inputs', () => {
  const X = factorData(20, 4, 2, 1);
  it('rejects unknown options and bad values', () => {
    expect(() => new FactorAnalysis({ rotaton: 'varimax' } as never)).toThrow(/unknown option 'rotaton'; did you mean 'rotation'/);
    expect(() => new FactorAnalysis({ rotation: 'promax' as never })).toThrow(/rotation must be one of 'varimax', 'quartimax'/);
    expect(() => new FactorAnalysis({ svdMethod: 'lapack' } as never)).toThrow(/unknown option 'svdMethod'/);
    expect(() => new FactorAnalysis({ nComponents: 0 })).toThrow(/nComponents must be an integer >= 1/);
    expect(() => new FactorAnalysis({ noiseVarianceInit: [1, -1] })).toThrow(/noiseVarianceInit\[1\] must be a finite number > 0/);
    expect(() => new FactorAnalysis({ noiseVarianceInit: 3 as never })).toThrow(/noiseVarianceInit must be an array/);
  });
  it('rejects nComponents > nFeatures, wrong Ψ₀ length, NaN, one row, wrong widths, use before fit', () => {
    expect(() => new FactorAnalysis({ nComponents: 5 }).fit(X)).toThrow(/nComponents must be <= nFeatures = 4 \(got 5\)/);
    expect(() => new FactorAnalysis({ noiseVarianceInit: [1, 1] }).fit(X)).toThrow(ShapeError);
    expect(() => new FactorAnalysis().fit([[1, NaN], [1, 2]])).toThrow(/NaN/);
    expect(() => new FactorAnalysis().fit([[1, 2]])).toThrow(/FactorAnalysis.fit/);
    expect(() => new FactorAnalysis().score(X)).toThrow(NotFittedError);
    const fa = new FactorAnalysis({ nComponents: 2 }).fit(X);
    expect(() => fa.transform([[1, 2, 3]])).toThrow(/X has 3 features, but FactorAnalysis was fitted with 4/);
    expect(() => fa.inverseTransform([[1, 2, 3]])).toThrow(/Z has 3 columns, but FactorAnalysis was fitted with nComponents = 2/);
  });
});

describe('FactorAnalysis save/load', () => {
  const X = factorData(40, 5, 2, 3);
  it('round-trips bit for bit through bytes and JSON', () => {
    const fa = new FactorAnalysis({ nComponents: 2, rotation: 'varimax', noiseVarianceInit: [1, 2, 1, 2, 1] }).fit(X);
    for (const again of [FactorAnalysis.fromBytes(fa.toBytes()), FactorAnalysis.fromJSON(JSON.stringify(fa.toJSON()))]) {
      expect(again.options).toEqual(fa.options);
      expect(Array.from(again.scoreSamples(X).data)).toEqual(Array.from(fa.scoreSamples(X).data));
      expect(Array.from(again.transform(X).data)).toEqual(Array.from(fa.transform(X).data));
      expect(Array.from(again.loglike)).toEqual(Array.from(fa.loglike));
      expect(Array.from(again.sample(3, { seed: 1 }).data)).toEqual(Array.from(fa.sample(3, { seed: 1 }).data));
    }
    expect(FactorAnalysis.fromBytes(new FactorAnalysis().toBytes()).isFitted).toBe(false);
  });
  it('rejects a foreign or broken state', () => {
    const state = new FactorAnalysis({ nComponents: 2 }).fit(X).toState();
    expect(() => FactorAnalysis.fromState({ ...state, type: 'PPCA' })).toThrow(FormatError);
    const bad = { ...state, tensors: { ...state.tensors, noiseVariance: { shape: [5], data: new Float64Array(5) } } };
    expect(() => FactorAnalysis.fromState(bad)).toThrow(/noiseVariance' must be > 0/);
  });
});
