/**
 * The interface every latent-ts model implements, so that code using a model (the demo, the
 * command line, a user's pipeline) needs no branch on its class.
 *
 * @module
 */
import type { ModelJSON, ModelState } from '../io/model-state.js';
import type { Tensor } from '../tensor/tensor.js';
import type { MatrixInput } from '../validate.js';

/**
 * Integer codes `[nSamples, nLatents]`, row-major: what a model with a discrete latent (the
 * VQ-VAE) returns from `encode`, each value a code index in 0..nCodes−1. Shaped like a matrix
 * (`data`, `shape`) so that the code that writes or compares codes needs no branch; `data`
 * goes straight into a `CategoricalIndex` or a Hamming search.
 *
 * @example
 * ```ts
 * const codes: DiscreteCodes = vq.encode(X); // { data: Int32Array(n·M), shape: [n, M] }
 * const first = Array.from(codes.data.subarray(0, codes.shape[1]));
 * ```
 */
export interface DiscreteCodes {
  readonly data: Int32Array;
  readonly shape: [number, number];
}

/** Class labels as `fit` and `score` take them: one class index 0..nClasses−1 per row. */
type Labels = Int32Array | readonly number[];

/**
 * A model that maps rows `[nSamples, nFeatures]` to codes `[nSamples, latentDim]` and back.
 * `encode` gives the codes (PCA and PPCA: `transform`; the VAE: the posterior mean), `decode`
 * maps codes back to the data space, `reconstruct` is `decode(encode(X))`. `fit` returns the
 * model itself (PCA, PPCA) or a promise of the epoch history (Autoencoder, VAE), so
 * `await model.fit(X)` works for all. `type` is the tag of the saved state.
 *
 * @example
 * ```ts
 * const models: LatentModel[] = [new PCA({ nComponents: 2 }), new VAE({ inputDim: 784, latentDim: 2 })];
 * for (const m of models) {
 *   await m.fit(X);
 *   console.log(m.type, m.nFeatures, m.latentDim, m.reconstruct(X).shape);
 * }
 * ```
 */
export interface LatentModel {
  /** The type tag of the saved state: `'PCA'`, `'PPCA'`, `'Autoencoder'`, `'VAE'`, `'VQVAE'`, `'FactorAnalysis'`, … */
  readonly type: string;
  /** Whether the model has been fitted (or loaded, or given parameters). */
  readonly isFitted: boolean;
  /** Width of the data rows (PCA and PPCA: known once fitted). */
  readonly nFeatures: number;
  /** Width of the codes (PCA: known once fitted). */
  readonly latentDim: number;
  /** Fits the model to the rows of X. */
  fit(X: MatrixInput, options?: object): this | Promise<readonly { epoch: number; loss: number }[]>;
  /** The codes of X: Tensor `[nSamples, latentDim]`, or integer {@link DiscreteCodes} `[nSamples, latentDim]` (the VQ-VAE). */
  encode(X: MatrixInput): Tensor | DiscreteCodes;
  /** Rows in the data space from codes Z: Tensor `[nSamples, nFeatures]`. */
  decode(Z: MatrixInput): Tensor;
  /** `decode(encode(X))`: Tensor `[nSamples, nFeatures]`. */
  reconstruct(X: MatrixInput): Tensor;
  /** The saved form (type, version, config, arrays). */
  toState(): ModelState;
  /** The JSON form (arrays as base64 bytes, a bit-exact round trip). */
  toJSON(): ModelJSON;
  /** safetensors bytes of {@link LatentModel.toState}. */
  toBytes(): Uint8Array;
  /** Saves as safetensors, atomically. Node only. */
  save(path: string): Promise<void>;
}

/**
 * A model that learns to predict a class label for each row `[nSamples, nFeatures]` from
 * labelled rows (the supervised counterpart of {@link LatentModel}; scikit-learn's classifier
 * API): `fit(X, labels)`, `predict` gives the classes, `predictProba` the class probabilities,
 * `score` the accuracy. `type` is the tag of the saved state.
 *
 * @example
 * ```ts
 * const clf: SupervisedModel = new Classifier({ inputDim: 64, nClasses: 10 });
 * await clf.fit(X, labels);
 * console.log(clf.score(Xtest, ytest), clf.predict(Xtest)[0], clf.predictProba(Xtest).shape);
 * ```
 */
export interface SupervisedModel {
  /** The type tag of the saved state, e.g. `'Classifier'`. */
  readonly type: string;
  /** Whether the model has been fitted (or loaded, or given parameters). */
  readonly isFitted: boolean;
  /** Width of the data rows. */
  readonly nFeatures: number;
  /** Number of classes. */
  readonly nClasses: number;
  /** Fits the model to the rows of X and their labels. */
  fit(X: MatrixInput, labels: Labels, options?: object): this | Promise<readonly { epoch: number; loss: number }[]>;
  /** The predicted class of each row. */
  predict(X: MatrixInput): Int32Array;
  /** The class probabilities `[nSamples, nClasses]`, each row summing to 1. */
  predictProba(X: MatrixInput): Tensor;
  /** Accuracy: the fraction of rows whose predicted class is the label. */
  score(X: MatrixInput, labels: Labels): number;
  /** The saved form (type, version, config, arrays). */
  toState(): ModelState;
  /** The JSON form (arrays as base64 bytes, a bit-exact round trip). */
  toJSON(): ModelJSON;
  /** safetensors bytes of {@link SupervisedModel.toState}. */
  toBytes(): Uint8Array;
  /** Saves as safetensors, atomically. Node only. */
  save(path: string): Promise<void>;
}
