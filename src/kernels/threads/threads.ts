/**
 * The thread count setting: {@link setThreads}, {@link getThreads} and `LATENT_TS_THREADS`,
 * and the one pool the parallel kernels share (kernels/threads/pool.ts).
 *
 * @module
 */
import { describeValue } from '../../errors.js';
import { gemmF64Module } from '../wasm/gemm-wasm-f64.js';
import { sharedGemmModule, sharedGramModule } from '../wasm/runtime.js';
import { compiledModule } from '../wasm/fixed-instance.js';
import { buildGramF64Module } from '../wasm/gram-f64.js';
import { buildCentreRowsModule } from '../wasm/centre-rows.js';
import { type RangeKernel, workerHost } from './host.js';
import { ThreadPool } from './pool.js';

/** Environment variable read once, on first use, when {@link setThreads} has not been called. */
export const THREADS_ENV_VAR = 'LATENT_TS_THREADS';

/** The most threads {@link setThreads} accepts. */
export const MAX_THREADS = 256;

let requested: number | undefined;

function checkCount(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(`${what} must be an integer from 1 to ${MAX_THREADS} (got ${describeValue(n)})`);
  }
  return n;
}

/**
 * The most threads the default takes. Measured on a 2-core machine (bench/README.md, VAE,
 * "Threads"): 2 threads train the VAE 1.15–1.57× faster than 1 and run its six products
 * 1.38–1.76× faster. More threads than that could not be measured there; each panel of a
 * product packs the whole shared operand again, so the gain shrinks with the thread count, and
 * 4 is kept until a larger machine measures more.
 */
export const DEFAULT_THREADS_CAP = 4;

/** The cores this realm reports: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a browser, else 1. */
export function availableCores(): number {
  const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown }; navigator?: { hardwareConcurrency?: number } };
  try {
    const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    const cores = os?.availableParallelism?.() ?? os?.cpus?.().length ?? g.navigator?.hardwareConcurrency;
    return typeof cores === 'number' && Number.isInteger(cores) && cores >= 1 ? cores : 1;
  } catch {
    return 1;
  }
}

function initialThreads(): number {
  const env = typeof process !== 'undefined' ? process.env?.[THREADS_ENV_VAR] : undefined;
  if (env === undefined || env === '') return Math.min(availableCores(), DEFAULT_THREADS_CAP);
  const trimmed = env.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : env;
  return checkCount(value, `environment variable ${THREADS_ENV_VAR}`);
}

/** Whether this realm can run threads: shared memory, a worker host and the WebAssembly kernel. */
export function threadsSupported(): boolean {
  return workerHost() !== null && sharedGemmModule() !== null;
}

/**
 * Sets how many threads the parallel kernels use, from the next call on, in this JavaScript
 * realm. `n` is an integer from 1 to 256 (a `RangeError` otherwise). Where threads cannot run (no
 * SharedArrayBuffer: a browser page that is not cross-origin isolated, which needs the headers
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`; or
 * no WebAssembly SIMD) the setting is kept but {@link getThreads} says 1.
 *
 * The default is the `LATENT_TS_THREADS` environment variable, read once, or else the cores
 * available (`os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in a browser)
 * up to 4 (`DEFAULT_THREADS_CAP`). The large float32 matrix products (a fit's, in place, and
 * others through copies), the large float64 ones (NMF, FastICA, FactorAnalysis, the float64 PCA,
 * LogisticRegression), a fit's Adam updates, ReLUs, bias sums, summed BCE and gradient norm,
 * the PCA's float32 Gram and Rayleigh–Ritz step, and large batches of Hamming searches
 * (`HammingIndex.queryMany`) run in parallel, and so do the transforms of PCA, IncrementalPCA, PPCA and FactorAnalysis on large float32/float64 inputs (read, checked, centred and multiplied by the threads). A fit uses the count set when it starts: calling this during a fit applies from
 * the next one. Results are the same bytes on any thread count.
 *
 * @example
 * ```ts
 * import { setThreads, getThreads } from 'latent-ts';
 * setThreads(2);
 * getThreads(); // 2 where threads can run, else 1
 * ```
 */
export function setThreads(n: number): void {
  const count = checkCount(n, 'setThreads: n');
  requested = count;
  if (pool !== undefined && pool.workers !== count - 1) dropPool();
}

/**
 * The number of threads the parallel kernels use: the last {@link setThreads} value, else
 * `LATENT_TS_THREADS`, else the available cores up to 4; always 1
 * where threads cannot run.
 *
 * @example
 * ```ts
 * console.log(`latent-ts uses ${getThreads()} thread(s)`);
 * ```
 */
export function getThreads(): number {
  requested ??= initialThreads();
  return requested > 1 && threadsSupported() ? requested : 1;
}

let pool: ThreadPool | undefined;

function dropPool(): void {
  pool?.close();
  pool = undefined;
}

/**
 * The shared pool for `threads` threads (this one and `threads − 1` workers) with room for
 * `bytes` bytes after its control block, or null where threads cannot run. A new pool is made
 * when the thread count changed, the memory would exceed its maximum, or a worker died; its
 * workers start asynchronously, so callers use {@link ThreadPool.readyWorkers}.
 */
export function threadPool(threads: number, bytes: number): ThreadPool | null {
  const host = workerHost();
  const gemm = sharedGemmModule();
  if (host === null || gemm === null) return null;
  const unfit = pool !== undefined && (pool.workers !== threads - 1 || pool.failed !== undefined || pool.dataAt + bytes > pool.capacity);
  // Deferred (withSharedPoolDeferred): no pool is started or replaced; a failure is still reported.
  if (deferrals > 0 && (pool === undefined || unfit) && pool?.failed === undefined) return null;
  if (unfit) {
    const failure = pool?.failed;
    dropPool();
    if (failure !== undefined) throw new Error(`latent-ts threads: ${failure}`);
  }
  pool ??= new ThreadPool(host, gemm.module, threads - 1, bytes, undefined, sharedPoolKernels());
  return pool;
}

let deferrals = 0;

/**
 * Runs the synchronous `fn` with the shared pool's start deferred: inside it, a kernel that
 * would start the pool (or replace it) runs on one thread instead, and one that finds it
 * running uses it. For a fit's first step, which runs before the fit's arena (and its own
 * workers) exists: starting the shared pool there cost that step 20–35 ms on a 2-core machine
 * and took the workers prepared for the arena (bench/README.md, "Threads from a fit's first
 * steps"). The bytes are the same either way.
 *
 * @example
 * ```ts
 * const loss = withSharedPoolDeferred(() => firstStep());
 * ```
 */
export function withSharedPoolDeferred<T>(fn: () => T): T {
  deferrals++;
  try {
    return fn();
  } finally {
    deferrals--;
  }
}

/**
 * The kernels the shared pool's workers instantiate besides the GEMM module: the Gram module's
 * `packA`, `packB` and `macro`, from {@link GRAM_KERNELS} on, for the PCA Gram
 * (gram-parallel.ts, control.ts `COMMAND_GRAM`), then the float64 GEMM module's, from
 * {@link F64_KERNELS} on (gemm-parallel-f64.ts, `COMMAND_PANELS_F64`); none where the Gram
 * module is unavailable.
 */
function sharedPoolKernels(): RangeKernel[] {
  const gram = sharedGramModule();
  if (gram === null) return [];
  const kernels: RangeKernel[] = GRAM_KERNEL_NAMES.map((name) => ({ module: gram.module, name }));
  const f64 = gemmF64Module(true);
  if (f64 !== null) {
    kernels.push(...F64_KERNEL_NAMES.map((name) => ({ module: f64, name })));
    // The double BᵀB of the PCA's Rayleigh–Ritz step, by accumulator rows (ritz-parallel.ts).
    const gramF64 = compiledModule(buildGramF64Module, true);
    if (gramF64 !== null) {
      kernels.push({ module: gramF64, name: 'rows' });
      // Centring a chunk of rows in place, by the thread that computes its Gram (gram-parallel.ts).
      const centre = compiledModule(buildCentreRowsModule, true);
      if (centre !== null) kernels.push({ module: centre, name: 'centre' });
    }
  }
  return kernels;
}

/** Where the double Gram's `rows` (gram-f64.ts) sits in the shared pool's table, after the float64 GEMM's. */
const GRAM_F64_ROWS = 6;

/** Index of the double Gram's `rows` in the shared pool's kernel table, or −1 if absent. */
export function gramF64RowsAt(p: ThreadPool): number {
  return p.kernelCount > GRAM_F64_ROWS ? GRAM_F64_ROWS : -1;
}

/** Where the row centring (centre-rows.ts) sits in the shared pool's table, after the double Gram's `rows`. */
const CENTRE_ROWS = 7;

/** Index of the row centring `centre` (centre-rows.ts) in the shared pool's kernel table, or −1 if absent. */
export function centreRowsAt(p: ThreadPool): number {
  return p.kernelCount > CENTRE_ROWS ? CENTRE_ROWS : -1;
}

/** The float64 GEMM module's exports in the shared pool's kernel table, after the Gram's. */
const F64_KERNEL_NAMES = ['packA', 'packB', 'macro'] as const;

/** Where the float64 GEMM's kernels start in the shared pool's table. */
export const F64_KERNELS = 3;

/**
 * Index of the float64 GEMM module's `packA` in the shared pool's kernel table (`packB` and
 * `macro` follow), or −1 if absent.
 */
export function f64KernelsAt(p: ThreadPool): number {
  return p.kernelCount >= F64_KERNELS + F64_KERNEL_NAMES.length ? F64_KERNELS : -1;
}

/** The Gram module's exports in the shared pool's kernel table, in this order. */
const GRAM_KERNEL_NAMES = ['packA', 'packB', 'macro'] as const;

/** Index of the Gram module's `packA` in the shared pool's kernel table (`packB` and `macro` follow), or −1 if absent. */
export function gramKernelsAt(p: ThreadPool): number {
  return p.kernelCount >= GRAM_KERNELS + GRAM_KERNEL_NAMES.length ? GRAM_KERNELS : -1;
}

/** Where the Gram's kernels start in the shared pool's table. */
export const GRAM_KERNELS = 0;
