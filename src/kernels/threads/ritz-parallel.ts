/**
 * The projected Gram H = (X_c·V)ᵀ(X_c·V) of the PCA's Rayleigh–Ritz step (models/decomposition/ritz.ts)
 * on the shared pool. The one-thread step computes each chunk of rows of B = X_c·V with the
 * float32 GEMM, copies it out, and adds BᵀB in double row by row (kernels/wasm/gram-f64.ts,
 * `upper`). Here V and each centred chunk of X are laid out in the pool's memory, the chunk's
 * B is computed there by the panels of `productOnPool` (the arithmetic of the one-thread
 * product), a few chunks at a time, and the double accumulation is shared out by rows of H (gram-f64.ts `rows`, the
 * additions of `upper` for those rows, in the same order): each element of H is accumulated by
 * one thread over the rows of B in order, so the result is the same bytes on any thread count,
 * and nothing is copied out but H.
 *
 * @module
 */
import { COMMAND_CALLS } from './control.js';
import { triangleBlocks } from './panel-layout.js';
import { panelScratchBytes, productOnPool } from './gemm-parallel.js';
import type { ChunkSource } from './gram-parallel.js';
import { gramF64RowsAt, threadPool } from './threads.js';
import type { ThreadPool } from './pool.js';
import { align } from '../wasm/gemm-wasm.js';
import { compiledModule } from '../wasm/fixed-instance.js';
import type { GemmExports } from '../wasm/gemm-kernel.js';
import { ACC_LD, MAX_P, buildGramF64Module } from '../wasm/gram-f64.js';
import { sharedGemmModule } from '../wasm/runtime.js';

// Where its tests and earlier callers import it from.
export { triangleBlocks } from './panel-layout.js';

/** Blocks of accumulator rows per thread (a descheduled worker then holds up little). */
const BLOCKS_PER_THREAD = 4;
const CALL_ARGS = 7;

type RowsKernel = (b: number, rows: number, p: number, ldBytes: number, i0: number, i1: number, acc: number) => void;

// This thread's instances on a pool's memory: the GEMM module's and the double Gram's `rows`.
const instances = new WeakMap<WebAssembly.Memory, { gemm: GemmExports; rows: RowsKernel }>();

function mainInstances(pool: ThreadPool, gemm: WebAssembly.Module, f64: WebAssembly.Module): { gemm: GemmExports; rows: RowsKernel } {
  let e = instances.get(pool.memory);
  if (e === undefined) {
    const env = { env: { memory: pool.memory } };
    e = {
      gemm: new WebAssembly.Instance(gemm, env).exports as unknown as GemmExports,
      rows: new WebAssembly.Instance(f64, env).exports.rows as unknown as RowsKernel,
    };
    instances.set(pool.memory, e);
  }
  return e;
}

/**
 * Chunks of rows per batch: each batch's B is one shared product and its BᵀB one shared
 * accumulation, so a 60,000-row fit posts 30 jobs instead of 118, and while the threads compute
 * one batch this thread centres the next into the other of two buffers (about 13 MB each for
 * 784 columns).
 */
const BATCH_CHUNKS = 4;

/**
 * H = Σ over `chunkRows`-row chunks of X_c (rows × d, from `source`) of (X_c·V)ᵀ(X_c·V), p×p
 * in double, for float32 V (d × p, row-major), on up to `threads` threads: the bytes of the
 * one-thread step (chunk products by the float32 GEMM, `GramF64.add` on each). The rows go in
 * batches of {@link BATCH_CHUNKS} chunks: B of a whole batch is one product (its rows are
 * those of the chunks' products, since each element's arithmetic depends on k only), and each
 * element of H still adds the rows of B in order. Null, computing nothing, where threads cannot
 * run, p is too wide, or the pool's memory cannot hold the work (the caller then runs the
 * one-thread step); `byWorkers` counts the panels and row blocks the workers computed. Throws
 * if a worker fails.
 */
export function projectedGramParallel(
  threads: number, rows: number, d: number, p: number, v: Float32Array, chunkRows: number, source: ChunkSource,
): { h: Float64Array; byWorkers: number } | null {
  const gemm = sharedGemmModule();
  const f64 = compiledModule(buildGramF64Module, true);
  if (threads < 2 || gemm === null || f64 === null || p < 1 || p > MAX_P - 1 || rows < 1) return null;
  const { shape } = gemm;
  const blocks = triangleBlocks(p, threads * BLOCKS_PER_THREAD);
  const batchRows = Math.min(rows, BATCH_CHUNKS * chunkRows);
  const scratchBytes = threads * panelScratchBytes(shape);
  const vBytes = align(d * p * 4);
  const xBytes = align(batchRows * d * 4);
  const bBytes = align((batchRows * p + 4) * 4);
  const accBytes = align(p * ACC_LD * 8);
  const tableBytes = align(blocks.length * CALL_ARGS * 4);
  const bytes = scratchBytes + vBytes + 2 * xBytes + bBytes + accBytes + tableBytes;
  const pool = threadPool(threads, bytes);
  if (pool === null || gramF64RowsAt(pool) < 0 || !pool.reserve(pool.dataAt + bytes)) return null;
  const kernel = gramF64RowsAt(pool);
  const main = mainInstances(pool, gemm.module, f64);
  const vAt = pool.dataAt + scratchBytes;
  const xAt = (b: number): number => vAt + vBytes + (b % 2) * xBytes;
  const bAt = vAt + vBytes + 2 * xBytes;
  const accAt = bAt + bBytes;
  const tableAt = accAt + accBytes;
  const buffer = pool.memory.buffer;
  const heap = new Float32Array(buffer);
  heap.set(v.subarray(0, d * p), vAt / 4);
  const acc = new Float64Array(buffer, accAt, p * ACC_LD);
  acc.fill(0);
  const table = new Int32Array(buffer, tableAt, blocks.length * CALL_ARGS);
  // Batch b's rows, centred by the source chunk by chunk (the chunks the one-thread step reads).
  const fill = (b: number): void => {
    for (let r0 = b * batchRows, end = Math.min(rows, r0 + batchRows); r0 < end; r0 += chunkRows) {
      const m = Math.min(chunkRows, end - r0);
      const at = xAt(b) / 4 + (r0 - b * batchRows) * d;
      const view = heap.subarray(at, at + m * d);
      const rowsOfX = source(r0, m, view);
      if (rowsOfX.buffer !== view.buffer || rowsOfX.byteOffset !== view.byteOffset) view.set(rowsOfX);
    }
  };
  const batches = Math.ceil(rows / batchRows);
  fill(0);
  let byWorkers = 0;
  for (let b = 0; b < batches; b++) {
    const m = Math.min(batchRows, rows - b * batchRows);
    const next = b + 1 < batches ? (): void => fill(b + 1) : undefined;
    byWorkers += productOnPool(pool, main.gemm, shape, pool.dataAt, false, false, m, p, d, 1, xAt(b), d, vAt, p, 0, bAt, p, next);
    heap[bAt / 4 + m * p] = 0; // the slack float `rows` reads past an odd last column
    blocks.forEach(([i0, i1], q) => table.set([bAt, m, p, p * 4, i0, i1, accAt], q * CALL_ARGS));
    byWorkers += pool.share(blocks.length, COMMAND_CALLS, (ctl, _ctlF, at) => {
      ctl[at] = kernel;
      ctl[at + 1] = CALL_ARGS;
      ctl[at + 2] = tableAt;
      ctl[at + 3] = 0;
    }, (q) => main.rows(bAt, m, p, p * 4, blocks[q][0], blocks[q][1], accAt));
  }
  const h = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const x = acc[i * ACC_LD + j];
      h[i * p + j] = x;
      h[j * p + i] = x;
    }
  }
  return { h, byWorkers };
}
