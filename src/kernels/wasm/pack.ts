/**
 * Packing routines of the WebAssembly kernel. A block of A (mc×kc) or B (kc×nc) is rewritten as
 * consecutive panels of R lanes (R = MR rows of A, or NR columns of B); inside a panel the R
 * values of one k step are contiguous, so the micro-kernel streams both panels linearly. The
 * last panel is zero-padded to R lanes. Strides are arguments, so the transposes cost nothing
 * extra: packing absorbs transA and transB.
 *
 * @module
 */
import type { FunctionBuilder, ModuleBuilder } from './builder.js';
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
  const c = f.code;

  c.localGet(kc).i32Const(R * 4).i32Mul().localSet(panelBytes);
  c.i32Const(R).localSet(rConst);
  whileLoop(c, () => c.localGet(count).i32Const(0).i32GtS(), () => {
    minInto(c, lanes, rConst, count);
    c.localGet(dst).localGet(panelBytes).i32Add().localSet(dEnd);
    // Contiguous lanes in a full panel: copy R/4 vectors per k step.
    const contiguous = (): void => {
      c.localGet(src).localSet(s);
      c.localGet(dst).localSet(d);
      doWhile(c, () => {
        for (let v = 0; v < R / 4; v++) c.localGet(d).localGet(s).v128Load(16 * v, 4).v128Store(16 * v);
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
    if (R % 4 === 0) {
      c.localGet(lanes).i32Const(R).i32Eq().localGet(laneStride).i32Const(4).i32Eq().i32And().if();
      contiguous();
      c.else();
      strided();
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
