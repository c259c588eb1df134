/**
 * Packing routines of the WebAssembly GEMM modules, for either element type (element.ts). A
 * block of A (mc×kc) or B (kc×nc) is rewritten as consecutive panels of R lanes (R = MR rows of
 * A, or NR columns of B); inside a panel the R values of one k step are contiguous, so the
 * micro-kernel streams both panels linearly. The last panel is zero-padded to R lanes. Strides
 * are arguments, so the transposes cost nothing extra: packing absorbs transA and transB.
 *
 * @module
 */
import type { Code, FunctionBuilder, ModuleBuilder } from './builder.js';
import type { WasmElement } from './element.js';
import { addConst, addLocal, doWhile, minInto, whileLoop } from './emit.js';

/**
 * Emits `name(src, laneStride, kStride, count, kc, dst)`, all byte quantities except `count`
 * (lanes in the block) and `kc`: element (lane, p) is read at `src + lane·laneStride + p·kStride`
 * and written at `dst + panel·kc·R·b + p·R·b + (lane mod R)·b` for b-byte elements. Requires
 * kc ≥ 1.
 */
export function emitPack(mod: ModuleBuilder, name: string, lanesPerPanel: number, el: WasmElement): FunctionBuilder {
  const R = lanesPerPanel;
  const b = el.bytes;
  const V = el.perVector;
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
  const transpose = TRANSPOSES[el.type];
  const vecs = Array.from({ length: transpose.vectors }, () => f.local('v128'));
  const c = f.code;

  c.localGet(kc).i32Const(R * b).i32Mul().localSet(panelBytes);
  c.i32Const(R).localSet(rConst);
  whileLoop(c, () => c.localGet(count).i32Const(0).i32GtS(), () => {
    minInto(c, lanes, rConst, count);
    c.localGet(dst).localGet(panelBytes).i32Add().localSet(dEnd);
    // Contiguous lanes in a full panel: copy ⌊R/V⌋ vectors (and R mod V single values) per k step.
    const contiguous = (): void => {
      c.localGet(src).localSet(s);
      c.localGet(dst).localSet(d);
      doWhile(c, () => {
        for (let v = 0; v < Math.floor(R / V); v++) c.localGet(d).localGet(s).v128Load(16 * v, b).v128Store(16 * v, b);
        for (let l = R - (R % V); l < R; l++) el.store(el.load(c.localGet(d).localGet(s), b * l), b * l);
        addLocal(c, s, kStride);
        addConst(c, d, R * b);
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
        c.localGet(dst).localGet(lane).i32Const(b).i32Mul().i32Add().localSet(d);
        doWhile(c, () => {
          el.store(el.load(c.localGet(d).localGet(s)));
          addLocal(c, s, kStride);
          addConst(c, d, R * b);
        }, () => c.localGet(d).localGet(dEnd).i32LtU());
        addConst(c, lane, 1);
      });
    };
    if (R >= V) {
      c.localGet(lanes).i32Const(R).i32Eq().localGet(laneStride).i32Const(b).i32Eq().i32And().if();
      contiguous();
      c.else();
      c.localGet(lanes).i32Const(R).i32Eq().localGet(kStride).i32Const(b).i32Eq().i32And().if();
      transposing(c, R, el, lanePtrs, vecs, { src, laneStride, kc, dst, d, dEnd });
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
 * A V×V transpose in registers (V = elements per vector): `rows` hold V lanes' next V k steps
 * each (V vector loads); it may emit shuffles into `temps` and returns, for each of the V k
 * steps in order, the two vectors and the `i8x16.shuffle` byte lanes whose result is that k
 * step's V lanes.
 */
interface Transpose {
  /** v128 locals it needs: the V rows, then its temporaries. */
  readonly vectors: number;
  emit(c: Code, rows: number[], temps: number[]): Array<[number, number, number[]]>;
}

/** Byte lanes of `i8x16.shuffle` taking `width`-byte lanes `picks` (0.. first operand, then the second). */
function byteLanes(width: number, picks: readonly number[]): number[] {
  return picks.flatMap((l) => Array.from({ length: width }, (_, k) => width * l + k));
}

const INTERLEAVE_LO = byteLanes(4, [0, 4, 1, 5]);
const INTERLEAVE_HI = byteLanes(4, [2, 6, 3, 7]);
const HALVES_LO = byteLanes(4, [0, 1, 4, 5]);
const HALVES_HI = byteLanes(4, [2, 3, 6, 7]);

const TRANSPOSES: Record<WasmElement['type'], Transpose> = {
  // 4×4 float32: interleave pairs of rows, then take halves (eight shuffles).
  f32: {
    vectors: 8,
    emit(c, [r0, r1, r2, r3], [t0, t1, t2, t3]) {
      c.localGet(r0).localGet(r1).i8x16Shuffle(INTERLEAVE_LO).localSet(t0);
      c.localGet(r0).localGet(r1).i8x16Shuffle(INTERLEAVE_HI).localSet(t1);
      c.localGet(r2).localGet(r3).i8x16Shuffle(INTERLEAVE_LO).localSet(t2);
      c.localGet(r2).localGet(r3).i8x16Shuffle(INTERLEAVE_HI).localSet(t3);
      return [[t0, t2, HALVES_LO], [t0, t2, HALVES_HI], [t1, t3, HALVES_LO], [t1, t3, HALVES_HI]];
    },
  },
  // 2×2 float64: each k step is one shuffle of the two rows.
  f64: {
    vectors: 2,
    emit: (_c, [r0, r1]) => [[r0, r1, byteLanes(8, [0, 2])], [r0, r1, byteLanes(8, [1, 3])]],
  },
};

/**
 * A full panel whose lanes are strided but whose k steps are contiguous (rows of A for NN, rows
 * of stored B for NT): V lanes × V k steps are loaded as V vectors and transposed in registers,
 * so each store writes one k step of V lanes; lanes past the last group of V are copied one value
 * at a time. The last kc mod V steps are scalar.
 */
function transposing(
  c: Code, R: number, el: WasmElement, lanePtrs: number[], vecs: number[],
  at: { src: number; laneStride: number; kc: number; dst: number; d: number; dEnd: number },
): void {
  const b = el.bytes;
  const V = el.perVector;
  const rows = vecs.slice(0, V);
  const temps = vecs.slice(V);
  lanePtrs.forEach((lp, i) => c.localGet(at.src).localGet(at.laneStride).i32Const(i).i32Mul().i32Add().localSet(lp));
  c.localGet(at.dst).localSet(at.d);
  const endOfGroups = (): void => {
    c.localGet(at.kc).i32Const(-V).i32And().i32Const(R * b).i32Mul().localGet(at.dst).i32Add();
  };
  whileLoop(c, () => { c.localGet(at.d); endOfGroups(); c.i32LtU(); }, () => {
    for (let g = 0; g < Math.floor(R / V); g++) {
      rows.forEach((r, i) => c.localGet(lanePtrs[V * g + i]).v128Load(0, b).localSet(r));
      TRANSPOSES[el.type].emit(c, rows, temps).forEach(([x, y, lanes], q) => {
        c.localGet(at.d).localGet(x).localGet(y).i8x16Shuffle(lanes).v128Store(q * R * b + g * 16, b);
      });
    }
    // Lanes past the last group of V, one value per k step.
    for (let l = R - (R % V); l < R; l++) {
      for (let q = 0; q < V; q++) el.store(el.load(c.localGet(at.d).localGet(lanePtrs[l]), b * q), q * R * b + l * b);
    }
    for (const lp of lanePtrs) addConst(c, lp, 16);
    addConst(c, at.d, V * R * b);
  });
  whileLoop(c, () => c.localGet(at.d).localGet(at.dEnd).i32LtU(), () => {
    lanePtrs.forEach((lp, i) => {
      el.store(el.load(c.localGet(at.d).localGet(lp)), b * i);
      addConst(c, lp, b);
    });
    addConst(c, at.d, R * b);
  });
}
