/**
 * The macro-kernel of the GEMM modules, for either element type (element.ts): it walks one
 * packed block of A against one packed block of B in MR×NR tiles, calling the micro-kernel on
 * each full tile and merging edge tiles through a scratch tile. gemm-kernel.ts (float32) and
 * gemm-kernel-f64.ts (float64) emit it with their own micro-kernels.
 *
 * @module
 */
import type { FunctionBuilder, ModuleBuilder } from './builder.js';
import type { WasmElement } from './element.js';
import { addConst, addLocal, lessThan, minInto, whileLoop } from './emit.js';

/** The register block the macro-kernel tiles by. */
export interface TileShape {
  readonly mr: number;
  readonly nr: number;
}

/** Emits `edge(tmp, c, ldc, mr, nr, beta)`: C[0:mr, 0:nr] = tmp + beta·C (β = 0 never reads C). */
export function emitEdge(mod: ModuleBuilder, nr: number, el: WasmElement): FunctionBuilder {
  const f = mod.function('edge', ['i32', 'i32', 'i32', 'i32', 'i32', el.type], [], false);
  const [tmp, c, ldc, mRows, nCols, beta] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
  const i = f.local('i32');
  const j = f.local('i32');
  const t = f.local('i32');
  const p = f.local('i32');
  const code = f.code;
  code.i32Const(0).localSet(i);
  whileLoop(code, () => lessThan(code, i, mRows), () => {
    code.localGet(tmp).localGet(i).i32Const(nr * el.bytes).i32Mul().i32Add().localSet(t);
    code.localGet(c).localGet(i).localGet(ldc).i32Mul().i32Add().localSet(p);
    code.i32Const(0).localSet(j);
    whileLoop(code, () => lessThan(code, j, nCols), () => {
      code.localGet(p).localGet(beta);
      el.constant(code, 0);
      el.eq(code).if(el.type);
      el.load(code.localGet(t));
      el.load(code.else().localGet(t)).localGet(p);
      el.load(code).localGet(beta);
      el.add(el.mul(code));
      el.store(code.end());
      addConst(code, t, el.bytes);
      addConst(code, p, el.bytes);
      addConst(code, j, 1);
    });
    addConst(code, i, 1);
  });
  return f;
}

/** Emits `macro`: every MR×NR tile of the block, edge tiles through the scratch tile. */
export function emitMacro(mod: ModuleBuilder, shape: TileShape, micro: FunctionBuilder, edge: FunctionBuilder, el: WasmElement): void {
  const { mr, nr } = shape;
  const f = mod.function('macro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', el.type, el.type, 'i32'], []);
  const [mc, nc, kc, pa, pb, c, ldc, alpha, beta, tmp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((x) => f.param(x));
  const [i, j, mRows, nCols, ap, bp, cp, aStep, bStep, rowStep, left, mrConst, nrConst] =
    Array.from({ length: 13 }, () => f.local('i32'));
  const code = f.code;
  code.localGet(kc).i32Const(mr * el.bytes).i32Mul().localSet(aStep);
  code.localGet(kc).i32Const(nr * el.bytes).i32Mul().localSet(bStep);
  code.localGet(ldc).i32Const(mr).i32Mul().localSet(rowStep);
  code.i32Const(mr).localSet(mrConst);
  code.i32Const(nr).localSet(nrConst);
  code.localGet(pb).localSet(bp);
  code.i32Const(0).localSet(j);
  whileLoop(code, () => lessThan(code, j, nc), () => {
    code.localGet(nc).localGet(j).i32Sub().localSet(left);
    minInto(code, nCols, nrConst, left);
    code.localGet(pa).localSet(ap);
    code.localGet(c).localGet(j).i32Const(el.bytes).i32Mul().i32Add().localSet(cp);
    code.i32Const(0).localSet(i);
    whileLoop(code, () => lessThan(code, i, mc), () => {
      code.localGet(mc).localGet(i).i32Sub().localSet(left);
      minInto(code, mRows, mrConst, left);
      code.localGet(mRows).i32Const(mr).i32Eq().localGet(nCols).i32Const(nr).i32Eq().i32And().if();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(cp).localGet(ldc).localGet(alpha).localGet(beta);
      code.call(mod.indexOf(micro));
      code.else();
      code.localGet(kc).localGet(ap).localGet(bp).localGet(tmp).i32Const(nr * el.bytes).localGet(alpha);
      el.constant(code, 0);
      code.call(mod.indexOf(micro));
      code.localGet(tmp).localGet(cp).localGet(ldc).localGet(mRows).localGet(nCols).localGet(beta);
      code.call(mod.indexOf(edge));
      code.end();
      addLocal(code, ap, aStep);
      addLocal(code, cp, rowStep);
      addConst(code, i, mr);
    });
    addLocal(code, bp, bStep);
    addConst(code, j, nr);
  });
}
