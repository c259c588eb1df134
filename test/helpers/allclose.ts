/**
 * Closeness with PyTorch `torch.testing.assert_close` / `allclose` semantics: shapes are
 * compared first, then every element must satisfy |a − e| ≤ atol + rtol·|e|. ±Infinity matches
 * only the same infinity; NaN matches NaN only with `equalNaN`. Failures report the mismatch
 * count, the worst absolute and relative errors, and their flat and multi-indices.
 */
import { Tensor } from '../../src/tensor/tensor.js';

/** Anything the comparators accept: a Tensor, `{ data, shape }`, nested arrays, a flat array or a number. */
export type Comparable =
  | Tensor
  | number
  | ArrayLike<number>
  | readonly Comparable[]
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/** Tolerances. Defaults are PyTorch's `allclose` (rtol 1e-5, atol 1e-8, equalNaN false). */
export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
  equalNaN?: boolean;
}

/** The outcome of {@link compareClose}. */
export interface CloseReport {
  pass: boolean;
  /** '' when passed; otherwise a one-paragraph explanation. */
  message: string;
  shapeActual: number[];
  shapeExpected: number[];
  mismatches: number;
  worstAbs: number;
  worstAbsIndex: number;
  worstRel: number;
  worstRelIndex: number;
}

/** Flattens a comparable into values and a shape (a flat array has shape [n]). */
export function toFlat(x: Comparable): { data: ArrayLike<number>; shape: number[] } {
  if (x instanceof Tensor) return { data: x.data, shape: x.shape.slice() };
  if (typeof x === 'number') return { data: [x], shape: [] };
  if (ArrayBuffer.isView(x)) return { data: x as unknown as ArrayLike<number>, shape: [(x as unknown as ArrayLike<number>).length] };
  if (!Array.isArray(x) && typeof x === 'object' && x !== null && 'shape' in x && 'data' in x) {
    const s = x as { data: ArrayLike<number>; shape: readonly number[] };
    return { data: s.data, shape: s.shape.slice() };
  }
  const shape: number[] = [];
  let v: unknown = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  const out: number[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new TypeError(`allclose: expected a number at depth ${depth}, got ${typeof node}`);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new TypeError(`allclose: ragged nested array at depth ${depth}`);
    }
    for (const c of node) walk(c, depth + 1);
  };
  walk(x, 0);
  return { data: out, shape };
}

/** The multi-index of flat index `i` in a row-major `shape`. */
export function unravelIndex(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let r = i;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax];
    idx[ax] = d === 0 ? 0 : r % d;
    r = d === 0 ? 0 : Math.floor(r / d);
  }
  return idx;
}

/** True when `a` is close to `e` under the PyTorch rule (see the module comment). */
export function isClose(a: number, e: number, rtol: number, atol: number, equalNaN: boolean): boolean {
  if (a !== a || e !== e) return equalNaN && a !== a && e !== e;
  if (a === e) return true; // covers equal infinities and ±0
  if (!Number.isFinite(a) || !Number.isFinite(e)) return false;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Compares without throwing and explains any failure. */
export function compareClose(actual: Comparable, expected: Comparable, options: AllcloseOptions = {}): CloseReport {
  const { rtol = 1e-5, atol = 1e-8, equalNaN = false } = options;
  const a = toFlat(actual);
  const e = toFlat(expected);
  const base = {
    shapeActual: a.shape, shapeExpected: e.shape, mismatches: 0,
    worstAbs: 0, worstAbsIndex: -1, worstRel: 0, worstRelIndex: -1,
  };
  if (!sameShape(a.shape, e.shape) || a.data.length !== e.data.length) {
    return { ...base, pass: false, message: `allclose: shape mismatch: actual ${fmtShape(a.shape)}, expected ${fmtShape(e.shape)}` };
  }
  const r = { ...base };
  let firstBad = -1;
  for (let i = 0; i < e.data.length; i++) {
    const av = a.data[i];
    const ev = e.data[i];
    if (isClose(av, ev, rtol, atol, equalNaN)) continue;
    r.mismatches++;
    if (firstBad < 0) firstBad = i;
    // NaN or an infinite difference counts as infinitely wrong.
    const abs = av === ev ? 0 : Number.isNaN(av - ev) ? Infinity : Math.abs(av - ev);
    const rel = abs === 0 ? 0 : ev === 0 ? Infinity : abs / Math.abs(ev);
    if (r.worstAbsIndex < 0 || abs > r.worstAbs) { r.worstAbs = abs; r.worstAbsIndex = i; }
    if (r.worstRelIndex < 0 || rel > r.worstRel) { r.worstRel = rel; r.worstRelIndex = i; }
  }
  if (r.mismatches === 0) return { ...r, pass: true, message: '' };
  const at = (i: number): string =>
    `flat index ${i} ${fmtShape(unravelIndex(i, e.shape))} (actual ${a.data[i]}, expected ${e.data[i]})`;
  const message =
    `allclose: ${r.mismatches} of ${e.data.length} elements mismatch (rtol ${rtol}, atol ${atol}, equalNaN ${equalNaN}, shape ${fmtShape(e.shape)}). ` +
    `Worst abs error ${r.worstAbs} at ${at(r.worstAbsIndex)}; worst rel error ${r.worstRel} at ${at(r.worstRelIndex)}; ` +
    `first mismatch at ${at(firstBad)}.`;
  return { ...r, pass: false, message };
}

/** PyTorch `allclose`: true when shapes match and every element is close. */
export function allclose(actual: Comparable, expected: Comparable, options?: AllcloseOptions): boolean {
  return compareClose(actual, expected, options).pass;
}

/** Throws an Error with the full report unless `actual` is close to `expected`. */
export function assertAllclose(actual: Comparable, expected: Comparable, options?: AllcloseOptions & { context?: string }): void {
  const r = compareClose(actual, expected, options);
  if (!r.pass) throw new Error(options?.context ? `${options.context}: ${r.message}` : r.message);
}

/** Alias of {@link assertAllclose} in the `expect…` spelling. */
export const expectAllclose = assertAllclose;
