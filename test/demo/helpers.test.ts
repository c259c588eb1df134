import { describe, expect, it } from 'vitest';
import { knnAccuracy } from '../../src/demo/knn.js';
import { inverseNormalCdf, latentGrid } from '../../src/demo/manifold.js';
import { resolveDemoOptions } from '../../src/demo/options.js';
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

describe('latent grid', () => {
  it('inverseNormalCdf inverts the normal CDF', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 12);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963985, 8);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(inverseNormalCdf(1 - 1e-10)).toBeCloseTo(6.361340902, 6);
    expect(() => inverseNormalCdf(0)).toThrow(RangeError);
    expect(() => inverseNormalCdf(1)).toThrow(RangeError);
  });

  it('latentGrid spaces points by quantiles, top row high z2, left column low z1', () => {
    const g = latentGrid(4);
    expect(g.length).toBe(32);
    const ticks = [0.125, 0.375, 0.625, 0.875].map(inverseNormalCdf);
    expect(g[0]).toBeCloseTo(ticks[0], 6); // row 0, col 0: z1 lowest
    expect(g[1]).toBeCloseTo(ticks[3], 6); // z2 highest on the top row
    expect(g[2 * 3]).toBeCloseTo(ticks[3], 6); // col 3: z1 highest
    expect(g[(3 * 4) * 2 + 1]).toBeCloseTo(ticks[0], 6); // bottom row: z2 lowest
  });
});

describe('resolveDemoOptions', () => {
  it('fills the full and quick presets and checks options', () => {
    expect(resolveDemoOptions()).toMatchObject({ outDir: 'demo-output', quick: false, trainSize: 8000, testSize: 2000, seed: 0 });
    expect(resolveDemoOptions({ quick: true }).trainSize).toBeLessThan(8000);
    expect(resolveDemoOptions({ epochs: 10 })).toMatchObject({ epochs2d: 10, epochsWide: 8 });
    expect(() => resolveDemoOptions({ trainSize: 0 })).toThrow(/trainSize/);
    expect(() => resolveDemoOptions({ seed: 1.5 })).toThrow(/seed/);
  });
});
