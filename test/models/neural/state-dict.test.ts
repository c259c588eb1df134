import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../../src/io/safetensors.js';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { VAE } from '../../../src/models/neural/vae.js';
import type { StateDict } from '../../../src/nn/state-dict.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { unitData } from '../../train/fixtures.js';

const X = unitData(48, 10, 2);
const vaeOpts = { inputDim: 10, hiddenDims: [7], latentDim: 3, seed: 1 } as const;

async function trainedVAE(extra: Record<string, unknown> = {}): Promise<VAE> {
  const vae = new VAE({ ...vaeOpts, ...extra } as never);
  await vae.fit(X, { epochs: 2, batchSize: 16 });
  return vae;
}

const bytesOf = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

describe('stateDict', () => {
  it('holds the weights only, [out, in], as copies in parameter order, F32 or F64 as the model', async () => {
    const vae = await trainedVAE({ likelihood: 'gaussian', decoderVariance: 'learned' });
    const dict = vae.stateDict();
    expect(Object.keys(dict)).toEqual([...vae.parameters().keys()]);
    expect(Object.keys(dict)).not.toContainEqual(expect.stringMatching(/optimizer/));
    expect(dict['encoder.layers.0.weight'].shape).toEqual([7, 10]);
    expect(dict['encoder.layers.1.weight'].shape).toEqual([6, 7]);
    expect(dict.decoderLogVar).toMatchObject({ dtype: 'F32', shape: [10] });
    dict['encoder.layers.0.weight'].data[0] += 1;
    expect(vae.parameters().get('encoder.layers.0.weight')!.data[0]).not.toBe(dict['encoder.layers.0.weight'].data[0]);
    expect(new VAE({ ...vaeOpts, dtype: 'float64' }).stateDict()['decoder.layers.0.bias'].dtype).toBe('F64');
  });

  it('round-trips through safetensors bytes into a fresh model: outputs bit-exact (VAE and Autoencoder)', async () => {
    const vae = await trainedVAE();
    const again = new VAE(vaeOpts);
    expect(again.loadStateDict(decodeSafetensors(encodeSafetensors(vae.stateDict())).tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(bytesOf(again.posterior(X).mean)).toEqual(bytesOf(vae.posterior(X).mean));
    const Z = { data: X.data.subarray(0, 30), shape: [10, 3] };
    expect(bytesOf(again.decode(Z))).toEqual(bytesOf(vae.decode(Z)));
    const ae = new Autoencoder({ ...vaeOpts, loss: 'bce' });
    await ae.fit(X, { epochs: 2, batchSize: 16 });
    const ae2 = new Autoencoder({ ...vaeOpts, loss: 'bce' });
    ae2.loadStateDict(decodeSafetensors(encodeSafetensors(ae.stateDict())).tensors);
    expect(bytesOf(ae2.reconstruct(X))).toEqual(bytesOf(ae.reconstruct(X)));
  });

  it('rejects unknown options and layouts, and the pytorch/examples layout without exactly one hidden layer', () => {
    const vae = new VAE(vaeOpts);
    expect(() => vae.stateDict({ layuot: 'x' } as never)).toThrow(/VAE\.stateDict: unknown option 'layuot' \(known: layout\)/);
    expect(() => vae.stateDict({ layout: 'keras' as never })).toThrow(/layout must be one of 'latent-ts', 'pytorch-examples' \(got string 'keras'\)/);
    expect(() => new VAE({ ...vaeOpts, hiddenDims: [7, 5] }).stateDict({ layout: 'pytorch-examples' }))
      .toThrow(/one hidden layer, but this VAE has hiddenDims \[7, 5\]/);
  });
});

describe('loadStateDict', () => {
  it('strict: lists every missing and unexpected key, as PyTorch does, and writes nothing', async () => {
    const vae = new VAE(vaeOpts);
    const before = vae.stateDict();
    const dict: StateDict = { ...(await trainedVAE()).stateDict() };
    delete dict['decoder.layers.1.bias'];
    delete dict['encoder.layers.0.weight'];
    dict['decoder.layers.2.weight'] = dict['decoder.layers.1.weight'];
    let message = '';
    try { vae.loadStateDict(dict); } catch (e) { expect(e).toBeInstanceOf(FormatError); message = (e as Error).message; }
    expect(message).toBe([
      'VAE.loadStateDict: error(s) in loading the state dict:',
      '  missing key(s): "encoder.layers.0.weight", "decoder.layers.1.bias"',
      '  unexpected key(s): "decoder.layers.2.weight"',
    ].join('\n'));
    expect(vae.stateDict()).toEqual(before);
    expect(vae.isFitted).toBe(false);
  });

  it('a wrong shape names the key, the model\'s shape and the given one, strict or not', () => {
    const vae = new VAE(vaeOpts);
    const dict = vae.stateDict();
    dict['encoder.layers.0.weight'] = { dtype: 'F32', shape: [10, 7], data: new Float32Array(70) };
    for (const strict of [true, false]) {
      expect(() => vae.loadStateDict(dict, { strict })).toThrow('size mismatch for "encoder.layers.0.weight": the model needs [7, 10], the state dict has [10, 7]');
    }
  });

  it('non-strict: loads what matches, returns the rest, and the model counts as fitted', async () => {
    const src = (await trainedVAE()).stateDict();
    const vae = new VAE(vaeOpts);
    const init = vae.stateDict();
    const { 'decoder.layers.1.weight': _dropped, ...partial } = src;
    const r = vae.loadStateDict({ ...partial, extra: { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, { strict: false });
    expect(r).toEqual({ missingKeys: ['decoder.layers.1.weight'], unexpectedKeys: ['extra'] });
    const now = vae.stateDict();
    expect(now['decoder.layers.1.weight']).toEqual(init['decoder.layers.1.weight']);
    expect(now['encoder.layers.0.weight']).toEqual(src['encoder.layers.0.weight']);
    expect(vae.isFitted).toBe(true);
    const none = new VAE(vaeOpts);
    expect(none.loadStateDict({}, { strict: false }).missingKeys).toHaveLength(8);
    expect(none.isFitted).toBe(false);
  });

  it('pytorch/examples keys: the messages name that layout\'s keys', () => {
    const vae = new VAE(vaeOpts);
    const dict = vae.stateDict({ layout: 'pytorch-examples' });
    delete dict['fc22.weight'];
    expect(() => vae.loadStateDict(dict)).toThrow('VAE.loadStateDict: error(s) in loading the state dict (keys read as the pytorch/examples VAE: fc1, fc21 = μ, fc22 = log σ², fc3, fc4):\n  missing key(s): "fc22.weight"');
    dict['fc22.weight'] = { dtype: 'F32', shape: [3, 6], data: new Float32Array(18) };
    expect(() => vae.loadStateDict(dict)).toThrow('size mismatch for "fc22.weight": the model needs [3, 7], the state dict has [3, 6]');
    expect(() => new VAE({ ...vaeOpts, hiddenDims: [] }).loadStateDict({ 'fc1.weight': dict['fc1.weight'] })).toThrow(/has one hidden layer, but this VAE has hiddenDims \[\]/);
  });

  it('converts F64, F16 and BF16 and accepts Tensors and { shape, data }; refuses integer data naming the key', () => {
    const vae = new VAE({ inputDim: 2, latentDim: 1 });
    const w = [0.5, -0.25]; // exact in every float format
    const base = vae.stateDict();
    const f16 = (x: number) => (x === 0.5 ? 0x3800 : 0xb400); // 0.5 and −0.25 in IEEE half
    const bf16 = (x: number) => new Uint16Array(new Float32Array([x]).buffer)[1];
    const variants = [
      { dtype: 'F64' as const, shape: [2, 2], data: Float64Array.from([...w, ...w]) },
      { dtype: 'F16' as const, shape: [2, 2], data: Uint16Array.from([...w, ...w], f16) },
      { dtype: 'BF16' as const, shape: [2, 2], data: Uint16Array.from([...w, ...w], bf16) },
      new Tensor(Float32Array.from([...w, ...w]), [2, 2]),
      { shape: [2, 2], data: Float32Array.from([...w, ...w]) },
    ];
    for (const v of variants) {
      vae.loadStateDict({ ...base, 'encoder.layers.0.weight': v });
      expect(Array.from(vae.parameters().get('encoder.layers.0.weight')!.data)).toEqual([...w, ...w]);
    }
    expect(() => vae.loadStateDict({ ...base, 'encoder.layers.0.bias': { dtype: 'I64', shape: [2], data: new BigInt64Array(2) } }))
      .toThrow(/entry "encoder\.layers\.0\.bias" has I64 values; weights must be F32, F64, F16 or BF16/);
    expect(() => vae.loadStateDict({ ...base, 'encoder.layers.0.bias': { shape: [3], data: new Float32Array(2) } }))
      .toThrow(/entry "encoder\.layers\.0\.bias" has 2 values for shape \[3\]/);
    expect(() => vae.loadStateDict(base, { stric: true } as never)).toThrow(/VAE\.loadStateDict: unknown option 'stric' \(known: strict\)/);
    expect(() => vae.loadStateDict(null as never)).toThrow(/VAE\.loadStateDict: the state dict must be an object or a Map/);
  });

  it('loaded weights stay trainable: fit after loadStateDict moves them', async () => {
    const vae = new VAE(vaeOpts);
    vae.loadStateDict((await trainedVAE()).stateDict());
    const before = vae.stateDict()['encoder.layers.0.weight'].data;
    await vae.fit(X, { epochs: 1, batchSize: 16 });
    expect(vae.stateDict()['encoder.layers.0.weight'].data).not.toEqual(before);
  });
});

describe('pytorchSource', () => {
  /** The (in, out) of every nn.Linear on the line that defines `self.<part>`. */
  const linears = (source: string, part: string): number[][] => {
    const line = source.split('\n').find((l) => l.trimStart().startsWith(`self.${part} = MLP(`));
    expect(line, `self.${part} = MLP(...)`).toBeDefined();
    return [...line!.matchAll(/nn\.Linear\((\d+), (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  };
  /** The layers of `part` in a state dict, as (in, out) read from the [out, in] weights, biases checked. */
  const fromDict = (dict: StateDict, part: string): number[][] => {
    const out: number[][] = [];
    for (let i = 0; dict[`${part}.layers.${i}.weight`] !== undefined; i++) {
      const [o, n] = dict[`${part}.layers.${i}.weight`].shape;
      expect(dict[`${part}.layers.${i}.bias`].shape).toEqual([o]);
      out.push([n, o]);
    }
    return out;
  };

  const models: [string, { stateDict(): StateDict; pytorchSource(): string }][] = [
    ['VAE, no hidden layer', new VAE({ inputDim: 5, latentDim: 2 })],
    ['VAE, Gaussian learned variance, tanh', new VAE({ inputDim: 12, hiddenDims: [8, 6], latentDim: 2, activation: 'tanh', likelihood: 'gaussian', decoderVariance: 'learned' })],
    ['VAE, Gaussian fixed variance, float64', new VAE({ inputDim: 6, hiddenDims: [4], latentDim: 3, likelihood: 'gaussian', decoderVariance: 0.3, dtype: 'float64' })],
    ['Autoencoder, bce, sigmoid code', new Autoencoder({ inputDim: 9, hiddenDims: [7, 5], latentDim: 4, activation: 'leakyRelu', latentActivation: 'sigmoid', loss: 'bce' })],
  ];

  it.each(models)('declares every stateDict key with its shape (%s)', (_name, model) => {
    const source = model.pytorchSource();
    const dict = model.stateDict();
    expect(linears(source, 'encoder')).toEqual(fromDict(dict, 'encoder'));
    expect(linears(source, 'decoder')).toEqual(fromDict(dict, 'decoder'));
    const extra = Object.keys(dict).filter((k) => !/^(en|de)coder\.layers\.\d+\.(weight|bias)$/.test(k));
    const params = [...source.matchAll(/self\.(\w+) = nn\.Parameter\(torch\.zeros\((\d+)\)\)/g)].map((m) => [m[1], [Number(m[2])]]);
    expect(params).toEqual(extra.map((k) => [k, dict[k].shape]));
  });

  it('writes the activations, the output map and the fixed variance as PyTorch spells them', () => {
    const [, gaussian] = models[2];
    const g = gaussian.pytorchSource();
    expect(g).toContain(`self.decoder_log_var = ${Math.log(0.3)}`);
    expect(g).toContain('return self.decoder(z)  # Gaussian means');
    expect(g).toContain('model = VAE().double()');
    const ae = models[3][1].pytorchSource();
    expect(ae).toContain('self.encoder = MLP([nn.Linear(9, 7), nn.Linear(7, 5), nn.Linear(5, 4)], F.leaky_relu, torch.sigmoid)');
    expect(ae).toContain('return torch.sigmoid(self.decoder(z))');
    expect(models[0][1].pytorchSource()).toContain('self.encoder = MLP([nn.Linear(5, 4)], F.relu, identity)');
  });
});
