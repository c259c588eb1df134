/**
 * The ReLU forward in place on WebAssembly SIMD, for activations that live in a training
 * step's arena (see `wasm/arena.ts`): the integer form of relu.ts on four lanes at a time, so
 * the bits are those of the TypeScript loop, NaN payloads included. Arrays outside an arena
 * keep the TypeScript loop, which would cost more in copies than it saves here.
 *
 * @module
 */
import { placeKernel, type KernelSpec } from './runner.js';
import { RELU_IN_ARENA, arenaOf } from './arena.js';
import { buildReluModule } from './relu-module.js';

export { buildReluModule };

/**
 * In a threaded arena, activations of fewer bytes than this stay on one thread (a streaming pass
 * of about 10 µs against a few µs of dispatch; provisional, see bench/README.md, "Elementwise
 * kernels, Rayleigh–Ritz and Hamming search on threads"); larger ones go in chunks of
 * {@link SHARED_CHUNK_BYTES}.
 */
const SHARED_RELU_BYTES = 1 << 17;
const SHARED_CHUNK_BYTES = 1 << 15;

type ReluKernel = (ptr: number, bytes: number) => void;

/** In place on arena arrays only: for other arrays the copies would cost more than they save. */
const RELU: KernelSpec = { build: buildReluModule, slots: 1, slotFloats: 0, scratchBytes: 0, copyPath: false };

/**
 * ReLU in place on the first length − length mod 4 values of `y` when it lives in an arena;
 * returns how many values it did (0 when not applicable), the caller does the rest.
 *
 * @example
 * ```ts
 * const done = reluInPlaceWasm(y); // then the TypeScript loop from `done` on
 * ```
 */
export function reluInPlaceWasm(y: Float32Array): number {
  const k = placeKernel(RELU, [{ from: y, to: y }]);
  if (k === null) return 0;
  const run = k.exports.relu as unknown as ReluKernel;
  const n4 = y.length - (y.length % 4);
  // In a threaded arena, large activations are cut into chunks shared with its workers (each
  // lane is independent: the same bits whoever runs which chunk).
  if (n4 > 0 && arenaOf(y)?.shareRange(RELU_IN_ARENA, [y.byteOffset], n4 * 4, SHARED_CHUNK_BYTES, [], SHARED_RELU_BYTES)) return n4;
  if (n4 > 0) k.each(n4, n4, ([p], _start, len) => run(p, len * 4));
  return n4;
}
