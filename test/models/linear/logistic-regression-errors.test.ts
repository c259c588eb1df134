/**
 * LogisticRegression's bad inputs (labels of the wrong length, non-integer or single-class
 * labels, NaN in X, predicting on the wrong width, unfitted use), its option checks, and its
 * saved forms: bytes, JSON and files round-trip bit for bit, and bad states are FormatErrors
 * naming the field.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { LogisticRegression } from '../../../src/models/linear/logistic-regression.js';
import { SUPERVISED_MODEL_TYPES, supervisedModelFromState } from '../../../src/models/registry.js';

const X = [[0, 1], [1, 0], [2, 2], [3, 1], [0, 3], [4, 4]];
const y = [0, 0, 1, 1, 2, 2];

describe('LogisticRegression errors', () => {
  it('rejects labels of the wrong length, type or value', () => {
    const m = new LogisticRegression();
    expect(() => m.fit(X, [0, 1, 1])).toThrow(ShapeError);
    expect(() => m.fit(X, [0, 1, 1])).toThrow('LogisticRegression.fit: y has 3 labels, but X has 6 rows');
    expect(() => m.fit(X, [0, 0, 1, 1.5, 2, 2])).toThrow('LogisticRegression.fit: y[3] must be an integer class label (got 1.5)');
    expect(() => m.fit(X, [0, 0, 1, NaN, 2, 2])).toThrow('y[3] must be an integer class label (got NaN)');
    expect(() => m.fit(X, [0, 0, 1, 2 ** 40, 2, 2])).toThrow(/y\[3\] must be an integer class label/);
    expect(() => m.fit(X, ['a', 0, 1, 1, 2, 2] as unknown as number[])).toThrow(TypeError);
    expect(() => m.fit(X, Float64Array.from(y) as unknown as number[])).toThrow('LogisticRegression.fit: y must be an Int32Array or an array of integers');
    expect(() => m.fit(X, 3 as unknown as number[])).toThrow(TypeError);
    expect(m.isFitted).toBe(false);
  });

  it('needs two classes', () => {
    expect(() => new LogisticRegression().fit(X, [7, 7, 7, 7, 7, 7])).toThrow('LogisticRegression.fit: y holds one class only (7); logistic regression needs at least 2');
  });

  it('rejects NaN and non-matrices in X', () => {
    expect(() => new LogisticRegression().fit([[0, 1], [NaN, 0], [1, 1]], [0, 1, 1])).toThrow(NonFiniteError);
    expect(() => new LogisticRegression().fit([[0, 1], [NaN, 0], [1, 1]], [0, 1, 1])).toThrow('LogisticRegression.fit: X contains NaN at [row 1, col 0]');
    expect(() => new LogisticRegression().fit([0, 1] as unknown as number[][], [0, 1])).toThrow(ShapeError);
  });

  it('checks the width and values of X when predicting', () => {
    const m = new LogisticRegression().fit(X, y);
    expect(() => m.predict([[1, 2, 3]])).toThrow('LogisticRegression.predict: X has 3 features, but LogisticRegression was fitted with 2');
    expect(() => m.predictProba([[1]])).toThrow(ShapeError);
    expect(() => m.decisionFunction([[1, Infinity]])).toThrow(NonFiniteError);
    expect(() => m.score(X, [0, 1])).toThrow('LogisticRegression.score: y has 2 labels, but X has 6 rows');
  });

  it('says when it is not fitted', () => {
    const m = new LogisticRegression();
    expect(() => m.predict(X)).toThrow(NotFittedError);
    expect(() => m.coef).toThrow(NotFittedError);
    expect(() => m.classes).toThrow(NotFittedError);
  });

  it('rejects unknown and bad options', () => {
    expect(() => new LogisticRegression({ c: 1 } as never)).toThrow("LogisticRegression: unknown option 'c'; did you mean 'C'?");
    expect(() => new LogisticRegression({ max_iter: 5 } as never)).toThrow("did you mean 'maxIter'?");
    expect(() => new LogisticRegression({ C: 0 })).toThrow('LogisticRegression: C must be a finite number > 0 (got 0)');
    expect(() => new LogisticRegression({ C: Infinity })).toThrow(RangeError);
    expect(() => new LogisticRegression({ penalty: 'l1' as never })).toThrow("LogisticRegression: penalty must be one of 'l2' (got string 'l1')");
    expect(() => new LogisticRegression({ fitIntercept: 1 as never })).toThrow('LogisticRegression: fitIntercept must be a boolean (got number)');
    expect(() => new LogisticRegression({ maxIter: 0 })).toThrow(RangeError);
    expect(() => new LogisticRegression({ tol: -1 })).toThrow(RangeError);
    expect(() => new LogisticRegression({ solver: 'sag' as never })).toThrow("LogisticRegression: solver must be one of 'lbfgs', 'newton-cg' (got string 'sag')");
    expect(new LogisticRegression({ penalty: null }).options.penalty).toBeNull();
    expect(new LogisticRegression().options).toEqual({ C: 1, penalty: 'l2', fitIntercept: true, maxIter: 100, tol: 1e-4, solver: 'lbfgs' });
  });
});

describe('LogisticRegression saved forms', () => {
  const fitted = [
    new LogisticRegression({ C: 0.5 }).fit(X, [4, 4, -1, -1, 9, 9]),
    new LogisticRegression({ penalty: null, fitIntercept: false }).fit([[0], [1], [2], [3]], [0, 1, 0, 1]),
  ];

  it('round-trips through bytes, JSON and files bit for bit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latent-ts-logreg-'));
    try {
      for (const m of fitted) {
        const path = join(dir, 'clf.safetensors');
        await m.save(path);
        const again = [
          LogisticRegression.fromBytes(m.toBytes()),
          LogisticRegression.fromJSON(JSON.stringify(m.toJSON())),
          LogisticRegression.fromState(m.toState()),
          await LogisticRegression.load(path),
        ];
        const Xt = m.nFeatures === 2 ? X : [[0], [1.5]];
        for (const a of again) {
          expect(a.options).toEqual(m.options);
          expect(Array.from(a.classes)).toEqual(Array.from(m.classes));
          expect(Array.from(a.coef.data)).toEqual(Array.from(m.coef.data));
          expect(Array.from(a.intercept)).toEqual(Array.from(m.intercept));
          expect(a.nIter).toBe(m.nIter);
          expect(a.converged).toBe(m.converged);
          expect(Array.from(a.predictProba(Xt).data)).toEqual(Array.from(m.predictProba(Xt).data));
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('saves an unfitted model', () => {
    const m = LogisticRegression.fromBytes(new LogisticRegression({ C: 3 }).toBytes());
    expect(m.isFitted).toBe(false);
    expect(m.options.C).toBe(3);
  });

  it('rejects bad states with the field named', () => {
    const state = fitted[0].toState();
    const bad = (edit: (s: ReturnType<typeof structuredClone<typeof state>>) => void) => {
      const s = structuredClone(state);
      edit(s);
      return () => LogisticRegression.fromState(s);
    };
    expect(bad((s) => { s.type = 'PCA'; })).toThrow(FormatError);
    expect(bad((s) => { (s.config.fitted as Record<string, unknown>).classes = [2, 1, 3]; })).toThrow("field 'classes' must be at least 2 increasing int32 labels");
    expect(bad((s) => { (s.config.fitted as Record<string, unknown>).classes = [1, 2]; })).toThrow("tensor 'coef' has shape [3, 2], but the configuration needs [1, 2]");
    expect(bad((s) => { (s.config.options as Record<string, unknown>).C = -1; })).toThrow("field 'config.options' is invalid");
    expect(bad((s) => { s.tensors.intercept.data = new Float32Array(3); })).toThrow("tensor 'intercept' must be float64");
    expect(bad((s) => { s.tensors.coef.data[0] = NaN; })).toThrow("tensor 'coef' holds a non-finite value at index 0");
    expect(bad((s) => { (s.config.fitted as Record<string, unknown>).converged = 'yes'; })).toThrow("field 'converged' must be a boolean");
    expect(() => LogisticRegression.fromBytes(new LogisticRegression().fit(X, y).toBytes().slice(0, 20))).toThrow(FormatError);
  });
});

describe('the supervised registry', () => {
  it('rebuilds a LogisticRegression from its state and names unknown types', () => {
    const m = new LogisticRegression().fit(X, y);
    expect(SUPERVISED_MODEL_TYPES).toEqual(['LogisticRegression', 'Classifier']);
    const again = supervisedModelFromState(m.toState());
    expect(again.type).toBe('LogisticRegression');
    expect(again.toBytes()).toEqual(m.toBytes());
    expect(() => supervisedModelFromState({ type: 'PCA', version: 1, config: {}, tensors: {} })).toThrow('unknown supervised model type "PCA" (latent-ts reads LogisticRegression, Classifier)');
  });
});
