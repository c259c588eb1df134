/**
 * "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten.
 *
 * @module
 */

/**
 * Ticks covering a range, and the range rounded out to whole steps.
 *
 * @example
 * ```ts
 * const { values, lo, hi, step } = niceTicks(-3.2, 7.9);
 * ```
 */
export interface Ticks {
  values: number[];
  lo: number;
  hi: number;
  step: number;
}

/**
 * About `count` evenly spaced round tick values covering [min, max]. A degenerate range is
 * widened by one unit each side.
 *
 * @example
 * ```ts
 * niceTicks(0.3, 9.2, 5).values; // [0, 2, 4, 6, 8, 10]
 * ```
 */
export function niceTicks(min: number, max: number, count = 5): Ticks {
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
  let lo = Math.floor(min / step) * step;
  let hi = Math.ceil(max / step) * step;
  // Division can round (or underflow) across a multiple; step out once more if it did.
  if (lo > min) lo -= step;
  if (hi < max) hi += step;
  const values: number[] = [];
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) values.push(roundTo(lo + i * step, step));
  return { values, lo, hi, step };
}

/**
 * A tick value printed without floating-point noise (`0.30000000000000004` → `'0.3'`).
 *
 * @example
 * ```ts
 * formatTick(0.1 + 0.2, 0.1); // '0.3'
 * ```
 */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = value.toFixed(Math.min(decimals, 20));
  return s === '-0' || /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Number(v.toFixed(Math.min(decimals, 20)));
}
