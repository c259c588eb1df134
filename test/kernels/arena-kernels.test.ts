/**
 * The small kernels of a training step (the Bernoulli loss, the ReLU mask with bias sums) run
 * in place when their arrays live in one arena. They must give the bits of the copying path,
 * over chunk edges and odd widths, with NaN kept.
 */
import { describe, expect, it } from 'vitest';
import { bceSumWasm, buildBceModule } from '../../src/kernels/wasm/bce-sum.js';
import { buildBiasReluModule, maskAndSumsWasm } from '../../src/kernels/wasm/bias-relu.js';
import { reluBackward, reluInPlace, reluInto, reluMaskInto } from '../../src/kernels/relu.js';
import { buildReluModule, reluInPlaceWasm } from '../../src/kernels/wasm/relu.js';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { WasmArena, arenaKernel } from '../../src/kernels/wasm/arena.js';
import { buildAdamModule } from '../../src/kernels/wasm/adam.js';
import { buildSumSquaresModule } from '../../src/kernels/wasm/sum-squares.js';
import { Rng } from '../../src/random/rng.js';

const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

function filled(arena: WasmArena | null, n: number, rng: Rng, std: number): Float32Array {
  const x = arena === null ? new Float32Array(n) : (arena.alloc(n) as Float32Array);
  rng.fillNormal(x, 0, std);
  return x;
}

describe.skipIf(!isWasmAvailable())('step kernels on arena arrays', () => {
  it('bceSum: the same sum and gradient bits as the copying path', () => {
    const arena = WasmArena.create(8 << 20) as WasmArena;
    const tail = (L: Float32Array, Y: Float32Array, d: Float32Array) => (from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i++) {
        s += Math.max(L[i], 0) - Y[i] * L[i] + Math.log1p(Math.exp(-Math.abs(L[i])));
        d[i] = 0.5 * (1 / (1 + Math.exp(-L[i])) - Y[i]);
      }
      return s;
    };
    for (const n of [4, 7, 4096, 4097, 100352, 100355]) {
      const rng = new Rng(n);
      const L = filled(arena, n, rng, 6);
      const Y = filled(arena, n, rng, 1).map(Math.abs);
      const Yr = arena.alloc(n) as Float32Array;
      Yr.set(Y);
      if (n > 10) L[9] = NaN;
      const d = arena.alloc(n) as Float32Array;
      const [Lp, Yp, dp] = [L.slice(), Y.slice(), new Float32Array(n)];
      const inPlace = bceSumWasm(L, Yr, d, 0.5, tail(L, Yr, d));
      const copied = bceSumWasm(Lp, Yp, dp, 0.5, tail(Lp, Yp, dp));
      expect(Object.is(inPlace, copied), `n=${n}`).toBe(true);
      expect(bits(d)).toEqual(bits(dp));
    }
  });

  it('ReLU mask and bias column sums: the same bits as the copying path, with and without the mask', () => {
    const arena = WasmArena.create(8 << 20) as WasmArena;
    for (const [n, m] of [[128, 400], [3, 9], [130, 784], [17, 4]] as const) {
      const rng = new Rng(n * m);
      const g = filled(arena, n * m, rng, 1);
      const y = filled(arena, n * m, rng, 1);
      y[5] = NaN;
      for (const masked of [true, false]) {
        const out = masked ? (arena.alloc(n * m) as Float32Array) : g;
        const outPlain = masked ? new Float32Array(n * m) : g.slice();
        const acc = new Float64Array(m);
        const accPlain = new Float64Array(m);
        expect(maskAndSumsWasm(g, masked ? y : null, out, n, m, acc)).toBe(true);
        expect(maskAndSumsWasm(masked ? g.slice() : outPlain, masked ? y.slice() : null, outPlain, n, m, accPlain)).toBe(true);
        const m4 = m - (m % 4);
        if (masked) {
          // The kernel covers the first m − m mod 4 columns; the caller finishes the rest.
          for (let r = 0; r < n; r++) expect(bits(out.subarray(r * m, r * m + m4))).toEqual(bits(outPlain.subarray(r * m, r * m + m4)));
        }
        expect(bits(acc.subarray(0, m4))).toEqual(bits(accPlain.subarray(0, m4)));
      }
    }
  });
});

describe.skipIf(!isWasmAvailable())('ReLU forward on arena arrays', () => {
  it('gives the bits of the TypeScript loop: negatives, ±0, ±∞, NaN payloads, odd lengths', () => {
    const arena = WasmArena.create(1 << 20) as WasmArena;
    const special = [-0, 0, -Infinity, Infinity, NaN, -1e-45, 1e-45, -3.4e38, 3.4e38];
    for (const n of [1, 3, 4, 5, 9, 1027, 51200]) {
      const rng = new Rng(n);
      const plain = new Float32Array(n);
      rng.fillNormal(plain, 0, 1);
      for (let i = 0; i < Math.min(n, special.length); i++) plain[i] = special[i];
      const asBits = new Uint32Array(plain.buffer);
      if (n > 10) asBits[10] = 0xffc01234; // a negative NaN with a payload
      const inArena = arena.alloc(n) as Float32Array;
      inArena.set(plain);
      expect(reluInPlaceWasm(inArena)).toBe(n - (n % 4));
      reluInPlace(inArena); // finishes the tail; the SIMD part is already done and idempotent
      reluInPlace(plain);
      expect(bits(inArena)).toEqual(bits(plain));
    }
    expect(reluInPlaceWasm(new Float32Array(8))).toBe(0); // not in an arena
  });
});

describe.skipIf(!isWasmAvailable())('the relu op kernels (conv activations)', () => {
  const special = [-0, 0, -Infinity, Infinity, NaN, -1e-45, 1e-45, -3.4e38, 3.4e38];
  const withSpecials = (x: Float32Array): Float32Array => {
    for (let i = 0; i < Math.min(x.length, special.length); i++) x[i] = special[i];
    return x;
  };

  it('reluInto into an arena array: the bits of the loop into a plain array', () => {
    const arena = WasmArena.create(4 << 20) as WasmArena;
    for (const n of [2047, 2048, 2051, 25088, 100352]) {
      const x = withSpecials(filled(null, n, new Rng(n), 1));
      const plain = reluInto(x, new Float32Array(n));
      const inArena = reluInto(x, arena.alloc(n) as Float32Array);
      expect(bits(inArena), `n=${n}`).toEqual(bits(plain));
    }
  });

  it('reluBackward: the bits of reluMaskInto (NaN and infinite gradients included), in an arena, plain, in place', () => {
    const arena = WasmArena.create(8 << 20) as WasmArena;
    for (const n of [2048, 2050, 2052, 3 * 4096, 128 * 196, 128 * 32 * 49 + 4]) {
      const rng = new Rng(n);
      const y = withSpecials(filled(arena, n, rng, 1));
      const g = filled(arena, n, rng, 1);
      g[20] = Infinity; y[20] = -1; // 0·∞: NaN
      g[21] = NaN; y[21] = 2;
      const expected = reluMaskInto(g, y, new Float32Array(n));
      expect(bits(reluBackward(g, y, arena.alloc(n) as Float32Array)), `arena n=${n}`).toEqual(bits(expected));
      expect(bits(reluBackward(g.slice(), y.slice(), new Float32Array(n))), `plain n=${n}`).toEqual(bits(expected));
      const own = g.slice();
      expect(bits(reluBackward(own, y.slice(), own)), `in place n=${n}`).toEqual(bits(expected));
    }
  });
});

describe.skipIf(!isWasmAvailable())('arenaKernel', () => {
  it('instantiates every in-place kernel on the arena that holds all its arrays, and none for mixed arrays', () => {
    const bce = (shared?: boolean) => buildBceModule(undefined, shared);
    // A threaded arena's memory is shared: its kernels are the shared-memory builds.
    for (const threads of [1, 2]) {
      const arena = WasmArena.create(1 << 20, threads) as WasmArena;
      const [a, b, c, d] = [0, 1, 2, 3].map(() => arena.alloc(64) as Float32Array);
      // Without this, a kernel failing to instantiate would fall back to copying unnoticed:
      // the bit-equality tests above would still pass.
      for (const build of [bce, buildBiasReluModule, buildSumSquaresModule, buildAdamModule, buildReluModule]) {
        const k = arenaKernel(build, a, b, c, d);
        expect(k?.arena).toBe(arena);
      }
      arena.release();
    }
    const arena = WasmArena.create(1 << 20) as WasmArena;
    const a = arena.alloc(64) as Float32Array;
    expect(arenaKernel(buildReluModule, a, null)).not.toBeNull();
    expect(arenaKernel(buildReluModule, a, new Float32Array(4))).toBeNull();
    expect(arenaKernel(buildReluModule, new Float32Array(4))).toBeNull();
    const other = WasmArena.create(1 << 16) as WasmArena;
    expect(arenaKernel(buildReluModule, a, other.alloc(4) as Float32Array)).toBeNull();
  });
});
