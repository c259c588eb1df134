/**
 * The one way a small generated kernel (Adam, Σx², the BCE sum, the ReLU mask and bias sums,
 * the ReLU) reaches its operands, so no kernel writes the choice itself:
 *
 * - in place, when every operand lives in one arena (a fit's parameters, gradients, moments and
 *   activations, see arena.ts): the module is instantiated on the arena's memory and reads and
 *   writes the arrays themselves, no copies;
 * - through copies, otherwise: each operand has a slot in a fixed memory of the kernel's own, and
 *   the runner copies every chunk in, calls the kernel and copies the written chunk out;
 * - not at all (the runner returns null), where WebAssembly SIMD is unavailable or a kernel
 *   declares the copies not worth it: the caller's TypeScript loop does the work.
 *
 * Either way the kernel sees the same chunks in the same order, so both paths give the same
 * bits. The runner leaves the lanes that do not fill a whole f32x4 to the caller's TypeScript
 * tail unless the kernel writes whole lanes past the end (Adam, into slot or arena padding).
 *
 * @module
 */
import { arenaKernel } from './arena.js';
import { instantiateFixed, type ModuleSource } from './fixed-instance.js';
import { PAGE_BYTES } from './memory.js';


/** A kernel module and the layout of its copy path. */
export interface KernelSpec {
  /** Builds the module (which imports `env.memory`); also the key of its compiled module. */
  readonly build: ModuleSource;
  /** Operand slots of the copy path, one per operand. */
  readonly slots: number;
  /** Floats per slot: the largest chunk a call of the copy path may take. */
  readonly slotFloats: number;
  /** Bytes of kernel scratch (accumulators) after the slots; at most the arena's kernel scratch. */
  readonly scratchBytes: number;
  /** False: arrays outside an arena stay on the TypeScript path (the copies cost more than the kernel saves). */
  readonly copyPath: boolean;
}

/** One operand: the array read (`from`), the array written (`to`), or both (the same array when updated in place). */
export interface Operand {
  readonly from?: Float32Array | null;
  readonly to?: Float32Array | null;
}

/** A kernel ready to run on one set of operands; see {@link placeKernel}. */
export interface PlacedKernel {
  readonly exports: WebAssembly.Exports;
  /** Whether the operands are used where they are (the arena), else through copies. */
  readonly inPlace: boolean;
  /** Byte address of the kernel scratch, and views of it as float32 and float64. */
  readonly scratch: number;
  readonly scratch32: Float32Array;
  readonly scratch64: Float64Array;
  /**
   * Calls `call(ptr, start, len)` for consecutive chunks of `chunk` elements (the last one
   * shorter) covering [0, n): `ptr[i]` is the byte address of operand i's chunk.
   */
  each(n: number, chunk: number, call: (ptr: readonly number[], start: number, len: number) => void): void;
}

interface OwnMemory {
  readonly exports: WebAssembly.Exports;
  readonly heap: Float32Array;
  readonly scratch32: Float32Array;
  readonly scratch64: Float64Array;
}

// The copy path's instance of each kernel, on a fixed memory of its own; null where unavailable.
const own = new Map<KernelSpec, OwnMemory | null>();

function ownMemory(spec: KernelSpec): OwnMemory | null {
  let k = own.get(spec);
  if (k === undefined) {
    const scratchAt = spec.slots * spec.slotFloats * 4;
    const fixed = instantiateFixed(spec.build, Math.max(1, Math.ceil((scratchAt + spec.scratchBytes) / PAGE_BYTES)));
    k = fixed === null ? null : {
      exports: fixed.exports,
      heap: new Float32Array(fixed.memory.buffer),
      scratch32: new Float32Array(fixed.memory.buffer, scratchAt, spec.scratchBytes >> 2),
      scratch64: new Float64Array(fixed.memory.buffer, scratchAt, spec.scratchBytes >> 3),
    };
    own.set(spec, k);
  }
  return k;
}

function arraysOf(operands: readonly Operand[]): Float32Array[] {
  const out: Float32Array[] = [];
  for (const o of operands) {
    if (o.from) out.push(o.from);
    if (o.to && o.to !== o.from) out.push(o.to);
  }
  return out;
}

function inArena(spec: KernelSpec, operands: readonly Operand[]): PlacedKernel | null {
  const [first, ...rest] = arraysOf(operands);
  if (first === undefined) return null;
  const k = arenaKernel(spec.build, first, ...rest);
  if (k === null) return null;
  const { arena, exports } = k;
  return {
    exports, inPlace: true, scratch: arena.kernelScratch, scratch32: arena.scratch32, scratch64: arena.scratch64,
    each(n, chunk, call) {
      const ptr = operands.map(() => 0);
      for (let start = 0; start < n; start += chunk) {
        const len = Math.min(chunk, n - start);
        operands.forEach((o, i) => {
          const at = o.to ?? o.from!;
          // A kernel updates its operand in place: an output that is not the input starts as its copy.
          if (o.from && o.to && o.to !== o.from) o.to.set(o.from.subarray(start, start + len), start);
          ptr[i] = at.byteOffset + start * 4;
        });
        call(ptr, start, len);
      }
    },
  };
}

function throughCopies(spec: KernelSpec, operands: readonly Operand[]): PlacedKernel | null {
  if (!spec.copyPath) return null;
  const k = ownMemory(spec);
  if (k === null) return null;
  const { heap } = k;
  const ptr = operands.map((_, i) => i * spec.slotFloats * 4);
  return {
    exports: k.exports, inPlace: false, scratch: spec.slots * spec.slotFloats * 4, scratch32: k.scratch32, scratch64: k.scratch64,
    each(n, chunk, call) {
      if (chunk > spec.slotFloats) throw new RangeError(`runner: chunk ${chunk} exceeds the slot of ${spec.slotFloats} floats`);
      for (let start = 0; start < n; start += chunk) {
        const len = Math.min(chunk, n - start);
        operands.forEach((o, i) => { if (o.from) heap.set(o.from.subarray(start, start + len), i * spec.slotFloats); });
        call(ptr, start, len);
        operands.forEach((o, i) => {
          const at = i * spec.slotFloats;
          if (o.to) o.to.set(heap.subarray(at, at + len), start);
        });
      }
    },
  };
}

/**
 * The kernel `spec` placed for `operands` (at most `spec.slots` of them): in place on the arena
 * that holds them all, else through its own memory, else null (run the TypeScript path).
 *
 * @example
 * ```ts
 * const k = placeKernel(SUM_SQUARES, [{ from: x }]);
 * if (k !== null) k.each(n4, CHUNK, ([p], _start, len) => run(p, len * 4, k.scratch));
 * ```
 */
export function placeKernel(spec: KernelSpec, operands: readonly Operand[]): PlacedKernel | null {
  if (operands.length > spec.slots) throw new RangeError(`runner: ${operands.length} operands for ${spec.slots} slots`);
  return inArena(spec, operands) ?? throughCopies(spec, operands);
}
