/**
 * The one small interface the pool needs from a platform, with its two adapters: Node's
 * `worker_threads` and the browser's Web Workers. Both run the same worker script
 * (worker-source.ts) from text, so no file has to be found next to the built library. Node's
 * module is taken synchronously with `process.getBuiltinModule` (Node 20.16+), never imported, so
 * browser bundles see no `node:` specifier and the pool can start inside a synchronous call.
 *
 * @module
 */
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './worker-source.js';

/** What a worker is given once, in its first message. */
export interface WorkerData {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  /** Its slot in the control block (control.ts). */
  readonly slot: number;
  /** The job slot's index in the control block (control.ts, `jobSlot`). */
  readonly jobSlot: number;
  /**
   * Elementwise kernels the worker instantiates on the memory too, for the ranges command: the
   * module (compiled for a shared memory) and the name of the export to call.
   */
  readonly kernels: readonly RangeKernel[];
  /** How long the worker spins for its next task before it blocks in `Atomics.wait`, in ms. */
  readonly spinMs: number;
}

/** An elementwise kernel a worker can run over ranges (control.ts, `COMMAND_RANGES`). */
export interface RangeKernel {
  readonly module: WebAssembly.Module;
  readonly name: string;
}

/** A started worker. */
export interface WorkerHandle {
  /** Ends the worker's thread. */
  terminate(): void;
}

/**
 * Starts workers; `onFailure` is called (from the event loop) if the worker errs or ends. A
 * worker is started in two stages, the platform's thread first and then its data, so that
 * {@link WorkerHost.prepare} can take the first stage off the critical path.
 */
export interface WorkerHost {
  readonly name: 'node' | 'browser';
  /** A worker running the pool's loop on `data`: a prepared one when there is one, else a new one. */
  spawn(data: WorkerData, onFailure: (cause: string) => void): WorkerHandle;
  /**
   * Starts workers now, up to `count` waiting in all, for the next {@link WorkerHost.spawn} calls
   * to take. Starting a thread costs a Node worker about 50–110 ms before it runs anything
   * (bench/README.md, "Threads from a fit's first steps"), which a pool started inside a
   * training step would otherwise wait out; a prepared worker waits for its data without using
   * the CPU, and keeps no process alive.
   */
  prepare(count: number): void;
  /** Ends the prepared workers no spawn has taken. */
  discardPrepared(): void;
  /** How many prepared workers are waiting to be taken. */
  readonly preparedCount: number;
}

/** A started worker waiting for its data (its first message). */
interface IdleWorker {
  /** Whether the thread failed or ended before it was given its data. */
  readonly failed: boolean;
  post(data: WorkerData): void;
  terminate(): void;
  /** Where failures go from now on (one recorded before is passed on at once). */
  listen(onFailure: (cause: string) => void): void;
}

/** Failure routing for an {@link IdleWorker}: kept until a listener is set, then passed on. */
class FailureRelay {
  private cause: string | undefined;
  private listener: ((cause: string) => void) | undefined;
  get failed(): boolean {
    return this.cause !== undefined;
  }
  fail(cause: string): void {
    if (this.listener !== undefined) this.listener(cause);
    else this.cause ??= cause;
  }
  listen(onFailure: (cause: string) => void): void {
    this.listener = onFailure;
    if (this.cause !== undefined) onFailure(this.cause);
  }
}

/** The {@link WorkerHost} of a platform that starts idle workers with `start`. */
function hostOf(name: WorkerHost['name'], start: () => IdleWorker): WorkerHost {
  let prepared: IdleWorker[] = [];
  return {
    name,
    spawn(data, onFailure) {
      prepared = prepared.filter((w) => !w.failed);
      const worker = prepared.shift() ?? start();
      worker.listen((cause) => onFailure(`worker ${data.slot} ${cause}`));
      worker.post(data);
      return { terminate: () => worker.terminate() };
    },
    prepare(count) {
      prepared = prepared.filter((w) => !w.failed);
      while (prepared.length < count) prepared.push(start());
    },
    discardPrepared() {
      for (const w of prepared) w.terminate();
      prepared = [];
    },
    get preparedCount() {
      return prepared.length;
    },
  };
}

interface NodeWorker {
  unref(): void;
  postMessage(data: unknown): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
}
type NodeWorkerClass = new (source: string, options: { eval: true }) => NodeWorker;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

function nodeWorkerClass(): NodeWorkerClass | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc === undefined || typeof proc.getBuiltinModule !== 'function') return undefined;
  try {
    const mod = proc.getBuiltinModule('node:worker_threads') as { Worker?: NodeWorkerClass } | undefined;
    return mod?.Worker;
  } catch {
    return undefined;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** Node's adapter; workers are unref'd, so they never keep a process alive. */
function nodeHost(Worker: NodeWorkerClass): WorkerHost {
  return hostOf('node', () => {
    const worker = new Worker(NODE_WORKER_SOURCE, { eval: true });
    worker.unref();
    const relay = new FailureRelay();
    let ended = false;
    worker.on('error', (error) => relay.fail(`failed: ${describe(error)}`));
    worker.on('exit', (code) => {
      if (!ended) relay.fail(`ended with exit code ${code}`);
    });
    return {
      get failed() {
        return relay.failed;
      },
      post: (data) => worker.postMessage(data),
      terminate() {
        ended = true;
        void worker.terminate();
      },
      listen: (onFailure) => relay.listen(onFailure),
    };
  });
}

interface BrowserWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  onerror: ((event: { message?: string }) => void) | null;
}
type BrowserWorkerClass = new (url: string) => BrowserWorker;

/** The browser's adapter: one Blob URL for the script, the data in the first message. */
function browserHost(Worker: BrowserWorkerClass): WorkerHost {
  let url: string | undefined;
  return hostOf('browser', () => {
    url ??= URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    const relay = new FailureRelay();
    worker.onerror = (event) => relay.fail(`failed: ${event.message ?? 'unknown error'}`);
    return {
      get failed() {
        return relay.failed;
      },
      post: (data) => worker.postMessage(data),
      terminate: () => worker.terminate(),
      listen: (onFailure) => relay.listen(onFailure),
    };
  });
}

let cached: WorkerHost | null | undefined;

/**
 * The platform's worker host, or null where threads cannot run: no SharedArrayBuffer (a
 * browser page without cross-origin isolation, i.e. without the headers
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`),
 * no Atomics, or no way to start a worker.
 */
export function workerHost(): WorkerHost | null {
  if (cached !== undefined) return cached;
  cached = null;
  const g = globalThis as { SharedArrayBuffer?: unknown; Atomics?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.SharedArrayBuffer !== 'function' || typeof g.Atomics !== 'object' || g.crossOriginIsolated === false) return cached;
  const NodeWorker = nodeWorkerClass();
  if (NodeWorker !== undefined) cached = nodeHost(NodeWorker);
  else if (typeof g.Worker === 'function' && typeof Blob === 'function' && typeof URL.createObjectURL === 'function') {
    cached = browserHost(g.Worker as BrowserWorkerClass);
  }
  return cached;
}
