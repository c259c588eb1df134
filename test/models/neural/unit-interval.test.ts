/**
 * A Bernoulli VAE and a BCE autoencoder refuse data outside [0, 1] at fit(), for X and for
 * validationData, naming the argument, the range found, the first value outside and the fix;
 * the Gaussian / MSE models take the same data.
 */
import { describe, expect, it } from 'vitest';
import { Autoencoder } from '../../../src/models/neural/autoencoder.js';
import { VAE } from '../../../src/models/neural/vae.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const unit = [[0, 0.5, 1], [1, 0.25, 0], [0.1, 0.2, 0.3], [0.9, 0.8, 0.7]];
const outside = [[0, 0.5, 1], [0.5, 0.5, 2], [-0.5, 0.5, 0.5], [0.9, 0.8, 0.7]];
const quick = { epochs: 1, batchSize: 2 };

describe('Bernoulli VAE and BCE autoencoder need data in [0, 1]', () => {
  it('VAE.fit names X, the range, the first value outside and the fix', async () => {
    const vae = new VAE({ inputDim: 3, latentDim: 2, seed: 1 });
    await expect(vae.fit(outside, quick)).rejects.toThrow(new RangeError(
      "VAE.fit: likelihood 'bernoulli' needs X in [0, 1], but X has values in [-0.5, 2] (first outside: X[1][2] = 2); " +
        "scale the data to [0, 1] (e.g. divide pixel intensities by 255) or use likelihood: 'gaussian'",
    ));
    expect(vae.step).toBe(0);
  });

  it('Autoencoder.fit with loss bce says so, for a Tensor too', async () => {
    const ae = new Autoencoder({ inputDim: 3, latentDim: 2, loss: 'bce', seed: 1 });
    const X = new Tensor(new Float32Array([0.5, 0.5, 0.5, 0.5, 255, 0.5]), [2, 3]);
    await expect(ae.fit(X, quick)).rejects.toThrow(
      "Autoencoder.fit: loss 'bce' needs X in [0, 1], but X has values in [0.5, 255] (first outside: X[1][1] = 255); " +
        "scale the data to [0, 1] (e.g. divide pixel intensities by 255) or use loss: 'mse'",
    );
    expect(ae.step).toBe(0);
  });

  it('checks validationData as well', async () => {
    const vae = new VAE({ inputDim: 3, latentDim: 2, seed: 1 });
    await expect(vae.fit(unit, { ...quick, validationData: [[0.5, 0.5, 0.5], [0.5, -1e-3, 0.5]] })).rejects.toThrow(
      /^VAE\.fit: likelihood 'bernoulli' needs validationData in \[0, 1\], but validationData has values in \[-0\.001, 0\.5\] \(first outside: validationData\[1\]\[1\] = -0\.001\)/,
    );
    const ae = new Autoencoder({ inputDim: 3, latentDim: 2, loss: 'bce', seed: 1 });
    await expect(ae.fit(unit, { ...quick, validationData: [[1.5, 0, 0]] })).rejects.toThrow(/needs validationData in \[0, 1\].*validationData\[0\]\[0\] = 1\.5/);
  });

  it('accepts 0 and 1 themselves, and the Gaussian / MSE models accept any finite data', async () => {
    expect(await new VAE({ inputDim: 3, latentDim: 2, seed: 1 }).fit(unit, quick)).toHaveLength(1);
    expect(await new Autoencoder({ inputDim: 3, latentDim: 2, loss: 'bce', seed: 1 }).fit(unit, quick)).toHaveLength(1);
    expect(await new VAE({ inputDim: 3, latentDim: 2, likelihood: 'gaussian', seed: 1 }).fit(outside, quick)).toHaveLength(1);
    expect(await new Autoencoder({ inputDim: 3, latentDim: 2, loss: 'mse', seed: 1 }).fit(outside, quick)).toHaveLength(1);
  });
});
