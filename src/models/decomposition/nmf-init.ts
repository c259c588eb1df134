/**
 * NMF's starting points, as scikit-learn's `_initialize_nmf`: `'random'` (|N(0, 1)| scaled by
 * √(mean(X)/k)), and NNDSVD (Boutsidis & Gallopoulos 2008) from the k leading singular triplets:
 * the first triplet taken in absolute value, every other one replaced by the larger (in
 * ‖u±‖·‖v±‖) of its positive and negative parts, entries below 1e-6 set to 0; `'nndsvda'` fills
 * those zeros with mean(X), `'nndsvdar'` with |mean(X)·N(0, 1)/100|.
 *
 * The singular triplets come from the randomized SVD scikit-learn also uses (k + 10 columns,
 * 4 or 7 power iterations, seeded by `seed`); it is exact when k + 10 ≥ min(n, d). Missing
 * entries are read as their column's observed mean for the SVD, and mean(X) is the mean of the
 * observed entries.
 *
 * @module
 */
import { defaultPowerIterations, truncatedSvd } from '../../linalg/index.js';
import { Rng } from '../../random/rng.js';
import type { NmfData } from './nmf-loss.js';
import { csrProducts, sparseSum } from './nmf-sparse.js';

/**
 * How {@link NMF} starts: `null` picks `'nndsvda'` when k ≤ min(nSamples, nFeatures), else
 * `'random'` (scikit-learn's default); `'custom'` takes W and H from `fit`'s options.
 *
 * @example
 * ```ts
 * const init: NmfInit = 'nndsvd';
 * ```
 */
export type NmfInit = 'random' | 'nndsvd' | 'nndsvda' | 'nndsvdar' | 'custom' | null;

/** Entries of the NNDSVD factors below this are zeros (scikit-learn's `eps`). */
const NNDSVD_EPS = 1e-6;

/**
 * The mean of the observed entries of X.
 *
 * @example
 * ```ts
 * observedMean(data); // mean(X) over non-missing entries
 * ```
 */
export function observedMean(data: NmfData): number {
  const { x, mask } = data;
  // The stored values of a CsrMatrix in row order: the dense sum's order, less its zeros.
  if (data.sparse) return sparseSum(data.sparse) / (data.n * data.d);
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask !== null && mask[i] === 0) continue;
    s += x[i];
    c++;
  }
  return c === 0 ? 0 : s / c;
}

/**
 * X with each missing entry replaced by its column's observed mean (0 for an empty column); X
 * itself when nothing is missing (the SVD only reads it: no 376 MB copy of 60,000 × 784).
 */
function filled(data: NmfData): Float64Array {
  const { x, n, d, mask } = data;
  if (mask === null) return x;
  const sum = new Float64Array(d);
  const count = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      if (mask[i * d + j] === 0) continue;
      sum[j] += x[i * d + j];
      count[j]++;
    }
  }
  const out = x.slice();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if (mask[i * d + j] === 0) out[i * d + j] = count[j] > 0 ? sum[j] / count[j] : 0;
  }
  return out;
}

/**
 * The `'random'` start: H (k×d) then W (n×k) drawn from |N(0, 1)|·√(mean(X)/k).
 *
 * @example
 * ```ts
 * const { W, H } = randomInit(data, 5, new Rng(0));
 * ```
 */
export function randomInit(data: NmfData, k: number, rng: Rng): { W: Float64Array; H: Float64Array } {
  const avg = Math.sqrt(observedMean(data) / k);
  const H = new Float64Array(k * data.d);
  const W = new Float64Array(data.n * k);
  for (let i = 0; i < H.length; i++) H[i] = Math.abs(avg * rng.normal());
  for (let i = 0; i < W.length; i++) W[i] = Math.abs(avg * rng.normal());
  return { W, H };
}

/** Euclidean norms of the positive and negative parts of a strided vector. */
function partNorms(a: Float64Array, start: number, stride: number, len: number): { p: number; m: number } {
  let p = 0;
  let m = 0;
  for (let i = 0; i < len; i++) {
    const v = a[start + i * stride];
    if (v > 0) p += v * v;
    else m += v * v;
  }
  return { p: Math.sqrt(p), m: Math.sqrt(m) };
}

/**
 * NNDSVD and its two fills. Component j ≥ 1 takes the part (positive or negative) of uⱼ, vⱼ
 * with the larger ‖u‖·‖v‖; when both parts are empty (both products 0, where scikit-learn
 * would divide 0 by 0) the component starts at 0.
 *
 * @example
 * ```ts
 * const { W, H } = nndsvdInit(data, 5, 'nndsvda', 0);
 * ```
 */
export function nndsvdInit(data: NmfData, k: number, variant: 'nndsvd' | 'nndsvda' | 'nndsvdar', seed: number | string): { W: Float64Array; H: Float64Array } {
  const { n, d } = data;
  const rng = new Rng(seed);
  const svd = truncatedSvd(data.sparse ? csrProducts(data.sparse) : filled(data), n, d, k, 10, defaultPowerIterations(k, n, d), rng.fork('nndsvd-svd'), true);
  const u = svd.u as Float64Array; // n×k
  const { s, vt } = svd;
  const W = new Float64Array(n * k);
  const H = new Float64Array(k * d);
  // The leading triplet of a non-negative matrix is non-negative up to sign.
  const top = Math.sqrt(s[0]);
  for (let i = 0; i < n; i++) W[i * k] = top * Math.abs(u[i * k]);
  for (let c = 0; c < d; c++) H[c] = top * Math.abs(vt[c]);
  for (let j = 1; j < k; j++) {
    const x = partNorms(u, j, k, n);
    const y = partNorms(vt, j * d, 1, d);
    const mp = x.p * y.p;
    const mn = x.m * y.m;
    const positive = mp > mn;
    const sigma = positive ? mp : mn;
    if (!(sigma > 0)) continue;
    const xn = positive ? x.p : x.m;
    const yn = positive ? y.p : y.m;
    const lbd = Math.sqrt(s[j] * sigma);
    for (let i = 0; i < n; i++) W[i * k + j] = lbd * (part(u[i * k + j], positive) / xn);
    for (let c = 0; c < d; c++) H[j * d + c] = lbd * (part(vt[j * d + c], positive) / yn);
  }
  for (let i = 0; i < W.length; i++) if (W[i] < NNDSVD_EPS) W[i] = 0;
  for (let i = 0; i < H.length; i++) if (H[i] < NNDSVD_EPS) H[i] = 0;
  if (variant === 'nndsvda') {
    const avg = observedMean(data);
    for (let i = 0; i < W.length; i++) if (W[i] === 0) W[i] = avg;
    for (let i = 0; i < H.length; i++) if (H[i] === 0) H[i] = avg;
  } else if (variant === 'nndsvdar') {
    const avg = observedMean(data);
    const fill = rng.fork('nndsvdar-fill');
    for (let i = 0; i < W.length; i++) if (W[i] === 0) W[i] = Math.abs((avg * fill.normal()) / 100);
    for (let i = 0; i < H.length; i++) if (H[i] === 0) H[i] = Math.abs((avg * fill.normal()) / 100);
  }
  return { W, H };
}

/** max(v, 0) for the positive part, |min(v, 0)| for the negative one. */
function part(v: number, positive: boolean): number {
  return positive ? Math.max(v, 0) : Math.abs(Math.min(v, 0));
}
