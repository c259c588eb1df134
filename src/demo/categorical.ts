/**
 * The demo's discrete-latent row: a categorical VAE with 8 variables of 4 categories (a 16-bit
 * code), its retrieval precision by symbol-wise Hamming distance beside the 16-bit median codes
 * of the other models, and a picture of its samples (codes from the uniform prior, decoded).
 * Short on purpose (3 epochs, 3-4 s of CPU on the full demo's digits): it shows the kind of
 * code, not its best precision (bench/README.md, "Categorical codes for hashing", has the 20-epoch numbers).
 *
 * @module
 */
import { rowValues } from '../app/matrix.js';
import { CategoricalVAE } from '../models/neural/categorical-vae.js';
import { discreteCodesDemo } from './discrete-codes.js';
import type { EvalSplit, ModelMetrics } from './evaluate.js';
import type { DemoPlan } from './options.js';

/** N and K of the demo's categorical VAE: 8 · log2 4 = 16 bits, the demo's smaller code size. */
const N_VARIABLES = 8;
const N_CATEGORIES = 4;

/**
 * Fits the demo's categorical VAE on the training digits and measures it on the test digits:
 * a metrics row (name `CVAE-8x4`, 16 bits, precision@k, reconstruction error, k-NN accuracy of
 * the category probabilities, ELBO) and the
 * SVG of `plan.samples` decoded prior samples.
 *
 * @example
 * ```ts
 * const { row, samplesSvg } = await categoricalDemo(split, plan, [28, 28]);
 * row.precisionAt100; // about 0.4 after the demo's 3 epochs
 * ```
 */
export async function categoricalDemo(
  split: EvalSplit, plan: DemoPlan, imageShape: [number, number],
): Promise<{ row: ModelMetrics; samplesSvg: string }> {
  const t0 = performance.now();
  const cvae = new CategoricalVAE({
    inputDim: split.train.shape[1], hiddenDims: plan.hiddenDimsWide, nVariables: N_VARIABLES, nCategories: N_CATEGORIES,
    annealRate: 2e-3, seed: plan.seed,
  });
  // The quick run's 2,000 digits need more epochs than the full run's 8,000 for the same steps.
  await cvae.fit(split.train, { epochs: plan.quick ? 6 : 3, batchSize: plan.batchSize, learningRate: plan.learningRate });
  const fitSeconds = (performance.now() - t0) / 1000;
  const db = cvae.encode(split.train);
  const q = cvae.encode(split.test);
  const elbo = rowValues(cvae.elbo(split.test, { samples: 1, seed: plan.seed }));
  const name = `CVAE-${N_VARIABLES}x${N_CATEGORIES}`;
  return discreteCodesDemo(split, plan, imageShape, {
    name, family: 'CategoricalVAE', nVariables: N_VARIABLES, nCategories: N_CATEGORIES, fitSeconds,
    trainCodes: db.codes, testCodes: q.codes, trainFeatures: db, testFeatures: q,
    reconstruction: cvae.reconstruct(split.test),
    elbo: elbo.reduce((a, v) => a + v, 0) / elbo.length,
    samples: cvae.sample(plan.samples, { seed: plan.seed }),
    samplesTitle: `${name} samples (uniform categorical codes, decoded)`,
  });
}
