/**
 * Packing routines of the WebAssembly kernel. A block of A (mc×kc) or B (kc×nc) is rewritten as
 * consecutive panels of R lanes (R = MR rows of A, or NR columns of B); inside a panel the R
 * values of one k step are contiguous, so the micro-kernel streams both panels linearly. The
 * last panel is zero-padded to R lanes. Strides are arguments, so the transposes cost nothing
 * extra: packing absorbs transA and transB.
 *
 * @module
 */
import type { Code, FunctionBuilder, ModuleBuilder } from './builder.js';
import { addConst, addLocal, doWhile, minInto, whileLoop } from './emit.js';

/**
 * Emits `name(src, laneStride, kStride, count, kc, dst)`, all byte quantities except `count`
 * (lanes in the block) and `kc`: element (lane, p) is read at `src + lane·laneStride + p·kStride`
 * and written at `dst + panel·kc·R·4 + p·R·4 + (lane mod R)·4`. Requires kc ≥ 1.
 */
export function emitPack(mod: ModuleBuilder, name: string, lanesPerPanel: number): FunctionBuilder {
  const R = lanesPerPanel;
  const f = mod.function(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []);
  const [src, laneStride, kStride, count, kc, dst] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
  const lanes = f.local('i32');
  const lane = f.local('i32');
  const s = f.local('i32');
  const d = f.local('i32');
  const dEnd = f.local('i32');
  const panelBytes = f.local('i32');
  const rConst = f.local('i32');
  const lanePtrs = Array.from({ length: R }, () => f.local('i32'));
  const vecs = Array.from({ length: 8 }, () => f.local('v128'));
  const c = f.code;

  c.localGet(kc).i32Const(R * 4).i32Mul().localSet(panelBytes);
  c.i32Const(R).localSet(rConst);
  whileLoop(c, () => c.localGet(count).i32Const(0).i32GtS(), () => {
    minInto(c, lanes, rConst, count);
    c.localGet(dst).localGet(panelBytes).i32Add().localSet(dEnd);
    // Contiguous lanes in a full panel: copy ⌊R/4⌋ vectors (and R mod 4 single values) per k step.
    const contiguous = (): void => {
      c.localGet(src).localSet(s);
      c.localGet(dst).localSet(d);
      doWhile(c, () => {
        for (let v = 0; v < Math.floor(R / 4); v++) c.localGet(d).localGet(s).v128Load(16 * v, 4).v128Store(16 * v, 4);
        for (let l = R - (R % 4); l < R; l++) c.localGet(d).localGet(s).f32Load(4 * l).f32Store(4 * l);
        addLocal(c, s, kStride);
        addConst(c, d, R * 4);
      }, () => c.localGet(d).localGet(dEnd).i32LtU());
    };
    // Any strides: lane by lane, zero-filling a partial panel first.
    const strided = (): void => {
      c.localGet(lanes).i32Const(R).i32LtS().if();
      c.localGet(dst).i32Const(0).localGet(panelBytes).memoryFill();
      c.end();
      c.i32Const(0).localSet(lane);
      whileLoop(c, () => c.localGet(lane).localGet(lanes).i32LtS(), () => {
        c.localGet(src).localGet(lane).localGet(laneStride).i32Mul().i32Add().localSet(s);
        c.localGet(dst).localGet(lane).i32Const(4).i32Mul().i32Add().localSet(d);
        doWhile(c, () => {
          c.localGet(d).localGet(s).f32Load().f32Store();
          addLocal(c, s, kStride);
          addConst(c, d, R * 4);
        }, () => c.localGet(d).localGet(dEnd).i32LtU());
        addConst(c, lane, 1);
      });
    };
    if (R >= 4) {
      c.localGet(lanes).i32Const(R).i32Eq().localGet(laneStride).i32Const(4).i32Eq().i32And().if();
      contiguous();
      c.else();
      c.localGet(lanes).i32Const(R).i32Eq().localGet(kStride).i32Const(4).i32Eq().i32And().if();
      transposing(c, R, lanePtrs, vecs, { src, laneStride, kc, dst, d, dEnd });
      c.else();
      strided();
      c.end();
      c.end();
    } else {
      strided();
    }
    c.localGet(src).localGet(laneStride).i32Const(R).i32Mul().i32Add().localSet(src);
    c.localGet(dEnd).localSet(dst);
    c.localGet(count).i32Const(R).i32Sub().localSet(count);
  });
  return f;
}

/** Byte lanes of `i8x16.shuffle` selecting four f32 lanes (0–3 first operand, 4–7 second). */
function f32Lanes(lanes: readonly number[]): number[] {
  return lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

const INTERLEAVE_LO = f32Lanes([0, 4, 1, 5]);
const INTERLEAVE_HI = f32Lanes([2, 6, 3, 7]);
const HALVES_LO = f32Lanes([0, 1, 4, 5]);
const HALVES_HI = f32Lanes([2, 3, 6, 7]);

/**
 * A full panel whose lanes are strided but whose k steps are contiguous (rows of A for NN, rows
 * of stored B for NT): 4 lanes × 4 k steps are loaded as four vectors and transposed with eight
 * shuffles, so each store writes one k step of four lanes; lanes past the last group of four
 * (R = 5) are copied one value at a time. The last kc mod 4 steps are scalar.
 */
function transposing(
  c: Code, R: number, lanePtrs: number[], vecs: number[],
  at: { src: number; laneStride: number; kc: number; dst: number; d: number; dEnd: number },
): void {
  const [r0, r1, r2, r3, t0, t1, t2, t3] = vecs;
  lanePtrs.forEach((lp, i) => c.localGet(at.src).localGet(at.laneStride).i32Const(i).i32Mul().i32Add().localSet(lp));
  c.localGet(at.dst).localSet(at.d);
  const end4 = (): void => {
    c.localGet(at.kc).i32Const(-4).i32And().i32Const(R * 4).i32Mul().localGet(at.dst).i32Add();
  };
  whileLoop(c, () => { c.localGet(at.d); end4(); c.i32LtU(); }, () => {
    for (let g = 0; g < Math.floor(R / 4); g++) {
      [r0, r1, r2, r3].forEach((r, i) => c.localGet(lanePtrs[4 * g + i]).v128Load(0, 4).localSet(r));
      c.localGet(r0).localGet(r1).i8x16Shuffle(INTERLEAVE_LO).localSet(t0);
      c.localGet(r0).localGet(r1).i8x16Shuffle(INTERLEAVE_HI).localSet(t1);
      c.localGet(r2).localGet(r3).i8x16Shuffle(INTERLEAVE_LO).localSet(t2);
      c.localGet(r2).localGet(r3).i8x16Shuffle(INTERLEAVE_HI).localSet(t3);
      const out: [number, number, number[]][] = [[t0, t2, HALVES_LO], [t0, t2, HALVES_HI], [t1, t3, HALVES_LO], [t1, t3, HALVES_HI]];
      out.forEach(([x, y, lanes], q) => {
        c.localGet(at.d).localGet(x).localGet(y).i8x16Shuffle(lanes).v128Store(q * R * 4 + g * 16, 4);
      });
    }
    // Lanes past the last group of four, one value per k step.
    for (let l = R - (R % 4); l < R; l++) {
      for (let q = 0; q < 4; q++) c.localGet(at.d).localGet(lanePtrs[l]).f32Load(4 * q).f32Store(q * R * 4 + l * 4);
    }
    for (const lp of lanePtrs) addConst(c, lp, 16);
    addConst(c, at.d, 4 * R * 4);
  });
  whileLoop(c, () => c.localGet(at.d).localGet(at.dEnd).i32LtU(), () => {
    lanePtrs.forEach((lp, i) => {
      c.localGet(at.d).localGet(lp).f32Load().f32Store(4 * i);
      addConst(c, lp, 4);
    });
    addConst(c, at.d, R * 4);
  });
}
