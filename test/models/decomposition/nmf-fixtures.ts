/**
 * Data for the NMF tests: seeded non-negative low-rank matrices, holes, and small matrix helpers.
 */
import { Rng } from '../../../src/random/rng.js';

/** A row-major matrix with its shape, as NMF accepts it. */
export interface NmfMatrix {
  data: Float64Array;
  shape: [number, number];
}

/**
 * X = W·H (n×d) with W, H uniform in [0, 1) (exactly rank k, non-negative), plus `noise` times
 * uniform [0, 1) and `offset` on every entry.
 */
export function lowRankNonNegative(n: number, d: number, k: number, seed: number | string, noise = 0, offset = 0): { X: NmfMatrix; W: Float64Array; H: Float64Array } {
  const rng = new Rng(seed);
  const W = Float64Array.from({ length: n * k }, () => rng.uniform());
  const H = Float64Array.from({ length: k * d }, () => rng.uniform());
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let s = offset + noise * rng.uniform();
      for (let t = 0; t < k; t++) s += W[i * k + t] * H[t * d + j];
      data[i * d + j] = s;
    }
  }
  return { X: { data, shape: [n, d] }, W, H };
}

/** A copy of X with each entry NaN with probability p (seeded), keeping at least one entry per row and column. */
export function withHoles(X: NmfMatrix, p: number, seed: number | string): NmfMatrix {
  const rng = new Rng(seed);
  const [n, d] = X.shape;
  const data = Float64Array.from(X.data, (v) => (rng.uniform() < p ? NaN : v));
  for (let i = 0; i < n; i++) if (data.subarray(i * d, (i + 1) * d).every((v) => Number.isNaN(v))) data[i * d + (i % d)] = X.data[i * d + (i % d)];
  for (let j = 0; j < d; j++) {
    let empty = true;
    for (let i = 0; i < n; i++) if (!Number.isNaN(data[i * d + j])) empty = false;
    if (empty) data[(j % n) * d + j] = X.data[(j % n) * d + j];
  }
  return { data, shape: X.shape };
}

/** The bytes of a float array, for bit-exact comparisons. */
export function bytesOf(a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** max |a − b| / max |b|. */
export function relMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}
