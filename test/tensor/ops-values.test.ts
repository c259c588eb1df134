/**
 * Forward values of the tensor ops against naive index-based references. (gradcheck only
 * proves backward consistent with forward; these prove forward itself.) Includes NumPy's
 * broadcasting examples.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../src/autodiff/functional.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertAllclose } from '../helpers/allclose.js';
import { broadcastOf, broadcastShapesArb, dimArb, randomTensor, seedArb, shapeArb } from '../helpers/arbitraries.js';

const strides = (s: readonly number[]): number[] => {
  const out = new Array<number>(s.length);
  let k = 1;
  for (let i = s.length - 1; i >= 0; i--) { out[i] = k; k *= s[i]; }
  return out;
};
const flatOf = (idx: readonly number[], s: readonly number[]): number => idx.reduce((a, v, i) => a + v * strides(s)[i], 0);
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, d) => a * d, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let ax = shape.length - 1; ax >= 0; ax--) { if (++idx[ax] < shape[ax]) break; idx[ax] = 0; }
  }
}

describe('broadcasting (NumPy rules)', () => {
  const examples: [number[], number[], number[]][] = [
    [[8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5]], [[5, 4], [1], [5, 4]], [[5, 4], [4], [5, 4]], [[15, 3, 5], [15, 1, 5], [15, 3, 5]],
    [[15, 3, 5], [3, 5], [15, 3, 5]], [[15, 3, 5], [3, 1], [15, 3, 5]], [[], [3], [3]], [[2, 0], [1], [2, 0]], [[1, 1], [], [1, 1]],
  ];
  it.each(examples)('%j ∘ %j → %j, values from the naive index rule', (sa, sb, so) => {
    const a = randomTensor(sa, 1);
    const b = randomTensor(sb, 2, { kinks: [0], margin: 0.5 });
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const y = F[op](a, b);
      expect(y.shape).toEqual(so);
      let k = 0;
      for (const idx of indices(so)) {
        const ia = flatOf(idx.slice(so.length - sa.length).map((v, i) => (sa[i] === 1 ? 0 : v)), sa);
        const ib = flatOf(idx.slice(so.length - sb.length).map((v, i) => (sb[i] === 1 ? 0 : v)), sb);
        const x = a.data[ia];
        const z = b.data[ib];
        expect(y.data[k++]).toBe(op === 'add' ? x + z : op === 'sub' ? x - z : op === 'mul' ? x * z : x / z);
      }
    }
  });

  it('add and mul commute bit for bit; a − b = −(b − a)', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxRank: 4, maxSize: 60 }), seedArb, ([sa, sb], seed) => {
        const a = randomTensor(sa, seed);
        const b = randomTensor(sb, seed + 1);
        expect(a.add(b).shape).toEqual(broadcastOf(sa, sb));
        expect(Array.from(a.add(b).data)).toEqual(Array.from(b.add(a).data));
        expect(Array.from(a.mul(b).data)).toEqual(Array.from(b.mul(a).data));
        expect(Array.from(a.sub(b).data)).toEqual(Array.from(b.sub(a).neg().data));
      }),
      { seed: 91, numRuns: 60 },
    );
  });
});

describe('matmul', () => {
  it('equals the naive triple loop for all transpose flags', () => {
    const dim = dimArb({ max: 33 });
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), seedArb, (m, k, n, transA, transB, seed) => {
        const a = randomTensor(transA ? [k, m] : [m, k], seed);
        const b = randomTensor(transB ? [n, k] : [k, n], seed + 1);
        const c = a.matmul(b, { transA, transB });
        expect(c.shape).toEqual([m, n]);
        const want = new Float64Array(m * n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += (transA ? a.data[p * m + i] : a.data[i * k + p]) * (transB ? b.data[j * k + p] : b.data[p * n + j]);
          want[i * n + j] = s;
        }
        assertAllclose(c, { data: want, shape: [m, n] }, { rtol: 1e-12, atol: 1e-12 });
      }),
      { seed: 92, numRuns: 60 },
    );
  });

  it('handles empty inner and outer dimensions', () => {
    expect(Tensor.zeros([2, 0]).matmul(Tensor.zeros([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(Tensor.zeros([0, 4]).matmul(Tensor.zeros([4, 3])).shape).toEqual([0, 3]);
  });
});

describe('reductions', () => {
  it('sum and mean along every axis (keepDims or not) equal naive loops', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, maxSize: 120 }), seedArb, fc.boolean(), (shape, seed, keepDims) => {
        const x = randomTensor(shape, seed);
        for (let axis = 0; axis < shape.length; axis++) {
          const outShape = shape.filter((_, i) => i !== axis);
          const want = new Float64Array(outShape.reduce((a, d) => a * d, 1));
          for (const idx of indices(shape)) want[flatOf(idx.filter((_, i) => i !== axis), outShape)] += x.data[flatOf(idx, shape)];
          const s = x.sum(axis, keepDims);
          expect(s.shape).toEqual(keepDims ? shape.map((d, i) => (i === axis ? 1 : d)) : outShape);
          assertAllclose(s.data, want, { rtol: 1e-13, atol: 1e-13 });
          assertAllclose(x.mean(axis, keepDims).data, want.map((v) => v / shape[axis]), { rtol: 1e-13, atol: 1e-13 });
          assertAllclose(x.sum(axis - shape.length).data, want, { rtol: 0, atol: 0 });
        }
        let total = 0;
        for (const v of x.data) total += v;
        assertAllclose(x.sum(), total, { rtol: 1e-13, atol: 1e-13 });
        assertAllclose(x.mean(), total / x.size, { rtol: 1e-13, atol: 1e-13 });
      }),
      { seed: 93, numRuns: 60 },
    );
  });

  it('0-d tensors reduce to themselves over axis 0 or −1, and with keepDims', () => {
    const s = Tensor.from(2.5, { dtype: 'float64' });
    for (const r of [s.sum(), s.sum(0), s.sum(-1), s.mean(0), s.logSumExp(-1), s.mean(undefined, true)]) {
      expect(r.shape).toEqual([]);
      expect(r.item()).toBe(2.5);
    }
  });
});

describe('shape ops', () => {
  it('reshape reinterprets row-major data and shares the buffer', () => {
    const x = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    const y = x.reshape([3, 2]);
    expect(y.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(y.data).toBe(x.data);
    expect(x.reshape([6]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Tensor.from([7]).reshape([]).item()).toBe(7);
  });

  it('transpose equals the naive permutation; the default reverses the axes', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 4, maxSize: 120 }), seedArb, fc.integer({ min: 0, max: 23 }), (shape, seed, pick) => {
        const perms: number[][] = [];
        const permute = (rest: number[], acc: number[]): void => {
          if (rest.length === 0) { perms.push(acc); return; }
          rest.forEach((r, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, r]));
        };
        permute(shape.map((_, i) => i), []);
        const perm = perms[pick % perms.length];
        const x = randomTensor(shape, seed);
        const y = x.transpose(perm);
        const outShape = perm.map((p) => shape[p]);
        expect(y.shape).toEqual(outShape);
        for (const idx of indices(outShape)) {
          const src = new Array<number>(shape.length);
          perm.forEach((p, i) => (src[p] = idx[i]));
          expect(y.data[flatOf(idx, outShape)]).toBe(x.data[flatOf(src, shape)]);
        }
        expect(x.transpose().shape).toEqual(shape.slice().reverse());
      }),
      { seed: 94, numRuns: 60 },
    );
  });

  it('broadcastTo equals the naive gather', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxSize: 60 }), seedArb, ([sa, sb], seed) => {
        const target = broadcastOf(sa, sb);
        const x = randomTensor(sa, seed);
        const y = x.broadcastTo(target);
        expect(y.shape).toEqual(target);
        for (const idx of indices(target)) {
          const src = idx.slice(target.length - sa.length).map((v, i) => (sa[i] === 1 ? 0 : v));
          expect(y.data[flatOf(idx, target)]).toBe(x.data[flatOf(src, sa)]);
        }
      }),
      { seed: 95, numRuns: 60 },
    );
  });

  it('slice and concat equal naive loops, and concat of the slices restores the tensor', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, maxSize: 60 }), seedArb, fc.nat(), fc.nat(), (shape, seed, r1, r2) => {
        const x = randomTensor(shape, seed);
        const axis = r1 % shape.length;
        const cut = r2 % (shape[axis] + 1);
        const left = x.slice(axis, 0, cut);
        const right = x.slice(-shape.length + axis, cut, shape[axis]);
        for (const idx of indices(left.shape)) expect(left.data[flatOf(idx, left.shape)]).toBe(x.data[flatOf(idx, shape)]);
        for (const idx of indices(right.shape)) {
          const src = idx.map((v, i) => (i === axis ? v + cut : v));
          expect(right.data[flatOf(idx, right.shape)]).toBe(x.data[flatOf(src, shape)]);
        }
        const back = F.concat([left, right], axis);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(x.data));
      }),
      { seed: 96, numRuns: 80 },
    );
  });

  it('splitting a [n, 2k] output into μ and log σ² (the VAE head)', () => {
    const h = Tensor.from([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(h.slice(1, 0, 2).toArray()).toEqual([[1, 2], [5, 6]]);
    expect(h.slice(1, 2, 4).toArray()).toEqual([[3, 4], [7, 8]]);
    expect(F.concat([h, h], 0).shape).toEqual([4, 4]);
    expect(F.concat([h], 1).toArray()).toEqual(h.toArray());
  });
});

describe('determinism (docs/testing.md §3.1 item 30)', () => {
  it('every op gives bitwise-equal values and gradients on repeated calls, also after other shapes', () => {
    const run = (n: number): number[][] => {
      const x = randomTensor([n, 5], n, { dtype: 'float32', requiresGrad: true, positive: 0.1 });
      const w = randomTensor([5, 3], n + 1, { dtype: 'float32', requiresGrad: true });
      const h = x.matmul(w).tanh().add(x.sum(1, true)).softplus();
      const loss = F.gaussianKl(h.slice(1, 0, 1), h.slice(1, 1, 2), { reduction: 'batchMean' })
        .add(h.logSumExp(1).mean()).add(F.bceWithLogits(h, h.sigmoid()).mul(0.5)).add(x.log().sqrt().mean());
      loss.backward();
      return [[loss.item()], Array.from(x.grad!.data), Array.from(w.grad!.data)];
    };
    const first = run(13);
    for (const other of [1, 7, 64, 3]) run(other);
    expect(run(13)).toEqual(first);
  });
});
