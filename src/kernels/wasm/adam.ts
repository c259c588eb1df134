/**
 * The Adam/AdamW update of float32 parameters on WebAssembly SIMD (f32x4 square root and
 * division), used when the matrix-product backend is `'wasm'`. The module's bytes are emitted
 * in adam-module.ts with the repository's module builder. During a fit the parameters, gradients and
 * moments live in the fit's arena and are updated where they are; otherwise they are copied
 * through the module's memory chunk by chunk (runner.ts). Either way they are ordinary
 * Float32Arrays to the optimizer, its state and checkpoints. Measured on the VAE's 650,000 parameters: about
 * 0.8 ms per step against 2.5 ms for the scalar TypeScript loop, which is bound by
 * double-precision square roots and divisions; the step is bound by memory traffic (28 bytes
 * per parameter) more than by the f32x4 square roots and divisions.
 *
 * @module
 */
import { placeKernel, type KernelSpec } from './runner.js';
import { MOMENT_FLOOR, buildAdamModule } from './adam-module.js';
import { ADAM_IN_ARENA, arenaOf } from './arena.js';

export { MOMENT_FLOOR, buildAdamModule };

/** Elements per chunk: four 64 KiB arrays stay in the L2 cache together. */
const CHUNK = 16384;

/** Scalars of one Adam step, as in {@link adamStepWasm}. */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  /** 1 / √(1 − β₂ᵗ). */
  invBc2Sqrt: number;
  /** L2 weight decay added to the gradient (Adam), or 0. */
  l2: number;
  /** Decoupled decay factor 1 − lr·λ (AdamW), or 1. */
  keep: number;
}

type AdamKernel = (p: number, g: number, m: number, v: number, bytes: number, ...scalars: number[]) => void;

/** Parameters, gradients and the two moments, one chunk each. */
const ADAM: KernelSpec = { build: buildAdamModule, slots: 4, slotFloats: CHUNK, scratchBytes: 0, copyPath: true };

/**
 * One Adam/AdamW step on float32 arrays through the SIMD kernel. Returns false (and changes
 * nothing) where WebAssembly SIMD is unavailable. In place when all four arrays live in one
 * arena (a fit's parameters, gradients and moments: no copies at all), else copied through the
 * kernel's memory chunk by chunk (runner.ts). The kernel writes whole f32x4 lanes, past the end
 * of an array into its padding: arena arrays are padded to 64 bytes, and on the copy path lanes
 * past a chunk compute on stale slot values that are never copied back.
 *
 * @example
 * ```ts
 * adamStepWasm(p, g, m, v, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9), invBc2Sqrt: 1 / Math.sqrt(1 - 0.999), l2: 0, keep: 1 });
 * ```
 */
export function adamStepWasm(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): boolean {
  const k = placeKernel(ADAM, [{ from: p, to: p }, { from: g }, { from: m, to: m }, { from: v, to: v }]);
  if (k === null) return false;
  const scalars = [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.invBc2Sqrt, s.eps, s.l2, s.keep];
  // In a threaded arena, large arrays are updated in chunks shared with its workers (each lane
  // is independent, so who updates which chunk changes no bit).
  if (k.inPlace && arenaOf(p)?.shareRange(ADAM_IN_ARENA, [p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset], Math.ceil(p.length / 4) * 16, CHUNK * 4, scalars)) return true;
  const run = k.exports.adam as unknown as AdamKernel;
  k.each(p.length, CHUNK, ([pp, gp, mp, vp], _start, len) => {
    run(pp, gp, mp, vp, Math.ceil(len / 4) * 16, ...scalars);
  });
  return true;
}
