/**
 * The GEMM bench's thread columns: per shape, the product on the copy path (`latent-wasm`,
 * operands in ordinary arrays) and in place (`latent-wasm-arena`, operands in a training
 * arena's memory) at each thread count, timed one call per count in turn so that a load coming
 * and going on a shared machine hits every count alike; the ratio to one thread per row (of the
 * medians, and the median of the per-round ratios); and whether every count gave the bytes of
 * one thread.
 *
 * The calls are those `gemm` makes at each count (kernels/gemm.ts): one thread is the one-thread
 * kernel, more go to `gemmParallel` (copy path) or to the arena's pool (`WasmArena.gemm`) for
 * products of at least `PARALLEL_PRODUCT`. They are called directly rather than through
 * `setThreads`, which would end and restart the shared pool's workers at every change of count.
 */
import { gemm } from '../src/kernels/gemm.js';
import { PARALLEL_PRODUCT, gemmParallel } from '../src/kernels/threads/gemm-parallel.js';
import { availableCores, threadPool } from '../src/kernels/threads/threads.js';
import { WasmArena } from '../src/kernels/wasm/arena.js';
import { gemmWasm } from '../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../src/kernels/wasm/runtime.js';
import type { Rng } from '../src/random/rng.js';
import type { GemmShape } from './gemm.bench.js';
import { type BenchArgs, type Row, fmt, listOption, printTable } from './harness.js';

/** The two ways a product's operands can live. */
export type ThreadVariant = 'latent-wasm' | 'latent-wasm-arena';

/** One shape, one variant, every thread count. */
export interface ThreadColumns {
  shape: string;
  product: string;
  variant: ThreadVariant;
  /** Per thread count: GFLOP/s of the median, fastest and slowest call, and the raw samples. */
  counts: Array<{ threads: number; medianMs: number; minMs: number; maxMs: number; gflops: number; samplesMs: number[] }>;
  /** Per thread count above 1: median(1 thread) / median(t threads). */
  ratio: Record<string, number>;
  /** Per thread count above 1: the median over the rounds of t1/tt of that round. */
  pairedRatio: Record<string, number>;
  /** Whether every thread count gave the bytes of one thread. */
  sameBytes: boolean;
  /** Arena only: whether the workers computed panels at the counts above 1 (they really ran). */
  workersRan?: boolean;
}

/** `--threads 1,2,…`, default 1, 2 and the available cores (deduplicated); `--threads none`: none. */
export function threadCounts(args: BenchArgs): number[] {
  const listed = listOption(args, 'threads');
  if (listed !== undefined && listed.length === 1 && listed[0] === 'none') return [];
  const raw = listed?.map(Number) ?? [1, 2, availableCores()];
  for (const t of raw) if (!Number.isInteger(t) || t < 1) throw new Error(`gemm: --threads wants integers ≥ 1, got ${listed?.join(',')}`);
  const counts = [...new Set([1, ...raw])];
  return counts.sort((a, b) => a - b);
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

interface Runner {
  threads: number;
  /** Makes sure the workers this count uses have started (the copy path's pool is shared by the counts). */
  settle(): Promise<void>;
  call(): void;
  out: Float32Array;
  workersRan(): boolean;
  dispose(): void;
}

function copyRunner(s: GemmShape, t: number, A: Float32Array, B: Float32Array): Runner {
  const w = wasmGemm();
  if (w === null) throw new Error('gemm: thread columns need the WebAssembly SIMD kernel');
  const out = new Float32Array(s.m * s.n);
  const lda = s.transA ? s.m : s.k;
  const ldb = s.transB ? s.k : s.n;
  const parallel = t > 1 && s.m * s.n * s.k >= PARALLEL_PRODUCT;
  const call = parallel
    ? () => {
      if (!gemmParallel(t, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, out, s.n)) throw new Error(`gemm: no pool of ${t} threads here`);
    }
    : () => { gemmWasm(w, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, out, s.n); };
  return {
    threads: t, out, call, workersRan: () => true, dispose: () => {},
    // The first call makes (or keeps) a pool of t threads large enough; then wait for its workers.
    settle: async () => {
      if (!parallel) return;
      call();
      await threadPool(t, 0)?.ready();
    },
  };
}

function arenaRunner(s: GemmShape, t: number, A: Float32Array, B: Float32Array): Runner {
  const arena = WasmArena.create(4 * (A.length + B.length + s.m * s.n) + 3 * 64, t);
  const resident = (x: Float32Array | number): Float32Array => {
    const v = arena?.alloc(typeof x === 'number' ? x : x.length);
    if (!v) throw new Error('gemm: no WebAssembly arena here');
    if (typeof x !== 'number') v.set(x);
    return v;
  };
  const [a, b, out] = [resident(A), resident(B), resident(s.m * s.n)];
  const lda = s.transA ? s.m : s.k;
  const ldb = s.transB ? s.k : s.n;
  const call = (): void => gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, out, s.n);
  let started = false;
  return {
    threads: t, out, call,
    settle: async () => {
      if (started) return;
      started = true;
      call(); // the arena's workers start on its first large product
      await arena?.ready();
    },
    workersRan: () => t === 1 || (arena?.splitProducts ?? 0) > 0,
    dispose: () => arena?.release(),
  };
}

/** Times both variants of one shape at every count, one call per count in turn. */
export async function measureThreadColumns(s: GemmShape, counts: number[], runs: number, rng: Rng): Promise<ThreadColumns[]> {
  const A = rng.fillNormal(new Float32Array(s.m * s.k)) as Float32Array;
  const B = rng.fillNormal(new Float32Array(s.k * s.n)) as Float32Array;
  const gflop = (2 * s.m * s.n * s.k) / 1e9;
  const columns: ThreadColumns[] = [];
  for (const variant of ['latent-wasm', 'latent-wasm-arena'] as const) {
    const runners = counts.map((t) => (variant === 'latent-wasm' ? copyRunner(s, t, A, B) : arenaRunner(s, t, A, B)));
    // The copy path's pooled counts share one pool: settle before each call only when the count changes.
    let lastPooled = -1;
    const callTimed = async (r: Runner): Promise<number> => {
      if (variant === 'latent-wasm-arena' || (r.threads > 1 && r.threads !== lastPooled)) {
        await r.settle();
        if (r.threads > 1) lastPooled = r.threads;
      }
      const t0 = performance.now();
      r.call();
      return performance.now() - t0;
    };
    // Warm-up: at least 0.2 s per count (JIT tiers, caches), or two calls for slow shapes.
    for (const r of runners) {
      const start = performance.now();
      for (let i = 0; i < 2 || (performance.now() - start < 200 && i < 200); i++) await callTimed(r);
    }
    const samples: number[][] = runners.map(() => []);
    // Three rounds per `--runs`: single calls of a few ms are noisy on a shared machine.
    const rounds = Math.max(15, 3 * runs);
    for (let round = 0; round < rounds; round++) {
      // Rotate which count goes first, so none always follows the same one.
      for (let j = 0; j < runners.length; j++) {
        const i = (j + round) % runners.length;
        samples[i].push(await callTimed(runners[i]));
      }
    }
    const one = samples[0];
    const ratio: Record<string, number> = {};
    const pairedRatio: Record<string, number> = {};
    runners.forEach((r, i) => {
      if (r.threads === 1) return;
      ratio[String(r.threads)] = median(one) / median(samples[i]);
      pairedRatio[String(r.threads)] = median(one.map((x, q) => x / samples[i][q]));
    });
    columns.push({
      shape: s.name, product: s.label, variant,
      counts: runners.map((r, i) => {
        const m = median(samples[i]);
        return { threads: r.threads, medianMs: m, minMs: Math.min(...samples[i]), maxMs: Math.max(...samples[i]), gflops: gflop / (m / 1e3), samplesMs: samples[i] };
      }),
      ratio, pairedRatio,
      sameBytes: runners.every((r) => sameBits(r.out, runners[0].out)),
      ...(variant === 'latent-wasm-arena' ? { workersRan: runners.every((r) => r.workersRan()) } : {}),
    });
    for (const r of runners) r.dispose();
  }
  return columns;
}

/** Prints one table per variant: GFLOP/s per count, the ratios to one thread, and the bytes check. */
export function reportThreadColumns(columns: ThreadColumns[], counts: number[]): void {
  for (const variant of ['latent-wasm', 'latent-wasm-arena'] as const) {
    const rows: Row[] = columns.filter((c) => c.variant === variant).map((c) => {
      const row: Row = { shape: c.shape, product: c.product };
      for (const k of c.counts) row[`${k.threads}t GFLOP/s`] = `${fmt(k.gflops)} (${fmt((k.gflops * k.medianMs) / k.maxMs, 2)}–${fmt((k.gflops * k.medianMs) / k.minMs, 2)})`;
      for (const t of counts.filter((x) => x > 1)) {
        row[`${t}t/1t`] = `${fmt(c.ratio[String(t)])}×`;
        row[`${t}t/1t paired`] = `${fmt(c.pairedRatio[String(t)])}×`;
      }
      row['same bytes'] = c.sameBytes ? 'yes' : 'NO';
      if (c.workersRan !== undefined) row['workers ran'] = c.workersRan ? 'yes' : 'NO';
      return row;
    });
    console.log(`\n${variant} by thread count: GFLOP/s, median (min–max), one call per count in turn; ratios of medians and median of per-round ratios`);
    printTable(rows);
  }
}
