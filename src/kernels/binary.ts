import type { FloatArray } from '../validate.js';
import { broadcastMode, expandTo } from './broadcast.js';

/** The four broadcasting arithmetic maps. */
export type BinaryKind = 'add' | 'sub' | 'mul' | 'div';

/**
 * out = a ∘ b with NumPy broadcasting. The same-shape, scalar and row cases run as dedicated
 * loops (the bias add of every layer is the row case); anything else is expanded first.
 */
export function binaryBroadcast(
  kind: BinaryKind, a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[],
  out: FloatArray, outShape: readonly number[],
): FloatArray {
  let ma = broadcastMode(aShape, outShape);
  let mb = broadcastMode(bShape, outShape);
  if (ma === 'general' || (ma === 'row' && mb !== 'same')) {
    a = expandTo(a, aShape, outShape, new Float64Array(out.length));
    ma = 'same';
  }
  if (mb === 'general' || (mb === 'row' && ma !== 'same')) {
    b = expandTo(b, bShape, outShape, new Float64Array(out.length));
    mb = 'same';
  }
  if (ma === 'same' && mb === 'same') sameLoop(kind, a, b, out);
  else if (ma === 'same' && mb === 'scalar') scalarRightLoop(kind, a, b[0], out);
  else if (ma === 'scalar' && mb === 'same') scalarLeftLoop(kind, a[0], b, out);
  else if (ma === 'same' && mb === 'row') rowRightLoop(kind, a, b, out);
  else if (ma === 'row' && mb === 'same') rowLeftLoop(kind, a, b, out);
  else sameLoop(kind, a.length === 1 ? new Float64Array(out.length).fill(a[0]) : a, b.length === 1 ? new Float64Array(out.length).fill(b[0]) : b, out);
  return out;
}

function sameLoop(kind: BinaryKind, a: FloatArray, b: FloatArray, out: FloatArray): void {
  const n = out.length;
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
  }
}

function scalarRightLoop(kind: BinaryKind, a: FloatArray, s: number, out: FloatArray): void {
  const n = out.length;
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + s; break;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - s; break;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * s; break;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / s; break;
  }
}

function scalarLeftLoop(kind: BinaryKind, s: number, b: FloatArray, out: FloatArray): void {
  const n = out.length;
  switch (kind) {
    case 'add': for (let i = 0; i < n; i++) out[i] = s + b[i]; break;
    case 'sub': for (let i = 0; i < n; i++) out[i] = s - b[i]; break;
    case 'mul': for (let i = 0; i < n; i++) out[i] = s * b[i]; break;
    case 'div': for (let i = 0; i < n; i++) out[i] = s / b[i]; break;
  }
}

function rowRightLoop(kind: BinaryKind, a: FloatArray, row: FloatArray, out: FloatArray): void {
  const n = out.length;
  const d = row.length;
  for (let o = 0; o < n; o += d) {
    switch (kind) {
      case 'add': for (let j = 0; j < d; j++) out[o + j] = a[o + j] + row[j]; break;
      case 'sub': for (let j = 0; j < d; j++) out[o + j] = a[o + j] - row[j]; break;
      case 'mul': for (let j = 0; j < d; j++) out[o + j] = a[o + j] * row[j]; break;
      case 'div': for (let j = 0; j < d; j++) out[o + j] = a[o + j] / row[j]; break;
    }
  }
}

function rowLeftLoop(kind: BinaryKind, row: FloatArray, b: FloatArray, out: FloatArray): void {
  const n = out.length;
  const d = row.length;
  for (let o = 0; o < n; o += d) {
    switch (kind) {
      case 'add': for (let j = 0; j < d; j++) out[o + j] = row[j] + b[o + j]; break;
      case 'sub': for (let j = 0; j < d; j++) out[o + j] = row[j] - b[o + j]; break;
      case 'mul': for (let j = 0; j < d; j++) out[o + j] = row[j] * b[o + j]; break;
      case 'div': for (let j = 0; j < d; j++) out[o + j] = row[j] / b[o + j]; break;
    }
  }
}
