/**
 * docs/testing.md §3.1 item 32: stability at extremes with float32 storage. At
 * x ∈ {0, −0, ±1e-8, ±1, ±20, ±88.7, ±100, ±1e4, ±3e38}, logSumExp, softplus, logSigmoid,
 * sigmoid and bceWithLogits give finite values matching a float64 stable reference to 2 ulp
 * or 1e-7 absolute, and finite gradients; the listed identities hold; the Gaussian KL and NLL
 * stay finite for log σ² ∈ [−30, 30].
 */
import { describe, expect, it } from 'vitest';
import * as F from '../../src/autodiff/functional.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ulp32, ulpDiff32 } from '../helpers/ulp.js';

const EXTREMES = [0, -0, 1e-8, -1e-8, 1, -1, 20, -20, 88.7, -88.7, 100, -100, 1e4, -1e4, 3e38, -3e38];
const X32 = Float32Array.from(EXTREMES);
const TARGETS = [0, 0.5, 1];

// Float64 references written independently of src/kernels/stable.ts.
const refSoftplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const refLogSigmoid = (x: number): number => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
const refSigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const refBce = (x: number, y: number): number => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
function refLse(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

/** 2 ulp of float32 or 1e-7 absolute, whichever is looser (item 32). */
function expectNear32(actual: number, ref: number, what: string): void {
  const ok = ulpDiff32(actual, ref) <= 2 || Math.abs(actual - ref) <= 1e-7;
  expect(ok, `${what}: got ${actual}, reference ${ref} (${ulpDiff32(actual, ref)} ulp)`).toBe(true);
}

function expectAllFinite(t: Tensor | null, what: string): void {
  expect(t, what).not.toBeNull();
  for (let i = 0; i < t!.size; i++) expect(Number.isFinite(t!.data[i]), `${what}[${i}] = ${t!.data[i]}`).toBe(true);
}

const leaf32 = (values: ArrayLike<number>, shape: number[] = [values.length]): Tensor =>
  new Tensor(Float32Array.from(values as number[]), shape, { requiresGrad: true });

describe('elementwise stable ops at extreme inputs (float32)', () => {
  const cases: [string, (t: Tensor) => Tensor, (x: number) => number, (x: number) => number][] = [
    ['softplus', (t) => t.softplus(), refSoftplus, (x) => refSigmoid(x)],
    ['logSigmoid', (t) => t.logSigmoid(), refLogSigmoid, (x) => refSigmoid(-x)],
    ['sigmoid', (t) => t.sigmoid(), refSigmoid, (x) => refSigmoid(x) * (1 - refSigmoid(x))],
  ];
  for (const [name, f, ref, dref] of cases) {
    it(`${name}: finite, within 2 ulp / 1e-7 of the float64 reference, finite gradient`, () => {
      const x = leaf32(X32);
      const y = f(x);
      expect(y.dtype).toBe('float32');
      expectAllFinite(y, name);
      for (let i = 0; i < X32.length; i++) expectNear32(y.data[i], ref(X32[i]), `${name}(${X32[i]})`);
      y.sum().backward();
      expectAllFinite(x.grad, `${name}'`);
      for (let i = 0; i < X32.length; i++) {
        // The derivative is a probability-like quantity: compare to 1e-7 absolute.
        expect(Math.abs(x.grad!.data[i] - dref(X32[i])), `${name}'(${X32[i]})`).toBeLessThanOrEqual(1e-7);
      }
    });
  }

  it("sigmoid' lies in [0, 0.25] everywhere", () => {
    const x = leaf32(X32);
    x.sigmoid().sum().backward();
    for (const g of x.grad!.data) {
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(0.25);
    }
  });

  it('the 0-d and broadcast forms behave the same at the extremes', () => {
    for (const v of X32) {
      const s = new Tensor(Float32Array.of(v), [], { requiresGrad: true });
      const y = s.softplus().add(s.logSigmoid()).add(s.sigmoid());
      expect(Number.isFinite(y.item())).toBe(true);
      y.backward();
      expect(Number.isFinite(s.grad!.item())).toBe(true);
    }
  });
});

describe('logSumExp at extremes (float32)', () => {
  it('over the whole extreme set, each single value, and pairs [x, x]', () => {
    const x = leaf32(X32);
    const all = x.logSumExp();
    expectNear32(all.item(), refLse(X32), 'lse(all)');
    all.backward();
    expectAllFinite(x.grad, "lse'(all)");
    for (const v of X32) {
      const one = leaf32([v]);
      const lseOne = one.logSumExp();
      expect(lseOne.item()).toBe(v === 0 ? 0 : v); // log Σ over one term is the term (±0 both fine)
      lseOne.backward();
      expect(one.grad!.data[0]).toBe(1);
      const pair = leaf32([v, v]);
      const lsePair = pair.logSumExp();
      expectNear32(lsePair.item(), refLse([v, v]), `lse([${v}, ${v}])`);
      lsePair.backward();
      expect(Array.from(pair.grad!.data)).toEqual([0.5, 0.5]);
    }
  });

  it('along an axis of a matrix mixing huge and tiny values', () => {
    const rows = [X32.slice(0, 8), X32.slice(8, 16)];
    const x = leaf32([...rows[0], ...rows[1]], [2, 8]);
    const r = x.logSumExp(1);
    rows.forEach((row, i) => expectNear32(r.data[i], refLse(row), `lse(row ${i})`));
    r.sum().backward();
    expectAllFinite(x.grad, "lse' along axis 1");
    const c = leaf32([...rows[0], ...rows[1]], [2, 8]);
    const byCol = c.logSumExp(0, true);
    expect(byCol.shape).toEqual([1, 8]);
    for (let j = 0; j < 8; j++) expectNear32(byCol.data[j], refLse([rows[0][j], rows[1][j]]), `lse(col ${j})`);
    byCol.sum().backward();
    expectAllFinite(c.grad, "lse' along axis 0");
  });

  it('shift identity: logSumExp(x + c) = logSumExp(x) + c for c = ±1e4', () => {
    const moderate = Float32Array.from([0, -0, 1e-8, -1e-8, 1, -1, 20, -20, 88.7, -88.7, 100, -100]);
    for (const c of [1e4, -1e4]) {
      const x = new Tensor(moderate, [moderate.length]);
      const shifted = x.add(c);
      // Each x + c is rounded to float32 (≤ ½ ulp of |x + c|); logSumExp is 1-Lipschitz in the
      // max norm, so that error, plus one rounding of each output, bounds the difference.
      let inputRounding = 0;
      for (let i = 0; i < moderate.length; i++) inputRounding = Math.max(inputRounding, Math.abs(shifted.data[i] - (moderate[i] + c)));
      const lhs = shifted.logSumExp().item();
      const rhs = x.logSumExp().item() + c;
      const bound = inputRounding + ulp32(lhs) + ulp32(x.logSumExp().item());
      expect(Math.abs(lhs - rhs), `c = ${c}`).toBeLessThanOrEqual(bound);
      // In float64 the identity is tight.
      const x64 = new Tensor(Float64Array.from(moderate), [moderate.length]);
      const d = x64.add(c).logSumExp().item() - (x64.logSumExp().item() + c);
      expect(Math.abs(d)).toBeLessThanOrEqual(1e-11);
    }
  });
});

describe('identities at extremes', () => {
  it('softplus(x) − softplus(−x) = x', () => {
    const x = new Tensor(X32, [X32.length]);
    const a = x.softplus();
    const b = x.neg().softplus();
    for (let i = 0; i < X32.length; i++) {
      // Two float32 roundings of the outputs, at most ½ ulp each, plus the 1e-7 floor.
      const bound = ulp32(a.data[i]) / 2 + ulp32(b.data[i]) / 2 + 1e-7;
      expect(Math.abs(a.data[i] - b.data[i] - X32[i]), `x = ${X32[i]}`).toBeLessThanOrEqual(bound);
    }
  });

  it('bceWithLogits(x, y) = softplus(x) − x·y ≥ 0, matches the reference, gradient σ(x) − y (y ∈ {0, ½, 1})', () => {
    for (const yv of TARGETS) {
      const x = leaf32(X32);
      const y = new Tensor(new Float32Array(X32.length).fill(yv), [X32.length], { requiresGrad: true });
      const l = F.bceWithLogits(x, y, { reduction: 'none' });
      expect(l.dtype).toBe('float32');
      expectAllFinite(l, `bce(·, ${yv})`);
      for (let i = 0; i < X32.length; i++) {
        expect(l.data[i], `bce(${X32[i]}, ${yv}) ≥ 0`).toBeGreaterThanOrEqual(0);
        expectNear32(l.data[i], refBce(X32[i], yv), `bce(${X32[i]}, ${yv})`);
        const sp = refSoftplus(X32[i]) - X32[i] * yv;
        expectNear32(l.data[i], sp, `softplus(x) − x·y at ${X32[i]}, ${yv}`);
      }
      l.sum().backward();
      expectAllFinite(x.grad, `∂bce/∂x (y = ${yv})`);
      expectAllFinite(y.grad, `∂bce/∂y (y = ${yv})`);
      for (let i = 0; i < X32.length; i++) {
        expect(Math.abs(x.grad!.data[i] - (refSigmoid(X32[i]) - yv))).toBeLessThanOrEqual(1e-7);
        expect(y.grad!.data[i]).toBe(-X32[i]);
      }
    }
  });

  it('every reduction of bceWithLogits over the extreme set is finite, with finite gradients', () => {
    for (const reduction of ['sum', 'mean', 'batchMean'] as const) {
      const x = leaf32(X32, [2, 8]);
      const y = new Tensor(new Float32Array(16).fill(0.5), [2, 8]);
      const l = F.bceWithLogits(x, y, { reduction });
      expectAllFinite(l, reduction);
      l.backward();
      expectAllFinite(x.grad, `${reduction} gradient`);
    }
  });
});

describe('Gaussian KL and NLL stay finite for log σ² ∈ [−30, 30] (float32)', () => {
  const logVars: number[] = [];
  for (let v = -30; v <= 30; v += 2.5) logVars.push(v);
  const means = [0, -0, 1e-8, 1, -1, 20, -20, 100, -100];

  it('gaussianKl(μ, lv): finite, ≥ 0, gradients finite', () => {
    const mu = leaf32(means.flatMap(() => logVars.map(() => 0)).map((_, i) => means[Math.floor(i / logVars.length)]));
    const lv = leaf32(means.flatMap(() => logVars));
    const kl = F.gaussianKl(mu, lv, { reduction: 'none' });
    expectAllFinite(kl, 'KL');
    for (const v of kl.data) expect(v).toBeGreaterThanOrEqual(0);
    kl.sum().backward();
    expectAllFinite(mu.grad, '∂KL/∂μ');
    expectAllFinite(lv.grad, '∂KL/∂lv');
    for (const reduction of ['sum', 'mean', 'batchMean'] as const) expectAllFinite(F.gaussianKl(mu, lv, { reduction }), reduction);
  });

  it('gaussianNll(x, μ, lv): finite, gradients finite, for residuals up to 200', () => {
    const xs: number[] = [];
    const ms: number[] = [];
    const lvs: number[] = [];
    for (const x of means) for (const m of [0, 1, -100]) for (const lv of logVars) { xs.push(x); ms.push(m); lvs.push(lv); }
    const x = leaf32(xs);
    const m = leaf32(ms);
    const lv = leaf32(lvs);
    const nll = F.gaussianNll(x, m, lv, { reduction: 'none' });
    expectAllFinite(nll, 'NLL');
    nll.sum().backward();
    expectAllFinite(x.grad, '∂NLL/∂x');
    expectAllFinite(m.grad, '∂NLL/∂μ');
    expectAllFinite(lv.grad, '∂NLL/∂lv');
    for (const reduction of ['sum', 'mean', 'batchMean'] as const) expectAllFinite(F.gaussianNll(x, m, lv, { reduction }), reduction);
  });
});
