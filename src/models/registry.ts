/**
 * The one list of latent-ts's models: their type tags, their short names on the command line,
 * and how each is rebuilt from a saved state. Adding a model means adding one row here.
 *
 * @module
 */
import type { ModelState } from '../io/model-state.js';
import { PCA } from './decomposition/pca.js';
import { PPCA } from './decomposition/ppca.js';
import { NMF } from './decomposition/nmf.js';
import { IncrementalPCA } from './decomposition/incremental-pca.js';
import { TruncatedSVD } from './decomposition/truncated-svd.js';
import { FactorAnalysis } from './decomposition/factor-analysis.js';
import { FastICA } from './decomposition/fast-ica.js';
import { Autoencoder } from './neural/autoencoder.js';
import { VAE } from './neural/vae.js';
import { CategoricalVAE } from './neural/categorical-vae.js';
import { Classifier } from './neural/classifier.js';
import { VQVAE } from './neural/vq-vae.js';
import { LogisticRegression } from './linear/logistic-regression.js';

/**
 * Any latent-ts model; `model.type` tells them apart (and narrows the union).
 *
 * @example
 * ```ts
 * const m: AnyModel = modelFromState(state);
 * if (m.type === 'PCA') console.log(m.explainedVarianceRatio);
 * ```
 */
export type AnyModel = PCA | PPCA | Autoencoder | VAE | NMF | TruncatedSVD | IncrementalPCA | FactorAnalysis | FastICA | CategoricalVAE | VQVAE;

/**
 * The type tag of a saved state (`latent_ts.type` in safetensors metadata).
 *
 * @example
 * ```ts
 * const t: ModelType = vae.type; // 'VAE'
 * ```
 */
export type ModelType = AnyModel['type'];

const FROM_STATE: { readonly [T in ModelType]: (state: ModelState) => Extract<AnyModel, { type: T }> } = {
  PCA: (s) => PCA.fromState(s),
  PPCA: (s) => PPCA.fromState(s),
  Autoencoder: (s) => Autoencoder.fromState(s),
  VAE: (s) => VAE.fromState(s),
  NMF: (s) => NMF.fromState(s),
  TruncatedSVD: (s) => TruncatedSVD.fromState(s),
  IncrementalPCA: (s) => IncrementalPCA.fromState(s),
  FactorAnalysis: (s) => FactorAnalysis.fromState(s),
  FastICA: (s) => FastICA.fromState(s),
  CategoricalVAE: (s) => CategoricalVAE.fromState(s),
  VQVAE: (s) => VQVAE.fromState(s),
};

/**
 * Every type tag, in the order they are listed in messages.
 *
 * @example
 * ```ts
 * MODEL_TYPES.includes('VAE'); // true
 * ```
 */
export const MODEL_TYPES: readonly ModelType[] = Object.keys(FROM_STATE) as ModelType[];

/**
 * The model names used on the command line.
 *
 * @example
 * ```ts
 * const kind: ModelKind = 'vae';
 * ```
 */
export type ModelKind = 'pca' | 'ppca' | 'ae' | 'vae' | 'nmf' | 'tsvd' | 'ipca' | 'fa' | 'ica' | 'cvae' | 'vqvae';

/**
 * The type tag of each command-line kind.
 *
 * @example
 * ```ts
 * TYPE_TAGS.ae; // 'Autoencoder'
 * ```
 */
export const TYPE_TAGS: Readonly<Record<ModelKind, ModelType>> = { pca: 'PCA', ppca: 'PPCA', ae: 'Autoencoder', vae: 'VAE', nmf: 'NMF', tsvd: 'TruncatedSVD', ipca: 'IncrementalPCA', fa: 'FactorAnalysis', ica: 'FastICA', cvae: 'CategoricalVAE', vqvae: 'VQVAE' };

/**
 * Every command-line kind, in the order they are listed in help texts.
 *
 * @example
 * ```ts
 * MODEL_KINDS.join(', '); // 'pca, ppca, ae, vae, nmf, tsvd, ipca, fa, ica, cvae, vqvae'
 * ```
 */
export const MODEL_KINDS: readonly ModelKind[] = Object.keys(TYPE_TAGS) as ModelKind[];

/**
 * Rebuilds a model from a state, choosing the class by the state's `type`.
 *
 * @throws Error naming the type when it is not one of {@link MODEL_TYPES}.
 * @example
 * ```ts
 * const model = modelFromState(stateFromBytes(bytes, 'VAE', [1]));
 * ```
 */
export function modelFromState(state: ModelState): AnyModel {
  const type = state.type as ModelType;
  if (!Object.prototype.hasOwnProperty.call(FROM_STATE, type)) {
    throw new Error(`unknown model type ${JSON.stringify(state.type)} (latent-ts reads ${MODEL_TYPES.join(', ')})`);
  }
  return FROM_STATE[type](state);
}

/**
 * Any latent-ts supervised model (a `SupervisedModel`: `fit(X, labels)`, `predict`,
 * `predictProba`, `score`). They are listed apart from {@link AnyModel}, the latent models the
 * demo and the command line work with through `encode`/`decode`.
 *
 * @example
 * ```ts
 * const m: AnySupervisedModel = supervisedModelFromState(state);
 * console.log(m.type, m.nClasses);
 * ```
 */
export type AnySupervisedModel = LogisticRegression | Classifier;

/**
 * The type tag of a saved supervised model.
 *
 * @example
 * ```ts
 * const t: SupervisedModelType = clf.type; // 'Classifier'
 * ```
 */
export type SupervisedModelType = AnySupervisedModel['type'];

const SUPERVISED_FROM_STATE: { readonly [T in SupervisedModelType]: (state: ModelState) => Extract<AnySupervisedModel, { type: T }> } = {
  LogisticRegression: (s) => LogisticRegression.fromState(s),
  Classifier: (s) => Classifier.fromState(s),
};

/**
 * Every supervised type tag, in the order they are listed in messages.
 *
 * @example
 * ```ts
 * SUPERVISED_MODEL_TYPES.includes('Classifier'); // true
 * ```
 */
export const SUPERVISED_MODEL_TYPES: readonly SupervisedModelType[] = Object.keys(SUPERVISED_FROM_STATE) as SupervisedModelType[];

/**
 * Rebuilds a supervised model from a state, choosing the class by the state's `type`.
 *
 * @throws Error naming the type when it is not a supervised model's.
 * @example
 * ```ts
 * const clf = supervisedModelFromState(Classifier.fromBytes(bytes).toState());
 * ```
 */
export function supervisedModelFromState(state: ModelState): AnySupervisedModel {
  const type = state.type as SupervisedModelType;
  if (!Object.prototype.hasOwnProperty.call(SUPERVISED_FROM_STATE, type)) {
    throw new Error(`unknown supervised model type ${JSON.stringify(state.type)} (latent-ts reads ${SUPERVISED_MODEL_TYPES.join(', ')})`);
  }
  return SUPERVISED_FROM_STATE[type](state);
}
