/**
 * The demo's discrete-latent row: a categorical VAE with 8 variables of 4 categories (a 16-bit
 * code), its retrieval precision by symbol-wise Hamming distance beside the 16-bit median codes
 * of the other models, and a picture of its samples (codes from the uniform prior, decoded).
 * Short on purpose (3 epochs, 3-4 s of CPU on the full demo's digits): it shows the kind of
 * code, not its best precision (bench/README.md, "Categorical codes for hashing", has the 20-epoch numbers).
 *
 * @module
 */
import { knnAccuracy } from '../app/knn.js';
import { asMatrix, meanSquaredError, rowValues } from '../app/matrix.js';
import { categoricalCodes } from '../hashing/categorical-codes.js';
import { CategoricalIndex } from '../hashing/categorical-index.js';
import { precisionAtK } from '../hashing/precision.js';
import { CategoricalVAE } from '../models/neural/categorical-vae.js';
import type { EvalSplit, ModelMetrics } from './evaluate.js';
import { imagesFigure } from './figures.js';
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
  const queries = categoricalCodes(q, N_CATEGORIES);
  const index = new CategoricalIndex(db.codes, N_VARIABLES, N_CATEGORIES);
  const elbo = rowValues(cvae.elbo(split.test, { samples: 1, seed: plan.seed }));
  const row: ModelMetrics = {
    name: `CVAE-${N_VARIABLES}x${N_CATEGORIES}`,
    family: 'CategoricalVAE',
    latentDim: N_VARIABLES * Math.log2(N_CATEGORIES),
    fitSeconds,
    explainedVarianceRatio: null,
    reconstructionMse: meanSquaredError(split.test, asMatrix(cvae.reconstruct(split.test))),
    knnAccuracy: knnAccuracy(
      { data: db.data, n: split.train.shape[0], dim: cvae.latentDim, labels: split.trainLabels },
      { data: q.data, n: split.test.shape[0], dim: cvae.latentDim, labels: split.testLabels },
      plan.knnK,
    ),
    precisionAt100: precisionAtK(index, queries, split.testLabels, split.trainLabels, plan.precisionK),
    elbo: elbo.reduce((a, v) => a + v, 0) / elbo.length,
    reconstructionNats: null,
    klNats: null,
    logLikelihood: null,
  };
  const samples = asMatrix(cvae.sample(plan.samples, { seed: plan.seed }));
  const title = `CVAE-${N_VARIABLES}x${N_CATEGORIES} samples (uniform categorical codes, decoded)`;
  return { row, samplesSvg: imagesFigure(samples, imageShape, 8, title) };
}
