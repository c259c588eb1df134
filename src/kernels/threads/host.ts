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

/** What a worker is given once, at its start. */
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

/** Starts workers; `onFailure` is called (from the event loop) if the worker errs or ends. */
export interface WorkerHost {
  readonly name: 'node' | 'browser';
  spawn(data: WorkerData, onFailure: (cause: string) => void): WorkerHandle;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
}
type NodeWorkerClass = new (source: string, options: { eval: true; workerData: WorkerData }) => NodeWorker;

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
  return {
    name: 'node',
    spawn(data, onFailure) {
      const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
      worker.unref();
      let ended = false;
      worker.on('error', (error) => onFailure(`worker ${data.slot} failed: ${describe(error)}`));
      worker.on('exit', (code) => {
        if (!ended) onFailure(`worker ${data.slot} ended with exit code ${code}`);
      });
      return {
        terminate() {
          ended = true;
          void worker.terminate();
        },
      };
    },
  };
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
  return {
    name: 'browser',
    spawn(data, onFailure) {
      url ??= URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new Worker(url);
      worker.onerror = (event) => onFailure(`worker ${data.slot} failed: ${event.message ?? 'unknown error'}`);
      worker.postMessage(data);
      return { terminate: () => worker.terminate() };
    },
  };
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
