/**
 * The float32 GEMM on a thread pool. {@link productOnPool} runs a product whose operands are in
 * a pool's shared memory: a training arena's, in place (kernels/wasm/arena.ts), or the shared
 * pool's, into which {@link gemmParallel} (copy path) copies A, B (and C when β ≠ 0). C is cut
 * into panels, whole register blocks wide, large ones first and small ones last (guided,
 * panel-layout.ts), and the threads claim panels until none is left (ThreadPool.share); each runs the same loop nest as `blockedProduct`
 * (kernels/wasm/gemm-wasm.ts) on its panel with its own packing scratch. Each element of C is
 * then computed by one thread with exactly the arithmetic of the one-thread product: the k
 * blocking depends on k only, and the panels fall on register-block boundaries, so the same
 * elements land in edge tiles. The split is along n when n ≥ m (each panel packs all of A and
 * its columns of B), else along m.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { COMMAND_PANELS_LISTED, JOB_PANELS, MAX_LISTED_PANELS, SLOT_BYTES, jobSlot } from './control.js';
import { MIN_PANEL, guidedPanels } from './panel-layout.js';
import { threadPool } from './threads.js';
import {
  type PackScratch, type PackedOperand, WASM_BLOCKING, align, blockedProduct, copyIn, copyIn2D, copyOut2D, extentOf, packScratchAt, packScratchBytes, packedOperandBytes,
} from '../wasm/gemm-wasm.js';
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
 * Panels per thread of a shared float64 product (gemm-parallel-f64.ts; the float32 one cuts
 * guided panels, panel-layout.ts). More panels let a thread that runs (this one, when a
 * worker is descheduled on a loaded machine) take over the work of one that does not, at the
 * cost of packing the shared operand once per panel (A when splitting along n).
 */
export const PANELS_PER_THREAD = 4;

/**
 * Bytes each thread may keep its packed copy of a shared product's whole operand in
 * (gemm-wasm.ts, `PackedOperand`): without it every panel packs that operand again. 2 MiB holds
 * every shared operand of the VAE's step (at most 128 × 784 floats), of the PCA's subspace
 * iteration and a 512 × 512 one padded to the register block (1.05 MB, just over the 1 MiB this
 * was first): with `MIN_PANEL` 12, 512² in place on 2 threads ran 1.71–1.72× one thread at 1 MiB
 * against 1.78–1.83× at 2 MiB (bench/README.md, "Threads from a fit's first steps"). A larger
 * operand is packed per panel.
 */
export const PACKED_OPERAND_BYTES = 1 << 21;

/**
 * Bytes of scratch one thread needs for {@link productOnPool}: its packing blocks and its place
 * for the packed shared operand. A caller reserves one per thread.
 */
export function panelScratchBytes(shape: MicroShape): number {
  return packScratchBytes(shape) + PACKED_OPERAND_BYTES;
}

/**
 * How {@link productOnPool} cuts an m×n×k product for `threads` threads: along n when n ≥ m,
 * else along m, into guided panels (panel-layout.ts) of whole register blocks; where each
 * starts along the split dimension (and, last, the extent), each panel's blocking (its varying
 * block, nc along n or mc along m, from its size; the others from the whole product), and the
 * bytes of the shared operand packed whole (0 when one panel, or larger than
 * {@link PACKED_OPERAND_BYTES}: packed per panel). It depends on the shape and the thread count
 * only, never on timing.
 */
export interface PanelPlan {
  readonly byColumns: boolean;
  readonly starts: readonly number[];
  readonly blocks: readonly Blocking[];
  readonly fixed: Blocking;
  readonly count: number;
  /** The register block's rows (A shared) or columns (B shared): the packed operand's padding. */
  readonly pad: number;
  readonly packedBytes: number;
}

/**
 * A packed shared operand larger than this (this machine's L2 per core) is read from further
 * out by every panel, which then costs more: such products take panels of at least
 * {@link MIN_PANEL_BEYOND_L2}. Measured on 512² in place on 2 threads (A packed once, 1.05 MB):
 * 1.84–1.87× one thread with panels of at least 24 columns against 1.77–1.81× with 12
 * (bench/README.md, "Threads from a fit's first steps"), while the VAE's products (A at most
 * 400 KB) train faster with 12.
 */
export const SHARED_IN_L2_BYTES = 1 << 20;
/** The smallest panel of a product whose packed shared operand exceeds {@link SHARED_IN_L2_BYTES}. */
export const MIN_PANEL_BEYOND_L2 = 24;

/**
 * The {@link PanelPlan} of an m×n×k product on `threads` threads (`minPanel`: for measurement
 * only; by default {@link MIN_PANEL}, or {@link MIN_PANEL_BEYOND_L2} for a large shared operand).
 */
export function panelPlan(shape: MicroShape, threads: number, m: number, n: number, k: number, minPanel?: number): PanelPlan {
  const byColumns = n >= m;
  const total = byColumns ? n : m;
  const unit = byColumns ? shape.nr : shape.mr;
  const pad = byColumns ? shape.mr : shape.nr;
  const bytes = packedOperandBytes(byColumns ? m : n, k, pad);
  const smallest = minPanel ?? (bytes > SHARED_IN_L2_BYTES ? MIN_PANEL_BEYOND_L2 : MIN_PANEL);
  const sizes = guidedPanels(Math.ceil(total / unit), threads, Math.ceil(smallest / unit), MAX_LISTED_PANELS);
  const starts: number[] = [0];
  for (const size of sizes) starts.push(Math.min(total, starts[starts.length - 1] + size * unit));
  const fixed: Blocking = { kc: balancedBlock(k, WASM_BLOCKING.kc, 1), mc: balancedBlock(m, WASM_BLOCKING.mc, shape.mr), nc: balancedBlock(n, WASM_BLOCKING.nc, shape.nr) };
  const blocks = sizes.map((_, p) => {
    const size = starts[p + 1] - starts[p];
    return byColumns ? { ...fixed, nc: balancedBlock(size, WASM_BLOCKING.nc, shape.nr) } : { ...fixed, mc: balancedBlock(size, WASM_BLOCKING.mc, shape.mr) };
  });
  const packedBytes = sizes.length > 1 && bytes <= PACKED_OPERAND_BYTES ? bytes : 0;
  return { byColumns, starts, blocks, fixed, count: sizes.length, pad, packedBytes };
}

/**
 * Panel p of `plan` on this thread: its columns (or rows) of C from the whole A and its columns
 * of B (or its rows of A and the whole B), with the blocking the plan gives it; `shared` is this
 * thread's packed copy of the operand every panel reads, when the plan has one.
 */
export function runPanel(
  exports: GemmExports, scratch: PackScratch, plan: PanelPlan, p: number, transA: boolean, transB: boolean,
  m: number, n: number, k: number, alpha: number, aAt: number, lda: number, bAt: number, ldb: number,
  beta: number, cAt: number, ldc: number, shared?: PackedOperand,
): void {
  const start = plan.starts[p];
  const size = plan.starts[p + 1] - start;
  if (plan.byColumns) {
    const bLane = transB ? ldb * 4 : 4;
    blockedProduct(exports, scratch, plan.blocks[p], transA, transB, m, size, k, alpha, aAt, lda, bAt + start * bLane, ldb, beta, cAt + start * 4, ldc, shared);
  } else {
    const aLane = transA ? 4 : lda * 4;
    blockedProduct(exports, scratch, plan.blocks[p], transA, transB, size, n, k, alpha, aAt + start * aLane, lda, bAt, ldb, beta, cAt + start * ldc * 4, ldc, shared);
  }
}

/**
 * C = alpha·op(A)·op(B) + beta·C on operands already in `pool`'s memory (byte offsets, leading
 * dimensions in elements), shared by this thread and the pool's ready workers: C is cut into
 * panels of whole register blocks, along n when n ≥ m, else along m, and the threads claim
 * panels until none is left ({@link ThreadPool.share}). Each element of C is computed by one
 * thread with the arithmetic of the one-thread product, so the bytes do not depend on who
 * computed which panel. `exports` is this thread's instance of the pool's GEMM module; thread t
 * (0 here, worker w at w + 1) packs into the scratch at `scratchAt + t·panelScratchBytes`, so the
 * caller provides one {@link panelScratchBytes} per thread. The operand every panel reads whole
 * (A when split along n, else B) is packed once per thread there when it fits
 * {@link PACKED_OPERAND_BYTES}, not once per panel. `before`, when given, runs on this
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
  const plan = panelPlan(shape, pool.readyWorkers().length + 1, m, n, k);
  const { byColumns, starts, blocks, fixed, count, pad, packedBytes } = plan;
  // Every thread's scratch laid out for the largest blocks, so one layout serves every panel.
  const widest: Blocking = { kc: WASM_BLOCKING.kc, mc: Math.ceil(WASM_BLOCKING.mc / shape.mr) * shape.mr, nc: WASM_BLOCKING.nc };
  const stride = panelScratchBytes(shape);
  // Where in each thread's scratch the shared operand is packed whole, or 0: packed per panel.
  const packedAt = packedBytes === 0 ? 0 : packScratchBytes(shape);
  const [aLane, aK] = transA ? [4, lda * 4] : [lda * 4, 4];
  const [bLane, bK] = transB ? [ldb * 4, 4] : [4, ldb * 4];
  const mine = packScratchAt(scratchAt, shape, widest);
  const shared: PackedOperand | undefined = packedAt === 0 ? undefined : { side: byColumns ? 'a' : 'b', at: scratchAt + packedAt, pad, packed: false };
  const table = jobSlot(pool.workers) * (SLOT_BYTES / 4) + JOB_PANELS;
  let pending = before;
  const byWorkers = pool.share(count, COMMAND_PANELS_LISTED, (ctl, ctlF, i, w) => {
    const scratch = packScratchAt(scratchAt + (w + 1) * stride, shape, widest);
    ctl.set([m, n, k], i);
    ctlF[i + 3] = alpha;
    ctlF[i + 4] = beta;
    ctl.set([aAt, aLane, aK, bAt, bLane, bK, cAt, ldc, scratch.tile, scratch.a, scratch.b, fixed.kc, fixed.mc, fixed.nc,
      packedAt === 0 ? 0 : scratchAt + (w + 1) * stride + packedAt, pad, byColumns ? 1 : 0, 0], i + 5);
    // The panel table, in the job slot (the same words for every worker posted).
    for (let p = 0; p < count; p++) {
      ctl[table + 2 * p] = starts[p];
      ctl[table + 2 * p + 1] = byColumns ? blocks[p].nc : blocks[p].mc;
    }
  }, (p) => {
    if (pending !== undefined) {
      const run = pending;
      pending = undefined;
      run();
    }
    runPanel(exports, mine, plan, p, transA, transB, m, n, k, alpha, aAt, lda, bAt, ldb, beta, cAt, ldc, shared);
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
  const scratchBytes = threads * panelScratchBytes(shape);
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
