/**
 * The float32 GEMM on a thread pool. {@link productOnPool} runs a product whose operands are in
 * a pool's shared memory: a training arena's, in place (kernels/wasm/arena.ts), or the shared
 * pool's, into which {@link gemmParallel} (copy path) copies A, B (and C when β ≠ 0). C is cut
 * into panels, whole register blocks wide, a few per thread, and the threads claim panels until
 * none is left (ThreadPool.share); each runs the same loop nest as `blockedProduct`
 * (kernels/wasm/gemm-wasm.ts) on its panel with its own packing scratch. Each element of C is
 * then computed by one thread with exactly the arithmetic of the one-thread product: the k
 * blocking depends on k only, and the panels fall on register-block boundaries, so the same
 * elements land in edge tiles. The split is along n when n ≥ m (each panel packs all of A and
 * its columns of B), else along m.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { COMMAND_PANELS } from './control.js';
import { MAX_PANELS } from './pool.js';
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

/** This thread's instance of the shared GEMM `module` on `pool`'s memory (made once per memory). */
export function poolGemmExports(pool: ThreadPool, module: WebAssembly.Module): GemmExports {
  let e = mainInstances.get(pool.memory);
  if (e === undefined) {
    e = new WebAssembly.Instance(module, { env: { memory: pool.memory } }).exports as unknown as GemmExports;
    mainInstances.set(pool.memory, e);
  }
  return e;
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
 * Panels per thread of a shared product. More panels let a thread that runs (this one, when a
 * worker is descheduled on a loaded machine) take over the work of one that does not, at the
 * cost of packing the shared operand once per panel (A when splitting along n).
 */
export const PANELS_PER_THREAD = 4;

/**
 * C = alpha·op(A)·op(B) + beta·C on operands already in `pool`'s memory (byte offsets, leading
 * dimensions in elements), shared by this thread and the pool's ready workers: C is cut into
 * panels of whole register blocks, along n when n ≥ m, else along m, and the threads claim
 * panels until none is left ({@link ThreadPool.share}). Each element of C is computed by one
 * thread with the arithmetic of the one-thread product, so the bytes do not depend on who
 * computed which panel. `exports` is this thread's instance of the pool's GEMM module; thread t
 * (0 here, worker w at w + 1) packs into the scratch at `scratchAt + t·packScratchBytes`, so the
 * caller provides one {@link packScratchBytes} per thread. `before`, when given, runs on this
 * thread before its first panel (after the workers were posted), or after the product if this
 * thread claimed none: work that overlaps the workers' panels, such as copying the next
 * operand into another buffer. Returns how many panels the workers computed. Throws if a worker
 * fails.
 */
export function productOnPool(
  pool: ThreadPool, exports: GemmExports, shape: MicroShape, scratchAt: number, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, aAt: number, lda: number, bAt: number, ldb: number,
  beta: number, cAt: number, ldc: number, before?: () => void,
): number {
  const threads = pool.readyWorkers().length + 1;
  const byColumns = n >= m;
  const total = byColumns ? n : m;
  const unit = byColumns ? shape.nr : shape.mr;
  const units = Math.ceil(total / unit);
  const spanUnits = Math.ceil(units / Math.min(units, threads * PANELS_PER_THREAD, MAX_PANELS));
  const span = spanUnits * unit;
  const count = Math.ceil(units / spanUnits);
  const lastSize = total - (count - 1) * span;
  const blocksOf = (size: number): Blocking => {
    const [rows, cols] = byColumns ? [m, size] : [size, n];
    return { kc: balancedBlock(k, WASM_BLOCKING.kc, 1), mc: balancedBlock(rows, WASM_BLOCKING.mc, shape.mr), nc: balancedBlock(cols, WASM_BLOCKING.nc, shape.nr) };
  };
  const full = blocksOf(span);
  const last = blocksOf(lastSize);
  // Every thread's scratch laid out for the largest blocks, so one layout serves every panel.
  const widest: Blocking = { kc: WASM_BLOCKING.kc, mc: Math.ceil(WASM_BLOCKING.mc / shape.mr) * shape.mr, nc: WASM_BLOCKING.nc };
  const stride = packScratchBytes(shape);
  const [aLane, aK] = transA ? [4, lda * 4] : [lda * 4, 4];
  const [bLane, bK] = transB ? [ldb * 4, 4] : [4, ldb * 4];
  const mine = packScratchAt(scratchAt, shape, widest);
  let pending = before;
  const byWorkers = pool.share(count, COMMAND_PANELS, (ctl, ctlF, i, w) => {
    const scratch = packScratchAt(scratchAt + (w + 1) * stride, shape, widest);
    ctl[i] = m;
    ctl[i + 1] = n;
    ctl[i + 2] = k;
    ctlF[i + 3] = alpha;
    ctlF[i + 4] = beta;
    ctl[i + 5] = aAt;
    ctl[i + 6] = aLane;
    ctl[i + 7] = aK;
    ctl[i + 8] = bAt;
    ctl[i + 9] = bLane;
    ctl[i + 10] = bK;
    ctl[i + 11] = cAt;
    ctl[i + 12] = ldc;
    ctl[i + 13] = scratch.tile;
    ctl[i + 14] = scratch.a;
    ctl[i + 15] = scratch.b;
    ctl[i + 16] = full.kc;
    ctl[i + 17] = full.mc;
    ctl[i + 18] = full.nc;
    ctl[i + 19] = last.mc;
    ctl[i + 20] = last.nc;
    ctl[i + 21] = byColumns ? 1 : 0;
    ctl[i + 22] = span;
  }, (p) => {
    if (pending !== undefined) {
      const run = pending;
      pending = undefined;
      run();
    }
    const start = p * span;
    const size = p === count - 1 ? lastSize : span;
    const blocks = p === count - 1 ? last : full;
    if (byColumns) {
      blockedProduct(exports, mine, blocks, transA, transB, m, size, k, alpha, aAt, lda, bAt + start * bLane, ldb, beta, cAt + start * 4, ldc);
    } else {
      blockedProduct(exports, mine, blocks, transA, transB, size, n, k, alpha, aAt + start * aLane, lda, bAt, ldb, beta, cAt + start * ldc * 4, ldc);
    }
  });
  pending?.();
  return byWorkers;
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
  productOnPool(pool, poolGemmExports(pool, gemm.module), shape, pool.dataAt, transA, transB, m, n, k, alpha, aAt, la, bAt, lb, beta, cAt, n);
  copyOut2D(pool.heap(), cAt / 4, n, C, ldc, m, n);
  return true;
}
