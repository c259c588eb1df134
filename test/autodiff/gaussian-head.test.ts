/**
 * `reparameterizeHead(h, eps)` and `gaussianKlHead(h)` (autodiff/ops/gaussian-head.ts) against
 * the graph the VAE step used before them, `reparameterize` and `gaussianKl` on h's two slices:
 * on random [n, 2k] heads in float32 and float64, with ±0, log-variances from −30 to 30, KL
 * weights 1 and 0.25 and every reduction, the loss, z and h's gradient have the same bytes. The
 * gradient of h is where the two graphs differ in shape (two slices added, or two ops' full
 * gradients), so signed zeros there are the point of the test. Bad arguments are refused by name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as F from '../../src/autodiff/functional.js';
import type { Reduction } from '../../src/autodiff/functional.js';
import { Tensor, type DType } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/random/rng.js';
import { dimArb, seedArb } from '../helpers/arbitraries.js';

const bits = (t: Tensor | null): number[] => Array.from(new Uint32Array(t!.data.slice().buffer));

function make(n: number, k: number, seed: number, dtype: DType): { h: Tensor; eps: Tensor; w: Tensor } {
  const rng = new Rng(seed);
  const arr = (len: number, f: (i: number) => number): Float32Array | Float64Array => {
    const x = dtype === 'float64' ? new Float64Array(len) : new Float32Array(len);
    for (let i = 0; i < len; i++) x[i] = f(i);
    return x;
  };
  const special = [0, -0, 30, -30, 1e-3, -0];
  const h = arr(2 * n * k, (i) => (i % 4 === 1 ? special[i % special.length] : (i % (2 * k)) < k ? 3 * rng.normal() : rng.uniform(-30, 30)));
  // ε and the upstream weights with zeros of both signs, so that some gradients are ±0.
  const eps = arr(n * k, (i) => (i % 5 === 2 ? -0 : i % 7 === 3 ? 0 : rng.normal()));
  const w = arr(n * k, (i) => (i % 3 === 0 ? -0 : i % 8 === 5 ? 0 : rng.normal()));
  return { h: new Tensor(h, [n, 2 * k], { requiresGrad: true }), eps: new Tensor(eps, [n, k]), w: new Tensor(w, [n, k]) };
}

function run(n: number, k: number, seed: number, dtype: DType, inPlace: boolean, klWeight: number, reduction: Reduction): number[][] {
  const { h, eps, w } = make(n, k, seed, dtype);
  let z: Tensor;
  let kl: Tensor;
  if (inPlace) {
    z = F.reparameterizeHead(h, eps);
    kl = F.gaussianKlHead(h, { reduction });
  } else {
    const [mean, logVar] = [h.slice(1, 0, k), h.slice(1, k, 2 * k)];
    z = F.reparameterize(mean, logVar, eps);
    kl = F.gaussianKl(mean, logVar, { reduction });
  }
  const rec = z.mul(w).sum();
  const loss = klWeight === 1 ? rec.add(kl) : rec.add(kl.mul(klWeight));
  loss.backward();
  return [bits(z), bits(kl), bits(loss), bits(h.grad)];
}

describe('the encoder head read in place', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives the bytes of the ops on its slices (${dtype})`, () => {
      fc.assert(
        fc.property(dimArb({ max: 9 }), dimArb({ max: 7 }), seedArb, fc.constantFrom(1, 0.25), fc.constantFrom<Reduction>('sum', 'mean', 'batchMean'),
          (n, k, seed, klWeight, reduction) => {
            expect(run(n, k, seed, dtype, true, klWeight, reduction)).toEqual(run(n, k, seed, dtype, false, klWeight, reduction));
          }),
        { seed: 86, numRuns: 150 },
      );
    });
  }

  it('refuses heads and noise that do not fit, naming them', () => {
    const { h, eps } = make(4, 3, 1, 'float32');
    expect(() => F.reparameterizeHead(h, Tensor.zeros([4, 2]))).toThrow(/reparameterizeHead: head \[4, 6\] must be \[n, 2k\] for eps \[4, 2\]/);
    expect(() => F.reparameterizeHead(h, Tensor.zeros([4, 3], { dtype: 'float64' }))).toThrow(/eps is float64, but head is float32/);
    expect(() => F.gaussianKlHead(Tensor.zeros([4, 5]))).toThrow(/head must be \[n, 2k\] \(got \[4, 5\]\)/);
    expect(() => F.gaussianKlHead(h, { reduction: 'none' })).toThrow(/reduction 'none' is not supported/);
    expect(F.reparameterizeHead(h, eps).shape).toEqual([4, 3]);
  });
});
