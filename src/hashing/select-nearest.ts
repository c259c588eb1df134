/**
 * The k smallest of a list of small integer distances, ties by lower index, with no sort: the
 * selection that {@link HammingIndex} and {@link CategoricalIndex} share.
 *
 * @module
 */

/**
 * The k nearest codes, nearest first; ties in distance are ordered by lower index.
 *
 * @example
 * ```ts
 * const { indices, distances }: HammingResult = index.query(queryWords, 5);
 * ```
 */
export interface HammingResult {
  indices: Int32Array;
  distances: Int32Array;
}

/**
 * Counting selection of the k smallest distances (each an integer in [0, maxDistance]), ties by
 * lower index; index `skip` is left out (-1 for none). O(dist.length + maxDistance).
 */
export function selectNearest(dist: Int32Array, maxDistance: number, k: number, skip: number): HammingResult {
  const m = Math.min(k, dist.length - (skip >= 0 ? 1 : 0));
  const indices = new Int32Array(m);
  const distances = new Int32Array(m);
  selectInto(dist, maxDistance, m, skip, indices, distances, 0);
  return { indices, distances };
}

/**
 * The selection of {@link selectNearest} for m results (at most the codes other than `skip`),
 * written to `indices` and `distances` from `at`: HammingIndex.queryMany's rows. The thread
 * pool's worker script (kernels/threads/worker-source.ts, `hamming`) repeats this loop.
 */
export function selectInto(
  dist: Int32Array, maxDistance: number, m: number, skip: number, indices: Int32Array, distances: Int32Array, at: number,
): void {
  const count = new Int32Array(maxDistance + 1);
  for (let i = 0; i < dist.length; i++) if (i !== skip) count[dist[i]]++;
  // start[d]: first output slot for distance d; take[d]: how many of distance d fit in m.
  const start = new Int32Array(maxDistance + 1);
  const take = new Int32Array(maxDistance + 1);
  let filled = 0;
  for (let d = 0; d <= maxDistance && filled < m; d++) {
    start[d] = filled;
    take[d] = Math.min(count[d], m - filled);
    filled += take[d];
  }
  for (let i = 0; i < dist.length; i++) {
    const d = dist[i];
    if (i === skip || take[d] === 0) continue;
    const slot = at + start[d]++;
    take[d]--;
    indices[slot] = i;
    distances[slot] = d;
  }
}
