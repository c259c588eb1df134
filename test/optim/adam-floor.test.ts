/**
 * Float32 Adam moments below the smallest normal float are stored as zero on both paths (the
 * SIMD kernel and the TypeScript loop), so a weight whose gradient stays zero ends with m = 0
 * instead of a subnormal that round-to-nearest never lets decay (and that makes every later
 * step slow); NaN is kept, float64 moments are untouched, and the parameters do not notice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BackendName, getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { Adam } from '../../src/optim/adam.js';
import { MOMENT_FLOOR } from '../../src/optim/adam-wasm.js';
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
