/**
 * Float32 Adam moments below the smallest normal float are stored as zero on both paths (the
 * SIMD kernel and the TypeScript loop), so a weight whose gradient stays zero ends with m = 0
 * instead of a subnormal that round-to-nearest never lets decay (and that makes every later
 * step slow); NaN is kept, float64 moments are untouched, and the parameters do not notice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackendName, getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { Adam } from '../../src/optim/adam.js';
import { MOMENT_FLOOR } from '../../src/kernels/wasm/adam.js';
import { Tensor } from '../../src/tensor/tensor.js';

const SUBNORMAL_4 = 4 * 2 ** -149;

function decay(dtype: 'float32' | 'float64', n: number) {
  const w = Tensor.full([n], 0.5, { dtype, requiresGrad: true });
  const opt = new Adam(new Map([['w', w]]), { learningRate: 1e-3 });
  w.grad = Tensor.full([n], 1e-3, { dtype });
  opt.step();
  const before = Float64Array.from(w.data);
  w.grad = Tensor.zeros([n], { dtype });
  let sawSubnormal = false;
  for (let t = 0; t < 1200; t++) {
    opt.step();
    if (t < 700 || t % 5 !== 0) continue; // m reaches 2⁻¹²⁶ after about 750 steps
    const m = opt.state().tensors['exp_avg.w'].data;
    if (m.some((x) => x !== 0 && Math.abs(x) < MOMENT_FLOOR)) sawSubnormal = true;
  }
  return { w, opt, before, sawSubnormal };
}

describe.each([['js', true], ['wasm', isWasmAvailable()]] as [BackendName, boolean][])('moment floor on the %s backend', (backend, available) => {
  let saved: BackendName;
  beforeEach(() => {
    saved = getBackend();
    if (available) setBackend(backend);
  });
  afterEach(() => setBackend(saved));

  it.skipIf(!available)('a float32 first moment under zero gradient reaches exactly 0, never a subnormal', () => {
    const { w, opt, sawSubnormal } = decay('float32', 70001); // 70,001 moments: the resident path on wasm
    expect(sawSubnormal).toBe(false);
    const st = opt.state().tensors;
    expect(st['exp_avg.w'].data.every((x) => x === 0)).toBe(true);
    expect(st['exp_avg_sq.w'].data.every((x) => x > 0)).toBe(true); // v decays far more slowly
    expect(w.data.every((x) => Number.isFinite(x))).toBe(true);
  });

  it.skipIf(!available)('without the floor the same moment would be stuck: 0.9 × 4·2⁻¹⁴⁹ rounds back to 4·2⁻¹⁴⁹', () => {
    expect(Math.fround(0.9 * SUBNORMAL_4)).toBe(SUBNORMAL_4);
  });

  it.skipIf(!available)('a float32 first moment whose update would be below 2⁻¹²⁶ is stored as 0, the parameter unchanged', () => {
    const n = 70001; // the resident path on wasm
    const w = Tensor.full([n], 0.5, { requiresGrad: true });
    const opt = new Adam(new Map([['w', w]]), { learningRate: 1e-3 });
    w.grad = Tensor.full([n], 1e-3);
    opt.step();
    const state = opt.state();
    const m = state.tensors['exp_avg.w'].data;
    // Lane i mod 3: an update of about 2e-39 (below 2⁻¹²⁶ ≈ 1.2e-38), one of 2e-37, an ordinary one.
    for (let i = 0; i < n; i++) m[i] = [1e-36, 1e-34, 1e-4][i % 3];
    state.tensors['exp_avg_sq.w'].data.fill(1e-2);
    opt.loadState(state);
    w.grad = Tensor.zeros([n]);
    const before = Float32Array.from(w.data);
    opt.step();
    const after = opt.state().tensors['exp_avg.w'].data;
    for (const i of [0, 3, 69999]) {
      expect(after[i]).toBe(0);
      expect(w.data[i]).toBe(before[i]);
    }
    expect(after[1]).toBeGreaterThan(0);
    expect(after[1]).toBeLessThan(1e-34);
    expect(after[2]).toBeCloseTo(0.9e-4, 9);
    expect(w.data[2]).toBeLessThan(before[2]);
  });

  it.skipIf(!available)('NaN moments stay NaN; float64 moments are not floored', () => {
    const w = Tensor.full([8], 1, { requiresGrad: true });
    const opt = new Adam(new Map([['w', w]]));
    w.grad = Tensor.full([8], 1e-3);
    opt.step();
    w.grad.data[3] = NaN;
    opt.step();
    expect(Number.isNaN(opt.state().tensors['exp_avg.w'].data[3])).toBe(true);
    const { opt: opt64, sawSubnormal } = decay('float64', 4);
    const m64 = opt64.state().tensors['exp_avg.w'].data;
    expect(m64[0]).toBeGreaterThan(0);
    expect(m64[0]).toBeLessThan(1e-40);
    expect(sawSubnormal).toBe(true);
  });
});
