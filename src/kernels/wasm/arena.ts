/**
 * A fixed-size WebAssembly memory whose Float32Arrays are the GEMM's operands themselves.
 *
 * Why: the shared kernel (`gemm-wasm.ts`) copies A and B into its memory and C back out on
 * every call. On the VAE's products that is 1.25 MB per weight matrix or weight gradient, about
 * 0.05 ms each at memcpy speed, plus the cache lines those copies evict, some 7–13% of a
 * product. A training step can avoid all of it by keeping its parameters, gradients and
 * activations in one memory with a GEMM instance of its own: the packing routines then read the
 * operands in place and the macro-kernel writes C in place.
 *
 * The memory is created at its final size and never grows, so views of it are never detached.
 * The first bytes hold the packing scratch; arrays are carved from the rest by a bump pointer
 * (the owner pools and reuses them, see `Workspace`) until {@link WasmArena.reset}.
 *
 * With more than one thread (kernels/threads/), the memory is a shared one, laid out as the
 * pool's control block, one packing scratch per thread, the kernel scratch and the arrays; the
 * arena's own pool of workers instantiates the same GEMM module on it, and products of at least
 * `PARALLEL_PRODUCT` are split into output panels that the workers compute in place
 * (`productOnPool`), with the bytes of the one-thread product. The workers start on the first
 * such product (a fit whose products are all small never starts one) and end at
 * {@link WasmArena.release}.
 *
 * @module
 */
import type { FloatArray } from '../../validate.js';
import type { GemmExports } from './gemm-kernel.js';
import { blockedProduct, blocksFor, packScratchAt, packScratchBytes } from './gemm-wasm.js';
import { compiledModule, type ModuleSource } from './fixed-instance.js';
import { gemmOnMemory, sharedGemmModule, wasmGemm } from './runtime.js';
import { PAGE_BYTES } from './memory.js';
import type { MicroShape } from './micro.js';
import { COMMAND_CALLS, COMMAND_RANGES, MAX_CALL_ARGS, MAX_RANGE_SCALARS, controlBytes } from '../threads/control.js';
import type { RangeKernel } from '../threads/host.js';
import { buildAdamModule } from './adam-module.js';
import { bceModule } from './bce-module.js';
import { buildBiasReluModule } from './bias-relu-module.js';
import { buildReluModule } from './relu-module.js';
import { buildSumSquaresModule } from './sum-squares-module.js';
import { PARALLEL_PRODUCT, panelScratchBytes, productOnPool } from '../threads/gemm-parallel.js';
import { workerHost } from '../threads/host.js';
import { MAX_PANELS, ThreadPool } from '../threads/pool.js';

const ALIGN = 64;

/**
 * The elementwise kernels a threaded arena's workers run over ranges ({@link WasmArena.shareRange}),
 * by index: the builder and its export.
 */
const RANGE_KERNELS: ReadonlyArray<{ build: ModuleSource; name: string }> = [
  { build: buildAdamModule, name: 'adam' },
  { build: buildReluModule, name: 'relu' },
  { build: bceModule, name: 'bce' },
  { build: buildBiasReluModule, name: 'mask' },
  { build: buildBiasReluModule, name: 'sums' },
  { build: buildSumSquaresModule, name: 'sumsq' },
];
/** Index of the Adam kernel in a threaded arena's range kernels. */
export const ADAM_IN_ARENA = 0;
/** Index of the ReLU forward (relu-module.ts) in a threaded arena's range kernels. */
export const RELU_IN_ARENA = 1;
/** Index of the summed BCE-with-logits (bce-module.ts). */
export const BCE_IN_ARENA = 2;
/** Index of the ReLU mask with bias sums, and of the bias sums alone (bias-relu-module.ts). */
export const MASK_IN_ARENA = 3;
export const SUMS_IN_ARENA = 4;
/** Index of Σx² (sum-squares-module.ts). */
export const SUM_SQUARES_IN_ARENA = 5;
/**
 * Ranges shorter than this many bytes run on this thread: sharing costs a few microseconds of
 * dispatch, and Adam streams about 1 KB per µs (28 bytes per parameter at 0.8 ms per 650,000).
 */
export const SHARED_RANGE_BYTES = 1 << 18;
/**
 * How long the workers of an arena's pool spin for their next task before blocking, in ms
 * (kernels/threads/worker-source.ts; the shared pool's spin 50 µs). A training step's serial
 * gaps between shared jobs (the loss, the reparameterisation noise, the next batch) are often
 * longer than 50 µs, and a worker woken from Atomics.wait starts some 65 µs later on this
 * repository's 2-core VM, while this thread does the panels alone. Measured on the VAE
 * (30,000 Fashion-MNIST rows, 1 epoch, 8 rounds alternating in one process, load average
 * 1.1–1.7, 2-core VM): against 1 ms, 50 µs trained 0.95× as fast (median of the per-round
 * ratios), 3 ms 1.09×, 10 ms 0.96× against 3 ms. The pool lives only as long as its fit, and a
 * worker halves its spin after each one that ends without a task (quarters it when preempted),
 * so an idle pool still costs nothing.
 */
export const FIT_SPIN_MS = 3;
/**
 * Bytes after the packing scratch that kernels may use for small results: accumulators, up to
 * 8,192 per-column double sums.
 */
export const KERNEL_SCRATCH_BYTES = 65536;
/** Bytes after the kernel scratch for the argument table of {@link WasmArena.shareCalls}. */
const CALL_TABLE_BYTES = 16384;

// Arenas by the buffer of their memory, so the GEMM entry can tell resident operands apart
// without any arena being "current". Weak: an arena nobody references is collected.
const byBuffer = new WeakMap<ArrayBufferLike, WasmArena>();

/** The arena whose memory holds `x`, if any. */
export function arenaOf(x: FloatArray): WasmArena | undefined {
  return byBuffer.get(x.buffer);
}

/**
 * For a kernel that can work in place: the arena holding `first` and every non-null array of
 * `rest`, with the exports of the module `build` makes instantiated on it; null when they do
 * not all live in one arena or the kernel cannot be had there (the caller then copies).
 *
 * @example
 * ```ts
 * const k = arenaKernel(buildReluModule, y);
 * if (k !== null) (k.exports.relu as Function)(y.byteOffset, bytes);
 * ```
 */
export function arenaKernel(
  build: ModuleSource, first: FloatArray, ...rest: (FloatArray | null)[]
): { arena: WasmArena; exports: WebAssembly.Exports } | null {
  const arena = byBuffer.get(first.buffer);
  if (arena === undefined || rest.some((x) => x !== null && x.buffer !== first.buffer)) return null;
  const exports = arena.kernel(build);
  return exports === null ? null : { arena, exports };
}

/** Where an arena's regions start, in bytes, and how its products may use threads. */
interface Layout {
  /** The first thread's packing scratch; thread p's is `panelScratchBytes` (threads/gemm-parallel.ts) further on per p. */
  readonly packAt: number;
  readonly kernelScratch: number;
  /** Threads the products may use (1: no pool), and the module the workers instantiate. */
  readonly threads: number;
  readonly sharedModule: WebAssembly.Module | null;
}

const alignUp = (x: number): number => Math.ceil(x / ALIGN) * ALIGN;

/** A fixed WebAssembly memory with its own GEMM instance; see the module comment. */
export class WasmArena {
  /** Byte offset of {@link KERNEL_SCRATCH_BYTES} reserved for small kernel outputs (sums). */
  readonly kernelScratch: number;
  /** Byte offset of the argument table of {@link WasmArena.shareCalls}. */
  private readonly callTable: number;
  /** First byte after the scratch areas. */
  private readonly base: number;
  private top: number;
  private readonly buffer: ArrayBufferLike;
  private readonly instances = new Map<ModuleSource, WebAssembly.Exports | null>();
  /** The kernel scratch as four float32 accumulators. */
  readonly scratch32: Float32Array;
  /** The kernel scratch as per-column double sums (up to 8,192). */
  readonly scratch64: Float64Array;
  private pool: ThreadPool | null = null;
  private released = false;
  private split = 0;
  private chunks = 0;
  private overlapped: (() => void) | undefined;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly exports: GemmExports,
    private readonly shape: MicroShape,
    private readonly layout: Layout,
  ) {
    this.buffer = memory.buffer;
    this.kernelScratch = layout.kernelScratch;
    this.callTable = this.kernelScratch + KERNEL_SCRATCH_BYTES;
    this.base = this.callTable + CALL_TABLE_BYTES;
    this.top = this.base;
    this.scratch32 = new Float32Array(this.buffer, this.kernelScratch, 4);
    this.scratch64 = new Float64Array(this.buffer, this.kernelScratch, KERNEL_SCRATCH_BYTES / 8);
    byBuffer.set(this.buffer, this);
  }

  /**
   * An arena with room for `bytes` of arrays (plus the packing scratch), or null where the
   * WebAssembly kernel is unavailable or the engine refuses the memory. With `threads` above 1
   * and where threads can run (kernels/threads/host.ts), its memory is shared and its large
   * products use up to `threads` threads; elsewhere it is the one-thread arena.
   *
   * @example
   * ```ts
   * const arena = WasmArena.create(4 << 20);
   * const a = arena?.alloc(1024) ?? new Float32Array(1024);
   * ```
   */
  static create(bytes: number, threads = 1): WasmArena | null {
    try {
      const kernel = wasmGemm();
      if (kernel === null) return null;
      const shared = threads > 1 && workerHost() !== null ? sharedGemmModule() : null;
      if (shared !== null) {
        const packAt = alignUp(controlBytes(threads - 1));
        const kernelScratch = alignUp(packAt + threads * panelScratchBytes(shared.shape));
        const pages = Math.ceil((kernelScratch + KERNEL_SCRATCH_BYTES + CALL_TABLE_BYTES + bytes + ALIGN) / PAGE_BYTES);
        const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
        const exports = new WebAssembly.Instance(shared.module, { env: { memory } }).exports as unknown as GemmExports;
        return new WasmArena(memory, exports, shared.shape, { packAt, kernelScratch, threads, sharedModule: shared.module });
      }
      const kernelScratch = alignUp(packScratchBytes(kernel.shape));
      const pages = Math.ceil((kernelScratch + KERNEL_SCRATCH_BYTES + CALL_TABLE_BYTES + bytes + ALIGN) / PAGE_BYTES);
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      const loaded = gemmOnMemory(memory);
      if (loaded === null) return null;
      return new WasmArena(memory, loaded.exports, loaded.shape, { packAt: 0, kernelScratch, threads: 1, sharedModule: null });
    } catch {
      return null;
    }
  }

  /**
   * Starts, ahead of time, the workers a `threads`-thread arena made next will take for its pool
   * (kernels/threads/host.ts, `WorkerHost.prepare`), so that its first split product does not
   * wait for threads to start. Returns the call that ends those no arena took, or null, starting
   * nothing, where threads cannot run or `threads` is 1.
   */
  static prepareWorkers(threads: number): (() => void) | null {
    const host = threads > 1 ? workerHost() : null;
    if (host === null || sharedGemmModule() === null) return null;
    host.prepare(threads - 1);
    return () => host.discardPrepared();
  }

  /** The threads this arena's large products use (1 for an arena on an ordinary memory). */
  get threads(): number {
    return this.layout.threads;
  }

  /** Resolves once the workers (started by the first large product) have all started; at once if none were. */
  async ready(): Promise<void> {
    await this.pool?.ready();
  }

  /** How many products had panels computed by a worker (diagnostics: tests check threads really ran). */
  get splitProducts(): number {
    return this.split;
  }

  /** How many chunks or calls of shared elementwise kernels a worker ran (diagnostics, as {@link WasmArena.splitProducts}). */
  get workerChunks(): number {
    return this.chunks;
  }

  /**
   * Ends the arena's workers, if any; its products run on this thread from then on. The arrays
   * stay valid. Idempotent.
   */
  release(): void {
    this.released = true;
    this.overlapped = undefined;
    this.pool?.close();
    this.pool = null;
  }

  /** Bytes handed out since the last {@link WasmArena.reset}. */
  get used(): number {
    return this.top - this.base;
  }

  /** A zeroed Float32Array of `n` elements in the arena, or null when it does not fit. */
  alloc(n: number): Float32Array | null {
    const bytes = Math.ceil((n * 4) / ALIGN) * ALIGN;
    if (this.top + bytes > this.buffer.byteLength) return null;
    const view = new Float32Array(this.buffer, this.top, n);
    view.fill(0);
    this.top += bytes;
    return view;
  }

  /** Makes all of the arena free again; arrays handed out before must no longer be used. */
  reset(): void {
    this.top = this.base;
  }

  /**
   * The exports of the module `build` makes (one that imports `env.memory`), instantiated on
   * this arena's memory once per builder; null where it cannot be (no SIMD, or the module needs
   * more memory than the arena has).
   */
  kernel(build: ModuleSource): WebAssembly.Exports | null {
    let exports = this.instances.get(build);
    if (exports === undefined) {
      exports = null;
      const module = compiledModule(build, this.layout.sharedModule !== null);
      try {
        if (module !== null) exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
      } catch {
        exports = null;
      }
      this.instances.set(build, exports);
    }
    return exports;
  }

  /** Whether `x` is a view of this arena's memory. */
  holds(x: FloatArray): x is Float32Array {
    return x.buffer === this.buffer;
  }

  /**
   * C = alpha·op(A)·op(B) + beta·C with all three operands in this arena, computed in place.
   * Returns false (leaving C untouched) when C overlaps A or B, which only a copying kernel can
   * handle. Requires m, n, k ≥ 1 and alpha ≠ 0, as `gemmWasm` does. On a threaded arena,
   * products of at least `PARALLEL_PRODUCT` are split over its workers (same bytes); a worker's
   * failure is thrown from here.
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, A: Float32Array, lda: number, B: Float32Array, ldb: number,
    beta: number, C: Float32Array, ldc: number,
  ): boolean {
    const c0 = C.byteOffset;
    const c1 = c0 + ((m - 1) * ldc + n) * 4;
    const overlaps = (X: Float32Array, rows: number, cols: number, ld: number): boolean => {
      const x0 = X.byteOffset;
      return x0 < c1 && c0 < x0 + ((rows - 1) * ld + cols) * 4;
    };
    if (overlaps(A, transA ? k : m, transA ? m : k, lda) || overlaps(B, transB ? n : k, transB ? k : n, ldb)) return false;
    const pool = m * n * k >= PARALLEL_PRODUCT ? this.threadPool() : null;
    if (pool !== null) {
      const before = this.overlapped;
      this.overlapped = undefined;
      const byWorkers = productOnPool(pool, this.exports, this.shape, this.layout.packAt, transA, transB, m, n, k,
        alpha, A.byteOffset, lda, B.byteOffset, ldb, beta, c0, ldc, before);
      if (byWorkers > 0) this.split++;
      return true;
    }
    const blocks = blocksFor(this.shape, m, n, k);
    blockedProduct(this.exports, packScratchAt(this.layout.packAt, this.shape, blocks), blocks, transA, transB, m, n, k,
      alpha, A.byteOffset, lda, B.byteOffset, ldb, beta, c0, ldc);
    return true;
  }

  /**
   * Runs range kernel `kernel` ({@link ADAM_IN_ARENA}) over `bytes` bytes from each of `pointers`
   * (byte addresses in this arena), in chunks of `chunkBytes`, shared with the arena's workers:
   * chunk c is `kernel(pointer + c·chunkBytes…, its bytes, ...scalars)`, exactly the calls of
   * a one-thread loop over the chunks, so an elementwise kernel gives the same bytes. Returns
   * false, running nothing, on a one-thread arena, before its workers have started, or for fewer
   * than `minBytes` (default 256 KiB; the caller then runs its loop). Throws if a worker fails.
   */
  shareRange(
    kernel: number, pointers: readonly number[], bytes: number, chunkBytes: number, scalars: readonly number[], minBytes = SHARED_RANGE_BYTES,
  ): boolean {
    const pool = this.pool;
    if (pool === null || bytes < minBytes || pool.readyWorkers().length === 0 || scalars.length > MAX_RANGE_SCALARS) return false;
    const run = this.kernel(RANGE_KERNELS[kernel].build)?.[RANGE_KERNELS[kernel].name] as ((...args: number[]) => void) | undefined;
    if (run === undefined) return false;
    const count = Math.ceil(bytes / chunkBytes);
    if (count > MAX_PANELS) return false;
    this.chunks += pool.share(count, COMMAND_RANGES, (ctl, ctlF, at) => {
      ctl[at] = kernel;
      ctl[at + 1] = pointers.length;
      ctl[at + 2] = chunkBytes;
      ctl[at + 3] = bytes;
      pointers.forEach((p, i) => { ctl[at + 4 + i] = p; });
      ctl[at + 8] = scalars.length;
      scalars.forEach((x, i) => { ctlF[at + 9 + i] = x; });
    }, (c) => {
      run(...pointers.map((p) => p + c * chunkBytes), Math.min(chunkBytes, bytes - c * chunkBytes), ...scalars);
    });
    return true;
  }

  /**
   * Runs range kernel `kernel` ({@link BCE_IN_ARENA}, …) once per row of `calls` (`args`
   * numbers per call, byte addresses in this arena and lengths; argument i a float32 where bit i
   * of `floats` is set), the calls shared with the arena's workers, each claimed by one thread.
   * The calls must write disjoint bytes (their own accumulators, their own columns), so who ran
   * which changes no bit, and the caller combines per-call results in call order. Returns false,
   * running nothing, on a one-thread arena, before its workers have started, for fewer than two
   * calls or more than the argument table holds (the caller then runs its loop). Throws if a
   * worker fails.
   */
  shareCalls(kernel: number, args: number, calls: readonly number[], floats = 0): boolean {
    const pool = this.pool;
    const count = calls.length / args;
    if (pool === null || count < 2 || count > MAX_PANELS || args > MAX_CALL_ARGS || calls.length * 4 > CALL_TABLE_BYTES
      || pool.readyWorkers().length === 0) return false;
    const run = this.kernel(RANGE_KERNELS[kernel].build)?.[RANGE_KERNELS[kernel].name] as ((...a: number[]) => void) | undefined;
    if (run === undefined) return false;
    const words = new Int32Array(this.buffer, this.callTable, calls.length);
    const reals = new Float32Array(this.buffer, this.callTable, calls.length);
    for (let i = 0; i < calls.length; i++) {
      if ((floats >> (i % args)) & 1) reals[i] = calls[i];
      else words[i] = calls[i];
    }
    this.chunks += pool.share(count, COMMAND_CALLS, (ctl, _ctlF, at) => {
      ctl[at] = kernel;
      ctl[at + 1] = args;
      ctl[at + 2] = this.callTable;
      ctl[at + 3] = floats;
    }, (c) => {
      run(...calls.slice(c * args, c * args + args));
    });
    return true;
  }

  /**
   * Runs `work` on this thread while the workers compute the first panels of the next product
   * split over them ({@link WasmArena.gemm}), in place of one panel of its own: serial work
   * that the caller needs only after that product (a VAE step's reparameterisation noise,
   * drawn while the workers start the encoder's first product) then costs no time of its own.
   * Returns false, keeping nothing, on an arena whose workers have not started: the caller
   * runs `work` itself. `work` must not depend on that product, and the caller must run it
   * (idempotently) when it needs its result, in case no product was split before then; a
   * later call replaces work not yet run.
   */
  overlapNextProduct(work: () => void): boolean {
    if (!this.canShare()) return false;
    this.overlapped = work;
    return true;
  }

  /** Whether {@link WasmArena.shareCalls} and {@link WasmArena.shareRange} can share now: the arena's workers have started. */
  canShare(): boolean {
    return this.pool !== null && this.pool.readyWorkers().length > 0;
  }

  /** The arena's pool, started on first use; null for a one-thread or released arena. */
  private threadPool(): ThreadPool | null {
    const { threads, sharedModule } = this.layout;
    if (this.pool === null && !this.released && threads > 1 && sharedModule !== null) {
      const host = workerHost();
      const kernels: RangeKernel[] = [];
      for (const { build, name } of RANGE_KERNELS) {
        const module = compiledModule(build, true);
        if (module === null) return null;
        kernels.push({ module, name });
      }
      if (host !== null) this.pool = new ThreadPool(host, sharedModule, threads - 1, 0, this.memory, kernels, FIT_SPIN_MS);
    }
    return this.pool;
  }
}
