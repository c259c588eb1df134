/**
 * The float32 GEMM on a thread pool. {@link productOnPool} runs a product whose operands are in
 * a pool's shared memory: a training arena's, in place (kernels/wasm/arena.ts), or the shared
 * pool's, into which {@link gemmParallel} (copy path) copies A, B (and C when β ≠ 0). C is split into panels, whole register blocks wide, one per thread, and
 * each thread runs the same loop nest as `blockedProduct` (kernels/wasm/gemm-wasm.ts) on its
 * panel with its own packing scratch; this thread takes the first panel. Each element of C is
 * then computed by one thread with exactly the arithmetic of the one-thread product: the k
 * blocking depends on k only, and the split falls on register-block boundaries, so the same
 * elements land in edge tiles. The split is along n when n ≥ m (each thread packs all of A and
 * its columns of B), else along m.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { COMMAND_GEMM } from './control.js';
import type { Task } from './pool.js';
import { threadPool } from './threads.js';
import { WASM_BLOCKING, align, blockedProduct, copyIn, copyIn2D, copyOut2D, extentOf, packScratchAt, packScratchBytes } from '../wasm/gemm-wasm.js';
import { sharedGemmModule } from '../wasm/runtime.js';
import type { GemmExports } from '../wasm/gemm-kernel.js';
import type { MicroShape } from '../wasm/micro.js';
import type { ThreadPool } from './pool.js';

/**
 * Products with m·n·k below this stay on one thread. Measured with
 * `npm run bench -- gemm-threads --shapes sq64,sq96,sq128,sq192,sq256,sq512 --runs 60` on this
 * repository's 2-core machine (dispatch round trip 0.4–0.7 µs while the worker spins): 2 threads
 * against 1 gave 0.66× at 64³ (2.6·10⁵), 0.85–1.07× at 96³ (8.8·10⁵), 1.1–1.4× at 128³
 * (2.1·10⁶) and 1.5× at 192³; the copies in and out stay on the calling thread.
 */
export const PARALLEL_PRODUCT = 1_000_000;

// This thread's instance of the shared-memory module, per pool memory.
const mainInstances = new WeakMap<WebAssembly.Memory, GemmExports>();

function mainExports(pool: ThreadPool, module: WebAssembly.Module): GemmExports {
  let e = mainInstances.get(pool.memory);
  if (e === undefined) {
    e = new WebAssembly.Instance(module, { env: { memory: pool.memory } }).exports as unknown as GemmExports;
    mainInstances.set(pool.memory, e);
  }
  return e;
}

/** One thread's part of C: rows [r0, r0 + rows) and columns [c0, c0 + cols). */
interface Part {
  r0: number;
  rows: number;
  c0: number;
  cols: number;
  blocks: Blocking;
  scratchAt: number;
}

/** Splits `total` into at most `parts` ranges of whole `unit`s, as even as possible. */
export function splitRanges(total: number, unit: number, parts: number): Array<[number, number]> {
  const units = Math.ceil(total / unit);
  const count = Math.max(1, Math.min(parts, units));
  const ranges: Array<[number, number]> = [];
  let at = 0;
  for (let p = 0; p < count; p++) {
    const take = Math.floor(units / count) + (p < units % count ? 1 : 0);
    const end = Math.min(total, at + take * unit);
    ranges.push([at, end - at]);
    at = end;
  }
  return ranges;
}

/**
 * C = alpha·op(A)·op(B) + beta·C on operands already in `pool`'s memory (byte offsets, leading
 * dimensions in elements), split over this thread and the pool's ready workers: C in panels of
 * whole register blocks, along n when n ≥ m, else along m. `exports` is this thread's instance
 * of the pool's GEMM module; part p packs into the scratch at `scratchAt + p·packScratchBytes`,
 * so the caller provides one {@link packScratchBytes} per thread. With no ready worker this is
 * the one-thread product. Throws (after every part has finished) if a worker fails.
 */
export function productOnPool(
  pool: ThreadPool, exports: GemmExports, shape: MicroShape, scratchAt: number, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, aAt: number, lda: number, bAt: number, ldb: number,
  beta: number, cAt: number, ldc: number,
): void {
  const workers = pool.readyWorkers().length;
  const byColumns = n >= m;
  const ranges = byColumns ? splitRanges(n, shape.nr, workers + 1) : splitRanges(m, shape.mr, workers + 1);
  const stride = packScratchBytes(shape);
  const parts: Part[] = ranges.map(([start, size], p) => {
    const [r0, rows, c0, cols] = byColumns ? [0, m, start, size] : [start, size, 0, n];
    const blocks = { kc: balancedBlock(k, WASM_BLOCKING.kc, 1), mc: balancedBlock(rows, WASM_BLOCKING.mc, shape.mr), nc: balancedBlock(cols, WASM_BLOCKING.nc, shape.nr) };
    return { r0, rows, c0, cols, blocks, scratchAt: scratchAt + p * stride };
  });
  const [aLane, aK] = transA ? [4, lda * 4] : [lda * 4, 4];
  const [bLane, bK] = transB ? [ldb * 4, 4] : [4, ldb * 4];
  const tasks: Task[] = parts.slice(1).map((p) => ({
    command: COMMAND_GEMM,
    write(ctl, ctlF, i) {
      const scratch = packScratchAt(p.scratchAt, shape, p.blocks);
      ctl[i] = p.rows;
      ctl[i + 1] = p.cols;
      ctl[i + 2] = k;
      ctlF[i + 3] = alpha;
      ctlF[i + 4] = beta;
      ctl[i + 5] = aAt + p.r0 * aLane;
      ctl[i + 6] = aLane;
      ctl[i + 7] = aK;
      ctl[i + 8] = bAt + p.c0 * bLane;
      ctl[i + 9] = bLane;
      ctl[i + 10] = bK;
      ctl[i + 11] = cAt + (p.r0 * ldc + p.c0) * 4;
      ctl[i + 12] = ldc;
      ctl[i + 13] = scratch.tile;
      ctl[i + 14] = scratch.a;
      ctl[i + 15] = scratch.b;
      ctl[i + 16] = p.blocks.kc;
      ctl[i + 17] = p.blocks.mc;
      ctl[i + 18] = p.blocks.nc;
    },
  }));
  const first = parts[0];
  pool.run(tasks, () => {
    blockedProduct(exports, packScratchAt(first.scratchAt, shape, first.blocks), first.blocks, transA, transB,
      first.rows, first.cols, k, alpha, aAt + first.r0 * aLane, lda, bAt + first.c0 * bLane, ldb, beta, cAt + (first.r0 * ldc + first.c0) * 4, ldc);
  });
}

/**
 * C = alpha·op(A)·op(B) + beta·C on up to `threads` threads (m, n, k ≥ 1, alpha ≠ 0; the entry
 * point settles the rest), copying A, B (and C when β ≠ 0) into the pool's memory and C back.
 * Returns false, leaving C untouched, when the pool is unavailable or its memory cannot grow;
 * the caller then uses the one-thread kernel. Throws if a worker fails.
 */
export function gemmParallel(
  threads: number, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float32Array, lda: number, B: Float32Array, ldb: number,
  beta: number, C: Float32Array, ldc: number,
): boolean {
  const gemm = sharedGemmModule();
  if (gemm === null) return false;
  const { shape } = gemm;
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const operandBytes = align(extentOf(aRows, aCols, lda) * 4) + align(extentOf(bRows, bCols, ldb) * 4) + align(m * n * 4);
  const scratchBytes = threads * packScratchBytes(shape);
  const pool = threadPool(threads, operandBytes + scratchBytes);
  if (pool === null) return false;
  const aAt = pool.dataAt + scratchBytes;
  const bAt = aAt + align(extentOf(aRows, aCols, lda) * 4);
  const cAt = bAt + align(extentOf(bRows, bCols, ldb) * 4);
  if (!pool.reserve(cAt + m * n * 4)) return false;
  const heap = pool.heap();
  const la = copyIn(heap, aAt / 4, A, aRows, aCols, lda);
  const lb = copyIn(heap, bAt / 4, B, bRows, bCols, ldb);
  if (beta !== 0) copyIn2D(heap, cAt / 4, n, C, ldc, m, n);
  productOnPool(pool, mainExports(pool, gemm.module), shape, pool.dataAt, transA, transB, m, n, k, alpha, aAt, la, bAt, lb, beta, cAt, n);
  copyOut2D(pool.heap(), cAt / 4, n, C, ldc, m, n);
  return true;
}
