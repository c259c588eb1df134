/**
 * Parameter groups (optim/optimizer.ts): each group steps at its own learning rate, exactly as
 * a separate optimizer with that rate would, and the names and state are those of one optimizer.
 */
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

function param(seed: number): Tensor {
  const t = Tensor.randn([3, 2], new Rng(seed), { requiresGrad: true });
  t.grad = Tensor.randn([3, 2], new Rng(seed + 100));
  return t;
}

const makers: [string, (params: never, lr: number) => Optimizer][] = [
  ['Adam', (p, lr) => new Adam(p, { learningRate: lr })],
  ['AdamW', (p, lr) => new AdamW(p, { learningRate: lr })],
  ['SGD', (p, lr) => new SGD(p, { learningRate: lr, momentum: 0.9 })],
];

describe('parameter groups', () => {
  for (const [name, make] of makers) {
    it(`${name}: a group with its own rate steps as a separate optimizer at that rate, bit for bit`, () => {
      const [a, b] = [param(1), param(2)];
      const [a2, b2] = [param(1), param(2)];
      const grouped = make([{ params: new Map([['enc', a]]), learningRate: 1e-4 }, { params: new Map([['head', b]]) }] as never, 1e-2);
      const enc = make(new Map([['enc', a2]]) as never, 1e-4);
      const head = make(new Map([['head', b2]]) as never, 1e-2);
      for (let i = 0; i < 3; i++) { grouped.step(); enc.step(); head.step(); }
      expect(Array.from(a.data)).toEqual(Array.from(a2.data));
      expect(Array.from(b.data)).toEqual(Array.from(b2.data));
      expect([grouped.learningRateOf('enc'), grouped.learningRateOf('head')]).toEqual([1e-4, 1e-2]);
      grouped.learningRate = 0.5; // the default follows; a group's own rate stays
      expect([grouped.learningRateOf('enc'), grouped.learningRateOf('head')]).toEqual([1e-4, 0.5]);
      expect(Object.keys(grouped.state().steps)).toEqual(['enc', 'head']);
    });
  }

  it('lists of tensors are numbered across groups; bad groups are errors naming the group', () => {
    const opt = new Adam([{ params: [param(1), param(2)] }, { params: [param(3)], learningRate: 0.1 }]);
    expect([...opt.params.keys()]).toEqual(['0', '1', '2']);
    expect(opt.learningRateOf('2')).toBe(0.1);
    expect(() => new Adam([{ params: [param(1)], learningRate: -1 }])).toThrow(/Adam: params\[0\]\.learningRate must be a finite number > 0/);
    const p = param(4);
    expect(() => new SGD([{ params: new Map([['x', p]]) }, { params: new Map([['x', p]]) }])).toThrow(/SGD: parameter 'x' appears in more than one group/);
    expect(() => new Adam([{ params: [param(1)] }, {} as never])).toThrow(/Adam: params\[1\] must be a Tensor or a \{ params, learningRate\? \} group/);
  });
});
