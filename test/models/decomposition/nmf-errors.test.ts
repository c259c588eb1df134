/**
 * NMF's bad inputs: every one is a clear error naming the method, the argument, what was
 * expected and what was given.
 */
import { describe, expect, it } from 'vitest';
import { FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { NMF } from '../../../src/models/decomposition/nmf.js';
import { lowRankNonNegative } from './nmf-fixtures.js';

const { X } = lowRankNonNegative(8, 5, 2, 'errors', 0.1, 0.01);

describe('NMF rejects', () => {
  it('negative entries, naming the first one', () => {
    const bad = [[1, 2, 3], [4, -0.5, 6], [7, 8, -9]];
    expect(() => new NMF({ nComponents: 2 }).fit(bad)).toThrow(/NMF\.fit: X must be non-negative, but X\[1\]\[1\] = -0\.5 \(row 1, col 1\)/);
    const nmf = new NMF({ nComponents: 2 }).fit(X);
    expect(() => nmf.transform([[0, 0, 0, 0, -1]])).toThrow(/NMF\.transform: X must be non-negative, but X\[0\]\[4\] = -1/);
  });

  it('Infinity, and a matrix with every entry missing', () => {
    expect(() => new NMF().fit([[1, Infinity]])).toThrow(NonFiniteError);
    expect(() => new NMF().fit([[NaN, NaN]])).toThrow(/NMF\.fit: every entry of X is missing \(NaN\), shape \[1, 2\]/);
  });

  it('bad shapes', () => {
    expect(() => new NMF().fit([1, 2, 3] as unknown as number[][])).toThrow(ShapeError);
    const nmf = new NMF({ nComponents: 2 }).fit(X);
    expect(() => nmf.transform([[1, 2, 3]])).toThrow(/NMF\.transform: X has 3 features, but NMF was fitted with 5/);
    expect(() => nmf.inverseTransform([[1, 2, 3]])).toThrow(/NMF\.inverseTransform: W has 3 columns, but NMF was fitted with nComponents = 2/);
    expect(() => new NMF({ nComponents: 6, init: 'nndsvd' }).fit(X)).toThrow(/init 'nndsvd' needs nComponents <= min\(nSamples, nFeatures\) = 5 \(got 6/);
  });

  it('unknown and bad options', () => {
    expect(() => new NMF({ n_components: 2 } as never)).toThrow(/NMF: unknown option 'n_components'; did you mean 'nComponents'\?/);
    expect(() => new NMF({ solver: 'als' } as never)).toThrow(/NMF: solver must be one of 'cd', 'mu' \(got string 'als'\)/);
    expect(() => new NMF({ betaLoss: 'kl' } as never)).toThrow(/betaLoss must be one of 'frobenius', 'kullback-leibler', 'itakura-saito'/);
    expect(() => new NMF({ betaLoss: 'kullback-leibler' })).toThrow(/solver 'cd' minimises the Frobenius loss only .*use solver 'mu'/);
    expect(() => new NMF({ betaLoss: Infinity, solver: 'mu' })).toThrow(/betaLoss must be a finite number/);
    expect(() => new NMF({ init: 'svd' } as never)).toThrow(/init must be one of 'random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom'/);
    expect(() => new NMF({ nComponents: 0 })).toThrow(/nComponents must be an integer >= 1 \(got 0\)/);
    expect(() => new NMF({ nComponents: 1.5 })).toThrow(/nComponents must be an integer/);
    expect(() => new NMF({ tol: -1 })).toThrow(/tol must be a finite number >= 0 \(got -1\)/);
    expect(() => new NMF({ maxIter: 0 })).toThrow(/maxIter must be an integer >= 1/);
    expect(() => new NMF({ alphaW: -0.1 })).toThrow(/alphaW must be a finite number >= 0/);
    expect(() => new NMF({ alphaH: 'different' } as never)).toThrow(/NMF: alphaH must be a finite number >= 0 or 'same' \(got string 'different'\)/);
    expect(() => new NMF({ l1Ratio: 2 })).toThrow(/l1Ratio must be a finite number >= 0 and <= 1 \(got 2\)/);
    expect(() => new NMF({ seed: 0.5 })).toThrow(/seed must be an integer or a string/);
    expect(() => new NMF({ nComponents: 2 }).fit(X, { w: [] } as never)).toThrow(/NMF\.fit: unknown option 'w'/);
  });

  it('custom starts that are missing, misshapen, negative or zero, and W/H without init custom', () => {
    const nmf = () => new NMF({ nComponents: 2, init: 'custom' });
    const W = Array.from({ length: 8 }, () => [1, 1]);
    const H = Array.from({ length: 2 }, () => [1, 1, 1, 1, 1]);
    expect(() => nmf().fit(X)).toThrow(/NMF\.fit: init 'custom' needs both W \[8, 2\] and H \[2, 5\]/);
    expect(() => nmf().fit(X, { W, H: [[1, 1]] })).toThrow(/NMF\.fit: H must have shape \[2, 5\], got \[1, 2\]/);
    expect(() => nmf().fit(X, { W: [[-1, 1], ...W.slice(1)], H })).toThrow(/NMF\.fit: W must be non-negative, but W\[0\]\[0\] = -1/);
    expect(() => nmf().fit(X, { W: W.map(() => [0, 0]), H })).toThrow(/NMF\.fit: W is all zeros/);
    expect(() => new NMF({ nComponents: 2 }).fit(X, { W, H })).toThrow(/W and H are starting factors for init 'custom' \(init is 'nndsvda'\)/);
  });

  it("zeros in X with β <= 0 (scikit-learn's rule)", () => {
    expect(() => new NMF({ solver: 'mu', betaLoss: 'itakura-saito' }).fit([[1, 0], [2, 3]])).toThrow(/NMF\.fit: betaLoss itakura-saito \(β ≤ 0\) needs X > 0, but X\[0\]\[1\] = 0/);
  });

  it('use before fit, and corrupt saved states', () => {
    const nmf = new NMF();
    expect(() => nmf.transform(X)).toThrow(NotFittedError);
    expect(() => nmf.components).toThrow(NotFittedError);
    expect(() => nmf.latentDim).toThrow(NotFittedError);
    const state = new NMF({ nComponents: 2 }).fit(X).toState();
    expect(() => NMF.fromState({ ...state, type: 'PCA' })).toThrow(FormatError);
    const negative = { ...state, tensors: { ...state.tensors, components: { shape: [2, 5], data: new Float64Array(10).fill(-1) } } };
    expect(() => NMF.fromState(negative)).toThrow(/NMF\.fromState: tensor 'components' holds a negative value at index 0/);
    const badOptions = { ...state, config: { ...state.config, options: { solver: 'x' } } };
    expect(() => NMF.fromState(badOptions)).toThrow(/NMF\.fromState: field 'config\.options' is invalid/);
    const badFit = { ...state, config: { ...state.config, fitted: { ...(state.config.fitted as object), converged: 'yes' } } };
    expect(() => NMF.fromState(badFit)).toThrow(/field 'converged' must be a boolean/);
  });
});
