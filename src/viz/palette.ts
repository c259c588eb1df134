/**
 * The categorical palette of the scatter plots.
 *
 * @module
 */

/**
 * Ten distinguishable colours (the Tableau 10 palette), one per digit class.
 *
 * @example
 * ```ts
 * PALETTE[3]; // '#d62728'
 * ```
 */
export const PALETTE: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/**
 * The palette colour of a label: integer labels cycle through the palette.
 *
 * @example
 * ```ts
 * colorFor(12) === PALETTE[2]; // true
 * ```
 */
export function colorFor(label: number): string {
  const i = Math.abs(Math.trunc(label)) % PALETTE.length;
  return PALETTE[Number.isFinite(i) ? i : 0];
}
