/**
 * The shared measurement of the demo's discrete-code rows (the categorical VAE's and the
 * VQ-VAE's): each model gives its integer codes of the training and test digits, continuous
 * features for the 5-NN column, reconstructions and decoded samples; this module turns them
 * into one metrics row (precision@k by symbol-wise Hamming distance, beside the other models'
 * 16-bit median codes) and the samples' picture, so both rows are measured the same way.
 *
 * @module
 */
import { knnAccuracy } from '../app/knn.js';
import { asMatrix, meanSquaredError } from '../app/matrix.js';
import { CategoricalIndex } from '../hashing/categorical-index.js';
import { precisionAtK } from '../hashing/precision.js';
import type { EvalSplit, ModelMetrics } from './evaluate.js';
import { imagesFigure } from './figures.js';
import type { DemoPlan } from './options.js';

/** A 2-D result `{ data, shape }`, e.g. a Tensor. */
type MatrixLike = Parameters<typeof asMatrix>[0];

/**
 * What a fitted discrete-code model gives the demo: codes `[n, nVariables]` as `Int32Array`s
 * (symbol j of row i at i·nVariables + j, each in 0..nCategories−1) of the training and test
 * digits, the continuous features the 5-NN column classifies, the test digits'
 * reconstructions, decoded samples, and the ELBO when the model has one.
 *
 * @example
 * ```ts
 * const parts: DiscreteCodesParts = {
 *   name: 'VQ-VAE-8x4', family: 'VQVAE', nVariables: 8, nCategories: 4, fitSeconds,
 *   trainCodes: vq.encode(split.train).data, testCodes: vq.encode(split.test).data,
 *   trainFeatures: vq.encodeContinuous(split.train), testFeatures: vq.encodeContinuous(split.test),
 *   reconstruction: vq.reconstruct(split.test), elbo: null,
 *   samples: vq.sample(64, { seed: 0 }), samplesTitle: 'VQ-VAE-8x4 samples',
 * };
 * ```
 */
export interface DiscreteCodesParts {
  name: string;
  family: string;
  nVariables: number;
  nCategories: number;
  fitSeconds: number;
  trainCodes: Int32Array;
  testCodes: Int32Array;
  trainFeatures: MatrixLike;
  testFeatures: MatrixLike;
  reconstruction: MatrixLike;
  elbo: number | null;
  samples: MatrixLike;
  samplesTitle: string;
}

/**
 * The metrics row (`nVariables · log2 nCategories` bits) and the samples' SVG of a
 * discrete-code model: precision@`plan.precisionK` of the test codes against the training
 * codes in a `CategoricalIndex`, 5-NN accuracy of the features, reconstruction error.
 *
 * @example
 * ```ts
 * const { row, samplesSvg } = discreteCodesDemo(split, plan, [28, 28], parts);
 * row.precisionAt100; // in [0, 1]; chance is about 0.1
 * ```
 */
export function discreteCodesDemo(
  split: EvalSplit, plan: DemoPlan, imageShape: [number, number], parts: DiscreteCodesParts,
): { row: ModelMetrics; samplesSvg: string } {
  const { nVariables, nCategories } = parts;
  const index = new CategoricalIndex(parts.trainCodes, nVariables, nCategories);
  const queries = { codes: parts.testCodes, nCodes: split.test.shape[0], nVariables, nCategories };
  const db = asMatrix(parts.trainFeatures);
  const q = asMatrix(parts.testFeatures);
  const row: ModelMetrics = {
    name: parts.name,
    family: parts.family,
    latentDim: nVariables * Math.log2(nCategories),
    fitSeconds: parts.fitSeconds,
    explainedVarianceRatio: null,
    reconstructionMse: meanSquaredError(split.test, asMatrix(parts.reconstruction)),
    knnAccuracy: knnAccuracy(
      { data: db.data, n: db.shape[0], dim: db.shape[1], labels: split.trainLabels },
      { data: q.data, n: q.shape[0], dim: q.shape[1], labels: split.testLabels },
      plan.knnK,
    ),
    precisionAt100: precisionAtK(index, queries, split.testLabels, split.trainLabels, plan.precisionK),
    elbo: parts.elbo,
    reconstructionNats: null,
    klNats: null,
    logLikelihood: null,
  };
  return { row, samplesSvg: imagesFigure(asMatrix(parts.samples), imageShape, 8, parts.samplesTitle) };
}
