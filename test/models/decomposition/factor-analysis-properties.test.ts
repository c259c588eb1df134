/**
 * FactorAnalysis identities on random factor data (fast-check): the Woodbury precision inverts
 * the covariance, the EM log-likelihood never decreases, Ψ stays positive (also when a constant
 * feature drives it to the floor), and the likelihood is invariant to the rotation.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { Rng } from '../../../src/random/rng.js';
import { seedArb } from '../../helpers/arbitraries.js';

/** n rows of x = L·z + μ + diag(noise)·ε with k factors; loadings up to 3, noise sd in [0.2, 1.5]. */
function factorData(n: number, d: number, k: number, seed: number): { data: Float64Array; shape: [number, number] } {
  const rng = new Rng(seed);
  const l = new Float64Array(k * d);
  for (let i = 0; i < l.length; i++) l[i] = 3 * rng.normal();
  const sd = Float64Array.from({ length: d }, () => 0.2 + 1.3 * rng.uniform());
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Float64Array.from({ length: k }, () => rng.normal());
    for (let j = 0; j < d; j++) {
      let v = 10 * (j - d / 2) + sd[j] * rng.normal();
      for (let q = 0; q < k; q++) v += l[q * d + j] * z[q];
      data[i * d + j] = v;
    }
  }
  return { data, shape: [n, d] };
}

const caseArb = fc
  .record({ d: fc.integer({ min: 2, max: 9 }), kPick: fc.nat(), extra: fc.integer({ min: 0, max: 40 }), seed: seedArb })
  .map(({ d, kPick, extra, seed }) => {
    const k = 1 + (kPick % Math.max(1, Math.floor(d / 2)));
    return { d, k, n: 4 * d + 10 + extra, seed };
  });

describe('FactorAnalysis properties', () => {
  it('getPrecision · getCovariance = I', () => {
    fc.assert(
      fc.property(caseArb, ({ d, k, n, seed }) => {
        const fa = new FactorAnalysis({ nComponents: k, svdMethod: 'lapack' }).fit(factorData(n, d, k, seed));
        const c = fa.getCovariance().data;
        const p = fa.getPrecision().data;
        // The error bound scales with the condition number, ≤ max C / min Ψ.
        let cmax = 0;
        for (let i = 0; i < d; i++) cmax = Math.max(cmax, c[i * d + i]);
        const cond = cmax / Math.min(...fa.noiseVariance);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let t = 0; t < d; t++) s += p[i * d + t] * c[t * d + j];
            expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-13 * d * cond + 1e-12);
          }
        }
      }),
      { numRuns: 60, seed: 1901 },
    );
  });

  it('loglike never decreases (beyond rounding), and Ψ > 0', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), ({ d, k, n, seed }, constant) => {
        const x = factorData(n, d, k, seed);
        if (constant) for (let i = 0; i < n; i++) x.data[i * d] = 7; // ψ₀ goes to the floor
        const fa = new FactorAnalysis({ nComponents: k, svdMethod: 'lapack', tol: 0, maxIter: 60 }).fit(x);
        const ll = fa.loglike;
        for (let i = 1; i < ll.length; i++) expect(ll[i], `iteration ${i}`).toBeGreaterThanOrEqual(ll[i - 1] - 1e-9 * Math.abs(ll[i - 1]));
        for (const v of fa.noiseVariance) expect(v).toBeGreaterThan(0);
        if (constant) expect(fa.noiseVariance[0]).toBe(1e-12);
      }),
      { numRuns: 60, seed: 1902 },
    );
  });

  it('varimax and quartimax leave Ψ and the likelihood unchanged and keep WᵀW', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom('varimax' as const, 'quartimax' as const), ({ d, k, n, seed }, rotation) => {
        const x = factorData(n, d, k, seed);
        const plain = new FactorAnalysis({ nComponents: k, svdMethod: 'lapack' }).fit(x);
        const rot = new FactorAnalysis({ nComponents: k, svdMethod: 'lapack', rotation }).fit(x);
        expect(Array.from(rot.noiseVariance)).toEqual(Array.from(plain.noiseVariance));
        expect(Math.abs(rot.score(x) - plain.score(x))).toBeLessThan(1e-10 * Math.abs(plain.score(x)) + 1e-10);
        const a = plain.getCovariance().data;
        const b = rot.getCovariance().data;
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-10 * (Math.abs(a[i]) + 1));
      }),
      { numRuns: 40, seed: 1903 },
    );
  });
});
