/**
 * A pool of workers sharing one `WebAssembly.Memory({ shared: true })`. The memory holds the
 * control block (control.ts) followed by whatever the kernels lay out; it is sized to the work
 * (initial = what the first call needs, maximum = a few times that) and grows in place. A task
 * is posted by writing its arguments into the worker's slot and bumping the slot's sequence
 * number (Atomics.store + notify); nothing is sent by message on the hot path. Idle workers
 * block in Atomics.wait, so an idle pool costs no CPU.
 *
 * Failures: a task that throws reports its error in the slot; a worker whose thread ends
 * mid-task (its exit handler runs) reports that; either becomes an `Error` from the
 * {@link ThreadPool.run} call that used it, after every other part of that call has finished.
 * A worker that fails to start, or ends between calls, is seen by the adapter's event and
 * reported by the next `run`. A thread killed without running its exit handler (the engine
 * aborting it) cannot be observed from a blocked caller; `run` waits in one-second slices so a
 * later change can add a watchdog there.
 *
 * @module
 */
import {
  ARGS, COMMAND, DONE, JOB_CLAIM, JOB_FINISHED, MESSAGE_AT, PANEL_BITS, PANEL_COUNT, PANEL_COUNT_MASK, PANEL_TAG, READY, SEQ, SLOT_BYTES,
  STATUS, STATUS_DEAD, STATUS_OK, TAG_MODULUS, TAKEN, controlBytes, jobSlot,
} from './control.js';
import type { RangeKernel, WorkerHandle, WorkerHost } from './host.js';
import { growMemory, PAGE_BYTES } from '../wasm/memory.js';

const MAX_PAGES = 65536;
/** How long a caller spins on a worker's completion before blocking, in ms. */
const SPIN_MS = 0.2;
/**
 * How long an idle worker spins for its next task before blocking, in ms, unless the pool is
 * made with another: the next product of a burst then starts without a futex wake-up.
 */
export const WORKER_SPIN_MS = 0.05;
/**
 * How long {@link ThreadPool.share} waits, in ms, for a worker that has taken up the previous
 * job (all of whose panels are done) to set `DONE`; a worker descheduled in that window is
 * left out after this.
 */
const FINISHING_MS = 0.05;
/** The smallest maximum the pool declares (64 MiB of address space, not of memory). */
const MIN_MAXIMUM_PAGES = 1024;
const SLOT_INTS = SLOT_BYTES / 4;
/** The most panels one {@link ThreadPool.share} job may have (the claim word's index bits). */
export const MAX_PANELS = PANEL_COUNT_MASK;
const PANEL_MASK = PANEL_COUNT_MASK;

/**
 * Writes one task into a worker's slot: `ctl`/`ctlF` view the control block, `at` is the first
 * argument index, `worker` the worker's slot ({@link ThreadPool.share} passes it).
 */
export type TaskWriter = (ctl: Int32Array, ctlF: Float32Array, at: number, worker: number) => void;

/** One task for one worker: its command (control.ts) and the writer of its arguments. */
export interface Task {
  readonly command: number;
  readonly write: TaskWriter;
}

// Whether this thread may block in Atomics.wait (a browser's main thread may not).
let canBlock: boolean | undefined;
function mayBlock(ctl: Int32Array): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(ctl, SEQ, -2, 0);
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

/**
 * Workers over one shared memory.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(host, module, 1, 1 << 20);
 * await pool.ready();
 * pool.run([{ command: COMMAND_GEMM, write }], () => mainThreadsPart());
 * pool.close();
 * ```
 */
export class ThreadPool {
  readonly memory: WebAssembly.Memory;
  /** The first byte after the control block, 64-byte aligned: where kernels lay out their data. */
  readonly dataAt: number;
  /** How many kernels the workers' table holds (the ranges and Gram commands index it). */
  readonly kernelCount: number;
  private readonly ctl: Int32Array;
  private readonly ctlF: Float32Array;
  private readonly handles: WorkerHandle[] = [];
  private readonly seq: number[];
  private failure: string | undefined;
  private closed = false;
  private readonly maximumPages: number;
  private tag = 0;

  /**
   * Starts `workers` workers running `module` (compiled for a shared memory) on a new shared
   * memory of at least `bytes` bytes, or on `memory` when given (a shared memory whose first
   * {@link controlBytes} bytes the pool may use, such as a training arena's; it is not grown).
   * `kernels` are elementwise kernels the workers also instantiate, for {@link ThreadPool.share}
   * with `COMMAND_RANGES` (their index in this list names them). An idle worker spins `spinMs`
   * for its next task before it blocks (a fit's pool, which ends with the fit, spins longer).
   * The workers start asynchronously; {@link ThreadPool.ready} resolves when all have, and
   * {@link ThreadPool.readyWorkers} says which have.
   */
  constructor(
    host: WorkerHost, module: WebAssembly.Module, readonly workers: number, bytes: number, memory?: WebAssembly.Memory,
    kernels: readonly RangeKernel[] = [], spinMs = WORKER_SPIN_MS,
  ) {
    this.kernelCount = kernels.length;
    this.dataAt = controlBytes(workers);
    if (memory === undefined) {
      const initial = Math.ceil((this.dataAt + bytes) / PAGE_BYTES);
      this.maximumPages = Math.min(MAX_PAGES, Math.max(2 * initial, MIN_MAXIMUM_PAGES));
      this.memory = new WebAssembly.Memory({ initial, maximum: this.maximumPages, shared: true });
    } else {
      this.maximumPages = memory.buffer.byteLength / PAGE_BYTES;
      this.memory = memory;
    }
    this.ctl = new Int32Array(this.memory.buffer, 0, this.dataAt / 4);
    this.ctlF = new Float32Array(this.memory.buffer, 0, this.dataAt / 4);
    this.seq = new Array<number>(workers).fill(0);
    for (let slot = 0; slot < workers; slot++) {
      this.handles.push(host.spawn({ memory: this.memory, module, slot, jobSlot: jobSlot(workers), kernels, spinMs }, (cause) => {
        if (!this.closed) this.failure ??= cause;
      }));
    }
  }

  /** Bytes the memory can hold without being replaced (its declared maximum). */
  get capacity(): number {
    return this.maximumPages * PAGE_BYTES;
  }

  /** Grows the memory to at least `bytes`; false when that is beyond its maximum (make a larger pool). */
  reserve(bytes: number): boolean {
    return growMemory(this.memory, bytes);
  }

  /** A Float32Array over the whole memory as it is now (take it again after {@link ThreadPool.reserve}). */
  heap(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /** The slots of the workers that have started, in order. */
  readyWorkers(): number[] {
    const ready: number[] = [];
    for (let w = 0; w < this.workers; w++) if (Atomics.load(this.ctl, w * (SLOT_BYTES / 4) + READY) === 1) ready.push(w);
    return ready;
  }

  /** Resolves when every worker has started; rejects with the cause if one fails first. */
  async ready(): Promise<void> {
    while (this.readyWorkers().length < this.workers) {
      if (this.failure !== undefined) throw new Error(`ThreadPool: ${this.failure}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** The recorded failure of a worker, if one failed outside a task. */
  get failed(): string | undefined {
    return this.failure;
  }

  /**
   * Runs `tasks[i]` on the i-th ready worker while `main()` runs on this thread, and returns
   * when all have finished. Throws an `Error` naming each worker that failed and why (after all
   * have finished), or if the pool has failed before or is closed.
   */
  run(tasks: readonly Task[], main: () => void): void {
    if (this.closed) throw new Error('ThreadPool.run: the pool is closed');
    if (this.failure !== undefined) throw new Error(`ThreadPool.run: ${this.failure}`);
    const ready = this.readyWorkers();
    if (tasks.length > ready.length) {
      throw new RangeError(`ThreadPool.run: tasks must be at most the ${ready.length} ready workers (got ${tasks.length})`);
    }
    const posted = tasks.map((task, i) => {
      const w = ready[i];
      const base = w * (SLOT_BYTES / 4);
      // A worker still finishing a shared job it came to late must not see its slot rewritten.
      this.awaitIdle(w);
      this.ctl[base + COMMAND] = task.command;
      task.write(this.ctl, this.ctlF, base + COMMAND + 1, w);
      const seq = ++this.seq[w];
      Atomics.store(this.ctl, base + SEQ, seq);
      Atomics.notify(this.ctl, base + SEQ);
      return { w, base, seq };
    });
    let mainError: Error | undefined;
    try {
      main();
    } catch (error) {
      // Kept until the workers are done with the memory, then rethrown.
      mainError = error instanceof Error ? error : new Error(String(error));
    }
    const errors: string[] = [];
    const block = posted.length > 0 && mayBlock(this.ctl);
    for (const { w, base, seq } of posted) {
      // Spin first (the worker's part is about as long as this thread's, so it is usually
      // nearly done), then block in slices.
      const until = performance.now() + SPIN_MS;
      for (let i = 1; ; i++) {
        const done = Atomics.load(this.ctl, base + DONE);
        if (done === seq) break;
        if (block && (i & 63) === 0 && performance.now() > until) Atomics.wait(this.ctl, base + DONE, done, 1000);
      }
      const status = Atomics.load(this.ctl, base + STATUS);
      if (status !== STATUS_OK) errors.push(this.message(w));
      // A task that threw leaves its worker running; a worker that ended breaks the pool.
      if (status === STATUS_DEAD) this.failure ??= `worker ${w} ended in an earlier call: ${this.message(w)}`;
    }
    if (mainError !== undefined) throw mainError;
    if (errors.length > 0) throw new Error(`ThreadPool.run: ${errors.join('; ')}`);
  }

  /**
   * Runs the `count` panels of one job on this thread and the ready workers that are idle: each
   * thread claims the next panel from the job slot (control.ts, `JOB_CLAIM`) until none is left.
   * `panel(p)` computes panel p here; each worker taking part is posted `command` with its tag
   * and count, and `write` fills the job's arguments after them (from `at`). Returns once every
   * panel is finished, without waiting for a worker that has not started (it finds none left),
   * so a worker the OS has descheduled delays the call by at most the panel it holds, and the
   * split of work between threads changes from call to call while each panel's arithmetic does
   * not. Returns how many panels the workers computed. Throws if a worker or `panel` fails,
   * after closing the job and letting every other thread finish the panel it holds.
   */
  share(count: number, command: number, write: TaskWriter, panel: (p: number) => void): number {
    if (this.closed) throw new Error('ThreadPool.share: the pool is closed');
    if (this.failure !== undefined) throw new Error(`ThreadPool.share: ${this.failure}`);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PANELS) {
      throw new RangeError(`ThreadPool.share: count must be an integer from 1 to ${MAX_PANELS} (got ${count})`);
    }
    const { ctl } = this;
    const job = jobSlot(this.workers) * SLOT_INTS;
    this.tag = (this.tag + 1) % TAG_MODULUS;
    const tag = this.tag;
    Atomics.store(ctl, job + JOB_FINISHED, 0);
    Atomics.store(ctl, job + JOB_CLAIM, tag << PANEL_BITS);
    const posted: Array<{ w: number; base: number; seq: number }> = [];
    for (const w of count > 1 ? this.readyWorkers() : []) {
      if (posted.length >= count - 1) break;
      const base = w * SLOT_INTS;
      if (!this.idleForShare(w)) continue; // late for an earlier job, and not withdrawn from it: skip it
      ctl[base + COMMAND] = command;
      ctl[base + ARGS + PANEL_TAG] = tag;
      ctl[base + ARGS + PANEL_COUNT] = count;
      write(ctl, this.ctlF, base + ARGS + 2, w);
      const seq = ++this.seq[w];
      Atomics.store(ctl, base + SEQ, seq);
      Atomics.notify(ctl, base + SEQ);
      posted.push({ w, base, seq });
    }
    let mainError: Error | undefined;
    let own = 0;
    try {
      for (;;) {
        const claim = Atomics.load(ctl, job + JOB_CLAIM);
        const p = claim & PANEL_MASK;
        if (p >= count) break;
        if (Atomics.compareExchange(ctl, job + JOB_CLAIM, claim, claim + 1) !== claim) continue;
        panel(p);
        own++;
        Atomics.add(ctl, job + JOB_FINISHED, 1);
      }
    } catch (error) {
      mainError = error instanceof Error ? error : new Error(String(error));
    }
    const failedWorker = (): boolean => posted.some(({ base, seq }) => Atomics.load(ctl, base + DONE) === seq && Atomics.load(ctl, base + STATUS) !== STATUS_OK);
    if (mainError === undefined) {
      const block = posted.length > 0 && mayBlock(ctl);
      const until = performance.now() + SPIN_MS;
      for (let i = 1; ; i++) {
        const finished = Atomics.load(ctl, job + JOB_FINISHED);
        if (finished === count) return count - own;
        if (failedWorker()) break;
        if (block && (i & 63) === 0 && performance.now() > until) Atomics.wait(ctl, job + JOB_FINISHED, finished, 100);
      }
    }
    // Failure: no thread may claim another panel; wait for those taking part to stop.
    for (let claim = Atomics.load(ctl, job + JOB_CLAIM); (claim & PANEL_MASK) < count;) {
      const seen = Atomics.compareExchange(ctl, job + JOB_CLAIM, claim, (tag << PANEL_BITS) | count);
      if (seen === claim) break;
      claim = seen;
    }
    const errors: string[] = [];
    for (const { w, base, seq } of posted) {
      this.awaitIdle(w);
      const status = Atomics.load(ctl, base + STATUS);
      if (Atomics.load(ctl, base + DONE) === seq && status !== STATUS_OK) errors.push(this.message(w));
      if (status === STATUS_DEAD) this.failure ??= `worker ${w} ended in an earlier call: ${this.message(w)}`;
    }
    if (mainError !== undefined) throw mainError;
    throw new Error(`ThreadPool.share: ${errors.join('; ')}`);
  }

  /**
   * Whether worker `w` is idle for a new shared job, making it so if it can: a worker that has
   * not taken up the last task posted to it (still waking, or descheduled) has it withdrawn
   * (control.ts, `TAKEN`), and one that has taken it up (a shared job whose panels are all
   * finished, or this call would not have started) only has to see that none is left and set
   * `DONE`, which is waited for up to {@link FINISHING_MS}. Measured on the VAE's training step
   * at 2 threads: with neither, 45% of the shared jobs left the worker out, because a step
   * posts its next job within microseconds of the last panel of the one before.
   */
  private idleForShare(w: number): boolean {
    const base = w * SLOT_INTS;
    const seq = this.seq[w];
    if (Atomics.load(this.ctl, base + DONE) === seq) return true;
    if (Atomics.compareExchange(this.ctl, base + TAKEN, seq - 1, seq) === seq - 1) {
      Atomics.store(this.ctl, base + DONE, seq);
      return true;
    }
    const until = performance.now() + FINISHING_MS;
    for (let i = 1; ; i++) {
      if (Atomics.load(this.ctl, base + DONE) === seq) return true;
      if ((i & 63) === 0 && performance.now() > until) return false;
    }
  }

  /** Waits until worker `w` has finished the last task posted to it. */
  private awaitIdle(w: number): void {
    const at = w * SLOT_INTS + DONE;
    const block = mayBlock(this.ctl);
    for (let i = 1; ; i++) {
      const done = Atomics.load(this.ctl, at);
      if (done === this.seq[w]) return;
      if (block && (i & 63) === 0) Atomics.wait(this.ctl, at, done, 100);
    }
  }

  private message(w: number): string {
    const at = w * SLOT_BYTES + MESSAGE_AT;
    const length = this.ctl[at / 4];
    // TextDecoder refuses views of shared memory: copy the bytes out first.
    return new TextDecoder().decode(new Uint8Array(this.memory.buffer, at + 4, length).slice());
  }

  /** Ends every worker. The pool cannot run afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers; w++) {
      Atomics.store(this.ctl, w * (SLOT_BYTES / 4) + SEQ, -1);
      Atomics.notify(this.ctl, w * (SLOT_BYTES / 4) + SEQ);
    }
    for (const handle of this.handles) handle.terminate();
  }
}
