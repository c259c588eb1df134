/**
 * LogisticRegression's identities: the objective's gradient against central differences on
 * random problems (binomial and multinomial, with and without intercept and penalty) and its
 * Hessian products against central differences of the gradient, the
 * probabilities (rows sum to 1, log-probabilities are their logs, predict is their argmax), the
 * fit's gradient test at the returned point, and invariances: permuting the rows, renaming the
 * labels, and the centred multinomial solution.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../../src/models/linear/logistic-regression.js';
import { logisticHessian, logisticObjective, parameterCount } from '../../../src/models/linear/logistic-regression-loss.js';
import { Rng } from '../../../src/random/rng.js';
import { seedArb } from '../../helpers/arbitraries.js';

/** Overlapping Gaussian blobs: nClasses centres at distance ~2, unit noise, every class present. */
function blobs(n: number, d: number, nClasses: number, seed: number) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: nClasses }, () => Array.from({ length: d }, () => 2 * rng.normal()));
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % nClasses;
    X.push(centres[k].map((c) => c + rng.normal()));
    y.push(k);
  }
  return { X, y };
}

function flat(X: number[][]) {
  return { rows: X.length, cols: X[0].length, data: Float64Array.from(X.flat()) };
}

describe('LogisticRegression objective', () => {
  it('has the gradient of central differences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 5 }),
        fc.boolean(), fc.constantFrom(0, 0.3, 2), seedArb,
        (n, d, nClasses, fitIntercept, lambda, seed) => {
          const rng = new Rng(seed);
          const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
          const target = Int32Array.from({ length: n }, () => rng.int(0, nClasses));
          const fn = logisticObjective({ x, target, nClasses, lambda, fitIntercept });
          const p = Float64Array.from({ length: parameterCount(nClasses, d, fitIntercept) }, () => rng.normal());
          const grad = new Float64Array(p.length);
          const f = fn(p, grad);
          expect(Number.isFinite(f)).toBe(true);
          const scratch = new Float64Array(p.length);
          const h = 1e-6;
          for (let j = 0; j < p.length; j++) {
            const plus = p.slice();
            const minus = p.slice();
            plus[j] += h;
            minus[j] -= h;
            const numeric = (fn(plus, scratch) - fn(minus, scratch)) / (2 * h);
            expect(Math.abs(numeric - grad[j])).toBeLessThan(1e-6 * Math.max(1, Math.abs(f)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('has Hessian products equal to central differences of its gradient', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 5 }),
        fc.boolean(), fc.constantFrom(0, 0.3, 2), seedArb,
        (n, d, nClasses, fitIntercept, lambda, seed) => {
          const rng = new Rng(seed);
          const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
          const target = Int32Array.from({ length: n }, () => rng.int(0, nClasses));
          const problem = { x, target, nClasses, lambda, fitIntercept };
          const fn = logisticObjective(problem);
          const m = parameterCount(nClasses, d, fitIntercept);
          const p = Float64Array.from({ length: m }, () => rng.normal());
          const v = Float64Array.from({ length: m }, () => rng.normal());
          const hv = new Float64Array(m);
          logisticHessian(problem)(p)(v, hv);
          const h = 1e-5;
          const gPlus = new Float64Array(m);
          const gMinus = new Float64Array(m);
          fn(p.map((pj, j) => pj + h * v[j]), gPlus);
          fn(p.map((pj, j) => pj - h * v[j]), gMinus);
          for (let j = 0; j < m; j++) {
            const numeric = (gPlus[j] - gMinus[j]) / (2 * h);
            expect(Math.abs(numeric - hv[j])).toBeLessThan(1e-6 * Math.max(1, Math.abs(hv[j])));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is the sum of −log p(y|x) from predictLogProba plus ‖W‖²/(2C)', () => {
    const { X, y } = blobs(40, 3, 4, 1);
    const C = 0.7;
    const model = new LogisticRegression({ C }).fit(X, y);
    const logp = model.predictLogProba(X).data;
    let nll = 0;
    y.forEach((k, i) => { nll -= logp[i * 4 + k]; });
    let w2 = 0;
    for (const w of model.coef.data) w2 += w * w;
    const p = new Float64Array(parameterCount(4, 3, true));
    p.set(model.coef.data);
    p.set(model.intercept, 12);
    const f = logisticObjective({ x: flat(X), target: Int32Array.from(y), nClasses: 4, lambda: 1 / C, fitIntercept: true })(p, new Float64Array(p.length));
    expect(Math.abs(f - (nll + w2 / (2 * C)))).toBeLessThan(1e-12 * f);
  });
});

describe('LogisticRegression fit', () => {
  it('returns a point that meets tol, with centred multinomial rows, with either solver', () => {
    for (const [nClasses, solver] of [[2, 'lbfgs'], [3, 'lbfgs'], [6, 'lbfgs'], [2, 'newton-cg'], [6, 'newton-cg']] as const) {
      const { X, y } = blobs(60, 4, nClasses, nClasses);
      const tol = 1e-7;
      const model = new LogisticRegression({ tol, maxIter: 1000, solver }).fit(X, y);
      expect(model.converged).toBe(true);
      expect(model.nIter).toBeGreaterThan(0);
      const r = nClasses === 2 ? 1 : nClasses;
      expect(model.coef.shape).toEqual([r, 4]);
      expect(model.intercept.length).toBe(r);
      const p = new Float64Array(parameterCount(nClasses, 4, true));
      p.set(model.coef.data);
      p.set(model.intercept, r * 4);
      const grad = new Float64Array(p.length);
      logisticObjective({ x: flat(X), target: Int32Array.from(y), nClasses, lambda: 1, fitIntercept: true })(p, grad);
      // Centring moves the point by rounding only, so the gradient test still holds (with slack).
      for (const g of grad) expect(Math.abs(g)).toBeLessThan(10 * tol);
      if (r > 1) {
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += model.coef.data[k * 4 + j];
          expect(Math.abs(s)).toBeLessThan(1e-12);
        }
        expect(Math.abs(model.intercept.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('gives probabilities whose rows sum to 1, whose logs are predictLogProba, and whose argmax is predict', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 4 }), seedArb, (nClasses, d, seed) => {
        const { X, y } = blobs(5 * nClasses, d, nClasses, seed);
        const model = new LogisticRegression({ C: 10 }).fit(X, y);
        const Xt = blobs(7, d, nClasses, seed + 1).X.map((row) => row.map((v) => 3 * v));
        const p = model.predictProba(Xt);
        const logp = model.predictLogProba(Xt);
        const predicted = model.predict(Xt);
        expect(p.shape).toEqual([7, nClasses]);
        for (let i = 0; i < 7; i++) {
          let s = 0;
          let best = 0;
          for (let k = 0; k < nClasses; k++) {
            const v = p.data[i * nClasses + k];
            expect(v).toBeGreaterThanOrEqual(0);
            s += v;
            expect(Math.abs(Math.exp(logp.data[i * nClasses + k]) - v)).toBeLessThan(1e-12);
            if (v > p.data[i * nClasses + best]) best = k;
          }
          expect(Math.abs(s - 1)).toBeLessThan(1e-12);
          expect(predicted[i]).toBe(model.classes[best]);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('decisionFunction is X·coefᵀ + intercept, one column for two classes', () => {
    const { X, y } = blobs(30, 3, 2, 5);
    const model = new LogisticRegression().fit(X, y);
    const z = model.decisionFunction(X);
    expect(z.shape).toEqual([30]);
    const w = model.coef.data;
    X.forEach((row, i) => {
      const s = row.reduce((a, v, j) => a + v * w[j], model.intercept[0]);
      expect(Math.abs(z.data[i] - s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      expect(model.predictProba([row]).data[1]).toBeCloseTo(1 / (1 + Math.exp(-s)), 14);
    });
  });

  it('does not depend on the order of the rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), seedArb, (nClasses, seed) => {
        const { X, y } = blobs(24, 3, nClasses, seed);
        const perm = new Rng(seed + 7).permutation(24);
        const a = new LogisticRegression({ tol: 1e-10, maxIter: 2000 }).fit(X, y);
        const b = new LogisticRegression({ tol: 1e-10, maxIter: 2000 }).fit(Array.from(perm, (i) => X[i]), Array.from(perm, (i) => y[i]));
        const scale = Math.max(1, ...Array.from(a.coef.data, Math.abs));
        a.coef.data.forEach((v, j) => expect(Math.abs(v - b.coef.data[j])).toBeLessThan(1e-7 * scale));
        a.intercept.forEach((v, j) => expect(Math.abs(v - b.intercept[j])).toBeLessThan(1e-7 * scale));
        expect(Array.from(b.predict(X))).toEqual(Array.from(a.predict(X)));
      }),
      { numRuns: 15 },
    );
  });

  it('treats labels as names: any increasing renaming gives the same fit and maps predictions back', () => {
    const { X, y } = blobs(45, 2, 3, 9);
    const names = [-40, 3, 1_000_000];
    const a = new LogisticRegression().fit(X, y);
    const b = new LogisticRegression().fit(X, Int32Array.from(y, (k) => names[k]));
    expect(Array.from(b.classes)).toEqual(names);
    expect(b.nClasses).toBe(3);
    expect(Array.from(b.coef.data)).toEqual(Array.from(a.coef.data));
    expect(Array.from(b.predict(X))).toEqual(Array.from(a.predict(X), (k) => names[k]));
    expect(b.score(X, Int32Array.from(y, (k) => names[k]))).toBe(a.score(X, y));
    // Digits-style Uint8Array labels work too.
    expect(Array.from(new LogisticRegression().fit(X, Uint8Array.from(y)).coef.data)).toEqual(Array.from(a.coef.data));
  });

  it('scores accuracy, counting labels it never saw as wrong', () => {
    const X = [[-2], [-1], [1], [2]];
    const model = new LogisticRegression({ C: 100 }).fit(X, [0, 0, 1, 1]);
    expect(model.score(X, [0, 0, 1, 1])).toBe(1);
    expect(model.score(X, [0, 5, 1, 1])).toBe(0.75);
  });

  it('stops at maxIter with converged false', () => {
    const { X, y } = blobs(40, 3, 3, 2);
    const model = new LogisticRegression({ maxIter: 2, tol: 0 }).fit(X, y);
    expect(model.nIter).toBe(2);
    expect(model.converged).toBe(false);
  });
});
