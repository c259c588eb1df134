/**
 * The kernel runner (kernels/wasm/runner.ts) picks the path: in place when every operand lives
 * in one arena, through copies otherwise, none for a kernel without a copy path; and a chunked
 * run visits [0, n) in order, output operands written back on the copy path.
 */
import { describe, expect, it } from 'vitest';
import { isWasmAvailable } from '../../src/kernels/backend.js';
import { WasmArena } from '../../src/kernels/wasm/arena.js';
import { placeKernel, type KernelSpec } from '../../src/kernels/wasm/runner.js';
import { buildReluModule } from '../../src/kernels/wasm/relu.js';

const spec = (copyPath: boolean): KernelSpec => ({ build: buildReluModule, slots: 1, slotFloats: 8, scratchBytes: 16, copyPath });

describe.skipIf(!isWasmAvailable())('placeKernel', () => {
  it('runs in place on arena arrays, through copies otherwise, and not at all without a copy path', () => {
    const arena = WasmArena.create(1 << 16) as WasmArena;
    const y = arena.alloc(20) as Float32Array;
    const plain = new Float32Array(20);
    expect(placeKernel(spec(true), [{ from: y, to: y }])?.inPlace).toBe(true);
    expect(placeKernel(spec(true), [{ from: plain, to: plain }])?.inPlace).toBe(false);
    expect(placeKernel(spec(false), [{ from: plain, to: plain }])).toBeNull();
    expect(placeKernel(spec(false), [{ from: y, to: y }])?.inPlace).toBe(true);
    // Arrays in two places cannot be used in place.
    expect(placeKernel(spec(true), [{ from: y, to: plain }])?.inPlace).toBe(false);
  });

  it('applies the kernel chunk by chunk on both paths with the same result', () => {
    const arena = WasmArena.create(1 << 16) as WasmArena;
    const values = Float32Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? -i - 1 : i));
    const inArena = arena.alloc(20) as Float32Array;
    inArena.set(values);
    const plain = values.slice();
    for (const x of [inArena, plain]) {
      const k = placeKernel(spec(true), [{ from: x, to: x }])!;
      const seen: number[] = [];
      k.each(20, 8, ([p], start, len) => {
        seen.push(start, len);
        (k.exports.relu as (ptr: number, bytes: number) => void)(p, len * 4);
      });
      expect(seen).toEqual([0, 8, 8, 8, 16, 4]);
    }
    expect(Array.from(inArena)).toEqual(Array.from(values, (v) => Math.max(v, 0)));
    expect(Array.from(plain)).toEqual(Array.from(inArena));
    expect(() => placeKernel(spec(true), [{ from: plain }])!.each(20, 9, () => {})).toThrow(/exceeds the slot/);
  });
});
