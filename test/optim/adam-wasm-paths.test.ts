/**
 * Adam on the wasm backend gives the bits of the SIMD kernel run step by step on its own arrays,
 * over lengths that are not multiples of four (the kernel writes whole lanes past a chunk's
 * end), chunk edges, several steps, and a state saved and loaded mid-way; and on arrays that all
 * live in one arena (a fit's residency, kernels/wasm/runner.ts) the in-place path gives the
 * bits of the copying one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackendName, getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { WasmArena } from '../../src/kernels/wasm/arena.js';
import { Adam, AdamW } from '../../src/optim/adam.js';
import { adamStepWasm } from '../../src/kernels/wasm/adam.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

const SIZES = [40001, 3, 30003, 16384];
const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

function setup(seed: number) {
  const rng = new Rng(seed);
  const params = new Map(SIZES.map((n, i) => [`p${i}`, Tensor.randn([n], rng, { requiresGrad: true })]));
  const grads = Array.from({ length: 5 }, () => SIZES.map((n) => Tensor.randn([n], rng, { std: 0.1 }).data as Float32Array));
  return { params, grads };
}

describe.skipIf(!isWasmAvailable())('Adam on the wasm backend', () => {
  let saved: BackendName;
  beforeEach(() => {
    saved = getBackend();
    setBackend('wasm');
  });
  afterEach(() => setBackend(saved));

  it('matches the SIMD kernel run on plain arrays bit for bit', () => {
    for (const decoupled of [false, true]) {
      const { params, grads } = setup(1);
      const opt = decoupled ? new AdamW(params, { learningRate: 0.01 }) : new Adam(params, { learningRate: 0.01, weightDecay: 0.1 });
      // The reference: the same kernel with moments in ordinary arrays.
      const ref = [...params.values()].map((p) => ({ p: (p.data as Float32Array).slice(), m: new Float32Array(p.size), v: new Float32Array(p.size) }));
      grads.forEach((gs, t0) => {
        const t = t0 + 1;
        [...params.values()].forEach((p, i) => { p.grad = new Tensor(gs[i].slice(), p.shape); });
        opt.step();
        const lr = 0.01;
        const wd = decoupled ? 0.01 : 0.1;
        ref.forEach((r, i) => {
          expect(adamStepWasm(r.p, gs[i], r.m, r.v, {
            beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: lr / (1 - 0.9 ** t), invBc2Sqrt: 1 / Math.sqrt(1 - 0.999 ** t),
            l2: decoupled ? 0 : wd, keep: decoupled ? 1 - lr * wd : 1,
          })).toBe(true);
        });
      });
      const state = opt.state();
      [...params.entries()].forEach(([name, p], i) => {
        expect(bits(p.data), name).toEqual(bits(ref[i].p));
        expect(bits(state.tensors[`exp_avg.${name}`].data), name).toEqual(bits(ref[i].m));
        expect(bits(state.tensors[`exp_avg_sq.${name}`].data), name).toEqual(bits(ref[i].v));
      });
    }
  });

  it('resumes from state() bit-exactly, and the TypeScript backend can take over mid-way', () => {
    const straight = setup(2);
    const a = new Adam(straight.params, { learningRate: 0.02 });
    const split = setup(2);
    let b = new Adam(split.params, { learningRate: 0.02 });
    straight.grads.forEach((gs, t) => {
      for (const [{ params }, opt] of [[straight, a], [split, b]] as const) {
        [...params.values()].forEach((p, i) => { p.grad = new Tensor(gs[i].slice(), p.shape); });
        opt.step();
      }
      if (t === 1) {
        const fresh = new Adam(split.params, { learningRate: 0.02 });
        fresh.loadState(b.state());
        b = fresh;
      }
    });
    [...straight.params.keys()].forEach((k) => expect(bits(split.params.get(k)!.data)).toEqual(bits(straight.params.get(k)!.data)));
    // Switching backend keeps working on the same buffers.
    setBackend('js');
    [...split.params.values()].forEach((p) => { p.grad = Tensor.ones(p.shape); });
    b.step();
    for (const p of split.params.values()) expect(Number.isFinite(p.data[0])).toBe(true);
  });
});

describe.skipIf(!isWasmAvailable())('Adam on arrays that all live in one arena', () => {
  it('updates them in place with the bits of the copying path, padding lanes included', () => {
    const arena = WasmArena.create(8 << 20) as WasmArena;
    const rng = new Rng(5);
    for (const n of SIZES) {
      const plain = [0, 1, 2, 3].map(() => { const x = new Float32Array(n); rng.fillNormal(x, 0, 0.1); return x; });
      plain[3] = plain[3].map(Math.abs); // v ≥ 0
      const inArena = plain.map((x) => { const v = arena.alloc(n) as Float32Array; v.set(x); return v; });
      const next = arena.alloc(4) as Float32Array; // the array after the last one must not be touched
      next.fill(7);
      for (let t = 1; t <= 3; t++) {
        const s = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 / (1 - 0.9 ** t), invBc2Sqrt: 1 / Math.sqrt(1 - 0.999 ** t), l2: 0.01, keep: 1 };
        expect(adamStepWasm(plain[0], plain[1], plain[2], plain[3], s)).toBe(true);
        expect(adamStepWasm(inArena[0], inArena[1], inArena[2], inArena[3], s)).toBe(true);
      }
      [0, 2, 3].forEach((k) => expect(bits(inArena[k]), `n=${n} array ${k}`).toEqual(bits(plain[k])));
      expect(Array.from(next)).toEqual([7, 7, 7, 7]);
    }
  });
});
