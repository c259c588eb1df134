/**
 * The conv architecture of the Autoencoder and the VAE (issue 17): the layer plan and its
 * names, the mirror decoder giving back the image size exactly (odd sizes included), training,
 * [n, c, h, w] inputs, the saved round trips, the PyTorch source, and the shape errors.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../src/errors.js';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { VAE } from '../../../src/models/neural/vae.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { unitData } from '../../train/fixtures.js';

const small = { kind: 'conv', imageShape: [1, 8, 8], channels: [4, 6] } as const; // 8 → 4 → 2

describe('the conv VAE', () => {
  it('has PyTorch-style Sequential names and layouts, the mirror decoder included', () => {
    const vae = new VAE({ inputDim: 64, latentDim: 3, architecture: small, seed: 1 });
    const shapes = Object.fromEntries([...vae.parameters()].map(([k, p]) => [k, p.shape]));
    expect(shapes).toEqual({
      'encoder.1.weight': [4, 1, 4, 4], 'encoder.1.bias': [4],
      'encoder.3.weight': [6, 4, 4, 4], 'encoder.3.bias': [6],
      'encoder.6.weight': [6, 24], 'encoder.6.bias': [6],
      'decoder.0.weight': [24, 3], 'decoder.0.bias': [24],
      'decoder.3.weight': [6, 4, 4, 4], 'decoder.3.bias': [4],
      'decoder.5.weight': [4, 1, 4, 4], 'decoder.5.bias': [1],
    });
    expect(vae.config.architecture).toEqual({ ...small, kernelSize: [4, 4], stride: [2, 2], padding: [1, 1] });
    expect(Object.keys(vae.stateDict())).toEqual(Object.keys(shapes));
  });

  it('trains, encodes, decodes and samples; [n, c, h, w] input equals the rows', async () => {
    const X = unitData(24, 64, 3);
    const vae = new VAE({ inputDim: 64, latentDim: 3, architecture: small, hiddenDims: [5], seed: 2 });
    const history = await vae.fit(X, { epochs: 2, batchSize: 8 });
    expect(history).toHaveLength(2);
    expect(Number.isFinite(history[1].loss)).toBe(true);
    expect(vae.encode(X).shape).toEqual([24, 3]);
    expect(vae.reconstruct(X).shape).toEqual([24, 64]);
    expect(vae.sample(2, { seed: 0 }).shape).toEqual([2, 64]);
    const images = new Tensor(Float32Array.from(X.data), [24, 1, 8, 8]);
    expect(Array.from(vae.encode(images).data)).toEqual(Array.from(vae.encode(X).data));
    expect(() => vae.encode(Tensor.zeros([2, 1, 8, 7]))).toThrow(
      "VAE.encode: X [2, 1, 8, 7] holds images [1, 8, 7], but the architecture's imageShape is [1, 8, 8]",
    );
  });

  it('odd image sizes and non-square kernels come back at their size (output padding chosen per layer)', () => {
    const arch = { kind: 'conv', imageShape: [3, 7, 5], channels: [2, 3, 2], kernelSize: [3, 2], stride: [2, 1], padding: [1, 0] } as const;
    const vae = new VAE({ inputDim: 105, latentDim: 2, architecture: arch, seed: 3, dtype: 'float64' });
    const z = Tensor.zeros([4, 2], { dtype: 'float64' });
    expect(vae.decoder.forward(z).shape).toEqual([4, 105]);
    expect(vae.encoder.forward(Tensor.zeros([4, 105], { dtype: 'float64' })).shape).toEqual([4, 4]);
  });

  it('round-trips through bytes and JSON bit for bit, architecture included', async () => {
    const X = unitData(16, 64, 4);
    const vae = new VAE({ inputDim: 64, latentDim: 2, architecture: { ...small, kernelSize: 3, padding: 1 }, seed: 4 });
    await vae.fit(X, { epochs: 1, batchSize: 8 });
    for (const again of [VAE.fromBytes(vae.toBytes()), VAE.fromJSON(JSON.stringify(vae.toJSON()))]) {
      expect(again.config.architecture).toEqual(vae.config.architecture);
      expect(Array.from(again.encode(X).data)).toEqual(Array.from(vae.encode(X).data));
      expect(Array.from(again.reconstruct(X).data)).toEqual(Array.from(vae.reconstruct(X).data));
    }
  });

  it('writes a PyTorch source with nn.Sequential conv layers; the examples layout is refused', () => {
    const vae = new VAE({ inputDim: 64, latentDim: 3, architecture: small });
    const src = vae.pytorchSource();
    expect(src).toContain('nn.Conv2d(1, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))');
    expect(src).toContain('nn.ConvTranspose2d(4, 1, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(0, 0))');
    expect(src).toContain('nn.Unflatten(1, (1, 8, 8))');
    expect(() => vae.stateDict({ layout: 'pytorch-examples' })).toThrow("the pytorch/examples layout (fc1, fc21, fc22, fc3, fc4) is an MLP, but this VAE has the conv architecture");
  });
});

describe('the conv Autoencoder', () => {
  it('trains with a sigmoid code and round-trips', async () => {
    const X = unitData(16, 64, 5);
    const ae = new Autoencoder({ inputDim: 64, latentDim: 4, architecture: small, loss: 'bce', binarize: 0.1, seed: 5 });
    await ae.fit(X, { epochs: 1, batchSize: 8 });
    const codes = ae.encode(X);
    expect(codes.shape).toEqual([16, 4]);
    for (const v of codes.data) expect(v > 0 && v < 1).toBe(true);
    expect(Array.from(Autoencoder.fromBytes(ae.toBytes()).encode(X).data)).toEqual(Array.from(codes.data));
    expect(ae.pytorchSource()).toContain('nn.Sigmoid(),\n        )');
  });
});

describe('shape and option errors', () => {
  it('imageShape against inputDim, and X against the image size, name both', async () => {
    expect(() => new VAE({ inputDim: 780, latentDim: 2, architecture: { kind: 'conv', imageShape: [1, 28, 28], channels: [32] } })).toThrow(
      'VAE: architecture.imageShape [1, 28, 28] holds 784 values per sample, but inputDim is 780',
    );
    const vae = new VAE({ inputDim: 64, latentDim: 2, architecture: small });
    await expect(vae.fit(unitData(4, 63, 0), { epochs: 1 })).rejects.toThrow(ShapeError);
    await expect(vae.fit(unitData(4, 63, 0), { epochs: 1 })).rejects.toThrow('VAE.fit: X has 63 features, but VAE (imageShape [1, 8, 8]) was built with inputDim 64');
  });

  it('a kernel larger than a feature map, bad fields, unknown keys', () => {
    expect(() => new Autoencoder({ inputDim: 64, latentDim: 2, architecture: { ...small, channels: [4, 4, 4, 4] } })).toThrow(
      'Autoencoder: architecture conv layer 3 gets a 1×1 map, smaller than its kernel [4, 4] with padding [1, 1] (imageShape [1, 8, 8], channels [4, 4, 4, 4])',
    );
    expect(() => new VAE({ inputDim: 64, latentDim: 2, architecture: { ...small, kind: 'mlp' as never } })).toThrow("VAE: architecture.kind must be 'conv'");
    expect(() => new VAE({ inputDim: 64, latentDim: 2, architecture: { ...small, channels: [] } })).toThrow('VAE: architecture.channels must be a non-empty array');
    expect(() => new VAE({ inputDim: 64, latentDim: 2, architecture: { ...small, stride: 0 } })).toThrow('VAE: architecture.stride[0] must be an integer >= 1');
    expect(() => new VAE({ inputDim: 64, latentDim: 2, architecture: { ...small, kernel: 3 } as never })).toThrow("VAE: architecture: unknown option 'kernel'");
  });

  it('an MLP config has no architecture key (saved MLP models are unchanged)', () => {
    const vae = new VAE({ inputDim: 4, latentDim: 2 });
    expect('architecture' in vae.config).toBe(false);
    expect(JSON.stringify(vae.toJSON())).not.toContain('architecture');
  });
});
