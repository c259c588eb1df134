/**
 * The demo's VQ-VAE row: 8 latents of 4 codes each (a 16-bit code, EMA codebook), its
 * retrieval precision by symbol-wise Hamming distance beside the 16-bit median codes of the
 * other models and the categorical VAE, and a picture of its samples (codes drawn uniformly,
 * decoded: this VQ-VAE has no learned prior). Short on purpose (5 epochs, 3-4 s of CPU on the
 * full demo's digits): it shows the kind of code, not its best precision (bench/README.md,
 * "VQ-VAE codes as a hashing", has the 15-epoch numbers of the same model).
 *
 * @module
 */
import { VQVAE } from '../models/neural/vq-vae.js';
import { discreteCodesDemo } from './discrete-codes.js';
import type { EvalSplit, ModelMetrics } from './evaluate.js';
import type { DemoPlan } from './options.js';

/** M latents of K codes: 8 · log2 4 = 16 bits, the demo's smaller code size. */
const N_LATENTS = 8;
const N_CODES = 4;
/** Dimension of each code vector, as in bench/vq-hashing.ts. */
const CODE_DIM = 8;

/**
 * Fits the demo's VQ-VAE on the training digits and measures it on the test digits: a metrics
 * row (name `VQ-VAE-8x4`, 16 bits, precision@k, reconstruction error, k-NN accuracy of the
 * encoder outputs z_e; no ELBO) and the SVG of `plan.samples` decodings of uniform codes.
 *
 * @example
 * ```ts
 * const { row, samplesSvg } = await vqDemo(split, plan, [28, 28]);
 * row.precisionAt100; // about 0.5 after the demo's 5 epochs; chance is about 0.1
 * ```
 */
export async function vqDemo(
  split: EvalSplit, plan: DemoPlan, imageShape: [number, number],
): Promise<{ row: ModelMetrics; samplesSvg: string }> {
  const t0 = performance.now();
  // bench/vq-hashing.ts's model (784-256-(8·8), bce, EMA codebook; the quick run's width is 128)
  // with the demo's batch and learning rate: on the full demo's digits 5 epochs at Adam 2e-3 reach
  // precision@100 0.53, at bench's 1e-3 only 0.38 (the codebook settles late).
  const vq = new VQVAE({
    inputDim: split.train.shape[1], hiddenDims: plan.hiddenDimsWide, nLatents: N_LATENTS, nCodes: N_CODES, codeDim: CODE_DIM,
    loss: 'bce', codebookUpdate: 'ema', seed: plan.seed,
  });
  // The quick run's 2,000 digits need more epochs than the full run's 8,000 for the same steps.
  await vq.fit(split.train, { epochs: plan.quick ? 12 : 5, batchSize: plan.batchSize, learningRate: plan.learningRate });
  const fitSeconds = (performance.now() - t0) / 1000;
  const name = `VQ-VAE-${N_LATENTS}x${N_CODES}`;
  return discreteCodesDemo(split, plan, imageShape, {
    name, family: 'VQVAE', nVariables: N_LATENTS, nCategories: N_CODES, fitSeconds,
    trainCodes: vq.encode(split.train).data, testCodes: vq.encode(split.test).data,
    trainFeatures: vq.encodeContinuous(split.train), testFeatures: vq.encodeContinuous(split.test),
    reconstruction: vq.reconstruct(split.test),
    elbo: null,
    samples: vq.sample(plan.samples, { seed: plan.seed }),
    samplesTitle: `${name} samples (uniform codes, decoded)`,
  });
}
