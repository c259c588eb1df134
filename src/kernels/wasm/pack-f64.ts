/**
 * Packing routines of the float64 WebAssembly kernel: the layout of pack.ts (consecutive panels
 * of R lanes, the R values of one k step contiguous, the last panel zero-padded) for 8-byte
 * elements. A full panel whose lanes are contiguous is copied a vector (two doubles) at a time; a
 * full panel whose k steps are contiguous (rows of A for NN, the big operand of X·Hᵀ) is
 * transposed 2 lanes × 2 k steps at a time with two shuffles; anything else goes value by value.
 *
 * @module
 */
import type { Code, ModuleBuilder, FunctionBuilder } from './builder.js';
import { addConst, addLocal, doWhile, minInto, whileLoop } from './emit.js';

/** Byte lanes of `i8x16.shuffle` taking f64 lane `x` of the first operand and lane `y` of the second. */
function pairLanes(x: number, y: number): number[] {
  const bytes = (base: number): number[] => Array.from({ length: 8 }, (_, b) => base + b);
  return [...bytes(8 * x), ...bytes(16 + 8 * y)];
}

/**
 * Emits `name(src, laneStride, kStride, count, kc, dst)`, all byte quantities except `count`
 * (lanes in the block) and `kc`: element (lane, p) is read at `src + lane·laneStride + p·kStride`
 * and written at `dst + panel·kc·R·8 + p·R·8 + (lane mod R)·8`. Requires kc ≥ 1.
 */
export function emitPackF64(mod: ModuleBuilder, name: string, lanesPerPanel: number): FunctionBuilder {
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
  const r0 = f.local('v128');
  const r1 = f.local('v128');
  const c = f.code;

  c.localGet(kc).i32Const(R * 8).i32Mul().localSet(panelBytes);
  c.i32Const(R).localSet(rConst);
  whileLoop(c, () => c.localGet(count).i32Const(0).i32GtS(), () => {
    minInto(c, lanes, rConst, count);
    c.localGet(dst).localGet(panelBytes).i32Add().localSet(dEnd);
    const contiguous = (): void => {
      c.localGet(src).localSet(s);
      c.localGet(dst).localSet(d);
      doWhile(c, () => {
        for (let v = 0; v < Math.floor(R / 2); v++) c.localGet(d).localGet(s).v128Load(16 * v, 8).v128Store(16 * v, 8);
        if (R % 2 === 1) c.localGet(d).localGet(s).f64Load(8 * (R - 1)).f64Store(8 * (R - 1));
        addLocal(c, s, kStride);
        addConst(c, d, R * 8);
      }, () => c.localGet(d).localGet(dEnd).i32LtU());
    };
    const strided = (): void => {
      c.localGet(lanes).i32Const(R).i32LtS().if();
      c.localGet(dst).i32Const(0).localGet(panelBytes).memoryFill();
      c.end();
      c.i32Const(0).localSet(lane);
      whileLoop(c, () => c.localGet(lane).localGet(lanes).i32LtS(), () => {
        c.localGet(src).localGet(lane).localGet(laneStride).i32Mul().i32Add().localSet(s);
        c.localGet(dst).localGet(lane).i32Const(8).i32Mul().i32Add().localSet(d);
        doWhile(c, () => {
          c.localGet(d).localGet(s).f64Load().f64Store();
          addLocal(c, s, kStride);
          addConst(c, d, R * 8);
        }, () => c.localGet(d).localGet(dEnd).i32LtU());
        addConst(c, lane, 1);
      });
    };
    if (R >= 2) {
      c.localGet(lanes).i32Const(R).i32Eq().localGet(laneStride).i32Const(8).i32Eq().i32And().if();
      contiguous();
      c.else();
      c.localGet(lanes).i32Const(R).i32Eq().localGet(kStride).i32Const(8).i32Eq().i32And().if();
      transposing(c, R, lanePtrs, [r0, r1], { src, laneStride, kc, dst, d, dEnd });
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

/**
 * A full panel with contiguous k steps: two lanes × two k steps are two vector loads and two
 * shuffles (one store per k step of the pair of lanes); an odd last lane and an odd last k step
 * are copied one value at a time.
 */
function transposing(
  c: Code, R: number, lanePtrs: number[], [r0, r1]: number[],
  at: { src: number; laneStride: number; kc: number; dst: number; d: number; dEnd: number },
): void {
  lanePtrs.forEach((lp, i) => c.localGet(at.src).localGet(at.laneStride).i32Const(i).i32Mul().i32Add().localSet(lp));
  c.localGet(at.dst).localSet(at.d);
  const end2 = (): void => {
    c.localGet(at.kc).i32Const(-2).i32And().i32Const(R * 8).i32Mul().localGet(at.dst).i32Add();
  };
  whileLoop(c, () => { c.localGet(at.d); end2(); c.i32LtU(); }, () => {
    for (let g = 0; g < Math.floor(R / 2); g++) {
      c.localGet(lanePtrs[2 * g]).v128Load(0, 8).localSet(r0);
      c.localGet(lanePtrs[2 * g + 1]).v128Load(0, 8).localSet(r1);
      c.localGet(at.d).localGet(r0).localGet(r1).i8x16Shuffle(pairLanes(0, 0)).v128Store(16 * g, 8);
      c.localGet(at.d).localGet(r0).localGet(r1).i8x16Shuffle(pairLanes(1, 1)).v128Store(R * 8 + 16 * g, 8);
    }
    if (R % 2 === 1) {
      for (let q = 0; q < 2; q++) c.localGet(at.d).localGet(lanePtrs[R - 1]).f64Load(8 * q).f64Store(q * R * 8 + (R - 1) * 8);
    }
    for (const lp of lanePtrs) addConst(c, lp, 16);
    addConst(c, at.d, 2 * R * 8);
  });
  whileLoop(c, () => c.localGet(at.d).localGet(at.dEnd).i32LtU(), () => {
    lanePtrs.forEach((lp, i) => {
      c.localGet(at.d).localGet(lp).f64Load().f64Store(8 * i);
      addConst(c, lp, 8);
    });
    addConst(c, at.d, R * 8);
  });
}
