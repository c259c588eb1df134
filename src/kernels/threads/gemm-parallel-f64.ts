/**
 * The float64 GEMM on the shared thread pool, by panels like the float32 one (gemm-parallel.ts),
 * with the bytes of the one-thread float64 kernel (and so of the TypeScript one) on any thread
 * count. The float64 operands are often hundreds of megabytes (X of NMF), so they are not copied
 * into the pool's memory whole: the product runs as a sequence of slabs of at most
 * {@link SLAB_BYTES}, along m (rows of op(A) and of C, B whole) when m ≥ k, else along k (slices
 * of op(A)'s columns and op(B)'s rows, C whole, accumulated slab after slab). A k slab is a whole
 * number of the one-thread product's KC blocks and keeps that KC, so each element of C sees the
 * same blocks, in the same order, with the same β (the caller's for the first block, then 1).
 * Each slab's C is cut into panels that the threads claim (`ThreadPool.share`); in each panel
 * this thread first copies the next slab into the other of two buffers, so the copy overlaps the
 * workers' panels.
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { COMMAND_PANELS_F64 } from './control.js';
import { MAX_PANELS, type ThreadPool } from './pool.js';
import { PANELS_PER_THREAD } from './gemm-parallel.js';
import { f64KernelsAt, threadPool } from './threads.js';
import { F64_MICRO, type GemmF64Exports } from '../wasm/gemm-kernel-f64.js';
import { F64_BLOCKING, blockedProductF64, gemmF64Module } from '../wasm/gemm-wasm-f64.js';
import type { MicroShapeF64 } from '../wasm/micro-f64.js';

/**
 * Float64 products with m·n·k below this stay on one thread: the float32 crossover
 * (gemm-parallel.ts), kept because the 2-core machine ran at load 20–40 when this kernel was
 * written and `npm run bench -- gemm-f64 --only threads` measured the other sessions' load there
 * (bench/README.md, "Float64 GEMM"). A float64 element costs about twice a float32 one, so the
 * true crossover is likely lower.
 */
export const PARALLEL_PRODUCT_F64 = 1_000_000;

/** The most bytes of operands one slab copies into the pool's memory (two such buffers are kept). */
export const SLAB_BYTES = 16 << 20;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

// This thread's instance of the shared float64 module, per pool memory.
const mainInstances = new WeakMap<WebAssembly.Memory, GemmF64Exports>();

/** This thread's instance of the shared float64 GEMM `module` on `pool`'s memory (made once per memory). */
export function mainExports(pool: ThreadPool, module: WebAssembly.Module): GemmF64Exports {
  let e = mainInstances.get(pool.memory);
  if (e === undefined) {
    e = new WebAssembly.Instance(module, { env: { memory: pool.memory } }).exports as unknown as GemmF64Exports;
    mainInstances.set(pool.memory, e);
  }
  return e;
}

/** Bytes of one thread's packing scratch: the edge tile and the largest packed A and B blocks. */
function scratchBytes(shape: MicroShapeF64): number {
  const mc = Math.ceil(F64_BLOCKING.mc / shape.mr) * shape.mr;
  const nc = Math.ceil(F64_BLOCKING.nc / shape.nr) * shape.nr;
  return align(shape.mr * shape.nr * 8) + align(mc * F64_BLOCKING.kc * 8) + align(F64_BLOCKING.kc * nc * 8);
}

function scratchAt(at: number, shape: MicroShapeF64): { tile: number; a: number; b: number } {
  const mc = Math.ceil(F64_BLOCKING.mc / shape.mr) * shape.mr;
  const a = at + align(shape.mr * shape.nr * 8);
  return { tile: at, a, b: a + align(mc * F64_BLOCKING.kc * 8) };
}

/** Copies the stored window X[r0 : r0 + rows, 0 : cols] (leading dimension ld) densely (ld = cols) to heap at element `at`. */
function copyRows(heap: Float64Array, at: number, X: Float64Array, ld: number, r0: number, rows: number, cols: number): void {
  if (ld === cols) heap.set(X.subarray(r0 * ld, (r0 + rows) * ld), at);
  else for (let r = 0; r < rows; r++) heap.set(X.subarray((r0 + r) * ld, (r0 + r) * ld + cols), at + r * cols);
}

/** The reverse of {@link copyRows}. */
function copyRowsOut(heap: Float64Array, at: number, X: Float64Array, ld: number, r0: number, rows: number, cols: number): void {
  if (ld === cols) X.set(heap.subarray(at, at + rows * cols), r0 * ld);
  else for (let r = 0; r < rows; r++) X.set(heap.subarray(at + r * cols, at + (r + 1) * cols), (r0 + r) * ld);
}

/** One slab of the product: its extent along the split dimension and the β its blocks start with. */
interface Slab {
  start: number;
  size: number;
}

/**
 * C = alpha·op(A)·op(B) + beta·C in float64 on up to `threads` threads (m, n, k ≥ 1, alpha ≠ 0),
 * the bytes of the one-thread float64 kernel. Returns how many panels the workers computed, or
 * −1, leaving C untouched, when the pool or its float64 kernels are unavailable or its memory
 * cannot grow; the caller then runs one thread. Throws if a worker fails. `slabBytes` is for tests (many slabs on small shapes).
 */
export function gemmParallelF64(
  threads: number, transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  beta: number, C: Float64Array, ldc: number, slabBytes = SLAB_BYTES,
): number {
  const module = gemmF64Module(true);
  if (threads < 2 || module === null) return -1;
  const shape = F64_MICRO;
  const KC = balancedBlock(k, F64_BLOCKING.kc, 1);
  const alongM = m >= k;
  // Doubles per unit of the split dimension (a row of op(A) and of C, or a k step of op(A) and op(B)), and the fixed part.
  const perUnit = alongM ? k + n : m + n;
  const fixed = alongM ? k * n : m * n;
  const unit = alongM ? 1 : KC;
  const total = alongM ? m : k;
  const units = Math.max(1, Math.floor(slabBytes / 8 / (perUnit * unit)));
  const slabSize = Math.min(total, units * unit);
  const slabs: Slab[] = [];
  for (let s = 0; s < total; s += slabSize) slabs.push({ start: s, size: Math.min(slabSize, total - s) });
  const bufferBytes = align(slabSize * perUnit * 8);
  const perThread = scratchBytes(shape);
  const bytes = threads * perThread + 64 + align(fixed * 8) + 2 * bufferBytes;
  const pool = threadPool(threads, bytes);
  if (pool === null) return -1;
  const kernelsAt = f64KernelsAt(pool);
  if (kernelsAt < 0 || !pool.reserve(pool.dataAt + bytes)) return -1;
  const exports = mainExports(pool, module);
  const scalarsAt = pool.dataAt + threads * perThread;
  const fixedAt = scalarsAt + 64;
  const bufferAt = (s: number): number => fixedAt + align(fixed * 8) + (s % 2) * bufferBytes;
  const heap = (): Float64Array => new Float64Array(pool.memory.buffer);

  // The fixed operand: B whole (along m), or C whole (along k, read when β ≠ 0).
  if (alongM) copyRows(heap(), fixedAt / 8, B, ldb, 0, transB ? n : k, transB ? k : n);
  else if (beta !== 0) copyRows(heap(), fixedAt / 8, C, ldc, 0, m, n);
  // A slab's buffer: op(A)'s part (stored rows, dense), then op(B)'s part (along k) or C's rows (along m).
  const load = (slab: Slab): void => {
    const h = heap();
    const at = bufferAt(slabs.indexOf(slab)) / 8;
    if (alongM) {
      // Rows start … start + size of op(A): stored rows (no transpose) or a column window (transposed).
      if (transA) for (let p = 0; p < k; p++) h.set(A.subarray(p * lda + slab.start, p * lda + slab.start + slab.size), at + p * slab.size);
      else copyRows(h, at, A, lda, slab.start, slab.size, k);
      if (beta !== 0) copyRows(h, at + slab.size * k, C, ldc, slab.start, slab.size, n);
    } else {
      if (transA) copyRows(h, at, A, lda, slab.start, slab.size, m);
      else for (let i = 0; i < m; i++) h.set(A.subarray(i * lda + slab.start, i * lda + slab.start + slab.size), at + i * slab.size);
      if (transB) for (let j = 0; j < n; j++) h.set(B.subarray(j * ldb + slab.start, j * ldb + slab.start + slab.size), at + slab.size * m + j * slab.size);
      else copyRows(h, at + slab.size * m, B, ldb, slab.start, slab.size, n);
    }
  };
  load(slabs[0]);
  let byWorkers = 0;
  slabs.forEach((slab, s) => {
    const at = bufferAt(s);
    const next = s + 1 < slabs.length ? slabs[s + 1] : undefined;
    let prefetched = next === undefined;
    const prefetch = (): void => {
      if (prefetched || next === undefined) return;
      prefetched = true;
      load(next);
    };
    if (alongM) {
      // op(A) slab [size, k] (dense, lda = k or size when transposed), B fixed, C rows in the buffer.
      const cAt = at + slab.size * k * 8;
      const [aLd, bLd] = [transA ? slab.size : k, transB ? k : n];
      byWorkers += runSlab(pool, exports, kernelsAt, shape, perThread, scalarsAt, prefetch, transA, transB, slab.size, n, k, KC, alpha, at, aLd, fixedAt, bLd, beta, cAt, n);
      copyRowsOut(heap(), cAt / 8, C, ldc, slab.start, slab.size, n);
    } else {
      const [aLd, bLd] = [transA ? m : slab.size, transB ? slab.size : n];
      byWorkers += runSlab(pool, exports, kernelsAt, shape, perThread, scalarsAt, prefetch, transA, transB, m, n, slab.size, KC, alpha, at, aLd, at + slab.size * m * 8, bLd, s === 0 ? beta : 1, fixedAt, n);
    }
    prefetch();
  });
  if (!alongM) copyRowsOut(heap(), fixedAt / 8, C, ldc, 0, m, n);
  return byWorkers;
}

/**
 * One slab's product on operands in the pool's memory (byte offsets, leading dimensions in
 * elements), with the given KC: C's panels claimed by this thread and the workers; this thread
 * calls `prefetch` before its first panel. Returns how many panels the workers computed.
 */
function runSlab(
  pool: ThreadPool, exports: GemmF64Exports, kernelsAt: number, shape: MicroShapeF64, perThread: number, scalarsAt: number,
  prefetch: () => void, transA: boolean, transB: boolean, m: number, n: number, k: number, KC: number,
  alpha: number, aAt: number, lda: number, bAt: number, ldb: number, beta: number, cAt: number, ldc: number,
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
    return { kc: KC, mc: balancedBlock(rows, F64_BLOCKING.mc, shape.mr), nc: balancedBlock(cols, F64_BLOCKING.nc, shape.nr) };
  };
  const full = blocksOf(span);
  const last = blocksOf(lastSize);
  const [aLane, aK] = transA ? [8, lda * 8] : [lda * 8, 8];
  const [bLane, bK] = transB ? [ldb * 8, 8] : [8, ldb * 8];
  new Float64Array(pool.memory.buffer, scalarsAt, 2).set([alpha, beta]);
  const mine = scratchAt(pool.dataAt, shape);
  let first = true;
  return pool.share(count, COMMAND_PANELS_F64, (ctl, _ctlF, i, w) => {
    const scratch = scratchAt(pool.dataAt + (w + 1) * perThread, shape);
    const args = [m, n, k, scalarsAt, 0, aAt, aLane, aK, bAt, bLane, bK, cAt, ldc, scratch.tile, scratch.a, scratch.b,
      full.kc, full.mc, full.nc, last.mc, last.nc, byColumns ? 1 : 0, span, kernelsAt];
    args.forEach((v, j) => { ctl[i + j] = v; });
  }, (p) => {
    if (first) {
      first = false;
      prefetch();
    }
    const start = p * span;
    const size = p === count - 1 ? lastSize : span;
    const blocks = p === count - 1 ? last : full;
    if (byColumns) {
      blockedProductF64(exports, mine, blocks, transA, transB, m, size, k, alpha, aAt, lda, bAt + start * bLane, ldb, beta, cAt + start * 8, ldc);
    } else {
      blockedProductF64(exports, mine, blocks, transA, transB, size, n, k, alpha, aAt + start * aLane, lda, bAt, ldb, beta, cAt + start * ldc * 8, ldc);
    }
  });
}
