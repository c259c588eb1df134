/**
 * The elementwise half of a dense layer's backward on WebAssembly SIMD, float32: the ReLU mask
 * ĝ = g·[y > 0] + (NaN where y is NaN) and the bias gradient Σ_rows ĝ accumulated in double.
 * Each value is the one the TypeScript loops compute (the mask is exact arithmetic in float32;
 * each column is summed in double, row by row, in the same order), so the two paths agree bit
 * for bit. On the VAE's 128 × 400 layers: about 0.05 ms against 0.2 ms for the loops (V8 neither
 * vectorises them nor, for the mask, avoids a data-dependent branch).
 *
 * @module
 */
import { BIAS_RELU_CHUNK as CHUNK, MAX_COLS, buildBiasReluModule } from './bias-relu-module.js';
import { placeKernel, type KernelSpec } from './runner.js';
import { MASK_IN_ARENA, SUMS_IN_ARENA, arenaOf } from './arena.js';

export { buildBiasReluModule };

type MaskKernel = (g: number, y: number, rows: number, colBytes: number, ldBytes: number, acc: number) => void;
type SumsKernel = (g: number, rows: number, colBytes: number, ldBytes: number, acc: number) => void;

/** g (updated in place into out) and y, whole rows at a time; the per-column double sums. */
const BIAS_RELU: KernelSpec = { build: buildBiasReluModule, slots: 2, slotFloats: CHUNK, scratchBytes: MAX_COLS * 8, copyPath: true };

/**
 * Fewer elements than this stay on one thread in a threaded arena (about 20 µs of work against a
 * few µs of dispatch). Provisional, as bce-sum.ts's SHARED_BCE (bench/README.md, "Elementwise
 * kernels, Rayleigh–Ritz and Hamming search on threads").
 */
const SHARED_ELEMENTS = 32768;
/** Column blocks a shared call is cut into (a few per thread, so a descheduled worker holds up little). */
const COLUMN_BLOCKS = 8;

/**
 * In a threaded arena: the mask and sums of {@link maskAndSumsWasm} on blocks of whole columns,
 * shared with the arena's workers. Each column is still masked and summed row by row by one
 * call, so the bytes are those of the one-thread loop whoever runs which block. False, touching
 * nothing, when the arena cannot share (the caller runs its loop).
 */
function sharedColumns(g: Float32Array, y: Float32Array | null, out: Float32Array, n: number, m: number, m4: number, acc: number): boolean {
  const arena = arenaOf(g);
  if (arena === undefined || !arena.canShare()) return false;
  const vectors = m4 / 4;
  const blocks = Math.min(COLUMN_BLOCKS, vectors);
  const calls: number[] = [];
  for (let b = 0, j = 0; b < blocks; b++) {
    const width = 4 * (Math.floor(vectors / blocks) + (b < vectors % blocks ? 1 : 0));
    if (y !== null) calls.push(out.byteOffset + j * 4, y.byteOffset + j * 4, n, width * 4, m * 4, acc + j * 8);
    else calls.push(g.byteOffset + j * 4, n, width * 4, m * 4, acc + j * 8);
    j += width;
  }
  if (y !== null && out !== g) {
    // The kernel updates in place: the output starts as a copy of g, as on the loop's path.
    out.set(g);
  }
  return arena.shareCalls(y !== null ? MASK_IN_ARENA : SUMS_IN_ARENA, y !== null ? 6 : 5, calls);
}

/**
 * For g and y [n, m] (row-major): writes ĝ = g·[y > 0] + (NaN where y is NaN) into `out` when
 * `y` is given, and sets acc[j] = Σ_r ĝ[r, j] in double for the first m − m mod 4 columns (the
 * caller finishes the rest). Whole rows go through the kernel at a time, in place when g, y and
 * out live in one arena, else through copies (runner.ts); the sums are added in row order
 * either way (same bits). Returns false, touching nothing, where WebAssembly SIMD is
 * unavailable or m is too wide.
 *
 * @example
 * ```ts
 * if (!maskAndSumsWasm(gOut, y, g, n, m, acc)) maskAndSumsJs(gOut, y, g, n, m, acc);
 * ```
 */
export function maskAndSumsWasm(
  g: Float32Array, y: Float32Array | null, out: Float32Array, n: number, m: number, acc: Float64Array,
): boolean {
  if (m > MAX_COLS) return false;
  const k = placeKernel(BIAS_RELU, y === null ? [{ from: g }] : [{ from: g, to: out }, { from: y }]);
  if (k === null) return false;
  const m4 = m - (m % 4);
  const sums = k.scratch64.subarray(0, m4);
  sums.fill(0);
  if (k.inPlace && n * m4 >= SHARED_ELEMENTS && sharedColumns(g, y, out, n, m, m4, k.scratch)) {
    acc.set(sums);
    return true;
  }
  const chunk = Math.floor(CHUNK / m) * m;
  if (y !== null) {
    const mask = k.exports.mask as unknown as MaskKernel;
    k.each(n * m, chunk, ([gp, yp], _start, len) => mask(gp, yp, len / m, m4 * 4, m * 4, k.scratch));
  } else {
    const sum = k.exports.sums as unknown as SumsKernel;
    k.each(n * m, chunk, ([gp], _start, len) => sum(gp, len / m, m4 * 4, m * 4, k.scratch));
  }
  acc.set(sums);
  return true;
}
