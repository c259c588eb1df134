import { describe, expect, it } from 'vitest';
import { knnAccuracy } from '../../src/app/knn.js';
import { Rng } from '../../src/random/rng.js';

/** Brute-force k-NN accuracy with the same vote rule. */
function bruteKnn(R: number[][], rl: number[], Q: number[][], ql: number[], k: number): number {
  let correct = 0;
  Q.forEach((q, qi) => {
    const order = R.map((r, i) => ({ i, d: r.reduce((s, v, j) => s + (v - q[j]) ** 2, 0) })).sort((a, b) => a.d - b.d || a.i - b.i).slice(0, k);
    const counts = new Map<number, number>();
    for (const o of order) counts.set(rl[o.i], (counts.get(rl[o.i]) ?? 0) + 1);
    const top = Math.max(...counts.values());
    const pred = rl[order.find((o) => counts.get(rl[o.i]) === top)!.i];
    if (pred === ql[qi]) correct++;
  });
  return correct / Q.length;
}

describe('knnAccuracy', () => {
  it('matches a brute-force reference on random data (several chunks of queries)', () => {
    const rng = new Rng(3);
    const dim = 3;
    const make = (n: number) => Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
    const R = make(300);
    const Q = make(600);
    const rl = R.map((r) => (r[0] > 0 ? 1 : 0) + (r[1] > 0.5 ? 2 : 0));
    const ql = Q.map((r) => (r[0] > 0 ? 1 : 0) + (r[1] > 0.5 ? 2 : 0));
    for (const k of [1, 4, 5]) {
      const got = knnAccuracy({ data: R.flat(), n: 300, dim, labels: rl }, { data: Q.flat(), n: 600, dim, labels: ql }, k);
      expect(got).toBeCloseTo(bruteKnn(R, rl, Q, ql, k), 12);
    }
  });

  it('is 1 on separated clusters and rejects mismatched inputs', () => {
    const ref = { data: [0, 0, 0.1, 0, 10, 10, 10.1, 10], n: 4, dim: 2, labels: [0, 0, 1, 1] };
    expect(knnAccuracy(ref, { data: [0.05, 0, 10, 9.9], n: 2, dim: 2, labels: [0, 1] }, 1)).toBe(1);
    expect(() => knnAccuracy(ref, { data: [0], n: 1, dim: 1, labels: [0] }, 1)).toThrow(RangeError);
    expect(() => knnAccuracy(ref, ref, 5)).toThrow(/k must be/);
  });
});
