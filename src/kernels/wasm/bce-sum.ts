/**
 * The forward of {@link bceSum} for float32 on WebAssembly SIMD, used when the matrix-product
 * backend is `'wasm'`: per element e = exp(−|l|) (Cephes expf: Cody–Waite reduction, degree-6
 * polynomial, 2^k by exponent bits), log1p(e) = 2·atanh(e/(2 + e)) as an odd series (e ∈ [0, 1],
 * so the argument is at most 1/3), σ(l) = 1/(1 + e) or e/(1 + e) by sign, each within a few
 * float32 ulps. The loss is accumulated per lane in float32 over chunks of 4,096 values and the
 * chunks are added in double. About 0.2 ms for the VAE's 128 × 784 logits against 1.8 ms for
 * the scalar loop with Math.exp and Math.log1p (which stays the path for float64 and for the
 * `'js'` backend).
 *
 * @module
 */
import { bceModule, buildBceModule } from './bce-module.js';
import { placeKernel, type KernelSpec } from './runner.js';
import { BCE_IN_ARENA, KERNEL_SCRATCH_BYTES as ACCUMULATOR_BYTES, arenaOf } from './arena.js';

export { buildBceModule };

/** Elements per call; bounds the float32 accumulation to 1,024 additions per lane. */
const CHUNK = 4096;
/**
 * Fewer values than this stay on one thread in a threaded arena: four chunks, about 40 µs of
 * work against a few µs of dispatch. Provisional: the side-by-side measurement (bench/README.md,
 * "Elementwise kernels, Rayleigh–Ritz and Hamming search on threads") ran at load average 21 and
 * could not show a crossover.
 */
const SHARED_BCE = 16384;

type BceKernel = (l: number, y: number, d: number, acc: number, bytes: number, scale: number) => void;

/** Logits, targets and gradient, one chunk each; four float32 accumulators. */
const BCE: KernelSpec = { build: bceModule, slots: 3, slotFloats: CHUNK, scratchBytes: 16, copyPath: true };

/**
 * Whether the SIMD kernel loaded here (it is built and validated on the first call).
 *
 * @example
 * ```ts
 * if (!isBceWasmAvailable()) console.log('the summed BCE runs in TypeScript');
 * ```
 */
export function isBceWasmAvailable(): boolean {
  return placeKernel(BCE, []) !== null;
}

/**
 * Σ [softplus(l) − y·l] over float32 logits and targets, writing d = scale·(σ(l) − y); returns
 * the unscaled sum, or null (nothing written) where WebAssembly SIMD is unavailable. The sum
 * is taken in chunks of {@link CHUNK} (float32 lanes within a chunk, the chunks added in double),
 * in place when all three arrays live in one arena, else through copies (runner.ts): the same
 * bits either way. The last `n mod 4` values go through `tail`, the scalar formula.
 *
 * @example
 * ```ts
 * const sum = bceSumWasm(logits, targets, grad, 1 / 128, scalarTail);
 * ```
 */
export function bceSumWasm(
  L: Float32Array, Y: Float32Array, d: Float32Array, scale: number,
  tail: (from: number, to: number) => number,
): number | null {
  const k = placeKernel(BCE, [{ from: L }, { from: Y }, { to: d }]);
  if (k === null) return null;
  const run = k.exports.bce as unknown as BceKernel;
  const acc = k.scratch32;
  const n = L.length;
  const simdEnd = n - (n % 4);
  let sum = 0;
  // In a threaded arena, the chunks are shared with its workers, each chunk's four lanes into
  // an accumulator of its own, then added here in chunk order: the bytes of the loop below.
  const chunks = Math.ceil(simdEnd / CHUNK);
  const arena = k.inPlace && simdEnd >= SHARED_BCE ? arenaOf(L) : undefined;
  if (arena !== undefined && chunks * 16 <= ACCUMULATOR_BYTES) {
    const calls: number[] = [];
    for (let c = 0; c < chunks; c++) {
      const at = c * CHUNK * 4;
      calls.push(L.byteOffset + at, Y.byteOffset + at, d.byteOffset + at, k.scratch + c * 16, Math.min(CHUNK, simdEnd - c * CHUNK) * 4, scale);
    }
    if (arena.shareCalls(BCE_IN_ARENA, 6, calls, 1 << 5)) {
      const acc4 = new Float32Array(k.scratch32.buffer, k.scratch, chunks * 4);
      for (let c = 0; c < chunks; c++) sum += acc4[4 * c] + acc4[4 * c + 1] + acc4[4 * c + 2] + acc4[4 * c + 3];
      return simdEnd < n ? sum + tail(simdEnd, n) : sum;
    }
  }
  k.each(simdEnd, CHUNK, ([l, y, g], _start, len) => {
    run(l, y, g, k.scratch, len * 4, scale);
    sum += acc[0] + acc[1] + acc[2] + acc[3];
  });
  return simdEnd < n ? sum + tail(simdEnd, n) : sum;
}
