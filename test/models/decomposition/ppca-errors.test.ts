/**
 * PPCA bad inputs (docs/testing.md §3.2, table-driven), σ² = 0 data, companion properties and the
 * bit-exact save/load round trip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { ConvergenceError, FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { stateToJSON } from '../../../src/io/model-state.js';
import { seedArb } from '../../helpers/arbitraries.js';
import { allFinite, bytesOf, lowRankData, maxAbsDiff, normalMatrix, spectrumData } from './pca-fixtures.js';

const X5 = normalMatrix(12, 5, 'x5');
const fitted = (): PPCA => new PPCA({ nComponents: 2 }).fit(X5);

type Case = [string, () => unknown, new (...args: never[]) => Error, RegExp];

const cases: Case[] = [
  ['NaN in fit', () => new PPCA({ nComponents: 1 }).fit([[1, 2], [3, 4], [NaN, 6]]), NonFiniteError, /^PPCA\.fit: X contains NaN at \[row 2, col 0\]$/],
  ['Infinity in EM fit', () => new PPCA({ nComponents: 1, method: 'em' }).fit([[1, Infinity], [3, 4]]), NonFiniteError, /PPCA\.fit: X contains Infinity at \[row 0, col 1\]/],
  ['NaN in transform', () => fitted().transform([[0, 0, 0, NaN, 0]]), NonFiniteError, /PPCA\.transform: X contains NaN at \[row 0, col 3\]/],
  ['NaN in scoreSamples', () => fitted().scoreSamples([[0, 0, 0, 0, NaN]]), NonFiniteError, /PPCA\.scoreSamples: X contains NaN/],
  ['NaN in posterior', () => fitted().posterior([[NaN, 0, 0, 0, 0]]), NonFiniteError, /PPCA\.posterior: X contains NaN/],
  ['0 rows', () => new PPCA({ nComponents: 1 }).fit({ data: new Float64Array(0), shape: [0, 3] }), ShapeError, /PPCA\.fit: X must have at least 1 sample \(got shape \[0, 3\]\)/],
  ['0 columns', () => new PPCA({ nComponents: 1 }).fit([[], []]), ShapeError, /at least 1 feature/],
  ['1 sample (closed form)', () => new PPCA({ nComponents: 2 }).fit([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]), ShapeError, /PPCA\.fit: X has 1 sample \(shape \[1, 10\]\)/],
  ['1 sample (EM)', () => new PPCA({ nComponents: 2, method: 'em' }).fit([[1, 2, 3, 4]]), ShapeError, /1 sample/],
  ['1 sample (EM, missing)', () => new PPCA({ nComponents: 2, method: 'em', missing: 'nan' }).fit([[1, NaN, 3, 4]]), ShapeError, /1 sample/],
  ['1-D input', () => new PPCA({ nComponents: 1 }).fit([1, 2, 3] as unknown as number[][]), ShapeError, /must be 2-D/],
  ['ragged', () => new PPCA({ nComponents: 1 }).fit([[1, 2], [1]]), ShapeError, /X\[1\] has length 1, expected 2/],
  ['wrong width', () => fitted().scoreSamples([[1, 2, 3, 4]]), ShapeError, /^PPCA\.scoreSamples: X has 4 features, but PPCA was fitted with 5$/],
  ['wrong width in transform', () => fitted().transform([[1, 2, 3, 4, 5, 6]]), ShapeError, /X has 6 features, but PPCA was fitted with 5/],
  ['wrong width in inverseTransform', () => fitted().inverseTransform([[1, 2, 3]]), ShapeError, /Z has 3 columns, but PPCA was fitted with nComponents = 2/],
  ['before fit', () => new PPCA({ nComponents: 2 }).transform(X5), NotFittedError, /^PPCA is not fitted yet; call fit\(X\) first$/],
  ['components before fit', () => new PPCA({ nComponents: 2 }).components, NotFittedError, /PPCA is not fitted yet/],
  ['sample before fit', () => new PPCA({ nComponents: 2 }).sample(3), NotFittedError, /PPCA is not fitted yet/],
  ['precision before fit', () => new PPCA({ nComponents: 2 }).getPrecision(), NotFittedError, /PPCA is not fitted yet/],
  ['nComponents missing', () => new PPCA({} as never), RangeError, /PPCA: nComponents must be an integer >= 1 \(got undefined\)/],
  ['nComponents 0', () => new PPCA({ nComponents: 0 }), RangeError, /nComponents must be an integer >= 1 \(got 0\)/],
  ['nComponents 1.5', () => new PPCA({ nComponents: 1.5 }), RangeError, /got 1\.5/],
  ['nComponents = nFeatures', () => new PPCA({ nComponents: 5 }).fit(X5), RangeError, /^PPCA\.fit: PPCA requires nComponents < nFeatures \(got 5 ≥ 5\)$/],
  ['nComponents > nFeatures (EM)', () => new PPCA({ nComponents: 7, method: 'em' }).fit(X5), RangeError, /got 7 ≥ 5/],
  ['method unknown', () => new PPCA({ nComponents: 1, method: 'svd' as never }), RangeError, /method must be one of 'closed-form', 'em'/],
  ['maxIter 0', () => new PPCA({ nComponents: 1, maxIter: 0 }), RangeError, /maxIter must be an integer >= 1/],
  ['tol negative', () => new PPCA({ nComponents: 1, tol: -1 }), RangeError, /tol must be a finite number >= 0/],
  ['tol NaN', () => new PPCA({ nComponents: 1, tol: NaN }), RangeError, /tol must be a finite number/],
  ['seed float', () => new PPCA({ nComponents: 1, seed: 0.5 }), TypeError, /PPCA: seed must be an integer or a string/],
  ['unknown option', () => new PPCA({ nComponents: 1, n_components: 2 } as never), TypeError, /unknown option 'n_components'/],
  ['sample n negative', () => fitted().sample(-1), RangeError, /PPCA\.sample: n must be an integer >= 0/],
  ['zero variance', () => new PPCA({ nComponents: 1 }).fit([[3, 3], [3, 3], [3, 3]]), ConvergenceError, /PPCA\.fit: X has zero variance in every feature, so the PPCA likelihood is unbounded/],
  ['zero variance (EM)', () => new PPCA({ nComponents: 1, method: 'em' }).fit([[3, 3], [3, 3]]), ConvergenceError, /zero variance/],
  ['fromJSON wrong type', () => PPCA.fromJSON({ ...fitted().toJSON(), type: 'PCA' }), FormatError, /PPCA\.fromJSON: field 'type' is "PCA", expected 'PPCA'/],
  ['fromJSON bad σ²', () => {
    const s = fitted().toState();
    s.tensors.noiseVariance.data[0] = 0;
    return PPCA.fromJSON(stateToJSON(s));
  }, FormatError, /tensor 'noiseVariance' must be > 0 \(got 0\)/],
  ['fromState bad nComponents', () => {
    const s = fitted().toState();
    (s.config.fitted as Record<string, number>).nComponents = 5;
    return PPCA.fromState(s);
  }, FormatError, /field 'nComponents' is 5, but must be < nFeatures = 5/],
  ['fromState weights float32', () => {
    const s = fitted().toState();
    s.tensors.weights.data = Float32Array.from(s.tensors.weights.data);
    return PPCA.fromState(s);
  }, FormatError, /tensor 'weights' must be float64/],
];

describe('PPCA bad inputs (docs/testing.md §3.2)', () => {
  it.each(cases)('%s', (_name, run, cls, re) => {
    let caught: unknown;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(cls);
    expect((caught as Error).message).toMatch(re);
  });

  it('data exactly in a k-dimensional subspace: σ² is clamped to 1e-12 × mean variance, flagged, and the likelihood stays finite', () => {
    const X = lowRankData(30, 6, 2, 'flat');
    for (const method of ['closed-form', 'em'] as const) {
      const m = new PPCA({ nComponents: 2, method, maxIter: 200 }).fit(X);
      expect(m.noiseVarianceClamped).toBe(true);
      expect(m.noiseVariance).toBeGreaterThan(0);
      const ll = m.scoreSamples(X).data;
      expect(allFinite(ll)).toBe(true);
      expect(allFinite(m.getPrecision().data)).toBe(true);
      expect(allFinite(m.posterior(X).covariance.data)).toBe(true);
    }
    const noisy = new PPCA({ nComponents: 2 }).fit(spectrumData(30, 6, 'noisy', [4, 2], 0.5));
    expect(noisy.noiseVarianceClamped).toBe(false);
  });

  it('sample(0) is an empty [0, D] tensor', () => {
    expect(fitted().sample(0).shape).toEqual([0, 5]);
  });
});

describe('PPCA companion properties', () => {
  it('fit returns this; options unchanged; row subsets and order; refit idempotent; inputs never mutated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 20 }), fc.integer({ min: 2, max: 6 }), seedArb, fc.constantFrom('closed-form', 'em'), (n, d, seed, method) => {
        const X = normalMatrix(n, d, seed);
        const before = bytesOf(X.data);
        const m = new PPCA({ nComponents: 1, method, maxIter: 50, seed });
        const opts = JSON.stringify(m.options);
        expect(m.fit(X)).toBe(m);
        expect(JSON.stringify(m.options)).toBe(opts);
        expect(bytesOf(X.data)).toEqual(before);
        const ll = m.scoreSamples(X).data;
        const z = m.transform(X).data;
        const rows = [n - 1, 0];
        const sub = { data: new Float64Array(2 * d), shape: [2, d] };
        rows.forEach((r, i) => sub.data.set(X.data.subarray(r * d, r * d + d), i * d));
        const llSub = m.scoreSamples(sub).data;
        const zSub = m.transform(sub).data;
        rows.forEach((r, i) => {
          expect(Math.abs(llSub[i] - ll[r])).toBeLessThanOrEqual(1e-12 * Math.abs(ll[r]));
          expect(Math.abs(zSub[i] - z[r])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(z[r])));
        });
        const again = new PPCA({ nComponents: 1, method, maxIter: 50, seed }).fit(X).fit(X);
        expect(bytesOf(again.components.transpose())).toEqual(bytesOf(m.components.transpose()));
        expect(again.noiseVariance).toBe(m.noiseVariance);
        expect(bytesOf(X.data)).toEqual(before);
      }),
      { numRuns: 30, seed: 501 },
    );
  });

  it('Float32Array, Int32Array and nested-array inputs give the same closed-form fit', () => {
    const ints = [[1, 5, 2], [3, 1, 4], [0, 2, 2], [4, 4, 1], [2, 2, 2]];
    const ref = new PPCA({ nComponents: 1 }).fit(ints);
    for (const data of [Float32Array.from(ints.flat()), Int32Array.from(ints.flat()), Float64Array.from(ints.flat())]) {
      const m = new PPCA({ nComponents: 1 }).fit({ data, shape: [5, 3] });
      expect(maxAbsDiff(m.components.transpose().data, ref.components.transpose().data)).toBeLessThan(1e-12);
      expect(m.transform({ data, shape: [5, 3] }).dtype).toBe('float64');
    }
  });
});

describe('PPCA save/load', () => {
  it('JSON round trip is bit-exact for parameters, history and every output (closed form, EM, missing)', () => {
    const X = spectrumData(60, 6, 'ppca-json', [6, 3, 1]);
    const holes = { data: Float64Array.from(X.data, (v, i) => (i % 7 === 3 ? NaN : v)), shape: X.shape };
    const models = [
      new PPCA({ nComponents: 2 }).fit(X),
      new PPCA({ nComponents: 2, method: 'em', seed: 'json', maxIter: 40 }).fit(X),
      new PPCA({ nComponents: 2, method: 'em', missing: 'nan', maxIter: 40 }).fit(holes),
    ];
    for (const a of models) {
      const b = PPCA.fromJSON(JSON.stringify(a));
      expect(b.options).toEqual(a.options);
      expect(bytesOf(b.components.transpose())).toEqual(bytesOf(a.components.transpose()));
      expect(bytesOf(b.mean)).toEqual(bytesOf(a.mean));
      expect(bytesOf(b.logLikelihoodHistory)).toEqual(bytesOf(a.logLikelihoodHistory));
      expect(Object.is(b.noiseVariance, a.noiseVariance)).toBe(true);
      expect([b.nIter, b.converged, b.noiseVarianceClamped]).toEqual([a.nIter, a.converged, a.noiseVarianceClamped]);
      const input = a.options.missing === 'nan' ? holes : X;
      expect(bytesOf(b.scoreSamples(input).data)).toEqual(bytesOf(a.scoreSamples(input).data));
      expect(bytesOf(b.transform(input))).toEqual(bytesOf(a.transform(input)));
      expect(bytesOf(b.sample(5, { seed: 1 }))).toEqual(bytesOf(a.sample(5, { seed: 1 })));
    }
  });

  it('−0 and subnormal parameters survive; an unfitted model stays unfitted', () => {
    const s = fitted().toState();
    s.tensors.weights.data[0] = -0;
    s.tensors.weights.data[1] = 5e-324;
    const back = PPCA.fromJSON(JSON.stringify(stateToJSON(s))).toState();
    expect(Object.is(back.tensors.weights.data[0], -0)).toBe(true);
    expect(back.tensors.weights.data[1]).toBe(5e-324);
    const u = PPCA.fromJSON(JSON.stringify(new PPCA({ nComponents: 3, method: 'em', missing: 'nan' })));
    expect(u.isFitted).toBe(false);
    expect(u.options.missing).toBe('nan');
  });
});
