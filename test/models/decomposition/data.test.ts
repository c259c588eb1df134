/**
 * The two-pass float32 loader of the mixed-precision PCA solvers agrees with the general path
 * (toMatrix, statistics, centring): the same centred bytes, mean and shift, and ‖X_c‖_F² to
 * rounding, including columns with a large offset, where the moment formula would cancel.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centredRows, loadCentred } from '../../../src/models/decomposition/data.js';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { getBackend } from '../../../src/kernels/backend.js';
import { Rng } from '../../../src/random/rng.js';
import { NonFiniteError } from '../../../src/errors.js';

function nested(x: Float32Array, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
}

function exactSumSq(x: Float32Array, n: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j];
    m /= n;
    for (let i = 0; i < n; i++) s += (x[i * d + j] - m) ** 2;
  }
  return s;
}

const caseArb = fc.record({
  n: fc.integer({ min: 2, max: 40 }),
  d: fc.integer({ min: 1, max: 7 }),
  offset: fc.constantFrom(0, 1, 1e3, 1e6),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
});

describe('loadCentred: the float32 fast path', () => {
  it('matches the general path bit for bit, and ‖X_c‖² to 1e-12 (fast-check)', () => {
    fc.assert(
      fc.property(caseArb, ({ n, d, offset, seed }) => {
        let s = seed;
        const x = new Float32Array(n * d);
        for (let i = 0; i < x.length; i++) {
          s = (s * 16807) % 2147483647;
          x[i] = (i % d === 0 ? offset : 0) + s / 2147483647 - 0.5;
        }
        const copy = Float32Array.from(x);
        const fast = loadCentred({ data: x, shape: [n, d] }, 'PCA.fit', true);
        const slow = loadCentred(nested(x, n, d), 'PCA.fit', true);
        expect(x).toEqual(copy); // input never mutated
        expect(fast.data).toBeInstanceOf(Float32Array);
        expect(new Uint8Array(fast.data.buffer)).toEqual(new Uint8Array(slow.data.buffer));
        expect(fast.mean).toEqual(slow.mean);
        expect(fast.shift).toEqual(slow.shift);
        const ref = exactSumSq(x, n, d);
        expect(Math.abs(fast.sumSq - ref)).toBeLessThanOrEqual(1e-12 * ref + 1e-300);
      }),
      { numRuns: 60 },
    );
  });

  it('constant columns give ‖X_c‖² = 0 exactly', () => {
    const x = new Float32Array([3, 0.1, 3, 0.1, 3, 0.1]);
    const c = loadCentred({ data: x, shape: [3, 2] }, 'PCA.fit', true);
    expect(c.sumSq).toBe(0);
  });

  it('reports a non-finite value with the usual message', () => {
    const x = new Float32Array([1, 2, 3, Number.NaN, 5, 6]);
    expect(() => loadCentred({ data: x, shape: [3, 2] }, 'PCA.fit', true)).toThrow(NonFiniteError);
    expect(() => loadCentred({ data: x, shape: [3, 2] }, 'PCA.fit', true)).toThrow(/row 1, col/);
    const inf = new Float32Array([1, 2, Infinity, -Infinity]);
    expect(() => loadCentred({ data: inf, shape: [2, 2] }, 'PCA.fit', true)).toThrow(NonFiniteError);
  });

  it('streams centred row chunks equal to the full centred copy, without writing that copy', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 9 }), ({ n, d, offset, seed }, chunk) => {
        const x = new Rng(seed).fillNormal(new Float32Array(n * d)) as Float32Array;
        for (let i = 0; i < x.length; i += d) x[i] += offset;
        const streamed = loadCentred({ data: x, shape: [n, d] }, 'PCA.fit', true);
        const full = loadCentred(nested(x, n, d), 'PCA.fit', true).data;
        const scratch = new Float32Array(chunk * d);
        for (let r0 = 0; r0 < n; r0 += chunk) {
          const m = Math.min(chunk, n - r0);
          const rows = centredRows(streamed, r0, m, scratch);
          expect(Array.from(rows)).toEqual(Array.from(full.subarray(r0 * d, (r0 + m) * d)));
        }
        if (getBackend() === 'wasm') expect((streamed as unknown as { materialised?: boolean }).materialised).not.toBe(true);
        expect(new Uint8Array(streamed.data.buffer)).toEqual(new Uint8Array(full.buffer));
      }),
      { numRuns: 40 },
    );
  });

  it('PCA gives the same bytes whether the covariance Gram streams the centring or not', () => {
    const n = 1500;
    const d = 40;
    const x = new Rng(3).fillNormal(new Float32Array(n * d)) as Float32Array;
    for (let i = 0; i < x.length; i++) x[i] = x[i] * (1 + (i % d)) + 5;
    const opts = { nComponents: 6, solver: 'covariance', precision: 'mixed' } as const;
    const a = new PCA(opts).fit({ data: x, shape: [n, d] });
    const b = new PCA(opts).fit(nested(x, n, d));
    expect(Array.from(a.explainedVariance)).toEqual(Array.from(b.explainedVariance));
    expect(Array.from(a.components.data)).toEqual(Array.from(b.components.data));
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
  });
});
