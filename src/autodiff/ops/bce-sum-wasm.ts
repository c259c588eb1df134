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
import { ModuleBuilder, uleb128, type Code } from '../../kernels/wasm/builder.js';

/** Elements per call; bounds the float32 accumulation to 1,024 additions per lane. */
const CHUNK = 4096;

/** SIMD opcodes (prefix 0xfd) the shared builder does not name. */
const OP = {
  f32x4Lt: 0x43, v128And: 0x4e, v128Bitselect: 0x52, f32x4Nearest: 0x6a, i32x4Shl: 0xab, i32x4Add: 0xae,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sub: 0xe5, f32x4Div: 0xe7, f32x4Max: 0xe9, i32x4TruncSatF32x4S: 0xf8, i32x4Splat: 0x11,
} as const;

function simd(c: Code, sub: number): Code {
  c.bytes.push(0xfd, ...uleb128(sub));
  return c;
}

/** Pushes a constant f32x4 splat. */
function splat(c: Code, v: number): Code {
  return c.f32Const(v).f32x4Splat();
}

/**
 * bce(L, Y, D, ACC, bytes, scale): for each lane, D = scale·(σ(l) − y) and
 * ACC += max(l, 0) − y·l + log1p(e^{−|l|}). Byte offsets; `bytes` a multiple of 16.
 */
export function buildBceModule(): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(1);
  const f = mod.function('bce', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32'], []);
  const [L, Y, D, ACC, BYTES, SCALE] = [0, 1, 2, 3, 4, 5];
  const i = f.local('i32');
  const [l, y, x, k, r, e, u, w, sc, acc] = Array.from({ length: 10 }, () => f.local('v128'));
  const c = f.code;
  c.localGet(SCALE).f32x4Splat().localSet(sc);
  c.v128Const().localSet(acc);
  c.i32Const(0).localSet(i);
  c.block().loop();
  c.localGet(i).localGet(BYTES).i32GeU().brIf(1);
  c.localGet(L).localGet(i).i32Add().v128Load().localSet(l);
  c.localGet(Y).localGet(i).i32Add().v128Load().localSet(y);
  // x = max(−|l|, ln FLT_MIN): e stays a normal float (e^x ≥ 1.2e-38).
  simd(simd(c.localGet(l), OP.f32x4Abs), OP.f32x4Neg);
  simd(splat(c, -87.33654), OP.f32x4Max).localSet(x);
  // k = nearest(x·log2 e); r = x − k·ln2 (two-part constant).
  simd(splat(c.localGet(x), 1.44269504088896341).f32x4Mul(), OP.f32x4Nearest).localSet(k);
  simd(c.localGet(x).localGet(k).f32Const(0.693359375).f32x4Splat().f32x4Mul(), OP.f32x4Sub);
  simd(c.localGet(k).f32Const(-2.12194440e-4).f32x4Splat().f32x4Mul(), OP.f32x4Sub).localSet(r);
  // e^r ≈ 1 + r + r²·P(r), Cephes expf coefficients.
  c.localGet(r);
  for (const coef of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
    if (coef === 1.3981999507e-3) splat(c.localGet(r), 1.9875691500e-4).f32x4Mul();
    splat(c, coef).f32x4Add();
    if (coef !== 5.0000001201e-1) c.localGet(r).f32x4Mul();
  }
  c.localGet(r).localGet(r).f32x4Mul().f32x4Mul().f32x4Add();
  splat(c, 1).f32x4Add();
  // × 2^k via the exponent bits: (k + 127) << 23.
  simd(simd(simd(c.localGet(k), OP.i32x4TruncSatF32x4S).i32Const(127), OP.i32x4Splat), OP.i32x4Add);
  simd(c.i32Const(23), OP.i32x4Shl);
  c.f32x4Mul().localSet(e);
  // u = e/(2 + e), w = u²; log1p(e) = 2u(1 + w/3 + w²/5 + … + w⁶/13).
  simd(c.localGet(e).localGet(e).f32Const(2).f32x4Splat().f32x4Add(), OP.f32x4Div).localSet(u);
  c.localGet(u).localGet(u).f32x4Mul().localSet(w);
  splat(c, 1 / 13);
  for (const coef of [1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1]) c.localGet(w).f32x4Mul().f32Const(coef).f32x4Splat().f32x4Add();
  c.localGet(u).f32x4Mul().f32Const(2).f32x4Splat().f32x4Mul();
  // loss = max(l, 0) − y·l + log1p(e); accumulate.
  simd(c.localGet(l).v128Const(), OP.f32x4Max).f32x4Add();
  simd(c.localGet(y).localGet(l).f32x4Mul(), OP.f32x4Sub);
  c.localGet(acc).f32x4Add().localSet(acc);
  // D = scale·(σ(l) − y), σ = 1/(1 + e) for l ≥ 0 and e/(1 + e) for l < 0.
  c.localGet(D).localGet(i).i32Add();
  simd(splat(c, 1).localGet(e).f32Const(1).f32x4Splat().f32x4Add(), OP.f32x4Div).localSet(u);
  c.localGet(e).localGet(u).f32x4Mul();
  c.localGet(u);
  simd(c.localGet(l).v128Const(), OP.f32x4Lt);
  simd(c, OP.v128Bitselect);
  simd(c.localGet(y), OP.f32x4Sub).localGet(sc).f32x4Mul();
  c.v128Store();
  c.localGet(i).i32Const(16).i32Add().localSet(i).br(0);
  c.end().end();
  c.localGet(ACC).localGet(acc).v128Store();
  return mod.build();
}

type BceKernel = (l: number, y: number, d: number, acc: number, bytes: number, scale: number) => void;

let loaded: { run: BceKernel; heap: Float32Array } | null | undefined;

/**
 * Whether the SIMD kernel loaded here (it is built and validated on the first call).
 *
 * @example
 * ```ts
 * if (!isBceWasmAvailable()) console.log('bceSum runs in TypeScript');
 * ```
 */
export function isBceWasmAvailable(): boolean {
  return load() !== null;
}

function load(): { run: BceKernel; heap: Float32Array } | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    if (typeof WebAssembly === 'undefined') return null;
    const bytes = buildBceModule();
    if (!WebAssembly.validate(bytes)) return null;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    loaded = { run: instance.exports.bce as unknown as BceKernel, heap: new Float32Array(memory.buffer) };
  } catch {
    loaded = null;
  }
  return loaded;
}

/**
 * Σ [softplus(l) − y·l] over float32 logits and targets, writing d = scale·(σ(l) − y); returns
 * the unscaled sum, or null (nothing written) where WebAssembly SIMD is unavailable. The last
 * `n mod 4` values go through `tail`, the scalar formula.
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
  const k = load();
  if (k === null) return null;
  const { heap, run } = k;
  const n = L.length;
  const simdEnd = n - (n % 4);
  let sum = 0;
  const accAt = 3 * CHUNK;
  for (let start = 0; start < simdEnd; start += CHUNK) {
    const end = Math.min(start + CHUNK, simdEnd);
    const len = end - start;
    heap.set(L.subarray(start, end), 0);
    heap.set(Y.subarray(start, end), CHUNK);
    run(0, CHUNK * 4, 2 * CHUNK * 4, accAt * 4, len * 4, scale);
    d.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), start);
    sum += heap[accAt] + heap[accAt + 1] + heap[accAt + 2] + heap[accAt + 3];
  }
  return simdEnd < n ? sum + tail(simdEnd, n) : sum;
}
