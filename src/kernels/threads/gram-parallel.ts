/**
 * The PCA's float32 Gram XᵀX (kernels/wasm/gram-wasm.ts) on several threads. The one-thread
 * Gram sums each chunk of rows in float32 and adds the chunk sums into a float64 result in chunk
 * order; here the chunks of a batch are computed by whichever thread claims them
 * (`ThreadPool.share`), each into its own float32 C with the Gram module's own loop
 * (`gramChunk`, repeated in the worker script, on the Gram module the shared pool's workers
 * instantiate beside the GEMM's: threads.ts, `GRAM_KERNELS`), and this thread then adds them in
 * chunk order. Each chunk's arithmetic and the order of the double additions are those of the
 * one-thread Gram, so the result is the same bytes on any thread count.
 *
 * The shared pool's memory then holds one packing scratch per thread and two sets of a few chunks
 * (two per thread) with their C, so that this thread adds one batch's sums and centres the next
 * batch's rows while the threads compute: about 45 MB for 1,024-row chunks of 784 columns at 2
 * threads.
 *
 * @module
 */
import { COMMAND_GRAM } from './control.js';
import { gramKernelsAt, threadPool } from './threads.js';
import { type GramBlocking, addUpper, gramBlocking, gramChunk, gramScratchBytes } from '../wasm/gram-wasm.js';
import { sharedGramModule } from '../wasm/runtime.js';
import type { GemmExports } from '../wasm/gemm-kernel.js';
import type { ThreadPool } from './pool.js';

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** Chunks held in the pool's memory at once, per thread. */
const SLOTS_PER_THREAD = 2;

/**
 * Rows r0 … r0 + m − 1 of X as float32, written into `scratch` (m·d elements) or returned as a
 * view of X itself (as models/decomposition/data.ts `centredRows` does).
 */
export type ChunkSource = (r0: number, m: number, scratch: Float32Array) => Float32Array;

// This thread's instance of the Gram module, per pool memory.
const mainInstances = new WeakMap<WebAssembly.Memory, GemmExports>();

function mainExports(pool: ThreadPool, module: WebAssembly.Module): GemmExports {
  let e = mainInstances.get(pool.memory);
  if (e === undefined) {
    e = new WebAssembly.Instance(module, { env: { memory: pool.memory } }).exports as unknown as GemmExports;
    mainInstances.set(pool.memory, e);
  }
  return e;
}

/**
 * out[i·d + j] += the float32 Gram of each `chunkRows`-row chunk of X [rows, d] for j ≥ i,
 * added in double in chunk order (the lower triangle is left as it was): the bytes of
 * `gramUpperWasm` called on each chunk in turn, on up to `threads` threads (those of the shared
 * pool whose workers have started, and this one). Returns how many chunks the workers computed,
 * or null, touching nothing, where threads cannot run, with fewer than two chunks, or when the
 * pool's memory cannot hold them; the caller then uses the one-thread Gram. Throws if a worker
 * fails.
 */
export function gramUpperParallel(threads: number, rows: number, d: number, chunkRows: number, source: ChunkSource, out: Float64Array): number | null {
  const chunks = Math.ceil(rows / chunkRows);
  const shared = sharedGramModule();
  if (threads < 2 || chunks < 2 || shared === null) return null;
  const { shape, module } = shared;
  const full = gramBlocking(shape, chunkRows);
  const lastRows = rows - (chunks - 1) * chunkRows;
  const last = gramBlocking(shape, lastRows);
  if (full === null || last === null) return null;
  const widest: GramBlocking = { kc: Math.max(full.kc, last.kc), mc: full.mc };
  const scratch = gramScratchBytes(shape, d, widest);
  const slots = Math.min(chunks, threads * SLOTS_PER_THREAD);
  const xStride = align(chunkRows * d * 4);
  const cStride = align(d * d * 4);
  // Two sets of slots: while the threads compute one batch's chunks, this thread adds the
  // previous batch's sums into `out` and centres the next batch's rows into the other set.
  const setBytes = slots * (xStride + cStride);
  const bytes = threads * scratch.total + 2 * setBytes;
  const pool = threadPool(threads, bytes);
  if (pool === null || gramKernelsAt(pool) < 0 || !pool.reserve(pool.dataAt + bytes)) return null;
  const kernelsAt = gramKernelsAt(pool);
  const exports = mainExports(pool, module);
  const scratchAt = (t: number): number => pool.dataAt + t * scratch.total;
  const xAt = (set: number): number => scratchAt(threads) + (set % 2) * setBytes;
  const cAt = (set: number): number => xAt(set) + slots * xStride;
  const mine = scratchAt(0);
  const batches = Math.ceil(chunks / slots);
  const countOf = (b: number): number => Math.min(slots, chunks - b * slots);
  const heap = pool.heap();
  const fill = (b: number): void => {
    for (let s = 0; s < countOf(b); s++) {
      const r0 = (b * slots + s) * chunkRows;
      const m = Math.min(chunkRows, rows - r0);
      const at = (xAt(b) + s * xStride) / 4;
      const view = heap.subarray(at, at + m * d);
      const rowsOfX = source(r0, m, view);
      if (rowsOfX.buffer !== view.buffer || rowsOfX.byteOffset !== view.byteOffset) view.set(rowsOfX);
    }
  };
  // The chunk sums of batch b added in chunk order: the one-thread order.
  const add = (b: number): void => {
    for (let s = 0; s < countOf(b); s++) addUpper(heap, (cAt(b) + s * cStride) / 4, d, out);
  };
  fill(0);
  let byWorkers = 0;
  for (let b = 0; b < batches; b++) {
    const count = countOf(b);
    const batchLastRows = Math.min(chunkRows, rows - (b * slots + count - 1) * chunkRows);
    const batchLast = batchLastRows === chunkRows ? full : last;
    let pending = true;
    const overlap = (): void => {
      if (!pending) return;
      pending = false;
      if (b > 0) add(b - 1);
      if (b + 1 < batches) fill(b + 1);
    };
    const x0 = xAt(b);
    const c0 = cAt(b);
    byWorkers += pool.share(count, COMMAND_GRAM, (ctl, _ctlF, i, w) => {
      const at = scratchAt(w + 1);
      ctl[i] = d;
      ctl[i + 1] = chunkRows;
      ctl[i + 2] = full.kc;
      ctl[i + 3] = batchLastRows;
      ctl[i + 4] = batchLast.kc;
      ctl[i + 5] = full.mc;
      ctl[i + 6] = x0;
      ctl[i + 7] = xStride;
      ctl[i + 8] = c0;
      ctl[i + 9] = cStride;
      ctl[i + 10] = at + scratch.tile;
      ctl[i + 11] = at + scratch.a;
      ctl[i + 12] = at + scratch.b;
      ctl[i + 13] = kernelsAt;
    }, (s) => {
      overlap();
      const isLast = s === count - 1;
      gramChunk(exports, x0 + s * xStride, isLast ? batchLastRows : chunkRows, d, isLast ? batchLast : full,
        mine + scratch.tile, mine + scratch.a, mine + scratch.b, c0 + s * cStride);
    });
    overlap();
  }
  add(batches - 1);
  return byWorkers;
}
