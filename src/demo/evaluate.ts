/**
 * The demo's numbers for one fitted model: reconstruction error, k-NN accuracy of its codes,
 * retrieval precision of their binary codes, and each family's own measures.
 *
 * @module
 */
import { binaryCodes } from '../hashing/binary-codes.js';
import { HammingIndex } from '../hashing/hamming-index.js';
import { precisionAtK } from '../hashing/precision.js';
import type { VAE } from '../models/neural/vae.js';
import type { AnyModel } from '../models/registry.js';
import { knnAccuracy } from '../app/knn.js';
import { asMatrix, meanSquaredError, rowValues, type Matrix } from '../app/matrix.js';
import type { Fitted } from './fit.js';

/**
 * One row of the metrics table (and of `metrics.json`). Measures that do not apply to a model
 * are `null`. All are on the test set unless named otherwise.
 *
 * @example
 * ```ts
 * const row: ModelMetrics = evaluateModel(fitted, split, plan);
 * row.knnAccuracy; // e.g. 0.94
 * ```
 */
export interface ModelMetrics {
  /** Display name, e.g. `'VAE-16'`. */
  name: string;
  /** `'PCA' | 'PPCA' | 'Autoencoder' | 'VAE'`. */
  family: string;
  latentDim: number;
  fitSeconds: number;
  /** PCA: fraction of the training variance kept by the components. */
  explainedVarianceRatio: number | null;
  /** Mean squared error per pixel between test digits and their reconstructions. */
  reconstructionMse: number | null;
  /** Accuracy of 5-NN (Euclidean) on the codes: test codes classified by training codes. */
  knnAccuracy: number | null;
  /** Precision@100 of median-thresholded binary codes (16 or 32 bits; database = train, queries = test). */
  precisionAt100: number | null;
  /** VAE: mean ELBO in nats per digit, and its two terms (−ELBO = reconstruction + KL). */
  elbo: number | null;
  reconstructionNats: number | null;
  klNats: number | null;
  /** PPCA: mean log-likelihood in nats per digit. */
  logLikelihood: number | null;
}

/**
 * Labelled train and test data of an evaluation.
 *
 * @example
 * ```ts
 * const split: EvalSplit = { train, test, trainLabels, testLabels };
 * ```
 */
export interface EvalSplit {
  train: Matrix;
  test: Matrix;
  trainLabels: ArrayLike<number>;
  testLabels: ArrayLike<number>;
}

/**
 * Settings of the measures.
 *
 * @example
 * ```ts
 * evaluateModel(fitted, split, { knnK: 5, precisionK: 100, hashBits: [16, 32] });
 * ```
 */
export interface EvalSettings {
  knnK: number;
  precisionK: number;
  /** Code sizes whose binary codes are scored for retrieval. */
  hashBits: readonly number[];
}

/**
 * Computes every applicable measure of `fitted` and returns its table row with the test codes
 * (for figures).
 *
 * @example
 * ```ts
 * const { row, testCodes } = evaluateModel(fitPCA(2, train, p), split, plan);
 * ```
 */
export function evaluateModel(fitted: Fitted<AnyModel>, split: EvalSplit, settings: EvalSettings): { row: ModelMetrics; testCodes: Matrix } {
  const { model, latentDim } = fitted;
  const trainCodes = asMatrix(model.encode(split.train));
  const testCodes = asMatrix(model.encode(split.test));
  const row: ModelMetrics = {
    name: fitted.name,
    family: model.type,
    latentDim,
    fitSeconds: fitted.seconds,
    explainedVarianceRatio: model.type === 'PCA' ? sum(rowValues(model.explainedVarianceRatio)) : null,
    reconstructionMse: meanSquaredError(split.test, asMatrix(model.reconstruct(split.test))),
    knnAccuracy: knnAccuracy(
      { data: trainCodes.data, n: trainCodes.shape[0], dim: latentDim, labels: split.trainLabels },
      { data: testCodes.data, n: testCodes.shape[0], dim: latentDim, labels: split.testLabels },
      settings.knnK,
    ),
    precisionAt100: settings.hashBits.includes(latentDim) ? hashingPrecision(trainCodes, testCodes, split, settings.precisionK) : null,
    elbo: null,
    reconstructionNats: null,
    klNats: null,
    logLikelihood: model.type === 'PPCA' ? mean(rowValues(model.scoreSamples(split.test))) : null,
  };
  if (model.type === 'VAE') Object.assign(row, vaeTerms(model, split.test));
  return { row, testCodes };
}

/**
 * Precision@k of median-thresholded codes: the training codes are the database (their medians
 * are the thresholds of both sets), the test codes the queries.
 *
 * @example
 * ```ts
 * hashingPrecision(trainCodes, testCodes, split, 100); // e.g. 0.62
 * ```
 */
export function hashingPrecision(trainCodes: Matrix, testCodes: Matrix, split: EvalSplit, k: number): number {
  const db = binaryCodes(trainCodes, { threshold: 'median' });
  const queries = binaryCodes(testCodes, { threshold: db.thresholds });
  return precisionAtK(new HammingIndex(db), queries, split.testLabels, split.trainLabels, k);
}

/**
 * Mean ELBO over the rows of X and its two terms: the KL of q(z|x) to the prior, analytic from
 * the encoder, and the expected reconstruction cost −E_q[ln p(x|z)] = −ELBO − KL.
 *
 * @example
 * ```ts
 * vaeTerms(vae, test); // { elbo: -101.2, reconstructionNats: 76.0, klNats: 25.2 }
 * ```
 */
export function vaeTerms(model: VAE, X: Matrix): { elbo: number; reconstructionNats: number; klNats: number } {
  const elbo = mean(rowValues(model.elbo(X, { samples: 1, seed: 0 })));
  const { mean: mu, logVar } = model.posterior(X);
  let kl = 0;
  for (let i = 0; i < mu.data.length; i++) kl += -0.5 * (1 + logVar.data[i] - mu.data[i] * mu.data[i] - Math.exp(logVar.data[i]));
  const klNats = kl / X.shape[0];
  return { elbo, reconstructionNats: -elbo - klNats, klNats };
}

function sum(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s;
}

function mean(v: Float64Array): number {
  return sum(v) / v.length;
}
