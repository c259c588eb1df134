/**
 * The one ReLU of latent-ts: the forward and the backward mask that both `x.relu()` (the relu
 * op) and `Linear.forwardRelu` (the fused linear op) run, so the two agree bit for bit.
 *
 * Behaviour at the edges (`Math.max(x, 0)` semantics): relu(x) = x for x > 0 and for +∞;
 * +0 for negatives, −0 and −∞; NaN stays NaN (payload kept). PyTorch differs in two places:
 * torch.relu(−0.) is −0., and its backward is a select, giving 0 where x ≤ 0 even when the
 * upstream gradient is ±∞ or NaN, and g where x is NaN. Here the backward is
 * g·[x > 0] + (NaN where x is NaN): 0·∞ = NaN where x ≤ 0 and g is infinite (a diverged
 * gradient stays visible to the trainer's NaN guard), NaN where x is NaN, and a −0 gradient
 * passes as +0. Since relu(x) > 0 exactly when x > 0, and relu(x) is NaN exactly when x is, the
 * mask reads the input or the output alike.
 *
 * On float32 the work is done on the bit patterns.
 *
 * Why bits: on random signs every float formulation V8 compiles here (`Math.max(v, 0)`,
 * `v > 0 ? v : 0`, an `if`) branches on the sign and mispredicts half the time, about 6 ns per
 * element (0.3 ms for one 128 × 400 activation), while the integer form below has no
 * data-dependent branch and runs about seven times faster. Float64 arrays keep the float loops.
 *
 * @module
 */
import type { FloatArray } from '../validate.js';
import { getBackend } from './backend.js';
import { arenaOf } from './wasm/arena.js';
import { maskAndSumsWasm } from './wasm/bias-relu.js';
import { reluInPlaceWasm } from './wasm/relu.js';

/** Below this many elements the loops beat copying into WebAssembly memory. */
const WASM_MIN = 2048;

const ABS = 0x7fffffff;
const INF = 0x7f800000;

function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** dst[i] = relu(src[i]) on float32 bit patterns, for i from `from` on. */
function reluBits(src: Int32Array, dst: Int32Array, from: number): void {
  for (let i = from; i < src.length; i++) {
    const v = src[i];
    // Keep v when its sign bit is clear or it is a NaN (|v| above the infinity pattern).
    const nan = (INF - (v & ABS)) >> 31;
    dst[i] = v & (~(v >> 31) | nan);
  }
}

/**
 * y ← relu(y) in place (see the module comment for the edges: −0 and −∞ become +0, NaN stays
 * NaN).
 *
 * @example
 * ```ts
 * reluInPlace(y); // after y = x·Wᵀ + b
 * ```
 */
export function reluInPlace(y: FloatArray): void {
  if (!(y instanceof Float32Array)) {
    for (let i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0);
    return;
  }
  const b = bitsOf(y);
  // Activations in a training step's arena go through the SIMD form of this loop first.
  reluBits(b, b, reluInPlaceWasm(y));
}

/**
 * out = relu(x), the forward of the relu op; `out` has x's length and storage type.
 *
 * @example
 * ```ts
 * reluInto(x, new Float32Array(x.length));
 * ```
 */
export function reluInto(x: FloatArray, out: FloatArray): FloatArray {
  if (x === out) reluInPlace(out);
  else if (x instanceof Float32Array && out instanceof Float32Array) {
    // An output in a training step's arena takes a copy and the SIMD loop in place: on a conv
    // VAE's 128 × 32 × 14 × 14 activations several times faster than the loop (same bits).
    if (arenaOf(out) !== undefined && out.length >= WASM_MIN) {
      out.set(x);
      reluInPlace(out);
    } else reluBits(bitsOf(x), bitsOf(out), 0);
  }
  else for (let i = 0; i < x.length; i++) out[i] = Math.max(x[i], 0);
  return out;
}

/**
 * out = g·[y > 0] + (NaN where y is NaN), the ReLU backward from the output `y` (or, the same
 * values, from the input): g where
 * y > 0 (−0 as +0), +0 where y ≤ 0 and g is finite, NaN where y is NaN or where y ≤ 0 and g is
 * ±∞ or NaN (0·∞). Written as arithmetic on the comparison rather than a select, which V8
 * compiles to a data-dependent branch (an integer form of this one is slower still: it needs a
 * dozen operations per element to keep the NaN cases). `out` may be `g`.
 *
 * @example
 * ```ts
 * reluMaskInto(gOut, y, g);
 * ```
 */
export function reluMaskInto(g: FloatArray, y: FloatArray, out: FloatArray): FloatArray {
  for (let i = 0; i < g.length; i++) {
    const v = y[i];
    out[i] = g[i] * +(v > 0) + (v === v ? 0 : NaN);
  }
  return out;
}


/**
 * {@link reluMaskInto} for the relu op, any shape: a float32 array of at least a few thousand
 * values on the `'wasm'` backend is viewed as rows of a power-of-two width and masked by the
 * SIMD kernel of {@link reluBiasBackward} (whose column sums are thrown away), the same bits
 * as the loop; everything else takes the loop. `out` may be `g`.
 *
 * @example
 * ```ts
 * reluBackward(gOut, x, new Float32Array(x.length));
 * ```
 */
export function reluBackward(g: FloatArray, y: FloatArray, out: FloatArray): FloatArray {
  const len = g.length;
  if (g instanceof Float32Array && y instanceof Float32Array && out instanceof Float32Array && len >= WASM_MIN && getBackend() === 'wasm') {
    let m = 4096;
    while (m > 4 && len % m !== 0) m >>= 1;
    if (len % m === 0 && maskAndSumsWasm(g, y, out, len / m, m, new Float64Array(m))) return out;
  }
  return reluMaskInto(g, y, out);
}

/**
 * The elementwise half of a dense layer's backward for gOut [n, m]: with the layer output `y`
 * (a ReLU layer) writes ĝ = {@link reluMaskInto}(gOut, y) into `out` and returns it, else
 * returns gOut itself; when `acc` is given, sets acc[j] = Σ_r ĝ[r, j] accumulated in double in
 * row order (the bias gradient). Float32 on the `'wasm'` backend runs on SIMD with the same bits.
 *
 * @example
 * ```ts
 * const g = reluBiasBackward(gOut, y, n, m, biasAcc, new Float32Array(n * m));
 * ```
 */
export function reluBiasBackward(
  gOut: FloatArray, y: FloatArray | null, n: number, m: number, acc: Float64Array | null, out: FloatArray,
): FloatArray {
  const g = y === null ? gOut : out;
  if (y === null && acc === null) return g;
  let done = 0; // columns already finished by the SIMD kernel
  if (gOut instanceof Float32Array && g instanceof Float32Array && (y === null || y instanceof Float32Array)
    && gOut.length >= WASM_MIN && getBackend() === 'wasm') {
    const sums = acc ?? new Float64Array(m);
    if (maskAndSumsWasm(gOut, y, g, n, m, sums)) done = m - (m % 4);
  }
  if (done === 0) {
    if (y !== null) reluMaskInto(gOut, y, g);
    acc?.fill(0);
  } else {
    acc?.fill(0, done);
    if (y !== null) finishColumns(gOut, y, g, n, m, done);
  }
  if (acc !== null && done < m) {
    for (let r = 0; r < n; r++) {
      const o = r * m;
      for (let j = done; j < m; j++) acc[j] += g[o + j];
    }
  }
  return g;
}

/** The ReLU mask on columns done..m−1 of each row (those the SIMD kernel leaves). */
function finishColumns(gOut: FloatArray, y: FloatArray, g: FloatArray, n: number, m: number, done: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = r * m + done; j < (r + 1) * m; j++) g[j] = gOut[j] * +(y[j] > 0) + (y[j] === y[j] ? 0 : NaN);
  }
}
