/**
 * PCA bad inputs (docs/testing.md §3.2, table-driven: input, error class, message regex), the
 * scikit-learn-style companion properties, and the bit-exact save/load round trip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { ConvergenceError, FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { stateToJSON } from '../../../src/io/model-state.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { seedArb } from '../../helpers/arbitraries.js';
import { allFinite, bytesOf, lowRankData, maxAbsDiff, normalMatrix, spectrumData } from './pca-fixtures.js';

const X4 = normalMatrix(10, 4, 'x4');
const fitted = (): PCA => new PCA({ nComponents: 2 }).fit(X4);

type Case = [string, () => unknown, new (...args: never[]) => Error, RegExp];

const cases: Case[] = [
  ['NaN in fit', () => new PCA().fit([[1, 2], [3, NaN], [5, 6]]), NonFiniteError, /^PCA\.fit: X contains NaN at \[row 1, col 1\]$/],
  ['Infinity in fit', () => new PCA().fit({ data: new Float64Array([1, 2, 3, -Infinity]), shape: [2, 2] }), NonFiniteError, /PCA\.fit: X contains -Infinity at \[row 1, col 1\]/],
  ['NaN in transform', () => fitted().transform([[0, 0, NaN, 0]]), NonFiniteError, /PCA\.transform: X contains NaN at \[row 0, col 2\]/],
  ['NaN in score', () => fitted().score([[0, 0, 0, 0], [0, Infinity, 0, 0]]), NonFiniteError, /PCA\.scoreSamples: X contains Infinity at \[row 1, col 1\]/],
  ['NaN in inverseTransform', () => fitted().inverseTransform([[NaN, 0]]), NonFiniteError, /PCA\.inverseTransform: Z contains NaN/],
  ['0 rows', () => new PCA().fit({ data: new Float64Array(0), shape: [0, 5] }), ShapeError, /PCA\.fit: X must have at least 1 sample \(got shape \[0, 5\]\)/],
  ['0 columns', () => new PCA().fit([[], []]), ShapeError, /PCA\.fit: X must have at least 1 feature \(got shape \[2, 0\]\)/],
  ['1 sample', () => new PCA().fit([[1, 2, 3]]), ShapeError, /PCA\.fit: X has 1 sample \(shape \[1, 3\]\); at least 2 samples are needed/],
  ['1-D array', () => new PCA().fit([1, 2, 3] as unknown as number[][]), ShapeError, /must be 2-D \[nSamples, nFeatures\]; got 1-D of length 3/],
  ['flat typed array', () => new PCA().fit(new Float32Array(10) as never), ShapeError, /flat typed array of length 10 without a shape/],
  ['ragged rows', () => new PCA().fit([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4]]), ShapeError, /PCA\.fit: X\[2\] has length 4, expected 5/],
  ['string entry', () => new PCA().fit([[1, 2], [3, '4' as unknown as number]]), TypeError, /PCA\.fit: X\[1\]\[1\] is not a finite number \(got string '4'\)/],
  ['null entry', () => new PCA().fit([[1, 2], [null as unknown as number, 4]]), TypeError, /X\[1\]\[0\] is not a finite number \(got null\)/],
  ['wrong width in transform', () => fitted().transform([[1, 2, 3]]), ShapeError, /^PCA\.transform: X has 3 features, but PCA was fitted with 4$/],
  ['wrong width in score', () => fitted().score([[1, 2, 3, 4, 5]]), ShapeError, /X has 5 features, but PCA was fitted with 4/],
  ['wrong width in inverseTransform', () => fitted().inverseTransform([[1, 2, 3]]), ShapeError, /Z has 3 columns, but PCA was fitted with nComponents = 2/],
  ['wrong width in decode', () => fitted().decode([[1]]), ShapeError, /PCA\.decode: Z has 1 columns/],
  ['transform before fit', () => new PCA().transform(X4), NotFittedError, /^PCA is not fitted yet; call fit\(X\) first$/],
  ['components before fit', () => new PCA().components, NotFittedError, /PCA is not fitted yet/],
  ['explainedVariance before fit', () => new PCA().explainedVariance, NotFittedError, /PCA is not fitted yet/],
  ['score before fit', () => new PCA().score(X4), NotFittedError, /PCA is not fitted yet/],
  ['getPrecision before fit', () => new PCA().getPrecision(), NotFittedError, /PCA is not fitted yet/],
  ['nComponents 0', () => new PCA({ nComponents: 0 }), RangeError, /PCA: nComponents must be an integer >= 1 or a fraction in \(0, 1\) \(got 0\)/],
  ['nComponents negative', () => new PCA({ nComponents: -2 }), RangeError, /got -2/],
  ['nComponents 2.5', () => new PCA({ nComponents: 2.5 }), RangeError, /got 2\.5/],
  ['nComponents NaN', () => new PCA({ nComponents: NaN }), RangeError, /got NaN/],
  ['nComponents > min(n, d)', () => new PCA({ nComponents: 5 }).fit(X4), RangeError, /PCA\.fit: nComponents must be <= min\(nSamples, nFeatures\) = 4 \(got 5\) for X of shape \[10, 4\]/],
  ['fraction with randomized', () => new PCA({ nComponents: 0.5, solver: 'randomized' }), RangeError, /needs solver 'full', 'covariance' or 'auto'/],
  ['unknown solver', () => new PCA({ solver: 'arpack' as never }), RangeError, /PCA: solver must be one of 'auto', 'full', 'covariance', 'randomized', 'lanczos' \(got string 'arpack'\)/],
  ['unknown option', () => new PCA({ ncomponents: 2 } as never), TypeError, /PCA: unknown option 'ncomponents'/],
  ['seed not integer or string', () => new PCA({ seed: 1.5 }), TypeError, /PCA: seed must be an integer or a string \(got 1\.5\)/],
  ['whiten not boolean', () => new PCA({ whiten: 1 as never }), TypeError, /whiten must be a boolean/],
  ['nOversamples negative', () => new PCA({ nOversamples: -1 }), RangeError, /nOversamples must be an integer >= 0/],
  ['score on zero-variance data', () => new PCA({ nComponents: 1 }).fit([[1, 1], [1, 1]]).score([[1, 1]]), ConvergenceError, /PCA\.scoreSamples: the training data have zero variance in every feature/],
  ['fromJSON wrong type', () => PCA.fromJSON({ ...fitted().toJSON(), type: 'PPCA' }), FormatError, /PCA\.fromJSON: field 'type' is "PPCA", expected 'PCA'/],
  ['fromJSON unknown version', () => PCA.fromJSON({ ...fitted().toJSON(), version: 2 }), FormatError, /field 'version' is 2/],
  ['fromJSON not JSON', () => PCA.fromJSON('{oops'), FormatError, /not valid JSON/],
  ['fromJSON truncated array', () => {
    const j = fitted().toJSON();
    j.tensors.mean.base64 = j.tensors.mean.base64.slice(0, 8);
    return PCA.fromJSON(j);
  }, FormatError, /PCA\.fromJSON: tensor 'mean': 6 bytes is not a whole number of float64 values/],
  ['fromJSON shape mismatch', () => {
    const j = fitted().toJSON();
    (j.config.fitted as Record<string, number>).nFeatures = 5;
    return PCA.fromJSON(j);
  }, FormatError, /tensor 'mean' has shape \[4\], but the configuration needs \[5\]/],
  ['fromJSON bad options', () => {
    const j = fitted().toJSON();
    (j.config.options as Record<string, unknown>).solver = 'magic';
    return PCA.fromJSON(j);
  }, FormatError, /field 'config\.options' is invalid: .*solver must be one of/],
  ['fromState missing tensor', () => {
    const s = fitted().toState();
    delete s.tensors.components;
    return PCA.fromState(s);
  }, FormatError, /PCA\.fromState: tensor 'components' is missing/],
  ['fromState NaN parameter', () => {
    const s = fitted().toState();
    s.tensors.mean.data[1] = NaN;
    return PCA.fromState(s);
  }, FormatError, /tensor 'mean' holds a non-finite value at index 1/],
];

describe('PCA bad inputs (docs/testing.md §3.2)', () => {
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

  it('accepts Float64Array, Float32Array, Int32Array, Uint8Array, nested arrays and Tensors alike', () => {
    const ints = [[1, 5, 2], [3, 1, 4], [0, 2, 2], [4, 4, 1]];
    const flat = ints.flat();
    const ref = new PCA({ nComponents: 2 }).fit(ints);
    const inputs = [
      { data: Float64Array.from(flat), shape: [4, 3] },
      { data: Float32Array.from(flat), shape: [4, 3] },
      { data: Int32Array.from(flat), shape: [4, 3] },
      { data: Uint8Array.from(flat), shape: [4, 3] },
      new Tensor(Float32Array.from(flat), [4, 3]),
      Tensor.from(ints, { dtype: 'float64' }),
    ];
    for (const input of inputs) {
      const p = new PCA({ nComponents: 2 }).fit(input);
      expect(maxAbsDiff(p.explainedVariance, ref.explainedVariance)).toBeLessThan(1e-12);
      const z = p.transform(input);
      expect(z.dtype).toBe('float64');
      expect(z.shape).toEqual([4, 2]);
    }
  });

  it('data in an exact subspace: noise variance 0 is reported and the likelihood uses a documented floor', () => {
    const X = lowRankData(40, 6, 2, 'sub');
    const pca = new PCA({ nComponents: 2 }).fit(X);
    expect(pca.noiseVariance).toBeLessThan(1e-20 * pca.totalVariance);
    expect(pca.noiseVarianceClamped).toBe(true);
    const ll = pca.scoreSamples(X).data;
    expect(allFinite(ll)).toBe(true);
    expect(allFinite(pca.getPrecision().data)).toBe(true);
    const noisy = new PCA({ nComponents: 2 }).fit(spectrumData(40, 6, 'n', [5, 3]));
    expect(noisy.noiseVarianceClamped).toBe(false);
  });
});

describe('PCA companion properties', () => {
  it('fit returns this; options are frozen and unchanged by fit; transform of row subsets and permutations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 25 }), fc.integer({ min: 2, max: 7 }), seedArb, fc.boolean(), (n, d, seed, whiten) => {
        const X = normalMatrix(n, d, seed);
        const pca = new PCA({ nComponents: 1, whiten, solver: 'full' });
        const before = JSON.stringify(pca.options);
        expect(pca.fit(X)).toBe(pca);
        expect(JSON.stringify(pca.options)).toBe(before);
        expect(Object.isFrozen(pca.options)).toBe(true);
        const z = pca.transform(X).data;
        const rows = [n - 1, 0, Math.floor(n / 2)];
        const sub = { data: new Float64Array(rows.length * d), shape: [rows.length, d] };
        rows.forEach((r, i) => sub.data.set(X.data.subarray(r * d, r * d + d), i * d));
        const zs = pca.transform(sub).data;
        rows.forEach((r, i) => expect(zs[i]).toBe(z[r]));
        const ll = pca.scoreSamples(X).data;
        const lls = pca.scoreSamples(sub).data;
        rows.forEach((r, i) => expect(Math.abs(lls[i] - ll[r])).toBeLessThanOrEqual(1e-12 * Math.abs(ll[r])));
      }),
      { numRuns: 40, seed: 201 },
    );
  });

  it('fit(X) and fit(X).fit(X) agree bit for bit; a refit on other data replaces everything', () => {
    const X = normalMatrix(20, 5, 'r');
    const a = new PCA({ nComponents: 3 }).fit(X);
    const b = new PCA({ nComponents: 3 }).fit(X).fit(X);
    expect(bytesOf(b.components)).toEqual(bytesOf(a.components));
    expect(bytesOf(b.transform(X))).toEqual(bytesOf(a.transform(X)));
    const c = new PCA({ nComponents: 3 }).fit(normalMatrix(30, 6, 'other')).fit(X);
    expect(bytesOf(c.components)).toEqual(bytesOf(a.components));
    expect(c.score(X)).toBe(a.score(X));
  });
});

describe('PCA save/load', () => {
  it('JSON text round trip is bit-exact for every attribute and output, for each solver and whitening', () => {
    const X = spectrumData(80, 9, 'json', [10, 5, 2, 1]);
    for (const solver of ['full', 'covariance', 'randomized'] as const) {
      for (const whiten of [false, true]) {
        const a = new PCA({ nComponents: 3, solver, whiten, seed: 'abc' }).fit(X);
        const b = PCA.fromJSON(JSON.stringify(a));
        expect(b.options).toEqual(a.options);
        for (const get of [(p: PCA) => p.components, (p: PCA) => p.mean, (p: PCA) => p.explainedVariance, (p: PCA) => p.explainedVarianceRatio,
          (p: PCA) => p.singularValues, (p: PCA) => p.transform(X), (p: PCA) => p.inverseTransform(p.transform(X)), (p: PCA) => p.scoreSamples(X),
          (p: PCA) => p.getPrecision()]) {
          expect(bytesOf(get(b))).toEqual(bytesOf(get(a)));
        }
        expect(b.noiseVariance).toBe(a.noiseVariance);
        expect(b.fittedWith).toEqual(a.fittedWith);
      }
    }
  });

  it('−0, subnormals and extreme values survive (raw bytes, not decimal text)', () => {
    const a = new PCA({ nComponents: 2 }).fit(normalMatrix(10, 4, 'z'));
    const s = a.toState();
    const special = [-0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308];
    s.tensors.mean.data.set(special);
    const text = JSON.stringify(stateToJSON(s));
    const back = PCA.fromJSON(text).toState();
    expect(bytesOf(back.tensors.mean.data as Float64Array)).toEqual(bytesOf(s.tensors.mean.data as Float64Array));
    expect(Object.is(back.tensors.mean.data[0], -0)).toBe(true);
  });

  it('an unfitted model round-trips and stays unfitted', () => {
    const u = PCA.fromJSON(JSON.stringify(new PCA({ nComponents: 0.9, solver: 'full' })));
    expect(u.isFitted).toBe(false);
    expect(u.options.nComponents).toBe(0.9);
    expect(() => u.mean).toThrow(NotFittedError);
  });
});
