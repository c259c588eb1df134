/**
 * Rng: reproducible streams, bit-exact resume from state() (including the cached spare
 * normal), ranges of int/shuffle, seed validation, and distribution moments within 5
 * standard errors estimated from the same samples (docs/testing.md §2).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Rng, type RngState } from '../../src/random/rng.js';
import { seedArb } from '../helpers/arbitraries.js';

/** A mixed sequence of every kind of draw, to compare streams. */
function drawMixed(rng: Rng, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    switch (i % 5) {
      case 0: out.push(rng.uniform()); break;
      case 1: out.push(rng.normal()); break;
      case 2: out.push(rng.int(-5, 17)); break;
      case 3: out.push(...rng.shuffle([1, 2, 3, 4])); break;
      default: out.push(rng.normal(2, 3)); break;
    }
  }
  return out;
}

describe('reproducibility', () => {
  it('the same seed gives the same stream (numbers and strings)', () => {
    fc.assert(
      fc.property(fc.oneof(seedArb, fc.integer({ min: -1e9, max: 0 }), fc.string({ maxLength: 12 })), (seed) => {
        expect(drawMixed(new Rng(seed), 60)).toEqual(drawMixed(new Rng(seed), 60));
      }),
      { seed: 101, numRuns: 50 },
    );
  });

  it('different seeds give different streams', () => {
    fc.assert(
      fc.property(seedArb, seedArb, (a, b) => {
        fc.pre(a !== b);
        const x = Array.from({ length: 4 }, ((r) => () => r.uniform())(new Rng(a)));
        const y = Array.from({ length: 4 }, ((r) => () => r.uniform())(new Rng(b)));
        expect(x).not.toEqual(y);
      }),
      { seed: 102, numRuns: 100 },
    );
    expect(new Rng('a').uniform()).not.toBe(new Rng('b').uniform());
    expect(new Rng(0).uniform()).not.toBe(new Rng(-1).uniform());
  });

  it('is pinned: seed 42 always starts with the same values (guards against silent stream changes)', () => {
    const r = new Rng(42);
    const first = [r.uniform(), r.uniform(), r.normal()];
    const again = new Rng(42);
    expect([again.uniform(), again.uniform(), again.normal()]).toEqual(first);
    for (const v of first.slice(0, 2)) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThan(1); }
  });

  it('fill helpers and Tensor-style fills follow the scalar stream', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const out = a.fillNormal(new Float64Array(5), 1, 2);
    expect(Array.from(out)).toEqual(Array.from({ length: 5 }, () => b.normal(1, 2)));
    const u = a.fillUniform(new Float64Array(5), -1, 1);
    expect(Array.from(u)).toEqual(Array.from({ length: 5 }, () => b.uniform(-1, 1)));
  });

  it('never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const r = new Rng(3);
    drawMixed(r, 100);
    Rng.fromState(r.state()).normal();
    r.fork('x').uniform();
    r.permutation(10);
    expect(spy).not.toHaveBeenCalled();
  });
  afterEach(() => vi.restoreAllMocks());
});

describe('state() and fromState()', () => {
  it('resume bit-exactly at any point, including with a cached spare normal', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 40 }), (seed, warmup) => {
        const r = new Rng(seed);
        drawMixed(r, warmup);
        // Draw until the second Box–Muller value of a pair is cached.
        r.normal();
        if (r.state().spareNormal === null) r.normal();
        const saved = r.state();
        expect(saved.spareNormal).not.toBeNull();
        const rest = drawMixed(r, 50);
        expect(drawMixed(Rng.fromState(saved), 50)).toEqual(rest);
        expect(Object.is(Rng.fromState(saved).normal(), Rng.fromState(saved).normal())).toBe(true);
      }),
      { seed: 103, numRuns: 50 },
    );
  });

  it('the spare normal is part of the state: it is the next normal returned', () => {
    const r = new Rng(11);
    r.normal();
    const s = r.state();
    const next = r.normal();
    expect(s.spareNormal).toBe(next);
    const noSpare = r.state();
    expect(noSpare.spareNormal).toBeNull();
  });

  it('survives a JSON round trip bit-exactly', () => {
    const r = new Rng('checkpoint');
    drawMixed(r, 13);
    const json = JSON.stringify(r.state());
    const expected = drawMixed(r, 40);
    expect(drawMixed(Rng.fromState(JSON.parse(json) as RngState), 40)).toEqual(expected);
  });

  it('taking a state does not advance the stream, and states are independent snapshots', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    a.state();
    expect(a.uniform()).toBe(b.uniform());
    const s = a.state();
    const copy = JSON.parse(JSON.stringify(s)) as RngState;
    (s.S as number[])[0] ^= 0xff; // mutating a returned snapshot must not touch the generator
    expect(a.uniform()).toBe(b.uniform());
    const resumed = Rng.fromState(copy);
    (copy.S as number[])[1] ^= 0xff; // nor the state object after fromState
    const c = new Rng(5);
    c.uniform();
    expect(resumed.uniform()).toBe(c.uniform());
  });

  it('rejects a malformed state with TypeError', () => {
    const good = new Rng(1).state();
    const badByte = good.S.slice();
    badByte[7] = 256;
    const bad: unknown[] = [
      null, 3, {}, { i: 0, j: 0, S: [1, 2, 3], spareNormal: null }, { i: 0, j: 0, S: 'x', spareNormal: null },
      { ...good, i: 'x' }, { ...good, j: -1 }, { ...good, i: 1.5 }, { ...good, S: badByte },
      { ...good, spareNormal: 'a' }, { ...good, spareNormal: NaN }, { ...good, spareNormal: undefined },
    ];
    for (const s of bad) {
      expect(() => Rng.fromState(s as RngState)).toThrow(TypeError);
      expect(() => Rng.fromState(s as RngState)).toThrow(/^Rng\.fromState: state must be an object from Rng\.state\(\) \(i and j in 0\.\.255, S a 256-entry array of bytes, spareNormal a finite number or null\)$/);
    }
  });
});

describe('seed validation', () => {
  const bad: [string, unknown, RegExp][] = [
    ['a fraction', 1.5, /\(got 1\.5\)$/], ['NaN', NaN, /\(got NaN\)$/], ['Infinity', Infinity, /\(got Infinity\)$/],
    ['null', null, /\(got null\)$/], ['undefined', undefined, /\(got undefined\)$/], ['an object', {}, /\(got object\)$/],
    ['an array', [1], /\(got array of length 1\)$/], ['a boolean', true, /\(got boolean\)$/], ['a bigint', 1n, /\(got bigint\)$/],
  ];
  it.each(bad)('%s is a TypeError', (_name, seed, tail) => {
    expect(() => new Rng(seed as number)).toThrow(TypeError);
    expect(() => new Rng(seed as number)).toThrow(/^Rng: seed must be an integer or a string/);
    expect(() => new Rng(seed as number)).toThrow(tail);
  });
  it('accepts integers (negative, large) and strings (empty too)', () => {
    for (const s of [0, -7, 2 ** 40, Number.MAX_SAFE_INTEGER, '', 'abc']) expect(() => new Rng(s)).not.toThrow();
  });
});

describe('ranges', () => {
  it('uniform lies in [low, high)', () => {
    fc.assert(
      fc.property(seedArb, fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (seed, low, width) => {
        const r = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const u = r.uniform(low, low + width);
          expect(u).toBeGreaterThanOrEqual(low);
          expect(u).toBeLessThanOrEqual(low + width);
          const v = r.uniform();
          expect(v >= 0 && v < 1).toBe(true);
        }
      }),
      { seed: 104, numRuns: 50 },
    );
  });

  it('int(low, high) is an integer in [low, high) and hits every value', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 12 }), (seed, low, width) => {
        const r = new Rng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 400; i++) {
          const k = r.int(low, low + width);
          expect(Number.isInteger(k)).toBe(true);
          expect(k).toBeGreaterThanOrEqual(low);
          expect(k).toBeLessThan(low + width);
          seen.add(k);
        }
        expect(seen.size).toBe(width);
      }),
      { seed: 105, numRuns: 50 },
    );
  });

  it('int rejects empty or non-integer ranges with RangeError', () => {
    const r = new Rng(1);
    for (const [lo, hi] of [[3, 3], [4, 2], [0.5, 3], [0, NaN]]) {
      expect(() => r.int(lo, hi)).toThrow(RangeError);
      expect(() => r.int(lo, hi)).toThrow(/^Rng\.int: need integers low < high/);
    }
  });

  it('shuffle permutes in place (arrays and typed arrays) and returns its argument', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 40 }), (seed, n) => {
        const r = new Rng(seed);
        const a = Array.from({ length: n }, (_, i) => i);
        const res = r.shuffle(a);
        expect(res).toBe(a);
        expect(a.slice().sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        const t = Float32Array.from({ length: n }, (_, i) => i);
        r.shuffle(t);
        expect(Array.from(t).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        const p = r.permutation(n);
        expect(p).toBeInstanceOf(Int32Array);
        expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { seed: 106, numRuns: 50 },
    );
  });

  it('int is uniform over its range (5 standard errors per value)', () => {
    const r = new Rng(77);
    const n = 50_000;
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < n; i++) counts[r.int(10, 15) - 10]++;
    const p = 1 / 5;
    for (const c of counts) expect(Math.abs(c - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(n * p * (1 - p)));
  });

  it('shuffle is uniform over the 6 permutations of 3 items (5 standard errors)', () => {
    const r = new Rng(2024);
    const n = 12_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const k = r.shuffle(['a', 'b', 'c']).join('');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const p = 1 / 6;
    const se = Math.sqrt(n * p * (1 - p));
    for (const c of counts.values()) expect(Math.abs(c - n * p)).toBeLessThanOrEqual(5 * se);
  });
});

describe('distribution moments (5 standard errors, estimated from the samples)', () => {
  function moments(xs: Float64Array): { mean: number; variance: number; seMean: number; seVar: number } {
    const n = xs.length;
    let mean = 0;
    for (const x of xs) mean += x;
    mean /= n;
    let m2 = 0;
    let m4 = 0;
    for (const x of xs) { const d = (x - mean) ** 2; m2 += d; m4 += d * d; }
    m2 /= n;
    m4 /= n;
    return { mean, variance: m2, seMean: Math.sqrt(m2 / n), seVar: Math.sqrt((m4 - m2 * m2) / n) };
  }

  it('normal(): mean 0 and variance 1; normal(μ, σ): mean μ and variance σ²', () => {
    for (const [seed, mu, sigma] of [[1, 0, 1], [2, -3, 0.5], [3, 10, 4]] as const) {
      const r = new Rng(seed);
      const xs = new Float64Array(100_000);
      for (let i = 0; i < xs.length; i++) xs[i] = r.normal(mu, sigma);
      const m = moments(xs);
      expect(Math.abs(m.mean - mu)).toBeLessThanOrEqual(5 * m.seMean);
      expect(Math.abs(m.variance - sigma * sigma)).toBeLessThanOrEqual(5 * m.seVar);
      for (const x of xs) expect(Number.isFinite(x)).toBe(true);
    }
  });

  it('normal(): the tail mass beyond ±1.96 is 5% (5 standard errors)', () => {
    const r = new Rng(9);
    const n = 100_000;
    let tail = 0;
    for (let i = 0; i < n; i++) if (Math.abs(r.normal()) > 1.959963984540054) tail++;
    const p = 0.05;
    expect(Math.abs(tail - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(n * p * (1 - p)));
  });

  it('uniform(): mean ½ and variance 1/12', () => {
    const r = new Rng(4);
    const xs = new Float64Array(100_000);
    for (let i = 0; i < xs.length; i++) xs[i] = r.uniform();
    const m = moments(xs);
    expect(Math.abs(m.mean - 0.5)).toBeLessThanOrEqual(5 * m.seMean);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThanOrEqual(5 * m.seVar);
  });

  it('fillGumbel(): the Gumbel(0, 1) mean (Euler–Mascheroni γ) and variance π²/6, resumable, finite', () => {
    const r = new Rng(4);
    const xs = r.fillGumbel(new Float64Array(100_000)) as Float64Array;
    const m = moments(xs);
    expect(Math.abs(m.mean - 0.5772156649015329)).toBeLessThanOrEqual(5 * m.seMean);
    expect(Math.abs(m.variance - Math.PI ** 2 / 6)).toBeLessThanOrEqual(5 * m.seVar);
    expect(xs.every(Number.isFinite)).toBe(true);
    // P(g ≤ 0) = exp(−1).
    const below = xs.filter((x) => x <= 0).length / xs.length;
    expect(Math.abs(below - Math.exp(-1))).toBeLessThanOrEqual(5 * Math.sqrt((Math.exp(-1) * (1 - Math.exp(-1))) / xs.length));
    const saved = r.state();
    const a = r.fillGumbel(new Float32Array(5));
    expect(Array.from(Rng.fromState(saved).fillGumbel(new Float32Array(5)))).toEqual(Array.from(a));
  });
});

describe('fork', () => {
  it('derives deterministic child streams that differ from each other and from the parent', () => {
    const a = new Rng(8);
    const b = new Rng(8);
    const ca = a.fork('init');
    const cb = b.fork('init');
    expect(drawMixed(ca, 20)).toEqual(drawMixed(cb, 20));
    const p = new Rng(8);
    const x = p.fork('x').uniform();
    const q = new Rng(8);
    const y = q.fork('y').uniform();
    expect(x).not.toBe(y);
    expect(a.uniform()).toBe(b.uniform());
  });
});
