import type { ModelState } from '../../src/io/model-state.js';
import { Rng } from '../../src/random/rng.js';

/** A small data set in [0, 1]: smooth bumps plus noise, `rows` × `cols`, as float32 `{ data, shape }`. */
export function unitData(rows: number, cols: number, seed = 1): { data: Float32Array; shape: [number, number] } {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const c = rng.uniform(0, cols);
    const w = rng.uniform(1, cols / 3);
    for (let j = 0; j < cols; j++) data[r * cols + j] = Math.min(1, Math.exp(-((j - c) ** 2) / (2 * w * w)) + 0.1 * rng.uniform());
  }
  return { data, shape: [rows, cols] };
}

/** Every tensor of a state as raw bytes (parameters, optimizer buffers), by name. */
export function tensorBytes(state: ModelState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(state.tensors)) out[k] = Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return out;
}

/** Only the parameters (names without the optimizer prefix) as raw bytes. */
export function paramBytes(state: ModelState): Record<string, number[]> {
  const all = tensorBytes(state);
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('optimizer.')));
}

/** True when every value of every tensor is finite. */
export function allFinite(state: ModelState): boolean {
  return Object.values(state.tensors).every((t) => t.data.every((v) => Number.isFinite(v)));
}
