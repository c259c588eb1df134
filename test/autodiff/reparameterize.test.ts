/**
 * `reparameterize(mean, logVar, eps)` against the chain it replaces in the VAE,
 * `mean.add(logVar.mul(0.5).exp().mul(eps))`: on random shapes, in float32 and float64, with
 * log-variances from −30 to 30 (σ under- and overflowing float32 included), ±0 and a NaN, z and
 * the gradients of mean and logVar have the chain's bytes, also when mean and logVar feed other
 * terms (the KL, as in the VAE's loss) whose gradients the engine adds in. Bad arguments get
 * errors that name them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as F from '../../src/autodiff/functional.js';
import { Tensor, type DType } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/random/rng.js';
import { shapeArb, seedArb } from '../helpers/arbitraries.js';

const bits = (t: Tensor | null): number[] => Array.from(new Uint32Array(t!.data.slice().buffer));

function inputs(shape: number[], seed: number, dtype: DType): [Tensor, Tensor, Tensor] {
  const rng = new Rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  const make = (f: (i: number) => number): Float32Array | Float64Array => {
    const x = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = f(i);
    return x;
  };
  const special = [0, -0, Number.NaN, 30, -30, 1e-3];
  const m = make((i) => (i % 7 === 3 ? special[i % special.length] : 3 * rng.normal()));
  const lv = make((i) => (i % 5 === 2 ? special[(i + 1) % special.length] : rng.uniform(-30, 30)));
  const e = make((i) => (i % 11 === 4 ? -0 : rng.normal()));
  return [new Tensor(m, shape, { requiresGrad: true }), new Tensor(lv, shape, { requiresGrad: true }), new Tensor(e, shape)];
}

/** z, then the gradients after backward of Σ z·w + KL(mean, logVar). */
function run(shape: number[], seed: number, dtype: DType, fused: boolean): number[][] {
  const [mean, logVar, eps] = inputs(shape, seed, dtype);
  const z = fused ? F.reparameterize(mean, logVar, eps) : mean.add(logVar.mul(0.5).exp().mul(eps));
  const w = inputs(shape, seed + 1, dtype)[2];
  const loss = z.mul(w).sum().add(F.gaussianKl(mean, logVar, { reduction: 'batchMean' }));
  loss.backward();
  return [bits(z), bits(mean.grad), bits(logVar.grad), bits(loss)];
}

describe('reparameterize', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives the bytes of the chain it replaces, forward and backward (${dtype})`, () => {
      fc.assert(
        fc.property(shapeArb({ minRank: 1, maxRank: 3, maxDim: 9, maxSize: 60 }), seedArb, (shape, seed) => {
          expect(run(shape, seed, dtype, true)).toEqual(run(shape, seed, dtype, false));
        }),
        { seed: 85, numRuns: 120 },
      );
    });
  }

  it('gives ε no gradient and mean the upstream gradient itself', () => {
    const [mean, logVar] = inputs([4, 3], 1, 'float32');
    const eps = new Tensor(new Float32Array(12).fill(0.5), [4, 3], { requiresGrad: true });
    F.reparameterize(mean, logVar, eps).sum().backward();
    expect(eps.grad).toBeNull();
    expect(Array.from(mean.grad!.data)).toEqual(new Array(12).fill(1));
  });

  it('rejects shapes or element types that differ, naming the argument', () => {
    const [mean, logVar, eps] = inputs([4, 3], 2, 'float32');
    expect(() => F.reparameterize(mean, logVar, Tensor.zeros([1, 3]))).toThrow(/reparameterize: eps has shape \[1, 3\], but mean has \[4, 3\]/);
    expect(() => F.reparameterize(mean, Tensor.zeros([4, 2]), eps)).toThrow(/logVar has shape \[4, 2\]/);
    expect(() => F.reparameterize(mean, logVar, Tensor.zeros([4, 3], { dtype: 'float64' }))).toThrow(/eps is float64, but mean is float32/);
    expect(() => F.reparameterize(mean, logVar, 1 as unknown as Tensor)).toThrow(/argument 'eps' must be a Tensor/);
  });
});
