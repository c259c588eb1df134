/**
 * A shared product's operand packed once per thread (`PackedOperand`, kernels/wasm/gemm-wasm.ts)
 * instead of once per panel: on random shapes, transposes and panel cuts, with blocks small
 * enough that every block loop (jc, pc, ic) and its edges are crossed, the panels computed from
 * the packed operand give the bytes of the panels packing it themselves, and of the whole
 * product in one call. Both sides: A (split along n) and B (split along m).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Blocking, balancedBlock } from '../../src/kernels/gemm-blocking.js';
import { type PackedOperand, blockedProduct, packScratchAt, packScratchBytes, packedOperandBytes } from '../../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../../src/kernels/wasm/runtime.js';

const TINY: Blocking = { kc: 5, mc: 8, nc: 16 };
const w = wasmGemm();

interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean; byColumns: boolean; beta: number; cuts: number[]; seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  m: fc.integer({ min: 1, max: 37 }), n: fc.integer({ min: 1, max: 41 }), k: fc.integer({ min: 1, max: 17 }),
  transA: fc.boolean(), transB: fc.boolean(), byColumns: fc.boolean(), beta: fc.constantFrom(0, 1, -0.5),
  cuts: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), seed: fc.integer({ min: 1, max: 1 << 20 }),
});

/** C of case `c` computed panel by panel (packing the shared operand per panel, or once), or whole. */
function compute(c: Case, mode: 'per-panel' | 'once' | 'whole'): Uint32Array {
  const g = w!;
  const { mr, nr } = g.shape;
  const { m, n, k, transA, transB, byColumns, beta } = c;
  const lda = transA ? m : k, ldb = transB ? k : n;
  const pad = byColumns ? mr : nr;
  const scratchAt = 0, packedAt = packScratchBytes(g.shape, TINY);
  const aAt = packedAt + packedOperandBytes(byColumns ? m : n, k, pad) + 64;
  const bAt = aAt + m * k * 4 + 64, cAt = bAt + k * n * 4 + 64;
  expect(g.reserve(cAt + m * n * 4)).toBe(true);
  const heap = g.heap();
  heap.fill(Number.NaN, packedAt / 4, aAt / 4); // a block read before it is packed shows up
  let s = c.seed;
  const next = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 - 0.5; };
  for (let i = 0; i < m * k; i++) heap[aAt / 4 + i] = next();
  for (let i = 0; i < k * n; i++) heap[bAt / 4 + i] = next();
  for (let i = 0; i < m * n; i++) heap[cAt / 4 + i] = next();
  // The blocks productOnPool (kernels/threads/gemm-parallel.ts) gives a product and its panels.
  const blocks: Blocking = { kc: balancedBlock(k, TINY.kc, 1), mc: balancedBlock(m, TINY.mc, mr), nc: balancedBlock(n, TINY.nc, nr) };
  const panelBlocks = (size: number): Blocking => (byColumns ? { ...blocks, nc: balancedBlock(size, TINY.nc, nr) } : { ...blocks, mc: balancedBlock(size, TINY.mc, mr) });
  const widest: Blocking = { kc: TINY.kc, mc: Math.ceil(TINY.mc / mr) * mr, nc: Math.ceil(TINY.nc / nr) * nr };
  const scratch = packScratchAt(scratchAt, g.shape, widest);
  if (mode === 'whole') {
    blockedProduct(g.exports, scratch, blocks, transA, transB, m, n, k, 0.75, aAt, lda, bAt, ldb, beta, cAt, n);
  } else {
    const shared: PackedOperand | undefined = mode === 'once' ? { side: byColumns ? 'a' : 'b', at: packedAt, pad, packed: false } : undefined;
    const total = byColumns ? n : m;
    const unit = byColumns ? nr : mr;
    const [aLane, bLane] = [transA ? 4 : lda * 4, transB ? ldb * 4 : 4];
    for (let start = 0, p = 0; start < total; p++) {
      const size = Math.min(total - start, c.cuts[p % c.cuts.length] * unit); // panels on register blocks
      if (byColumns) blockedProduct(g.exports, scratch, panelBlocks(size), transA, transB, m, size, k, 0.75, aAt, lda, bAt + start * bLane, ldb, beta, cAt + start * 4, n, shared);
      else blockedProduct(g.exports, scratch, panelBlocks(size), transA, transB, size, n, k, 0.75, aAt + start * aLane, lda, bAt, ldb, beta, cAt + start * n * 4, n, shared);
      start += size;
    }
    if (shared !== undefined) expect(shared.packed).toBe(true);
  }
  return new Uint32Array(heap.buffer, cAt, m * n).slice();
}

describe.skipIf(w === null)('PackedOperand (the shared operand packed once per thread)', () => {
  it('gives the bytes of packing per panel and of the whole product, on either side', () => {
    fc.assert(fc.property(caseArb, (c) => {
      const once = compute(c, 'once');
      expect(once).toEqual(compute(c, 'per-panel'));
      expect(once).toEqual(compute(c, 'whole'));
    }), { numRuns: 150, seed: 15 });
  });

  it('crosses several jc blocks of A and B at the shapes of the edge cases', () => {
    for (const byColumns of [true, false]) {
      for (const [m, n, k] of [[1, 1, 1], [33, 40, 11], [9, 35, 6], [40, 17, 16]]) {
        const c: Case = { m, n, k, transA: true, transB: false, byColumns, beta: 0, cuts: [1, 3], seed: 7 };
        expect(compute(c, 'once')).toEqual(compute(c, 'whole'));
      }
    }
  });
});
