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
import { ADAM_IN_ARENA, SHARED_RANGE_BYTES, arenaOf } from './arena.js';

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

/** The kernel's nine scalar arguments, in its order. */
function kernelScalars(s: AdamScalars): number[] {
  return [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.invBc2Sqrt, s.eps, s.l2, s.keep];
}

/** One parameter's arrays and scalars for {@link adamStepsShared}. */
export interface AdamItem {
  p: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  scalars: AdamScalars;
}

/** Arguments of one kernel call in {@link adamStepsShared}'s table: four pointers, the bytes, the nine scalars. */
const CALL_ARGS = 14;
/** Bits of the scalar arguments (5 to 13) in a call row. */
const SCALAR_BITS = ((1 << 9) - 1) << 5;

/** Whether `p` lives in a threaded arena whose workers have started: {@link adamStepsShared} may then take the step. */
export function adamCanShare(p: Float32Array): boolean {
  return arenaOf(p)?.canShare() === true;
}

/**
 * One Adam step of every parameter in `items` as a single job shared with the workers of the
 * threaded arena holding all their arrays: the chunks of every parameter (those of
 * {@link adamStepWasm}) are the job's calls, so the small parameters run in parallel too and the
 * step hands over to the workers once instead of once per large parameter. Each call writes its
 * own chunk with the kernel of the one-thread loop, so the bytes are those of updating the
 * parameters one after the other. Returns false, changing nothing, when the arrays are not all
 * in one arena whose workers have started, the parameters are fewer than 256 KiB together, or
 * the call table cannot hold the job (the caller then updates each parameter).
 */
export function adamStepsShared(items: readonly AdamItem[]): boolean {
  if (items.length === 0) return false;
  const arena = arenaOf(items[0].p);
  if (arena === undefined || !arena.canShare()) return false;
  let bytes = 0;
  for (const { p, g, m, v } of items) {
    if (![p, g, m, v].every((x) => arena.holds(x))) return false;
    bytes += p.length * 4;
  }
  if (bytes < SHARED_RANGE_BYTES) return false;
  const calls: number[] = [];
  for (const { p, g, m, v, scalars } of items) {
    const s = kernelScalars(scalars);
    for (let start = 0; start < p.length; start += CHUNK) {
      const at = start * 4;
      const len = Math.min(CHUNK, p.length - start);
      calls.push(p.byteOffset + at, g.byteOffset + at, m.byteOffset + at, v.byteOffset + at, Math.ceil(len / 4) * 16, ...s);
    }
  }
  return arena.shareCalls(ADAM_IN_ARENA, CALL_ARGS, calls, SCALAR_BITS);
}

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
  const scalars = kernelScalars(s);
  // In a threaded arena, large arrays are updated in chunks shared with its workers (each lane
  // is independent, so who updates which chunk changes no bit).
  if (k.inPlace && arenaOf(p)?.shareRange(ADAM_IN_ARENA, [p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset], Math.ceil(p.length / 4) * 16, CHUNK * 4, scalars)) return true;
  const run = k.exports.adam as unknown as AdamKernel;
  k.each(p.length, CHUNK, ([pp, gp, mp, vp], _start, len) => {
    run(pp, gp, mp, vp, Math.ceil(len / 4) * 16, ...scalars);
  });
  return true;
}
