/**
 * A small typed WebAssembly module builder: LEB128, the binary sections, and exactly the
 * opcodes latent-ts emits (core integer control flow, f32 and f64 scalars, 128-bit SIMD), each named
 * once here: kernels emit no opcode numbers of their own. The GEMM
 * kernel is written against it, so the module bytes come from TypeScript in this repository and
 * no toolchain or committed binary is needed.
 *
 * Reference: the WebAssembly core specification 2.0, §5 (binary format) and the fixed-width
 * SIMD proposal's opcode table.
 *
 * @module
 */

/** A value type of the emitted code. */
export type ValType = 'i32' | 'f32' | 'f64' | 'v128';

const VALTYPE_CODE: Readonly<Record<ValType, number>> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128 of a non-negative integer below 2^53. */
export function uleb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`uleb128: expected a non-negative integer, got ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of an integer in the 32-bit range (what `i32.const` takes). */
export function sleb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw new RangeError(`sleb128: expected a 32-bit integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value | 0; // values above 2^31 wrap to their i32 bit pattern
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7; // arithmetic shift keeps the sign
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A length-prefixed UTF-8 name. */
export function encodeName(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...uleb128(bytes.length), ...bytes];
}

function vector(items: readonly number[][]): number[] {
  return [...uleb128(items.length), ...items.flat()];
}

function section(id: number, payload: readonly number[]): number[] {
  return [id, ...uleb128(payload.length), ...payload];
}

/**
 * The SIMD opcodes latent-ts emits (the number after the 0xfd prefix, as the fixed-width SIMD
 * and relaxed-SIMD proposals number them), by their specification names: the one table of them.
 * Instructions without immediates are emitted by name with {@link Code.simd}.
 */
export const SIMD_OPCODES = {
  'v128.load': 0x00, 'v128.load32_splat': 0x09, 'v128.load64_splat': 0x0a, 'v128.store': 0x0b, 'v128.const': 0x0c, 'i8x16.shuffle': 0x0d,
  'i32x4.splat': 0x11, 'f32x4.splat': 0x13, 'f64x2.splat': 0x14, 'f32x4.extract_lane': 0x1f,
  'i32x4.gt_s': 0x3b, 'f32x4.eq': 0x41, 'f32x4.lt': 0x43, 'f32x4.gt': 0x44,
  'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.bitselect': 0x52, 'v128.load64_zero': 0x5d,
  'f64x2.promote_low_f32x4': 0x5f, 'f32x4.nearest': 0x6a,
  'i32x4.shl': 0xab, 'i32x4.shr_s': 0xac, 'i32x4.add': 0xae,
  'f32x4.abs': 0xe0, 'f32x4.neg': 0xe1, 'f32x4.sqrt': 0xe3, 'f32x4.add': 0xe4, 'f32x4.sub': 0xe5, 'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7, 'f32x4.min': 0xe8, 'f32x4.max': 0xe9, 'f64x2.add': 0xf0, 'f64x2.mul': 0xf2,
  'i32x4.trunc_sat_f32x4_s': 0xf8, 'f32x4.relaxed_madd': 0x105,
} as const;

/** Name of a SIMD instruction in {@link SIMD_OPCODES}. */
export type SimdName = keyof typeof SIMD_OPCODES;

/** Block type of `block`/`loop`/`if`: no result, or one value. */
export type BlockType = ValType | 'void';

/**
 * An instruction stream for one function body. Memory offsets and alignments are in bytes;
 * alignment is a hint and is encoded as its log2. Methods return `this` so short sequences read
 * left to right.
 */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private mem(code: number[], offset: number, align: number): this {
    return this.op(...code, ...uleb128(Math.log2(align)), ...uleb128(offset));
  }

  private simdPrefix(name: SimdName): number[] {
    return [0xfd, ...uleb128(SIMD_OPCODES[name])];
  }

  // Control flow.
  block(type: BlockType = 'void'): this { return this.op(0x02, type === 'void' ? 0x40 : VALTYPE_CODE[type]); }
  loop(type: BlockType = 'void'): this { return this.op(0x03, type === 'void' ? 0x40 : VALTYPE_CODE[type]); }
  if(type: BlockType = 'void'): this { return this.op(0x04, type === 'void' ? 0x40 : VALTYPE_CODE[type]); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb128(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb128(depth)); }
  return(): this { return this.op(0x0f); }
  call(funcIndex: number): this { return this.op(0x10, ...uleb128(funcIndex)); }
  drop(): this { return this.op(0x1a); }
  select(): this { return this.op(0x1b); }

  // Locals.
  localGet(i: number): this { return this.op(0x20, ...uleb128(i)); }
  localSet(i: number): this { return this.op(0x21, ...uleb128(i)); }
  localTee(i: number): this { return this.op(0x22, ...uleb128(i)); }

  // Scalar memory.
  f32Load(offset = 0, align = 4): this { return this.mem([0x2a], offset, align); }
  f32Store(offset = 0, align = 4): this { return this.mem([0x38], offset, align); }
  f64Load(offset = 0, align = 8): this { return this.mem([0x2b], offset, align); }
  f64Store(offset = 0, align = 8): this { return this.mem([0x39], offset, align); }

  // Constants.
  i32Const(v: number): this { return this.op(0x41, ...sleb128(v)); }
  f32Const(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, ...b);
  }
  f64Const(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.op(0x44, ...b);
  }

  // i32 arithmetic and comparison.
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeS(): this { return this.op(0x4c); }
  i32LeU(): this { return this.op(0x4d); }
  i32GeS(): this { return this.op(0x4e); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32And(): this { return this.op(0x71); }
  i32Shl(): this { return this.op(0x74); }

  // f32 arithmetic.
  f32Eq(): this { return this.op(0x5b); }
  /** `f64.promote_f32`. */
  f64PromoteF32(): this { return this.op(0xbb); }
  f32Ne(): this { return this.op(0x5c); }
  f32Add(): this { return this.op(0x92); }
  f32Mul(): this { return this.op(0x94); }

  // f64 arithmetic.
  f64Eq(): this { return this.op(0x61); }
  f64Ne(): this { return this.op(0x62); }
  f64Add(): this { return this.op(0xa0); }
  f64Mul(): this { return this.op(0xa2); }

  // Bulk memory.
  memoryCopy(): this { return this.op(0xfc, ...uleb128(10), 0x00, 0x00); }
  memoryFill(): this { return this.op(0xfc, ...uleb128(11), 0x00); }

  // SIMD (prefix 0xfd).
  v128Load(offset = 0, align = 16): this { return this.mem(this.simdPrefix('v128.load'), offset, align); }
  v128Load32Splat(offset = 0, align = 4): this { return this.mem(this.simdPrefix('v128.load32_splat'), offset, align); }
  v128Load64Splat(offset = 0, align = 8): this { return this.mem(this.simdPrefix('v128.load64_splat'), offset, align); }
  v128Load64Zero(offset = 0, align = 8): this { return this.mem(this.simdPrefix('v128.load64_zero'), offset, align); }
  v128Store(offset = 0, align = 16): this { return this.mem(this.simdPrefix('v128.store'), offset, align); }
  v128Const(bytes: readonly number[] = new Array<number>(16).fill(0)): this {
    if (bytes.length !== 16) throw new RangeError('v128Const: expected 16 bytes');
    return this.op(...this.simdPrefix('v128.const'), ...bytes);
  }
  /** `i8x16.shuffle`: 16 lane indices into the concatenation of the two operands. */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new RangeError('i8x16Shuffle: 16 lanes in 0..31');
    return this.op(...this.simdPrefix('i8x16.shuffle'), ...lanes);
  }
  f32x4Splat(): this { return this.simd('f32x4.splat'); }
  f32x4ExtractLane(lane: number): this { return this.op(...this.simdPrefix('f32x4.extract_lane'), lane); }
  f32x4Add(): this { return this.simd('f32x4.add'); }
  f32x4Mul(): this { return this.simd('f32x4.mul'); }
  /** Relaxed SIMD `f32x4.relaxed_madd` (a·b + c, fused or not as the engine chooses). */
  f32x4RelaxedMadd(): this { return this.simd('f32x4.relaxed_madd'); }

  /** A SIMD instruction without immediates, by its name in {@link SIMD_OPCODES}. */
  simd(name: SimdName): this { return this.op(...this.simdPrefix(name)); }

}

/** A function under construction: its signature, its locals and its body. */
export class FunctionBuilder {
  readonly code = new Code();
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
    readonly exported: boolean,
  ) {}

  /** Index of parameter `i` (parameters come first in the local index space). */
  param(i: number): number {
    if (i < 0 || i >= this.params.length) throw new RangeError(`${this.name}: no parameter ${i}`);
    return i;
  }

  /** Declares a new local and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** The body as the code section expects it: size, local declarations, instructions, `end`. */
  encodeBody(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === VALTYPE_CODE[t]) last[0]++;
      else groups.push([1, VALTYPE_CODE[t]]);
    }
    const body = [...vector(groups.map(([n, t]) => [...uleb128(n), t])), ...this.code.bytes, 0x0b];
    return [...uleb128(body.length), ...body];
  }
}

/** The most 64 KiB pages a 32-bit WebAssembly memory can have (4 GiB). */
const MAX_PAGES = 65536;

/**
 * Assembles a module that imports one linear memory (`env.memory`) and defines functions.
 *
 * @example
 * ```ts
 * const mod = new ModuleBuilder(1);
 * const add = mod.function('add', ['i32', 'i32'], ['i32']);
 * add.code.localGet(0).localGet(1).i32Add();
 * const bytes = mod.build();
 * WebAssembly.validate(bytes); // true
 * ```
 */
export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];

  /**
   * @param memoryPages minimum size of the imported memory, in 64 KiB pages
   * @param shared import a shared memory (threads): its type then needs a maximum, declared as
   * the largest a 32-bit memory can be so that any shared memory the caller sizes is accepted
   */
  constructor(private readonly memoryPages: number, private readonly shared = false) {}

  /** Declares a function; its index is its position in declaration order. */
  function(name: string, params: ValType[], results: ValType[], exported = true): FunctionBuilder {
    const f = new FunctionBuilder(name, params, results, exported);
    this.functions.push(f);
    return f;
  }

  /** Index of a declared function, for `call`. */
  indexOf(f: FunctionBuilder): number {
    const i = this.functions.indexOf(f);
    if (i < 0) throw new RangeError(`indexOf: ${f.name} is not in this module`);
    return i;
  }

  /** The complete module bytes. */
  build(): Uint8Array<ArrayBuffer> {
    const sigs: string[] = [];
    const typeIndex = this.functions.map((f) => {
      const key = `${f.params.join(',')}:${f.results.join(',')}`;
      let i = sigs.indexOf(key);
      if (i < 0) i = sigs.push(key) - 1;
      return i;
    });
    const types = sigs.map((key) => {
      const [p, r] = key.split(':').map((s) => (s === '' ? [] : (s.split(',') as ValType[])));
      return [0x60, ...vector(p.map((t) => [VALTYPE_CODE[t]])), ...vector(r.map((t) => [VALTYPE_CODE[t]]))];
    });
    const limits = this.shared ? [0x03, ...uleb128(this.memoryPages), ...uleb128(MAX_PAGES)] : [0x00, ...uleb128(this.memoryPages)];
    const memoryImport = [...encodeName('env'), ...encodeName('memory'), 0x02, ...limits];
    const exports = this.functions
      .map((f, i) => (f.exported ? [...encodeName(f.name), 0x00, ...uleb128(i)] : null))
      .filter((e): e is number[] => e !== null);
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vector(types)),
      ...section(2, vector([memoryImport])),
      ...section(3, vector(typeIndex.map((i) => uleb128(i)))),
      ...section(7, vector(exports)),
      ...section(10, vector(this.functions.map((f) => f.encodeBody()))),
    ];
    return new Uint8Array(bytes);
  }
}
