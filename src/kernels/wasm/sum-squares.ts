/**
 * Σ x² of a float32 array on WebAssembly SIMD, for the gradient norm the trainer takes every
 * step (the non-finite guard and clipping need it). Each value is widened to double, squared
 * (exact: a float32 square fits in a double) and added into four double accumulators, lane i
 * taking the elements ≡ i (mod 4), which are exactly the four chains of the TypeScript loop in
 * clip.ts: the result is the same number, bit for bit. Measured on the VAE's 650,000
 * gradients: about 0.1 ms including the copies into the module's memory, against 0.4 ms for
 * the TypeScript loop, whose double multiply-adds V8 does not vectorise.
 *
 * @module
 */
import { buildSumSquaresModule } from './sum-squares-module.js';
import { placeKernel, type KernelSpec } from './runner.js';
import { KERNEL_SCRATCH_BYTES, SUM_SQUARES_IN_ARENA, arenaOf } from './arena.js';

export { buildSumSquaresModule };

/** Elements per chunk copied into the module's memory (64 KiB). */
const CHUNK = 16384;

type SumSquaresKernel = (ptr: number, bytes: number, acc: number) => void;

/** One operand, four double accumulators. */
const SUM_SQUARES: KernelSpec = { build: buildSumSquaresModule, slots: 1, slotFloats: CHUNK, scratchBytes: 32, copyPath: true };

/**
 * Σ x² with the four-chain double accumulation of the TypeScript loop (same bits), or null
 * where WebAssembly SIMD is unavailable. In place when `x` lives in an arena (a fit's
 * gradients), else copied through the kernel's memory (see runner.ts).
 *
 * @example
 * ```ts
 * const s = sumOfSquaresWasm(grad) ?? sumOfSquares(grad);
 * ```
 */
export function sumOfSquaresWasm(x: Float32Array): number | null {
  const k = placeKernel(SUM_SQUARES, [{ from: x }]);
  if (k === null) return null;
  const run = k.exports.sumsq as unknown as SumSquaresKernel;
  const acc = k.scratch64;
  acc.fill(0, 0, 4);
  const n4 = x.length - (x.length % 4);
  k.each(n4, CHUNK, ([p], _start, len) => run(p, len * 4, k.scratch));
  let s0 = acc[0];
  for (let i = n4; i < x.length; i++) s0 += x[i] * x[i];
  return s0 + acc[1] + acc[2] + acc[3];
}

/** Fewer elements in all than this stay on one thread (about 30 µs of work; provisional, see bench/README.md, "Elementwise kernels, Rayleigh–Ritz and Hamming search on threads"). */
const SHARED_ELEMENTS = 131072;

/**
 * Σ x² of each of `arrays`, when they all live in one threaded arena whose workers have
 * started (a fit's gradients): one call of the kernel per array, the calls shared with the
 * workers, each array's four accumulators its own. Each result is {@link sumOfSquaresWasm}'s
 * for that array, bit for bit, whoever computed it. Null, computing nothing, elsewhere or for
 * fewer than two arrays or 131,072 values in all (the caller then takes one array at a time).
 *
 * @example
 * ```ts
 * const sums = sumsOfSquaresShared(grads) ?? grads.map(sumOfSquares);
 * ```
 */
export function sumsOfSquaresShared(arrays: readonly Float32Array[]): number[] | null {
  if (arrays.length < 2 || arrays.length * 32 > KERNEL_SCRATCH_BYTES) return null;
  const arena = arenaOf(arrays[0]);
  if (arena === undefined || !arena.canShare() || arrays.some((x) => !arena.holds(x))) return null;
  if (arrays.reduce((s, x) => s + x.length, 0) < SHARED_ELEMENTS) return null;
  const at = arena.kernelScratch;
  const acc = arena.scratch64;
  acc.fill(0, 0, 4 * arrays.length);
  const calls: number[] = [];
  arrays.forEach((x, i) => calls.push(x.byteOffset, (x.length - (x.length % 4)) * 4, at + 32 * i));
  if (!arena.shareCalls(SUM_SQUARES_IN_ARENA, 3, calls)) return null;
  return arrays.map((x, i) => {
    let s0 = acc[4 * i];
    for (let j = x.length - (x.length % 4); j < x.length; j++) s0 += x[j] * x[j];
    return s0 + acc[4 * i + 1] + acc[4 * i + 2] + acc[4 * i + 3];
  });
}
