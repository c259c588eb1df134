// Type-checked (never run) under node16 CommonJS resolution (the `require` condition and
// index.d.cts) and under bundler resolution (the `import` condition and index.d.ts), strict.
import { PCA, VAE, loadDigits, type Digits, type MatrixInput } from 'latent-ts';

export const vae: VAE = new VAE({ inputDim: 784, hiddenDims: [16], latentDim: 2, likelihood: 'bernoulli', seed: 1 });

export async function firstCodes(): Promise<number[]> {
  const digits: Digits = await loadDigits({ seed: 0, testFraction: 0.2 });
  const input: MatrixInput = digits.train;
  const pca = new PCA({ nComponents: 2 }).fit(input);
  return Array.from(pca.encode(digits.test).data.subarray(0, 2));
}
