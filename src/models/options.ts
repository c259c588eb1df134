/**
 * The unknown-option check every model runs on its constructor and `fit` options, so that a
 * misspelled name (`likelyhood`, `epoch`) fails loudly instead of silently keeping a default.
 *
 * @module
 */

/**
 * Throws TypeError for the first option name not in `known`, suggesting the closest known name
 * ("did you mean") when there is one.
 *
 * @example
 * ```ts
 * assertKnownOptions({ likelyhood: 'gaussian' }, ['inputDim', 'likelihood'], 'VAE');
 * // TypeError: VAE: unknown option 'likelyhood'; did you mean 'likelihood'? (known: inputDim, likelihood)
 * ```
 */
export function assertKnownOptions(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    const hint = guess === null ? '' : `; did you mean '${guess}'?`;
    throw new TypeError(`${where}: unknown option '${key}'${hint} (known: ${known.join(', ')})`);
  }
}

/**
 * The known name nearest to `name`, or null when none is plausibly meant. Case, `_` and `-` are
 * ignored (so `n_components` finds `nComponents`); otherwise the edit distance (insertions,
 * deletions, substitutions and swaps of neighbours) may be at most a third of the name, and at
 * least 2.
 *
 * @example
 * ```ts
 * closestName('epoch', ['epochs', 'batchSize']); // 'epochs'
 * closestName('colour', ['epochs']);             // null
 * ```
 */
export function closestName(name: string, known: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const target = norm(name);
  const limit = Math.max(2, Math.floor(target.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(target, norm(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** Optimal-string-alignment distance: Levenshtein plus the swap of two neighbouring letters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}
