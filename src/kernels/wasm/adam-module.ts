/**
 * The module of the Adam/AdamW kernel (see adam.ts), on its own so that a threaded arena
 * (arena.ts) can hand it to its workers without importing the runner.
 *
 * @module
 */
import { ModuleBuilder, type Code } from './builder.js';

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
export function buildAdamModule(shared = false): Uint8Array<ArrayBuffer> {
  const mod = new ModuleBuilder(4, shared);
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

