/**
 * One view over the four estimators for the demo and the command line: their kinds and type
 * tags, codes, reconstructions and states, so callers need not branch on the class.
 *
 * @module
 */
import type { ModelState } from '../io/model-state.js';
import { Autoencoder } from '../models/neural/autoencoder.js';
import { PCA } from '../models/decomposition/pca.js';
import { PPCA } from '../models/decomposition/ppca.js';
import { VAE } from '../models/neural/vae.js';

/** The model names used on the command line. */
export type ModelKind = 'pca' | 'ppca' | 'ae' | 'vae';

/** Every model kind, in the order they are listed in help texts. */
export const MODEL_KINDS: readonly ModelKind[] = ['pca', 'ppca', 'ae', 'vae'];

/** Any fitted estimator. */
export type AnyModel = PCA | PPCA | Autoencoder | VAE;

/** The `type` tag of each kind's saved state (`latent_ts.type` in safetensors metadata). */
export const TYPE_TAGS: Readonly<Record<ModelKind, string>> = { pca: 'PCA', ppca: 'PPCA', ae: 'Autoencoder', vae: 'VAE' };

/**
 * A dense row-major matrix as the demo passes it around.
 *
 * @example
 * ```ts
 * const m: Matrix = { data: new Float32Array(6), shape: [2, 3] };
 * ```
 */
export interface Matrix {
  data: Float32Array | Float64Array;
  shape: [number, number];
}

/** Anything with `data` and a 2-D `shape`, e.g. a Tensor. */
type Shaped = { data: ArrayLike<number>; shape: readonly number[] };

/**
 * A `{ data, shape }` view of a 2-D result (a Tensor or a typed matrix), float32 or float64.
 *
 * @example
 * ```ts
 * asMatrix(pca.transform(X)).shape; // [n, k]
 * ```
 */
export function asMatrix(t: Shaped): Matrix {
  if (t.shape.length !== 2) throw new RangeError(`expected a 2-D result, got shape [${t.shape.join(', ')}]`);
  const data = t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
  return { data, shape: [t.shape[0], t.shape[1]] };
}

/**
 * The values of a per-row result (a Tensor, typed array or number array) as a Float64Array.
 *
 * @example
 * ```ts
 * rowValues(vae.elbo(X)); // Float64Array of n ELBOs
 * ```
 */
export function rowValues(v: ArrayLike<number> | { data: ArrayLike<number> }): Float64Array {
  const data = 'data' in v ? v.data : v;
  return Float64Array.from(data as ArrayLike<number>);
}

/**
 * The command-line kind of a model.
 *
 * @example
 * ```ts
 * kindOf(new PCA({ nComponents: 2 })); // 'pca'
 * ```
 */
export function kindOf(model: AnyModel): ModelKind {
  if (model instanceof PCA) return 'pca';
  if (model instanceof PPCA) return 'ppca';
  if (model instanceof Autoencoder) return 'ae';
  return 'vae';
}

/**
 * The codes of `X`: PCA projections, PPCA posterior means, Autoencoder codes, VAE posterior means.
 *
 * @example
 * ```ts
 * encodeRows(vae, test).shape; // [n, latentDim]
 * ```
 */
export function encodeRows(model: AnyModel, X: Matrix): Matrix {
  if (model instanceof PCA || model instanceof PPCA) return asMatrix(model.transform(X));
  if (model instanceof Autoencoder) return asMatrix(model.encode(X));
  return asMatrix(model.encode(X).mean);
}

/**
 * The reconstructions of `X`: decoder(encoder(X)), at the posterior mean for PPCA and the VAE
 * (decoder means, so probabilities for a Bernoulli VAE).
 *
 * @example
 * ```ts
 * reconstructRows(pca, test).shape; // same as test.shape
 * ```
 */
export function reconstructRows(model: AnyModel, X: Matrix): Matrix {
  if (model instanceof PCA || model instanceof PPCA) return asMatrix(model.inverseTransform(model.transform(X)));
  return asMatrix(model.reconstruct(X));
}

/**
 * Rebuilds a model from a state, choosing the class by the state's `type`.
 *
 * @throws Error naming the type when it is not one of PCA, PPCA, Autoencoder, VAE.
 * @example
 * ```ts
 * const model = modelFromState(stateFromBytes(bytes, 'VAE', [1]));
 * ```
 */
export function modelFromState(state: ModelState): AnyModel {
  switch (state.type) {
    case 'PCA': return PCA.fromState(state);
    case 'PPCA': return PPCA.fromState(state);
    case 'Autoencoder': return Autoencoder.fromState(state);
    case 'VAE': return VAE.fromState(state);
    default: throw new Error(`unknown model type ${JSON.stringify(state.type)} (latent-ts reads PCA, PPCA, Autoencoder and VAE)`);
  }
}

/**
 * Mean squared error per value between two matrices of the same shape.
 *
 * @example
 * ```ts
 * meanSquaredError(test, reconstructRows(pca, test)); // e.g. 0.052
 * ```
 */
export function meanSquaredError(a: Matrix, b: Matrix): number {
  if (a.data.length !== b.data.length) throw new RangeError(`meanSquaredError: ${a.data.length} vs ${b.data.length} values`);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += d * d;
  }
  return s / a.data.length;
}
