/**
 * Conv2d, ConvTranspose2d, Flatten, Unflatten, Sequential and ActivationLayer: PyTorch's default
 * initialisation bounds (its fan-in of each weight layout), a PyTorch nn.Sequential's state dict
 * loading into the same network here and giving its output (fixture from scripts/fixtures/conv.py),
 * parameter names and shapes as PyTorch's, and the errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Conv2d, ConvTranspose2d } from '../../src/nn/conv.js';
import { Linear } from '../../src/nn/linear.js';
import { Flatten, Unflatten } from '../../src/nn/reshape.js';
import { ActivationLayer, Sequential } from '../../src/nn/sequential.js';
import { readSlots, wholeSlots } from '../../src/nn/state-dict.js';
import { Rng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectAllclose } from '../helpers/allclose.js';

interface Stored { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/conv.json', import.meta.url), 'utf8')) as {
  network: { state: Record<string, Stored>; x: Stored; y: Stored };
};

function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v));
  return m;
}

describe('PyTorch default initialisation', () => {
  it('Conv2d: weight [out, in, kh, kw] and bias ~ U(±1/√(in·kh·kw))', () => {
    const conv = new Conv2d(3, 40, { kernelSize: [3, 2], rng: new Rng(1) });
    expect(conv.weight.shape).toEqual([40, 3, 3, 2]);
    expect(conv.bias!.shape).toEqual([40]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    expect(maxAbs(conv.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(conv.weight)).toBeGreaterThan(0.95 * bound);
    expect(maxAbs(conv.bias!)).toBeLessThanOrEqual(bound);
    expect(maxAbs(conv.bias!)).toBeGreaterThan(0.5 * bound);
  });

  it('ConvTranspose2d: weight [in, out, kh, kw], fan-in out·kh·kw as PyTorch computes it', () => {
    const up = new ConvTranspose2d(50, 2, { kernelSize: 4, rng: new Rng(2) });
    expect(up.weight.shape).toEqual([50, 2, 4, 4]);
    const bound = 1 / Math.sqrt(2 * 16);
    expect(maxAbs(up.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(up.weight)).toBeGreaterThan(0.95 * bound);
    expect(maxAbs(up.bias!)).toBeLessThanOrEqual(bound);
  });

  it('other schemes use the same fans, with zero bias; the draw is reproducible', () => {
    const he = new Conv2d(4, 8, { kernelSize: 3, rng: new Rng(3), init: 'heUniform', bias: true });
    expect(maxAbs(he.weight)).toBeLessThanOrEqual(Math.sqrt(6 / 36));
    expect(maxAbs(he.bias!)).toBe(0);
    const a = new Conv2d(2, 3, { kernelSize: 3, rng: new Rng(4), dtype: 'float64' });
    const b = new Conv2d(2, 3, { kernelSize: 3, rng: new Rng(4), dtype: 'float64' });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(a.weight.dtype).toBe('float64');
    expect(new Conv2d(2, 3, { kernelSize: 3, rng: new Rng(4), bias: false }).bias).toBeNull();
  });
});

describe('a PyTorch nn.Sequential, rebuilt here', () => {
  const rng = new Rng(0);
  const build = (): Sequential => new Sequential([
    new Conv2d(2, 3, { kernelSize: 3, stride: 2, padding: 1, rng, dtype: 'float64' }),
    new ActivationLayer('relu'),
    new Conv2d(3, 4, { kernelSize: [2, 3], padding: [0, 1], dilation: [1, 2], bias: false, rng, dtype: 'float64' }),
    new Flatten(),
    new Unflatten(1, [4, 3, 1]),
    new ConvTranspose2d(4, 2, { kernelSize: 4, stride: 2, padding: 1, outputPadding: 1, rng, dtype: 'float64' }),
  ]);

  it('has PyTorch\'s state-dict keys and shapes', () => {
    const dict = readSlots(wholeSlots(build().parameters()));
    expect(Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.shape]))).toEqual(
      Object.fromEntries(Object.entries(fixture.network.state).map(([k, v]) => [k, v.shape])),
    );
  });

  it('loads PyTorch\'s weights and gives its output to 1e-12; the exported dict is the loaded one', () => {
    const net = build();
    const values = Object.fromEntries(Object.entries(fixture.network.state).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }]));
    net.loadParameters(values);
    const { x, y } = fixture.network;
    const out = net.forward(new Tensor(Float64Array.from(x.data), x.shape), { grad: false });
    expect(out.shape).toEqual(y.shape);
    expectAllclose(out.data, y.data, { rtol: 1e-12, atol: 1e-12 });
    const dict = readSlots(wholeSlots(net.parameters()));
    for (const [k, v] of Object.entries(fixture.network.state)) expect(Array.from(dict[k].data)).toEqual(v.data);
  });

  it('trains end to end: every parameter gets a gradient', () => {
    const net = new Sequential([
      new Conv2d(1, 2, { kernelSize: 3, padding: 1, rng, dtype: 'float64' }), new ActivationLayer('tanh'), new Flatten(),
      new Linear(2 * 5 * 4, 3, { rng, dtype: 'float64' }),
    ]);
    net.forward(Tensor.randn([2, 1, 5, 4], new Rng(5), { dtype: 'float64' })).square().sum().backward();
    for (const [name, p] of net.parameters()) expect(maxAbs(p.grad!), name).toBeGreaterThan(0);
    expect([...net.parameters().keys()]).toEqual(['0.weight', '0.bias', '3.weight', '3.bias']);
  });
});

describe('Flatten and Unflatten', () => {
  it('PyTorch\'s defaults and axis ranges', () => {
    expect(new Flatten().forward(Tensor.zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(0, 1).forward(Tensor.zeros([2, 3, 4])).shape).toEqual([6, 4]);
    expect(new Flatten(-2).forward(Tensor.zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(new Unflatten(-1, [2, 2]).forward(Tensor.zeros([3, 4])).shape).toEqual([3, 2, 2]);
    expect(new Flatten().parameters().size).toBe(0);
  });

  it('errors name the shapes', () => {
    expect(() => new Flatten(3).forward(Tensor.zeros([2, 3]))).toThrow('Flatten.forward: startDim 3 is out of range for a 2-D input');
    expect(() => new Flatten(2, 1).forward(Tensor.zeros([2, 3, 4]))).toThrow('Flatten.forward: startDim 2 comes after endDim 1 for x [2, 3, 4]');
    expect(() => new Unflatten(1, [1, 28, 28]).forward(Tensor.zeros([2, 780]))).toThrow(
      'Unflatten.forward: axis 1 of x [2, 780] has 780 elements, but sizes [1, 28, 28] hold 784',
    );
    expect(() => new Unflatten(1, [])).toThrow('Unflatten: sizes must be a non-empty array');
  });
});

describe('bad arguments', () => {
  const rng = new Rng(0);
  it('layers check their options and inputs', () => {
    expect(() => new Conv2d(1, 2, { kernelSize: 0, rng })).toThrow('Conv2d: kernelSize[0] must be an integer >= 1 (got 0)');
    expect(() => new Conv2d(1, 2, { kernelSize: 3 } as never)).toThrow('Conv2d: options.rng is required');
    expect(() => new Conv2d(1, 2, { kernelSize: 3, rng, strides: 2 } as never)).toThrow("Conv2d: unknown option 'strides'");
    expect(() => new Conv2d(1, 2, { kernelSize: 3, rng, outputPadding: 1 } as never)).toThrow("Conv2d: unknown option 'outputPadding'");
    expect(() => new Conv2d(1, 2, { kernelSize: 3, rng, stride: 0 })).toThrow('Conv2d: stride must be an integer >= 1');
    expect(() => new ConvTranspose2d(1, 2, { kernelSize: 3, rng, stride: 2, outputPadding: 2 })).toThrow(
      'ConvTranspose2d: outputPadding must be smaller than either stride or dilation',
    );
    expect(() => new Conv2d(0, 2, { kernelSize: 3, rng })).toThrow('Conv2d: inChannels must be an integer >= 1 (got 0)');
    expect(() => new Conv2d(3, 2, { kernelSize: 3, rng }).forward(Tensor.zeros([2, 1, 5, 5]))).toThrow('Conv2d.forward: x must be [n, 3, height, width] (got [2, 1, 5, 5])');
    expect(() => new ConvTranspose2d(3, 2, { kernelSize: 3, rng }).forward(Tensor.zeros([2, 27]))).toThrow('ConvTranspose2d.forward: x must be [n, 3, height, width] (got [2, 27])');
    expect(() => new ActivationLayer('gelu' as never)).toThrow('ActivationLayer: activation must be');
    expect(() => new Sequential([{} as never])).toThrow('Sequential: items must be an array of Modules');
  });
});
