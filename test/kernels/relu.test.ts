/**
 * The ReLU kernels of the fused linear layer: the bit-level forward agrees with `Math.max(v, 0)`
 * on every float32 class (signed zeros, subnormals, infinities, NaN of either sign), and the
 * backward mask with the float formula g·[y > 0] + (NaN where y is NaN).
 */
import { describe, expect, it } from 'vitest';
import { getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { reluBiasBackward, reluInPlace, reluMaskInto } from '../../src/kernels/relu.js';
import { Rng } from '../../src/random/rng.js';

const SPECIALS = [0, -0, 1e-45, -1e-45, 1.2e-38, -1.2e-38, 1, -1, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];

function negativeNaN(): number {
  const b = new Int32Array([0xffc00000 | 0]);
  return new Float32Array(b.buffer)[0];
}

function values(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  new Rng(seed).fillNormal(x, 0, 10);
  SPECIALS.forEach((v, i) => { if (i < n) x[i] = v; });
  if (n > SPECIALS.length) x[SPECIALS.length] = negativeNaN();
  return x;
}

describe('reluInPlace', () => {
  it('equals Math.max(v, 0) in float32 and float64, +0 for every non-positive value, NaN kept', () => {
    for (const n of [1, 7, 14, 1000]) {
      const x = values(n, n);
      const y = x.slice();
      reluInPlace(y);
      for (let i = 0; i < n; i++) expect(Object.is(y[i], Math.fround(Math.max(x[i], 0))), `${x[i]}`).toBe(true);
      const x64 = Float64Array.from(x);
      const y64 = x64.slice();
      reluInPlace(y64);
      for (let i = 0; i < n; i++) expect(Object.is(y64[i], Math.max(x64[i], 0))).toBe(true);
    }
  });

  it('works on a view into a larger buffer', () => {
    const x = values(20, 3);
    const view = new Float32Array(x.buffer, 8, 10);
    const expected = Array.from(view, (v) => Math.fround(Math.max(v, 0)));
    const before = Array.from(x);
    reluInPlace(view);
    expect(Array.from(view)).toEqual(expected);
    expect(Array.from(x.subarray(0, 2))).toEqual(before.slice(0, 2));
    expect(Array.from(x.subarray(12))).toEqual(before.slice(12));
  });
});

describe('reluMaskInto', () => {
  it('passes g where y > 0, +0 where y ≤ 0, NaN where y is NaN or 0·∞', () => {
    const ys = [2, 0, NaN, Infinity, 1e-45, 3];
    const gs = [-0, 5, 1, -4, Infinity, NaN];
    const out = reluMaskInto(Float32Array.from(gs), Float32Array.from(ys), new Float32Array(6));
    expect(Array.from(out)).toEqual([0, 0, NaN, -4, Infinity, NaN]);
    expect(Object.is(out[0], 0)).toBe(true);
    const zeroTimesInf = reluMaskInto(Float32Array.from([Infinity, -Infinity, 2]), Float32Array.from([0, 0, 0]), new Float32Array(3));
    expect(Array.from(zeroTimesInf)).toEqual([NaN, NaN, 0]);
  });
});

describe('reluBiasBackward: the SIMD kernel and the loops give the same bits', () => {
  const bitsOf = (a: Float32Array | Float64Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));
  function run(backend: 'js' | 'wasm', gOut: Float32Array, y: Float32Array | null, n: number, m: number, withAcc: boolean) {
    const before = getBackend();
    setBackend(backend);
    try {
      const acc = withAcc ? new Float64Array(m) : null;
      const g = reluBiasBackward(gOut, y, n, m, acc, new Float32Array(n * m));
      return { g: g.slice(), acc };
    } finally {
      setBackend(before);
    }
  }

  it.skipIf(!isWasmAvailable())('over widths with and without a multiple of 4, several chunks, and special values', () => {
    for (const [n, m] of [[1, 4096], [700, 3], [128, 5], [64, 17], [128, 400], [128, 784], [150, 1000], [3, 9000]]) {
      const rng = new Rng(n * m);
      const gOut = new Float32Array(n * m);
      rng.fillNormal(gOut);
      const y = values(n * m, n + m);
      for (let i = 0; i < y.length; i += 3) y[i] = Math.max(y[i], 0); // mostly a ReLU output
      gOut[5] = Infinity;
      gOut[6] = NaN;
      gOut[7] = -0;
      for (const relu of [true, false]) {
        for (const withAcc of [true, false]) {
          const a = run('wasm', gOut, relu ? y : null, n, m, withAcc);
          const b = run('js', gOut, relu ? y : null, n, m, withAcc);
          expect(bitsOf(a.g), `${n}×${m} relu=${relu}`).toEqual(bitsOf(b.g));
          if (withAcc) expect(bitsOf(a.acc!), `${n}×${m} relu=${relu} sums`).toEqual(bitsOf(b.acc!));
        }
      }
    }
  });
});
