/**
 * LogisticRegression against scikit-learn 1.2.1 on the committed fixture
 * (scripts/fixtures/logistic-regression.py): iris (3 classes, labels −3, 2, 7), 200 digits as 20
 * PCA codes (10 classes) and versicolor against virginica (2 classes), several C, with and
 * without an intercept, and without a penalty. The objective must match or beat sklearn's lbfgs
 * fit (which stops early at tight tol, see the script) to 1e-6 relative and equal the
 * newton-cg optimum to 1e-8; coef, intercept and probabilities must equal the optimum's. Both
 * solvers (L-BFGS and Newton-CG) are checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../../src/models/linear/logistic-regression.js';
import { logisticObjective } from '../../../src/models/linear/logistic-regression-loss.js';
import { encodeLabels } from '../../../src/models/linear/logistic-regression-labels.js';
import { toMatrix } from '../../../src/validate.js';

interface Fit {
  nIter: number;
  objective: number;
  gradMaxAbs: number;
  predict: number[];
  coef?: number[][];
  intercept?: number[];
  predictProba?: number[][];
}
interface Case { name: string; data: string; C: number | null; fitIntercept: boolean; lbfgs: Fit; optimum: Fit }
interface Fixture { sklearn: string; probaStep: number; datasets: Record<string, { X: number[][]; y: number[] }>; cases: Case[] }

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/sklearn/logistic-regression.json', import.meta.url), 'utf8')) as Fixture;

/** sklearn's objective Σᵢ −log p(yᵢ|xᵢ) + ‖W‖²/(2C) at the model's coef and intercept. */
function objective(model: LogisticRegression, X: number[][], y: number[], C: number | null): number {
  const x = toMatrix(X, 'test');
  const { target, classes } = encodeLabels(Int32Array.from(y));
  const fn = logisticObjective({ x, target, nClasses: classes.length, lambda: C === null ? 0 : 1 / C, fitIntercept: true });
  const params = new Float64Array(model.coef.data.length + model.intercept.length);
  params.set(model.coef.data);
  params.set(model.intercept, model.coef.data.length);
  return fn(params, new Float64Array(params.length));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('LogisticRegression against scikit-learn', () => {
  it('the fixture comes from scikit-learn 1.2.1', () => {
    expect(fixture.sklearn).toBe('1.2.1');
    expect(fixture.cases.length).toBe(10);
  });

  for (const c of fixture.cases) for (const solver of ['lbfgs', 'newton-cg'] as const) {
    it(`${c.name}, ${solver}`, () => {
      const { X, y } = fixture.datasets[c.data];
      const model = new LogisticRegression({
        C: c.C ?? 1, penalty: c.C === null ? null : 'l2', fitIntercept: c.fitIntercept, tol: 1e-9, maxIter: 10_000, solver,
      }).fit(X, y);
      const opt = c.optimum;
      const f = objective(model, X, y, c.C);
      const relVsLbfgs = (f - c.lbfgs.objective) / c.lbfgs.objective;
      const relVsOptimum = Math.abs(f - opt.objective) / opt.objective;
      const coefDiff = maxAbsDiff(model.coef.data, opt.coef!.flat());
      const interceptDiff = maxAbsDiff(model.intercept, opt.intercept!);
      const proba = model.predictProba(X.filter((_, i) => i % fixture.probaStep === 0));
      const probaDiff = maxAbsDiff(proba.data, opt.predictProba!.flat());
      expect(model.converged).toBe(true);
      expect(relVsLbfgs).toBeLessThan(1e-6);
      expect(relVsOptimum).toBeLessThan(1e-8);
      expect(model.coef.shape).toEqual([opt.coef!.length, X[0].length]);
      // Relative to the size of the parameters (the unpenalised binary fit has an intercept near −43).
      const scale = Math.max(1, ...opt.coef!.flat().map(Math.abs), ...opt.intercept!.map(Math.abs));
      expect(coefDiff).toBeLessThan(1e-5 * scale);
      expect(interceptDiff).toBeLessThan(1e-5 * scale);
      expect(probaDiff).toBeLessThan(1e-6);
      expect(Array.from(model.predict(X))).toEqual(opt.predict);
      expect(Array.from(model.predict(X))).toEqual(c.lbfgs.predict);
      expect(Array.from(model.classes)).toEqual([...new Set(y)].sort((a, b) => a - b));
    });
  }
});
