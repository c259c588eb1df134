/**
 * The gradient norm's sum of squares on WebAssembly SIMD adds in the same four double chains
 * as the TypeScript loop, so both return the same bits: over chunk edges, lengths that are not
 * multiples of four, tiny and huge values, and non-finite entries.
 */
import { describe, expect, it } from 'vitest';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { WasmArena } from '../../src/kernels/wasm/arena.js';
import { sumOfSquaresWasm } from '../../src/kernels/wasm/sum-squares.js';
import { sumOfSquaresJs } from '../../src/optim/clip.js';
import { Rng } from '../../src/random/rng.js';

describe.skipIf(!isWasmAvailable())('sumOfSquaresWasm', () => {
  it('returns the bits of the TypeScript loop', () => {
    const rng = new Rng(11);
    for (const n of [0, 1, 3, 4, 5, 4096, 16383, 16384, 16385, 16388, 3 * 16384 + 7, 313600]) {
      for (const std of [1e-20, 1e-3, 1, 1e18]) {
        const x = new Float32Array(n);
        rng.fillNormal(x, 0, std);
        expect(Object.is(sumOfSquaresWasm(x), sumOfSquaresJs(x)), `n=${n} std=${std}`).toBe(true);
      }
    }
  });

  it('propagates NaN and infinity as the loop does', () => {
    for (const [i, bad] of [[0, NaN], [5, Infinity], [16384, -Infinity], [20001, NaN]] as const) {
      const x = new Float32Array(20002).fill(0.5);
      x[i] = bad;
      expect(Object.is(sumOfSquaresWasm(x), sumOfSquaresJs(x))).toBe(true);
    }
    const huge = new Float32Array(40000).fill(3e38); // each square is finite in double
    expect(sumOfSquaresWasm(huge)).toBe(sumOfSquaresJs(huge));
  });

  it('reads arrays that live in an arena in place, with the same bits', () => {
    const arena = WasmArena.create(4 << 20) as WasmArena;
    const rng = new Rng(12);
    for (const n of [0, 1, 7, 16385, 313600]) {
      const x = arena.alloc(n) as Float32Array;
      rng.fillNormal(x, 0, 0.1);
      if (n > 7) x[n - 2] = NaN;
      expect(Object.is(sumOfSquaresWasm(x), sumOfSquaresJs(x.slice())), `n=${n}`).toBe(true);
    }
  });
});
