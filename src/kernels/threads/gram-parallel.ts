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
import { triangleBlocks } from './panel-layout.js';
import { centreRowsAt, gramKernelsAt, threadPool } from './threads.js';
import { type CentreRowsKernel, buildCentreRowsModule } from '../wasm/centre-rows.js';
import { compiledModule } from '../wasm/fixed-instance.js';
import { type GramBlocking, addUpperRows, gramBlocking, gramChunk, gramScratchBytes } from '../wasm/gram-wasm.js';
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
 * Blocks of rows of the result per thread for adding a batch's chunk sums (of about equal
 * work: row i adds d − i values), so the additions are shared out in small pieces.
 */
const ADD_BLOCKS_PER_THREAD = 4;

/**
 * out[i·d + j] += the float32 Gram of each `chunkRows`-row chunk of X [rows, d] for j ≥ i,
 * added in double in chunk order (the lower triangle is left as it was): the bytes of
 * `gramUpperWasm` called on each chunk in turn, on up to `threads` threads (those of the shared
 * pool whose workers have started, and this one). With `centre` (d float32 values), `source`
 * gives raw rows and the thread that computes a chunk first centres it in place, x − c in
 * float32 (the values of models/decomposition/data.ts `centredRows` for a float32 centre), so
 * this thread only copies rows in. Returns how many panels the workers computed, or null,
 * touching nothing, where threads cannot run, with fewer than two chunks, or when the pool's
 * memory cannot hold them; the caller then uses the one-thread Gram. Throws if a worker fails.
 *
 * The chunks go in batches (one shared job each); the job of batch b also adds batch b − 1's
 * chunk sums into the result, kept in the pool's memory, in panels of rows of the result, each
 * element by one thread in chunk order, and a last job adds the last batch's.
 */
export function gramUpperParallel(
  threads: number, rows: number, d: number, chunkRows: number, source: ChunkSource, out: Float64Array, centre?: Float32Array,
): number | null {
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
  const blocks = triangleBlocks(d, threads * ADD_BLOCKS_PER_THREAD);
  // Two sets of slots: while the threads compute one batch's chunks (and add the previous
  // batch's sums, from the other set's C), this thread copies the next batch's rows into the
  // other set's X.
  const setBytes = slots * (xStride + cStride);
  const outBytes = align(d * d * 8);
  const centreBytes = align(d * 4);
  const bytes = threads * scratch.total + 2 * setBytes + outBytes + centreBytes + align(blocks.length * 8);
  const pool = threadPool(threads, bytes);
  if (pool === null || gramKernelsAt(pool) < 0 || !pool.reserve(pool.dataAt + bytes)) return null;
  const kernelsAt = gramKernelsAt(pool);
  const exports = mainExports(pool, module);
  const scratchAt = (t: number): number => pool.dataAt + t * scratch.total;
  const xAt = (set: number): number => scratchAt(threads) + (set % 2) * setBytes;
  const cAt = (set: number): number => xAt(set) + slots * xStride;
  const outAt = scratchAt(threads) + 2 * setBytes;
  const centreAt = outAt + outBytes;
  const blocksAt = centreAt + centreBytes;
  // The centring runs on the threads where the pool has its kernel and rows are whole SIMD
  // vectors; else this thread centres each chunk as it copies it in.
  const centreKernel = centre !== undefined && d % 4 === 0 ? centreRowsOn(pool) : null;
  const mine = scratchAt(0);
  const batches = Math.ceil(chunks / slots);
  const countOf = (b: number): number => Math.min(slots, chunks - b * slots);
  const buffer = pool.memory.buffer;
  const heap = new Float32Array(buffer);
  const acc = new Float64Array(buffer, outAt, d * d);
  acc.set(out);
  if (centre !== undefined) heap.set(centre.subarray(0, d), centreAt / 4);
  new Int32Array(buffer, blocksAt, 2 * blocks.length).set(blocks.flat());
  const fill = (b: number): void => {
    for (let s = 0; s < countOf(b); s++) {
      const r0 = (b * slots + s) * chunkRows;
      const m = Math.min(chunkRows, rows - r0);
      const at = (xAt(b) + s * xStride) / 4;
      const view = heap.subarray(at, at + m * d);
      const rowsOfX = source(r0, m, view);
      if (rowsOfX.buffer !== view.buffer || rowsOfX.byteOffset !== view.byteOffset) view.set(rowsOfX);
      if (centre !== undefined && centreKernel === null) {
        for (let i = 0; i < m * d; i++) view[i] -= centre[i % d];
      }
    }
  };
  fill(0);
  let byWorkers = 0;
  // Job b computes batch b's chunks (none for b = batches) and adds batch b − 1's sums.
  for (let b = 0; b <= batches; b++) {
    const count = b < batches ? countOf(b) : 0;
    const adds = b > 0 ? blocks.length : 0;
    const prevCount = b > 0 ? countOf(b - 1) : 0;
    const batchLastRows = count > 0 ? Math.min(chunkRows, rows - (b * slots + count - 1) * chunkRows) : chunkRows;
    const batchLast = batchLastRows === chunkRows ? full : last;
    let pending = b + 1 < batches;
    const overlap = (): void => {
      if (!pending) return;
      pending = false;
      fill(b + 1);
    };
    const x0 = xAt(b);
    const c0 = cAt(b);
    const prev = cAt(b + 1); // the other set: batch b − 1's
    byWorkers += pool.share(count + adds, COMMAND_GRAM, (ctl, _ctlF, i, w) => {
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
      ctl[i + 14] = count;
      ctl[i + 15] = centreKernel === null ? 0 : centreAt;
      ctl[i + 16] = centreRowsAt(pool);
      ctl[i + 17] = blocksAt;
      ctl[i + 18] = prev;
      ctl[i + 19] = prevCount;
      ctl[i + 20] = outAt;
    }, (s) => {
      overlap();
      if (s < count) {
        const isLast = s === count - 1;
        const x = x0 + s * xStride;
        const m = isLast ? batchLastRows : chunkRows;
        if (centreKernel !== null) centreKernel(x, m, d * 4, d * 4, centreAt);
        gramChunk(exports, x, m, d, isLast ? batchLast : full, mine + scratch.tile, mine + scratch.a, mine + scratch.b, c0 + s * cStride);
      } else {
        const [i0, i1] = blocks[s - count];
        for (let c = 0; c < prevCount; c++) addUpperRows(heap, (prev + c * cStride) / 4, d, acc, 0, i0, i1);
      }
    });
    overlap();
  }
  out.set(acc);
  return byWorkers;
}

// This thread's instance of the row centring on a pool's memory.
const centreInstances = new WeakMap<WebAssembly.Memory, CentreRowsKernel>();

/** This thread's centring kernel on the pool's memory, or null where the pool's workers lack it. */
function centreRowsOn(pool: ThreadPool): CentreRowsKernel | null {
  if (centreRowsAt(pool) < 0) return null;
  const module = compiledModule(buildCentreRowsModule, true);
  if (module === null) return null;
  let k = centreInstances.get(pool.memory);
  if (k === undefined) {
    k = new WebAssembly.Instance(module, { env: { memory: pool.memory } }).exports.centre as unknown as CentreRowsKernel;
    centreInstances.set(pool.memory, k);
  }
  return k;
}
