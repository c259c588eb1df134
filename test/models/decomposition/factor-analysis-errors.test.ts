/**
 * FactorAnalysis bad inputs (table-driven, each error names the function, the argument and the
 * value or shape) and the bit-exact save/load round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FactorAnalysis } from '../../../src/models/decomposition/factor-analysis.js';
import { ConvergenceError, FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { stateToJSON } from '../../../src/io/model-state.js';
import { modelFromState } from '../../../src/models/registry.js';
import { bytesOf, normalMatrix } from './pca-fixtures.js';

const X5 = normalMatrix(30, 5, 'fa-x5');
const fitted = (): FactorAnalysis => new FactorAnalysis({ nComponents: 2, svdMethod: 'lapack' }).fit(X5);

type Case = [string, () => unknown, new (...args: never[]) => Error, RegExp];

const cases: Case[] = [
  ['unknown option', () => new FactorAnalysis({ nComponent: 2 } as never), TypeError, /^FactorAnalysis: unknown option 'nComponent'; did you mean 'nComponents'\?/],
  ['sklearn spelling', () => new FactorAnalysis({ n_components: 2 } as never), TypeError, /unknown option 'n_components'; did you mean 'nComponents'\?/],
  ['nComponents 0', () => new FactorAnalysis({ nComponents: 0 }), RangeError, /^FactorAnalysis: nComponents must be an integer >= 1 \(got 0\)/],
  ['nComponents 1.5', () => new FactorAnalysis({ nComponents: 1.5 }), RangeError, /nComponents must be an integer >= 1 \(got 1\.5\)/],
  ['tol < 0', () => new FactorAnalysis({ tol: -1 }), RangeError, /FactorAnalysis: tol must be a finite number >= 0 \(got -1\)/],
  ['maxIter 0', () => new FactorAnalysis({ maxIter: 0 }), RangeError, /maxIter must be an integer >= 1 \(got 0\)/],
  ['svdMethod', () => new FactorAnalysis({ svdMethod: 'arpack' as never }), RangeError, /svdMethod must be one of 'lapack', 'randomized' \(got string 'arpack'\)/],
  ['iteratedPower', () => new FactorAnalysis({ iteratedPower: -1 }), RangeError, /iteratedPower must be an integer >= 0 \(got -1\)/],
  ['rotation', () => new FactorAnalysis({ rotation: 'promax' as never }), RangeError, /rotation must be one of 'varimax', 'quartimax' \(got string 'promax'\)/],
  ['seed', () => new FactorAnalysis({ seed: 0.5 }), TypeError, /FactorAnalysis: seed must be an integer or a string \(got 0\.5\)/],
  ['noiseVarianceInit not an array', () => new FactorAnalysis({ noiseVarianceInit: 1 as never }), TypeError, /noiseVarianceInit must be an array of numbers or null \(got 1\)/],
  ['noiseVarianceInit 0', () => new FactorAnalysis({ noiseVarianceInit: [1, 0] }), RangeError, /noiseVarianceInit\[1\] must be a finite number > 0 \(got 0\)/],
  ['noiseVarianceInit NaN', () => new FactorAnalysis({ noiseVarianceInit: [NaN] }), RangeError, /noiseVarianceInit\[0\] must be a finite number > 0 \(got NaN\)/],
  ['noiseVarianceInit length', () => new FactorAnalysis({ noiseVarianceInit: [1, 1] }).fit(X5), ShapeError, /^FactorAnalysis\.fit: noiseVarianceInit has 2 values, but X has 5 features$/],
  ['nComponents > nFeatures', () => new FactorAnalysis({ nComponents: 6 }).fit(X5), RangeError, /^FactorAnalysis\.fit: nComponents must be at most min\(nSamples, nFeatures\) = 5 for X of shape \[30, 5\] \(got 6\)$/],
  ['nComponents > nSamples', () => new FactorAnalysis({ nComponents: 4 }).fit(normalMatrix(3, 8, 'w')), RangeError, /at most min\(nSamples, nFeatures\) = 3 for X of shape \[3, 8\] \(got 4\)/],
  ['NaN in fit', () => new FactorAnalysis().fit([[1, 2], [3, 4], [NaN, 6]]), NonFiniteError, /^FactorAnalysis\.fit: X contains NaN at \[row 2, col 0\]$/],
  ['Infinity in fit', () => new FactorAnalysis().fit([[1, Infinity], [3, 4]]), NonFiniteError, /FactorAnalysis\.fit: X contains Infinity at \[row 0, col 1\]/],
  ['NaN in transform', () => fitted().transform([[0, 0, 0, NaN, 0]]), NonFiniteError, /FactorAnalysis\.transform: X contains NaN at \[row 0, col 3\]/],
  ['NaN in scoreSamples', () => fitted().scoreSamples([[0, 0, 0, 0, NaN]]), NonFiniteError, /FactorAnalysis\.scoreSamples: X contains NaN/],
  ['1 sample', () => new FactorAnalysis({ nComponents: 1 }).fit([[1, 2, 3]]), ShapeError, /^FactorAnalysis\.fit: X has 1 sample\(s\) \(shape \[1, 3\]\); at least 2 samples are needed$/],
  ['0 rows', () => new FactorAnalysis().fit({ data: new Float64Array(0), shape: [0, 3] }), ShapeError, /FactorAnalysis\.fit: X must have at least 1 sample/],
  ['1-D input', () => new FactorAnalysis().fit([1, 2, 3] as unknown as number[][]), ShapeError, /must be 2-D/],
  ['ragged', () => new FactorAnalysis().fit([[1, 2], [1]]), ShapeError, /X\[1\] has length 1, expected 2/],
  ['rank below nComponents', () => new FactorAnalysis({ nComponents: 2, svdMethod: 'lapack' }).fit([[1, 1, 1], [1, 1, 1], [1, 1, 1]]), ConvergenceError,
    /FactorAnalysis\.fit: the scaled data have rank 0 < nComponents = 2/],
  ['wrong width', () => fitted().scoreSamples([[1, 2, 3, 4]]), ShapeError, /^FactorAnalysis\.scoreSamples: X has 4 features, but FactorAnalysis was fitted with 5$/],
  ['wrong code width', () => fitted().inverseTransform([[1, 2, 3]]), ShapeError, /Z has 3 columns, but FactorAnalysis was fitted with nComponents = 2/],
  ['before fit', () => new FactorAnalysis().transform(X5), NotFittedError, /^FactorAnalysis is not fitted yet; call fit\(X\) first$/],
  ['precision before fit', () => new FactorAnalysis().getPrecision(), NotFittedError, /FactorAnalysis is not fitted yet/],
  ['sample n', () => fitted().sample(-1), RangeError, /FactorAnalysis\.sample: n must be an integer >= 0 \(got -1\)/],
  ['fromJSON wrong type', () => FactorAnalysis.fromJSON({ ...fitted().toJSON(), type: 'PPCA' }), FormatError, /field 'type' is "PPCA", expected 'FactorAnalysis'/],
  ['fromState Ψ ≤ 0', () => {
    const s = fitted().toState();
    s.tensors.noiseVariance = { shape: [5], data: Float64Array.of(1, 1, 0, 1, 1) };
    return FactorAnalysis.fromState(s);
  }, FormatError, /FactorAnalysis\.fromState: tensor 'noiseVariance' must be > 0 \(got 0 at index 2\)/],
  ['fromState components shape', () => {
    const s = fitted().toState();
    s.tensors.components = { shape: [3, 5], data: new Float64Array(15) };
    return FactorAnalysis.fromState(s);
  }, FormatError, /components/],
  ['fromState bad options', () => {
    const s = fitted().toState();
    (s.config.options as Record<string, unknown>).rotation = 'oblimin';
    return FactorAnalysis.fromState(s);
  }, FormatError, /field 'config\.options' is invalid: .*rotation must be one of/],
];

describe('FactorAnalysis bad inputs', () => {
  it.each(cases)('%s', (_name, f, type, message) => {
    expect(f).toThrow(type);
    expect(f).toThrow(message);
  });

  it('defaults are scikit-learn\'s, and nComponents null means every feature', () => {
    const fa = new FactorAnalysis();
    expect(fa.options).toEqual({
      nComponents: null, tol: 1e-2, maxIter: 1000, noiseVarianceInit: null, svdMethod: 'randomized', iteratedPower: 3, rotation: null, seed: 0,
    });
    expect(Object.isFrozen(fa.options)).toBe(true);
    expect(new FactorAnalysis({ svdMethod: 'lapack' }).fit(X5).latentDim).toBe(5);
  });

  it('fit does not modify X or the initial Ψ', () => {
    const x = normalMatrix(30, 5, 'fa-x5');
    const init = Float64Array.of(1, 2, 3, 4, 5);
    new FactorAnalysis({ nComponents: 2, noiseVarianceInit: init }).fit(x);
    expect(bytesOf(x.data)).toEqual(bytesOf(X5.data));
    expect(Array.from(init)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('FactorAnalysis save/load', () => {
  const models = (): FactorAnalysis[] => [
    fitted(),
    new FactorAnalysis({ nComponents: 3, rotation: 'varimax', noiseVarianceInit: [0.5, 1, 2, 1, 1], seed: 'fa' }).fit(X5),
    new FactorAnalysis({ nComponents: 1, maxIter: 2, tol: 0, svdMethod: 'lapack', rotation: 'quartimax' }).fit(X5),
  ];

  it('JSON, bytes and the registry round trip bit-exactly, with every output', () => {
    for (const a of models()) {
      for (const b of [FactorAnalysis.fromJSON(JSON.stringify(a)), FactorAnalysis.fromBytes(a.toBytes()), modelFromState(a.toState()) as FactorAnalysis]) {
        expect(b.options).toEqual(a.options);
        expect([b.nIter, b.converged, b.nFeatures, b.latentDim]).toEqual([a.nIter, a.converged, a.nFeatures, a.latentDim]);
        expect(bytesOf(b.components)).toEqual(bytesOf(a.components));
        expect(bytesOf(b.noiseVariance)).toEqual(bytesOf(a.noiseVariance));
        expect(bytesOf(b.mean)).toEqual(bytesOf(a.mean));
        expect(bytesOf(b.loglike)).toEqual(bytesOf(a.loglike));
        expect(bytesOf(b.transform(X5))).toEqual(bytesOf(a.transform(X5)));
        expect(bytesOf(b.scoreSamples(X5))).toEqual(bytesOf(a.scoreSamples(X5)));
        expect(bytesOf(b.getPrecision())).toEqual(bytesOf(a.getPrecision()));
        expect(bytesOf(b.sample(3, { seed: 1 }))).toEqual(bytesOf(a.sample(3, { seed: 1 })));
        expect(b.toBytes()).toEqual(a.toBytes());
      }
    }
    expect(models()[2].converged).toBe(false);
  });

  it('an unfitted model round trips unfitted', () => {
    const u = FactorAnalysis.fromJSON(JSON.stringify(stateToJSON(new FactorAnalysis({ nComponents: 2, rotation: 'varimax' }).toState())));
    expect(u.isFitted).toBe(false);
    expect(u.options.rotation).toBe('varimax');
  });

  it('save and load through a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-ts-fa-'));
    try {
      const a = fitted();
      const path = join(dir, 'fa.safetensors');
      await a.save(path);
      const b = await FactorAnalysis.load(path);
      expect(b.toBytes()).toEqual(a.toBytes());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
