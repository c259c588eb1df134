/**
 * The Adam/AdamW update of float32 parameters on WebAssembly SIMD (f32x4 square root and
 * division), used when the matrix-product backend is `'wasm'`. The module's bytes are emitted
 * here with the repository's module builder. Parameters and gradients are copied through a
 * scratch of the module's memory chunk by chunk; the moments either go the same way (a shared
 * instance with a fixed four-chunk memory) or, for large models, live in the memory of an
 * instance of their own ({@link ResidentMoments}). Either way they are ordinary Float32Arrays
 * to the optimizer, its state and checkpoints. Measured on the VAE's 650,000 parameters: about
 * 0.8 ms per step against 2.5 ms for the scalar TypeScript loop, which is bound by
 * double-precision square roots and divisions; the step is bound by memory traffic (28 bytes
 * per parameter) more than by the f32x4 square roots and divisions.
 *
 * @module
 */
import { arenaKernel } from './arena.js';
import { instantiateFixed } from './fixed-instance.js';
import { ModuleBuilder, type Code } from './builder.js';

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

interface Loaded {
  run: AdamKernel;
  heap: Float32Array;
}

/**
 * The smallest normal float32. Moments below it, and first moments whose update would be below
 * it, are stored as zero (see {@link buildAdamModule} and the scalar path in optim/adam.ts).
 */
export const MOMENT_FLOOR = 2 ** -126;

/**
 * adam(p, g, m, v, bytes, b1, c1, b2, c2, stepSize, invBc2Sqrt, eps, l2, keep), byte offsets,
 * `bytes` a multiple of 16. Per lane, in float32 as PyTorch computes it for float32 tensors:
 * p ← keep·p; ĝ = g + l2·p; m ← b1·m + c1·ĝ; v ← b2·v + c2·ĝ²; p ← p − stepSize·m / (√v·invBc2Sqrt + eps),
 * except that a new m or v below {@link MOMENT_FLOOR} in magnitude is stored (and used) as 0,
 * and so is a new m whose update stepSize·m / (√v·invBc2Sqrt + eps) would be below 2⁻¹²⁶ in
 * magnitude (tested as |m|·(stepSize·2¹²⁶) < den, where every operand is a normal float).
 *
 * Why the floor: a weight whose gradient stays exactly zero (a dead ReLU unit, an input pixel
 * that is always 0) has m shrink by β₁ each step into the subnormal range, where
 * round-to-nearest then holds it at a few units of 2⁻¹⁴⁹ forever (0.9 × 4·2⁻¹⁴⁹ rounds back to
 * 4·2⁻¹⁴⁹), and every operation on a subnormal costs a microcode assist; WebAssembly cannot set
 * flush-to-zero. Measured on the VAE: 1.0 ms per step before, 6.2 ms once 23% of the moments were
 * subnormal (after 700 steps on uniform noise, and slowing real runs from the second epoch). The
 * update such a moment makes is below lr·2⁻¹²⁶/ε ≈ 1e-33, under half an ulp of any parameter
 * above 1e-26 in magnitude, so parameters come out the same.
 *
 * Why the second rule: on its way down, a normal m between 2⁻¹²⁶ and about 2⁻¹²⁶·den/stepSize
 * (1e-35 with lr 1e-3) makes stepSize·m subnormal, and the multiplication costs the same assist:
 * measured 6.1–6.4 ms instead of 0.29 ms for Adam on 313,600 such weights, and the first three
 * Fashion-MNIST epochs of the VAE ran at 11,300–12,300 samples/s instead of 12,800–13,100 while
 * the moments of the always-blank border pixels passed through that range. Such an update is
 * below 2⁻¹²⁶, under half an ulp of any parameter above 2⁻¹⁰² (2e-31) in magnitude, so
 * parameters again come out the same; only m reaches 0 sooner.
 */
export function buildAdamModule(): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(4);
  const f = mod.function('adam', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32'], []);
  const [P, G, M, V, BYTES] = [0, 1, 2, 3, 4];
  const scalarParams = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [b1, c1, b2, c2, step, inv, eps, l2, keep] = scalarParams.map(() => f.local('v128'));
  const splats = [b1, c1, b2, c2, step, inv, eps, l2, keep];
  const i = f.local('i32');
  const pv = f.local('v128');
  const gv = f.local('v128');
  const mv = f.local('v128');
  const vv = f.local('v128');
  const floor = f.local('v128');
  const scaled = f.local('v128');
  const den = f.local('v128');
  const c = f.code;
  // x ← 0 where |x| < floor (NaN kept: the comparison is false for it).
  const flushed = (x: number): Code => c.localGet(x).localGet(x).simd('f32x4.abs').localGet(floor).simd('f32x4.lt').simd('v128.andnot');
  scalarParams.forEach((p, k) => c.localGet(p).f32x4Splat().localSet(splats[k]));
  c.f32Const(MOMENT_FLOOR).f32x4Splat().localSet(floor);
  // stepSize·2¹²⁶: |m|·that < den exactly when the update stepSize·m/den is below 2⁻¹²⁶.
  c.localGet(step).f32Const(2 ** 126).f32x4Splat().f32x4Mul().localSet(scaled);
  c.i32Const(0).localSet(i);
  c.block().loop();
  c.localGet(i).localGet(BYTES).i32GeU().brIf(1);
  c.localGet(keep).localGet(P).localGet(i).i32Add().v128Load().f32x4Mul().localSet(pv);
  c.localGet(G).localGet(i).i32Add().v128Load().localGet(l2).localGet(pv).f32x4Mul().f32x4Add().localSet(gv);
  c.localGet(b1).localGet(M).localGet(i).i32Add().v128Load().f32x4Mul();
  c.localGet(c1).localGet(gv).f32x4Mul().f32x4Add().localSet(mv);
  flushed(mv).localSet(mv);
  c.localGet(V).localGet(i).i32Add();
  c.localGet(b2).localGet(V).localGet(i).i32Add().v128Load().f32x4Mul();
  c.localGet(c2).localGet(gv).f32x4Mul().localGet(gv).f32x4Mul().f32x4Add().localSet(vv);
  flushed(vv).localTee(vv).v128Store();
  c.localGet(vv).simd('f32x4.sqrt').localGet(inv).f32x4Mul().localGet(eps).f32x4Add().localSet(den);
  // m ← 0 where its update would be below 2⁻¹²⁶ (see MOMENT_FLOOR).
  c.localGet(M).localGet(i).i32Add();
  c.localGet(mv);
  c.localGet(mv).simd('f32x4.abs').localGet(scaled).f32x4Mul().localGet(den);
  c.simd('f32x4.lt');
  c.simd('v128.andnot').localTee(mv).v128Store();
  c.localGet(P).localGet(i).i32Add();
  c.localGet(pv);
  c.localGet(step).localGet(mv).f32x4Mul();
  c.localGet(den);
  c.simd('f32x4.div');
  c.simd('f32x4.sub');
  c.v128Store();
  c.localGet(i).i32Const(16).i32Add().localSet(i).br(0);
  c.end().end();
  return mod.build();
}

function instantiate(pages: number): Loaded & { memory: WebAssembly.Memory } | null {
  const k = instantiateFixed(buildAdamModule, pages);
  if (k === null) return null;
  return { run: k.exports.adam as unknown as AdamKernel, heap: new Float32Array(k.memory.buffer), memory: k.memory };
}

// The shared scratch for moments that live in ordinary arrays (four chunks).
let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded === undefined) loaded = instantiate(4);
  return loaded;
}

/** Moments living in the memory of their own kernel instance, found by that memory's buffer. */
const residents = new WeakMap<ArrayBufferLike, Loaded>();

/** Below this many moment values the copies saved do not pay for a memory of their own. */
const RESIDENT_MIN = 65536;

/**
 * Adam's moment buffers placed in the memory of a kernel instance of their own, so that a step
 * copies only the parameters and gradients in and the parameters out (three copies per value
 * instead of seven: 0.35 ms less per VAE step). The buffers are ordinary Float32Array views of
 * that memory, which never grows (so the views stay valid); state(), checkpoints and the
 * TypeScript path see plain float32 arrays.
 */
export class ResidentMoments {
  private next = 2 * CHUNK;
  private readonly slots = new Map<string, Float32Array>();

  private constructor(private readonly k: Loaded, private readonly capacity: number) {}

  /**
   * Room for `count` buffers of each listed length, or null where WebAssembly SIMD is
   * unavailable, the total is too small to be worth it, or the memory cannot be had.
   */
  static create(lengths: readonly number[], count: number): ResidentMoments | null {
    const floats = count * lengths.reduce((s, n) => s + Math.ceil(n / 4) * 4, 0);
    if (floats < RESIDENT_MIN) return null;
    const capacity = 2 * CHUNK + floats;
    const k = instantiate(Math.ceil((capacity * 4) / 65536));
    if (k === null) return null;
    residents.set(k.memory.buffer, k);
    return new ResidentMoments(k, capacity);
  }

  /**
   * The zeroed buffer for `key` (the same memory each time the key is asked for again), or
   * null when the room is used up. Lengths are padded to whole f32x4 lanes, which the kernel
   * may write past the end of a buffer.
   */
  slot(key: string, n: number): Float32Array | null {
    let view = this.slots.get(key);
    if (view === undefined || view.length !== n) {
      const padded = Math.ceil(n / 4) * 4;
      if (this.next + padded > this.capacity) return null;
      view = new Float32Array(this.k.heap.buffer, this.next * 4, n);
      this.next += padded;
      this.slots.set(key, view);
    }
    return view.fill(0);
  }
}

/**
 * The step in place when all four arrays live in one arena (a fit's parameters, gradients and
 * moments, see `kernels/wasm/arena.ts`): no copies at all. Arena arrays are padded to 64
 * bytes, so the kernel's whole f32x4 lanes past the end stay inside each array's own block.
 */
function adamInArena(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): boolean {
  const k = arenaKernel(buildAdamModule, p, g, m, v);
  if (k === null) return false;
  const run = k.exports.adam as unknown as AdamKernel;
  run(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, Math.ceil(p.length / 4) * 16,
    s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.invBc2Sqrt, s.eps, s.l2, s.keep);
  return true;
}

/**
 * One Adam/AdamW step on float32 arrays through the SIMD kernel. Returns false (and changes
 * nothing) where WebAssembly SIMD is unavailable. Moments from {@link ResidentMoments} are
 * updated where they live; others are copied through a shared scratch chunk by chunk.
 *
 * @example
 * ```ts
 * adamStepWasm(p, g, m, v, { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9), invBc2Sqrt: 1 / Math.sqrt(1 - 0.999), l2: 0, keep: 1 });
 * ```
 */
export function adamStepWasm(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): boolean {
  if (adamInArena(p, g, m, v, s)) return true;
  const resident = m.buffer === v.buffer ? residents.get(m.buffer) : undefined;
  const k = resident ?? load();
  if (k === null) return false;
  const { heap, run } = k;
  const n = p.length;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(start + CHUNK, n);
    const len = end - start;
    heap.set(p.subarray(start, end), 0);
    heap.set(g.subarray(start, end), CHUNK);
    if (resident === undefined) {
      heap.set(m.subarray(start, end), 2 * CHUNK);
      heap.set(v.subarray(start, end), 3 * CHUNK);
    }
    const mAt = resident === undefined ? 2 * CHUNK * 4 : m.byteOffset + start * 4;
    const vAt = resident === undefined ? 3 * CHUNK * 4 : v.byteOffset + start * 4;
    // Lanes past `len` compute on stale scratch (or a resident buffer's padding) and are never
    // copied back.
    run(0, CHUNK * 4, mAt, vAt, Math.ceil(len / 4) * 16,
      s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.invBc2Sqrt, s.eps, s.l2, s.keep);
    p.set(heap.subarray(0, len), start);
    if (resident === undefined) {
      m.set(heap.subarray(2 * CHUNK, 2 * CHUNK + len), start);
      v.set(heap.subarray(3 * CHUNK, 3 * CHUNK + len), start);
    }
  }
  return true;
}
