/**
 * Backward adding straight into a leaf's existing gradient (gemm with β = 1 for the weight and
 * input gradients of `linear` and `matmul`, a rounded add for the bias) against the path it
 * replaces: a fresh gradient array that the engine then adds into `grad`. Into a zeroed
 * gradient (the trainer's case) the bits are the same on every backend and dtype, whatever the
 * blocking; into a non-zero gradient they are the same wherever both paths round the same sums
 * (float64, and the float32 WebAssembly kernel within one k block), and otherwise differ by at
 * most the rounding of the product (the double-accumulating TypeScript kernels round once
 * instead of twice).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as F from '../../src/autodiff/functional.js';
import { backward } from '../../src/autodiff/graph.js';
import { apply } from '../../src/autodiff/functional.js';
import { defineOp, type GradTargets } from '../../src/autodiff/op.js';
import { ops } from '../../src/autodiff/ops/index.js';
import { type BackendName, getBackend, isWasmAvailable, setBackend } from '../../src/kernels/backend.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor, type DType } from '../../src/tensor/tensor.js';
import type { FloatArray } from '../../src/validate.js';

const rand = (shape: number[], seed: number, dtype: DType, requiresGrad = false): Tensor => {
  const t = Tensor.randn(shape, new Rng(seed), { dtype });
  return requiresGrad ? new Tensor(t.data, shape, { requiresGrad: true }) : t;
};

/** Bit patterns, so −0 and +0 (and NaN payloads) count as different. */
const bits = (a: FloatArray): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

type Build = (leaves: Tensor[]) => Tensor;

interface Case {
  name: string;
  shapes: number[][];
  build: Build;
}

/** A scalar loss with a non-trivial upstream gradient (weights w ⊙ y summed). */
const weighted = (y: Tensor): Tensor => y.mul(rand(y.shape.slice(), 99, y.dtype)).sum();

// Shapes: tiny (the direct loop), VAE-like, and batches past every KC (384 wasm, 512 js).
const cases: Case[] = [];
for (const [n, k, m] of [[3, 2, 5], [33, 20, 17], [128, 40, 24], [530, 24, 12]]) {
  for (const relu of [false, true]) {
    cases.push({
      name: `linear relu=${relu} x[${n},${k}] W[${m},${k}]`,
      shapes: [[n, k], [m, k], [m]],
      build: ([x, w, b]) => weighted(apply(ops.linear, [x, w, b], { relu })),
    });
  }
  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
    cases.push({
      name: `matmul transA=${transA} transB=${transB} (${n}×${k})·(${k}×${m})`,
      shapes: [transA ? [k, n] : [n, k], transB ? [m, k] : [k, m]],
      build: ([a, b]) => weighted(F.matmul(a, b, { transA, transB })),
    });
  }
}

/** Gradients of every leaf when each leaf's grad starts as `start(i)` (null: no grad yet). */
function gradsFrom(c: Case, dtype: DType, start: (i: number) => FloatArray | null, replaceGrads = false): FloatArray[] {
  const leaves = c.shapes.map((s, i) => rand(s, 10 + i, dtype, true));
  leaves.forEach((t, i) => {
    const g = start(i);
    t.grad = g === null ? null : new Tensor(g.slice(), t.shape);
  });
  const before = leaves.map((t) => t.grad?.data ?? null);
  const written = backward(c.build(leaves), undefined, { replaceGrads });
  expect([...written].sort((a, b) => leaves.indexOf(a) - leaves.indexOf(b))).toEqual(leaves);
  // A gradient that existed is updated in place.
  leaves.forEach((t, i) => {
    if (before[i] !== null) expect(t.grad!.data).toBe(before[i]);
  });
  return leaves.map((t) => t.grad!.data);
}

const backends: [BackendName, boolean][] = [['js', true], ['wasm', isWasmAvailable()]];

describe.each(backends)('adding into existing gradients on the %s backend', (backend, available) => {
  let saved: BackendName;
  beforeEach(() => {
    saved = getBackend();
    if (available) setBackend(backend);
  });
  afterEach(() => setBackend(saved));

  it.skipIf(!available)('into zeroed gradients: the same bits as the fresh-array path', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of cases) {
        const fresh = gradsFrom(c, dtype, () => null);
        const zeros = gradsFrom(c, dtype, (i) => (dtype === 'float32' ? new Float32Array(fresh[i].length) : new Float64Array(fresh[i].length)));
        fresh.forEach((g, i) => expect(bits(zeros[i]), `${c.name} ${dtype} input ${i}`).toEqual(bits(g)));
      }
    }
  });

  it.skipIf(!available)('replacing stale gradients: the same bits as the fresh-array path', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of cases) {
        const fresh = gradsFrom(c, dtype, () => null);
        const stale = gradsFrom(c, dtype, (i) => rand([fresh[i].length], 70 + i, dtype).data, true);
        fresh.forEach((g, i) => expect(bits(stale[i]), `${c.name} ${dtype} input ${i}`).toEqual(bits(g)));
      }
    }
  });

  it.skipIf(!available)('into non-zero gradients: grad + ∂, bit-exact where both paths round alike', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of cases) {
        const fresh = gradsFrom(c, dtype, () => null);
        const starts = fresh.map((g, i) => {
          const s = rand([g.length], 50 + i, dtype).data;
          for (let j = 0; j < s.length; j++) s[j] *= 3;
          return s;
        });
        const got = gradsFrom(c, dtype, (i) => starts[i]);
        fresh.forEach((g, i) => {
          // The old engine: the fresh gradient added into grad, one rounding per element.
          const old = starts[i].slice();
          for (let j = 0; j < old.length; j++) old[j] += g[j];
          // Past one k block the sums group differently; the tiny shapes take the direct
          // loop, which rounds like the TypeScript kernel.
          const blocked = c.name.includes('530');
          const tiny = c.name.includes('[3,') || c.name.includes('(3×');
          const exact = dtype === 'float64' ? !blocked : backend === 'wasm' && !blocked && !tiny;
          if (exact) expect(bits(got[i]), `${c.name} ${dtype} input ${i}`).toEqual(bits(old));
          else {
            // Norm-wise: a few roundings of the largest terms involved.
            const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
            let scale = 0;
            for (let j = 0; j < old.length; j++) scale = Math.max(scale, Math.abs(starts[i][j]), Math.abs(g[j]));
            let worst = 0;
            for (let j = 0; j < old.length; j++) worst = Math.max(worst, Math.abs(got[i][j] - old[j]));
            expect(worst, `${c.name} ${dtype} input ${i}`).toBeLessThanOrEqual(8 * u * scale);
          }
        });
      }
    }
  });
});

describe('which buffers the engine offers', () => {
  /** An identity op that records the targets it was offered and adds into them. */
  function probe(log: (GradTargets | undefined)[]) {
    return defineOp<null, null>({
      name: 'probe',
      forward: ([x]) => ({ data: x.data.slice(), shape: x.shape.slice(), saved: null }),
      backward: (g, _ctx, into) => {
        log.push(into);
        const t = into?.[0];
        if (t) {
          for (let i = 0; i < t.length; i++) t[i] += g[i];
          return [t];
        }
        return [g.slice()];
      },
    });
  }

  it('a single-use leaf with a grad of its own storage type, and nothing else', () => {
    const log: (GradTargets | undefined)[] = [];
    const op = probe(log);
    const w = new Tensor(new Float32Array([1, 2]), [2], { requiresGrad: true });
    apply(op, [w], null).sum().backward(); // no grad yet: nothing offered, the engine copies
    expect(log.pop()).toBeUndefined();
    expect(Array.from(w.grad!.data)).toEqual([1, 1]);
    const buf = w.grad!.data;
    apply(op, [w], null).sum().backward(); // offered, and used
    expect(log.pop()![0]).toBe(buf);
    expect(Array.from(w.grad!.data)).toEqual([2, 2]);
    apply(op, [w], null).add(apply(op, [w], null)).sum().backward(); // two uses: never offered
    expect(log.splice(0)).toEqual([undefined, undefined]);
    expect(Array.from(w.grad!.data)).toEqual([4, 4]);
    apply(op, [w.mul(2)], null).sum().backward(); // not a leaf
    expect(log.pop()).toBeUndefined();
    const x64 = new Tensor(new Float64Array([1, 1]), [2]);
    apply(ops.add, [apply(op, [w], null), x64], null).sum().backward(); // still float32 here: offered
    expect(log.pop()![0]).toBe(buf);
    expect(Array.from(w.grad!.data)).toEqual([7, 7]);
  });

  it('replaceGrads: offered targets say so, other reached leaves are zeroed first, unreached ones kept', () => {
    const log: (GradTargets | undefined)[] = [];
    const op = probe(log);
    const w = new Tensor(new Float32Array([1, 2]), [2], { requiresGrad: true });
    const twice = new Tensor(new Float32Array([3]), [1], { requiresGrad: true });
    const idle = new Tensor(new Float32Array([5]), [1], { requiresGrad: true });
    for (const t of [w, twice, idle]) t.grad = new Tensor(new Float32Array(t.size).fill(9), t.shape);
    const loss = apply(op, [w], null).sum().add(twice.mul(twice).sum());
    const written = backward(loss, undefined, { replaceGrads: true });
    expect(log.pop()!.replace).toBe(true);
    expect([...written]).toEqual(expect.arrayContaining([w, twice]));
    expect(written.has(idle)).toBe(false);
    // probe adds into its target, so a replace-aware op would give [1, 1]; the stale 9s show
    // that the engine left the target to the op, while `twice` went through the engine.
    expect(Array.from(w.grad!.data)).toEqual([10, 10]);
    expect(Array.from(twice.grad!.data)).toEqual([6]);
    expect(Array.from(idle.grad!.data)).toEqual([9]);
  });

  it('a leaf promoted to float64 is not offered its float32 grad', () => {
    const log: (GradTargets | undefined)[] = [];
    const two = defineOp<null, null>({
      name: 'probe2',
      forward: ([a]) => ({ data: a.data.slice(), shape: a.shape.slice(), saved: null }),
      backward: (g, _ctx, into) => {
        log.push(into);
        return [g.slice(), null];
      },
    });
    const w = new Tensor(new Float32Array([1, 2]), [2], { requiresGrad: true });
    w.grad = Tensor.zeros([2]);
    apply(two, [w, new Tensor(new Float64Array(2), [2])], null).sum().backward();
    expect(log.pop()).toBeUndefined();
    expect(Array.from(w.grad!.data)).toEqual([1, 1]);
  });
});
