/**
 * nearestCodesInto equals the brute force nearestCodesReference index for index, on the direct
 * loop and on the GEMM path, float32 and float64, both backends; on shapes with 1 and odd
 * extents, exact ties (lowest index wins), near ties the expanded distance gets wrong, and rows
 * with NaN or ±∞ (−1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { NEAREST_GEMM_WORK, nearestCodesInto, nearestCodesReference } from '../../src/kernels/nearest-code.js';
import { Rng } from '../../src/random/rng.js';
import { dimArb } from '../helpers/arbitraries.js';

const initial = getBackend();
afterEach(() => setBackend(initial));
const backends = isWasmAvailable() ? (['js', 'wasm'] as const) : (['js'] as const);

function filled(f32: boolean, n: number, seed: number, scale = 1): Float32Array | Float64Array {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  new Rng(seed).fillNormal(a, 0, scale);
  return a;
}

function check(Z: Float32Array | Float64Array, n: number, E: Float32Array | Float64Array, K: number, d: number): Int32Array {
  const got = nearestCodesInto(Z, n, E, K, d, new Int32Array(n));
  expect(Array.from(got)).toEqual(Array.from(nearestCodesReference(Z, n, E, K, d)));
  return got;
}

describe('nearestCodesInto equals brute force', () => {
  for (const backend of backends) {
    for (const f32 of [true, false]) {
      it(`on random shapes (1, odd, block edges), ${f32 ? 'float32' : 'float64'}, ${backend}`, () => {
        setBackend(backend);
        fc.assert(fc.property(dimArb({ max: 40 }), dimArb({ max: 33 }), dimArb({ max: 13 }), fc.integer({ min: 0, max: 1e6 }), (n, K, d, seed) => {
          check(filled(f32, n * d, seed), n, filled(f32, K * d, seed + 1), K, d);
        }), { seed: 17, numRuns: 60 });
      });

      it(`on the GEMM path (n·K·d ≥ ${NEAREST_GEMM_WORK}, more rows than one block), ${f32 ? 'float32' : 'float64'}, ${backend}`, () => {
        setBackend(backend);
        for (const [n, K, d] of [[301, 64, 3], [257, 33, 7], [1, 512, 64], [520, 9, 16]]) {
          check(filled(f32, n * d, n), n, filled(f32, K * d, K), K, d);
        }
      });
    }

    it(`near ties the expansion ‖z‖² − 2z·e + ‖e‖² misranks, ${backend}`, () => {
      setBackend(backend);
      // Rows and codes share a large offset: the expanded distances' rounding (~u·‖z‖‖e‖)
      // is far above the gaps between the codes, so only the re-check ranks them right.
      const n = 200;
      const K = 64;
      const d = 8;
      const rng = new Rng(5);
      const Z = new Float32Array(n * d);
      const E = new Float32Array(K * d);
      for (let i = 0; i < Z.length; i++) Z[i] = 1000 + 0.01 * rng.normal();
      for (let i = 0; i < E.length; i++) E[i] = 1000 + 0.01 * rng.normal();
      const codes = check(Z, n, E, K, d);
      expect(new Set(codes).size).toBeGreaterThan(5);
    });
  }

  it('exact ties go to the lowest index, on both paths', () => {
    for (const n of [3, 300]) {
      const K = 40;
      const d = 4;
      // Integer rows; codes in pairs e, e' at equal distance from z = 0 (±1 in one feature),
      // with duplicates: the first of each tied pair must win.
      const Z = new Float64Array(n * d);
      const E = new Float64Array(K * d);
      for (let k = 0; k < K; k++) E[k * d + (k % d)] = (k % 2 === 0 ? 1 : -1) * (1 + Math.floor(k / 8));
      const got = check(Z, n, E, K, d);
      expect(got[0]).toBe(0);
      const dup = new Float32Array(K * d).fill(2);
      const zRow = new Float32Array(n * d).fill(1);
      expect(check(zRow, n, dup, K, d)[n - 1]).toBe(0);
    }
  });

  it('a row with NaN or ±∞ gets −1; K = 0 gives −1; d = 0 gives code 0', () => {
    for (const n of [4, 300]) {
      const K = 16;
      const d = 8;
      const Z = filled(true, n * d, 1);
      Z[0] = NaN;
      Z[d + 3] = Infinity;
      Z[2 * d + 7] = -Infinity;
      const got = check(Z, n, filled(true, K * d, 2), K, d);
      expect(Array.from(got.subarray(0, 3))).toEqual([-1, -1, -1]);
      expect(got[3]).toBeGreaterThanOrEqual(0);
    }
    expect(Array.from(nearestCodesInto(new Float32Array(2), 2, new Float32Array(0), 0, 1, new Int32Array(2)))).toEqual([-1, -1]);
    expect(Array.from(nearestCodesInto(new Float32Array(0), 2, new Float32Array(0), 3, 0, new Int32Array(2)))).toEqual([0, 0]);
  });

  it('huge values (products near the float32 limit) and mixed storage types still equal brute force', () => {
    const n = 64;
    const K = 32;
    const d = 16;
    check(filled(true, n * d, 3, 1e18), n, filled(true, K * d, 4, 1e18), K, d);
    check(filled(true, n * d, 3, 1e-30), n, filled(true, K * d, 4, 1e-30), K, d);
    check(filled(true, n * d, 3), n, filled(false, K * d, 4), K, d);
  });
});
