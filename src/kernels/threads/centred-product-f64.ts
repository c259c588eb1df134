/**
 * Z = ((X ⊘ s) − 1mᵀ)·op(B) in float64 on the shared pool, for the transforms of the linear
 * latent models (PCA's and IncrementalPCA's scores, the posterior means of PPCA and
 * FactorAnalysis): X is the caller's float32 or float64 input, n × d; s (per-column scales, or
 * none) and m are float64; op(B) is d × k. Their one-thread path converts X to float64 (toMatrix),
 * checks it is finite, centres it, and then multiplies, and only the product was parallel: at
 * 60,000 × 784 → 50, three quarters of the time went to the serial preparation. Here the rows go
 * through the pool's memory in slabs, raw (the float32 input is copied as float32, half the
 * bytes), the next slab copied by this thread while the workers compute; each slab is cut into
 * chunks of rows that the threads claim (`ThreadPool.share`, control.ts
 * `COMMAND_CENTRED_F64`), and each thread converts, checks and centres its chunk into its own
 * float64 buffer and multiplies it with the one-thread float64 loop (`blockedProductF64`; the
 * worker's `product`) into the chunk's rows of Z.
 *
 * Same bytes: each value of the centred rows is `x − mⱼ` (or `x / sⱼ − mⱼ`), the operations of
 * the one-thread preparation, and each element of Z is one row of it times one column of op(B)
 * with the k blocking of the one-thread product (KC depends on d only), so Z is the bytes of the
 * one-thread path on any thread count. A chunk with a value that is not finite records where
 * its first one is; the call then stops and returns that position, and the caller's one-thread
 * path reports it (so the error is the one it always was).
 *
 * @module
 */
import { type Blocking, balancedBlock } from '../gemm-blocking.js';
import { COMMAND_CENTRED_F64 } from './control.js';
import { PANELS_PER_THREAD } from './gemm-parallel.js';
import { mainExports } from './gemm-parallel-f64.js';
import { f64KernelsAt, threadPool } from './threads.js';
import { F64_MICRO } from '../wasm/gemm-kernel-f64.js';
import { F64_BLOCKING, blockedProductF64, gemmF64Module } from '../wasm/gemm-wasm-f64.js';

/**
 * Transforms with rows·d·k below this stay on one thread (the caller's own path). Measured on
 * this repository's 2-core machine at load 2.3 (Fashion-MNIST rows, d = 784, k = 50) with the
 * constant set to 1 and `npm run bench -- pca --data /usr/share/datasets/fashion-mnist
 * --transform-crossover 5,10,25,50,100,200,400` (2 threads pooled against 1 thread's path):
 * 0.78× at 2·10⁵, 0.97× at 9.8·10⁵, 1.27× at 2.0·10⁶, 1.18× at 3.9·10⁶, 1.98× at 7.8·10⁶.
 */
export const PARALLEL_TRANSFORM = 1_500_000;

/** The most bytes of raw input one slab copies into the pool's memory (two such buffers are kept). */
export const TRANSFORM_SLAB_BYTES = 8 << 20;

/** The most rows one chunk (the unit the threads claim) holds. */
const MAX_CHUNK_ROWS = 256;

/** The most chunks one slab is cut into. */
const MAX_SLAB_CHUNKS = 1024;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** What {@link centredProductParallelF64} multiplies. */
export interface CentredProduct {
  /** X, row-major n × d (float32 values are converted exactly). */
  readonly x: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** m, subtracted from each row (after the division by `scale`). */
  readonly mean: Float64Array;
  /** s, each column divided by it first; null for none. */
  readonly scale: Float64Array | null;
  /** B, dense: k × d (op(B) = Bᵀ) when `transB`, else d × k. */
  readonly b: Float64Array;
  readonly transB: boolean;
  /** k, the columns of Z. */
  readonly k: number;
}

/**
 * Z (rows × k, float64) on up to `threads` threads, the bytes of the one-thread path; or
 * `{ nonFinite }`, the element index in X of its first value that is not finite (NaN, ±∞),
 * with Z not computed; or null, computing nothing, where threads cannot run or the pool's
 * memory cannot hold the work (the caller then runs its one-thread path). `byWorkers` counts
 * the chunks the workers computed. Throws if a worker fails. `slabBytes` is for tests.
 */
export function centredProductParallelF64(
  threads: number, p: CentredProduct, slabBytes = TRANSFORM_SLAB_BYTES,
): { z: Float64Array; byWorkers: number } | { nonFinite: number } | null {
  const { x, rows, cols: d, k } = p;
  const module = gemmF64Module(true);
  if (threads < 2 || module === null || rows < 1 || d < 1 || k < 1) return null;
  const shape = F64_MICRO;
  const es = x instanceof Float32Array ? 4 : 8;
  // At most MAX_SLAB_CHUNKS chunks per slab (a job's claim word holds fewer than 2,048).
  const slabRows = Math.min(rows, Math.max(1, Math.floor(slabBytes / (d * es))), MAX_CHUNK_ROWS * MAX_SLAB_CHUNKS);
  const chunkRows = Math.min(MAX_CHUNK_ROWS, Math.ceil(Math.ceil(slabRows / (threads * PANELS_PER_THREAD)) / shape.mr) * shape.mr);
  const chunksPerSlab = Math.ceil(slabRows / chunkRows);
  const KC = balancedBlock(d, F64_BLOCKING.kc, 1);
  const NC = balancedBlock(k, F64_BLOCKING.nc, shape.nr);
  const mc = Math.ceil(F64_BLOCKING.mc / shape.mr) * shape.mr;
  // A thread's packing scratch (edge tile, packed A block, packed B block), then its centred chunk.
  const tileBytes = align(shape.mr * shape.nr * 8);
  const packBytes = tileBytes + align(mc * KC * 8) + align(KC * NC * 8);
  const perThread = packBytes + align(chunkRows * d * 8);
  const rawBytes = align(slabRows * d * es);
  const bytes = threads * perThread + 2 * align(d * 8) + align(d * k * 8) + align(chunksPerSlab * 4) + 2 * rawBytes + align(slabRows * k * 8);
  const pool = threadPool(threads, bytes);
  if (pool === null) return null;
  const kernelsAt = f64KernelsAt(pool);
  if (kernelsAt < 0 || !pool.reserve(pool.dataAt + bytes)) return null;
  const exports = mainExports(pool, module);
  const threadAt = (w: number): number => pool.dataAt + w * perThread;
  const meanAt = threadAt(threads);
  const scaleAt = meanAt + align(d * 8);
  const bAt = scaleAt + align(d * 8);
  const badAt = bAt + align(d * k * 8);
  const rawAt = (s: number): number => badAt + align(chunksPerSlab * 4) + (s % 2) * rawBytes;
  const cAt = rawAt(0) + 2 * rawBytes;
  const buffer = pool.memory.buffer;
  const heap = new Float64Array(buffer);
  heap.set(p.mean.subarray(0, d), meanAt / 8);
  if (p.scale !== null) heap.set(p.scale.subarray(0, d), scaleAt / 8);
  heap.set(p.b.subarray(0, d * k), bAt / 8);
  const [bLane, bK] = p.transB ? [d * 8, 8] : [8, k * 8];
  const mean = new Float64Array(buffer, meanAt, d);
  const scale = p.scale === null ? null : new Float64Array(buffer, scaleAt, d);
  const bad = new Int32Array(buffer, badAt, chunksPerSlab);
  const slabs = Math.ceil(rows / slabRows);
  const load = (s: number): void => {
    const r0 = s * slabRows;
    const view = es === 4 ? new Float32Array(buffer, rawAt(s), slabRows * d) : new Float64Array(buffer, rawAt(s), slabRows * d);
    view.set(x.subarray(r0 * d, Math.min(rows, r0 + slabRows) * d));
  };
  const z = new Float64Array(rows * k);
  const blocksFor = (m: number): Blocking => ({ kc: KC, mc: balancedBlock(m, F64_BLOCKING.mc, shape.mr), nc: NC });
  load(0);
  let byWorkers = 0;
  for (let s = 0; s < slabs; s++) {
    const r0 = s * slabRows;
    const m = Math.min(slabRows, rows - r0);
    const count = Math.ceil(m / chunkRows);
    const lastRows = m - (count - 1) * chunkRows;
    const full = blocksFor(chunkRows);
    const last = blocksFor(lastRows);
    const srcAt = rawAt(s);
    const src = es === 4 ? new Float32Array(buffer, srcAt, m * d) : new Float64Array(buffer, srcAt, m * d);
    let prefetched = s + 1 >= slabs;
    byWorkers += pool.share(count, COMMAND_CENTRED_F64, (ctl, _ctlF, i, w) => {
      const t = threadAt(w + 1);
      const args = [m, d, k, chunkRows, srcAt, es, meanAt, scale === null ? 0 : scaleAt, bAt, bLane, bK, cAt, badAt,
        t + packBytes, t, t + tileBytes, t + tileBytes + align(mc * KC * 8),
        KC, full.mc, NC, last.mc, kernelsAt];
      args.forEach((v, j) => { ctl[i + j] = v; });
    }, (c) => {
      if (!prefetched) {
        prefetched = true;
        load(s + 1);
      }
      const t = threadAt(0);
      const aAt = t + packBytes;
      const c0 = c * chunkRows;
      const cm = c === count - 1 ? lastRows : chunkRows;
      const a = new Float64Array(buffer, aAt, cm * d);
      bad[c] = src instanceof Float32Array ? prepare32(src, c0 * d, cm, d, mean, scale, a) : prepare64(src, c0 * d, cm, d, mean, scale, a);
      blockedProductF64(exports, { tile: t, a: t + tileBytes, b: t + tileBytes + align(mc * KC * 8) }, c === count - 1 ? last : full,
        false, p.transB, cm, k, d, 1, aAt, d, bAt, p.transB ? d : k, 0, cAt + c0 * k * 8, k);
    });
    if (!prefetched) load(s + 1);
    for (let c = 0; c < count; c++) if (bad[c] >= 0) return { nonFinite: r0 * d + c * chunkRows * d + bad[c] };
    z.set(new Float64Array(buffer, cAt, m * k), r0 * k);
  }
  return { z, byWorkers };
}

// Monomorphic copies of one loop (a Float32Array | Float64Array union compiles slowly); the
// worker script repeats it (worker-source.ts, `prepare`). Returns the offset in the chunk of its
// first value that is not finite, or −1.

function prepare32(src: Float32Array, o: number, rows: number, d: number, mean: Float64Array, scale: Float64Array | null, a: Float64Array): number {
  let first = -1;
  for (let r = 0; r < rows; r++) {
    const ro = r * d;
    if (scale === null) {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v - mean[j];
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v / scale[j] - mean[j];
      }
    }
  }
  return first;
}

function prepare64(src: Float64Array, o: number, rows: number, d: number, mean: Float64Array, scale: Float64Array | null, a: Float64Array): number {
  let first = -1;
  for (let r = 0; r < rows; r++) {
    const ro = r * d;
    if (scale === null) {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v - mean[j];
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v / scale[j] - mean[j];
      }
    }
  }
  return first;
}
