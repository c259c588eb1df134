/**
 * The WebAssembly module builder: LEB128 encodings against published vectors and a decoder,
 * small hand-built modules that validate and compute the right values, and rejection of a
 * malformed one (so `WebAssembly.validate` is a meaningful gate).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code, ModuleBuilder, encodeName, sleb128, uleb128 } from '../../src/kernels/wasm/builder.js';
import { WASM_MICRO, buildGemmModule } from '../../src/kernels/wasm/gemm-kernel.js';

function decodeUleb(bytes: number[]): number {
  let v = 0;
  bytes.forEach((b, i) => { v += (b & 0x7f) * 2 ** (7 * i); });
  return v;
}

function decodeSleb(bytes: number[]): number {
  let v = decodeUleb(bytes);
  const bits = 7 * bytes.length;
  if (bytes[bytes.length - 1] & 0x40) v -= 2 ** bits;
  return v;
}

describe('LEB128', () => {
  it('encodes unsigned values as the specification and DWARF examples do', () => {
    expect(uleb128(0)).toEqual([0x00]);
    expect(uleb128(127)).toEqual([0x7f]);
    expect(uleb128(128)).toEqual([0x80, 0x01]);
    expect(uleb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb128(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => uleb128(-1)).toThrow(RangeError);
    expect(() => uleb128(1.5)).toThrow(RangeError);
  });

  it('encodes signed 32-bit values, sign bit included', () => {
    expect(sleb128(0)).toEqual([0x00]);
    expect(sleb128(-1)).toEqual([0x7f]);
    expect(sleb128(63)).toEqual([0x3f]);
    expect(sleb128(64)).toEqual([0xc0, 0x00]);
    expect(sleb128(-64)).toEqual([0x40]);
    expect(sleb128(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb128(0x7fffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb128(-0x80000000)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(() => sleb128(2 ** 33)).toThrow(RangeError);
  });

  it('round-trips through a decoder, with terminated, minimal encodings', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
      const b = uleb128(v);
      expect(decodeUleb(b)).toBe(v);
      expect(b.slice(0, -1).every((x) => x & 0x80)).toBe(true);
      expect(b[b.length - 1] & 0x80).toBe(0);
    }), { seed: 1, numRuns: 300 });
    fc.assert(fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => {
      const b = sleb128(v);
      expect(decodeSleb(b)).toBe(v);
      expect(b.length).toBeLessThanOrEqual(5);
    }), { seed: 2, numRuns: 300 });
  });

  it('prefixes names with their UTF-8 byte length', () => {
    expect(encodeName('env')).toEqual([3, 0x65, 0x6e, 0x76]);
    expect(encodeName('é')).toEqual([2, 0xc3, 0xa9]);
  });
});

function instantiate(mod: ModuleBuilder, pages = 1): { exports: Record<string, CallableFunction>; memory: WebAssembly.Memory } {
  const bytes = mod.build();
  expect(WebAssembly.validate(bytes)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { exports: instance.exports as unknown as Record<string, CallableFunction>, memory };
}

describe('ModuleBuilder', () => {
  it('builds a module whose integer, control-flow and call instructions compute the right values', () => {
    const mod = new ModuleBuilder(1);
    const add = mod.function('add', ['i32', 'i32'], ['i32']);
    add.code.localGet(0).localGet(1).i32Add();
    // sumTo(n) = 0 + 1 + … + (n − 1), with a while loop and a call to add.
    const sum = mod.function('sumTo', ['i32'], ['i32']);
    const [i, s] = [sum.local('i32'), sum.local('i32')];
    sum.code.block().loop()
      .localGet(i).localGet(sum.param(0)).i32GeS().brIf(1)
      .localGet(s).localGet(i).call(mod.indexOf(add)).localSet(s)
      .localGet(i).i32Const(1).i32Add().localSet(i)
      .br(0).end().end()
      .localGet(s);
    const neg = mod.function('negConst', [], ['i32']);
    neg.code.i32Const(-123456);
    const { exports } = instantiate(mod);
    expect(exports.add(2, 3)).toBe(5);
    expect(exports.sumTo(100)).toBe(4950);
    expect(exports.negConst()).toBe(-123456);
  });

  it('builds SIMD code: loads, splats, multiply-add, shuffle, lane extraction, stores, bulk memory', () => {
    const mod = new ModuleBuilder(1);
    // axpy4(x, y, a): y[0:4] += a·x[0:4]; returns lane 2 of the result.
    const f = mod.function('axpy4', ['i32', 'i32', 'f32'], ['f32']);
    const v = f.local('v128');
    f.code.localGet(1)
      .localGet(0).v128Load(0, 4).localGet(2).f32x4Splat().f32x4Mul()
      .localGet(1).v128Load(0, 4).f32x4Add().localTee(v)
      .v128Store(0, 4)
      .localGet(v).f32x4ExtractLane(2);
    // reverse4(p): reverses four floats in place with a shuffle.
    const r = mod.function('reverse4', ['i32'], []);
    const lanes = [12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3];
    r.code.localGet(0).localGet(0).v128Load().localGet(0).v128Load().i8x16Shuffle(lanes).v128Store();
    // splatLoad(p): the f32 at p in all lanes, summed with scalar f32 ops.
    const sp = mod.function('splatSum', ['i32'], ['f32']);
    const t = sp.local('v128');
    sp.code.localGet(0).v128Load32Splat().localSet(t)
      .localGet(t).f32x4ExtractLane(0).localGet(t).f32x4ExtractLane(3).f32Add().f32Const(0.5).f32Mul();
    // fillCopy(dst, src, n): zero n bytes at dst, then copy n bytes from src to dst + n.
    const fc2 = mod.function('fillCopy', ['i32', 'i32', 'i32'], []);
    fc2.code.localGet(0).i32Const(0).localGet(2).memoryFill()
      .localGet(0).localGet(2).i32Add().localGet(1).localGet(2).memoryCopy();
    const { exports, memory } = instantiate(mod);
    const h = new Float32Array(memory.buffer);
    h.set([1, 2, 3, 4], 0);
    h.set([10, 20, 30, 40], 4);
    expect(exports.axpy4(0, 16, 2)).toBe(36);
    expect(Array.from(h.subarray(4, 8))).toEqual([12, 24, 36, 48]);
    exports.reverse4(0);
    expect(Array.from(h.subarray(0, 4))).toEqual([4, 3, 2, 1]);
    expect(exports.splatSum(16)).toBe(12);
    h.set([9, 9, 9, 9, 5, 6, 7, 8], 16);
    exports.fillCopy(64, 80, 16);
    expect(Array.from(h.subarray(16, 24))).toEqual([0, 0, 0, 0, 5, 6, 7, 8]);
  });

  it('produces bytes that WebAssembly.validate rejects when the code is ill-typed', () => {
    const mod = new ModuleBuilder(1);
    const bad = mod.function('bad', [], ['i32']);
    bad.code.f32Const(1); // returns an f32 where an i32 is declared
    expect(WebAssembly.validate(mod.build())).toBe(false);
    expect(() => new Code().v128Const([1, 2])).toThrow(RangeError);
    expect(() => new Code().i8x16Shuffle(new Array(16).fill(32))).toThrow(RangeError);
  });

  it('emits a GEMM module that validates, for the shipped and other register blocks', () => {
    expect(WebAssembly.validate(buildGemmModule(WASM_MICRO))).toBe(true);
    for (const shape of [
      { mr: 2, nr: 4, unroll: 1 }, { mr: 6, nr: 8, unroll: 2 }, { mr: 3, nr: 12, unroll: 4 },
      { mr: 4, nr: 8, unroll: 1, shuffle: true }, { mr: 9, nr: 8, unroll: 2, shuffle: true },
    ]) {
      expect(WebAssembly.validate(buildGemmModule(shape))).toBe(true);
    }
    expect(() => buildGemmModule({ ...WASM_MICRO, nr: 6 })).toThrow(RangeError);
  });
});
