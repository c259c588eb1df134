/**
 * Parameters, gradients, the optimizer's buffers and the step's workspace arrays moved into one
 * WebAssembly arena for the duration of a fit, so the step's matrix products, Adam and the loss
 * kernels read and write them in place (see `kernels/wasm/arena.ts`).
 *
 * Outside a fit nothing changes: each parameter gets its own array back, holding the trained
 * values, so references taken before `fit` stay the parameter's storage afterwards. During the
 * fit `p.data` is a view of the arena; the values are the same bytes either way, and the
 * products compute identical bits on both paths.
 *
 * @module
 */
import { PARALLEL_PRODUCT } from '../kernels/threads/gemm-parallel.js';
import { getThreads } from '../kernels/threads/threads.js';
import { WasmArena } from '../kernels/wasm/arena.js';
import type { Workspace } from '../autodiff/workspace.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor, replaceStorage } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';

const ALIGN = 64;

/** Setting this environment variable to `0` keeps every fit on the copying path (read at each fit). */
export const ARENA_ENV_VAR = 'LATENT_TS_ARENA';

function arenaDisabled(): boolean {
  return typeof process !== 'undefined' && process.env?.[ARENA_ENV_VAR] === '0';
}

/** Float32 parameters of a model living in one arena until {@link ResidentParameters.detach}. */
export class ResidentParameters {
  private readonly originals = new Map<Tensor, FloatArray>();
  private readonly restoreOptimizer: () => void;

  private constructor(
    private readonly arena: WasmArena, params: Iterable<Tensor>, private readonly workspace: Workspace,
    optimizer: Optimizer | null,
  ) {
    for (const p of params) {
      const view = arena.alloc(p.size);
      if (view === null) continue;
      view.set(p.data);
      this.originals.set(p, p.data);
      replaceStorage(p, view);
    }
    this.restoreOptimizer = optimizer?.relocateBuffers((n) => arena.alloc(n)) ?? (() => {});
    workspace.useArena(arena);
  }

  /**
   * Moves `params` and the float32 buffers of `optimizer` into a new arena, with room for the
   * parameters, their gradients, two optimizer buffers each and `extraBytes` more (the step's
   * activations), and makes it the source of `workspace`'s new arrays. The arena's large
   * products use {@link getThreads} threads as it is now: a later `setThreads` applies from the
   * next fit. Returns null, changing
   * nothing, when any parameter is float64, WebAssembly is unavailable, or `LATENT_TS_ARENA=0`.
   */
  static attach(
    params: Map<string, Tensor>, optimizer: Optimizer | null, workspace: Workspace, extraBytes: number,
  ): ResidentParameters | null {
    if (arenaDisabled()) return null;
    let bytes = extraBytes;
    for (const p of params.values()) {
      if (p.dtype !== 'float32') return null;
      bytes += 4 * Math.ceil((p.size * 4) / ALIGN) * ALIGN;
    }
    const arena = WasmArena.create(bytes, getThreads());
    return arena === null ? null : new ResidentParameters(arena, params.values(), workspace, optimizer);
  }

  /**
   * At the start of a fit whose steps will split products over threads (float32 parameters, the
   * arena enabled, more than one thread, and a parameter of at least `PARALLEL_PRODUCT / batchSize`
   * values: a dense layer whose product with a batch is split), starts the workers its arena
   * will take while the first step runs (WasmArena.prepareWorkers). Returns the call that ends,
   * when the fit is over, those its arena did not take; null when it started none.
   */
  static prepare(params: Map<string, Tensor>, batchSize: number): (() => void) | null {
    if (arenaDisabled()) return null;
    let largest = 0;
    for (const p of params.values()) {
      if (p.dtype !== 'float32') return null;
      largest = Math.max(largest, p.size);
    }
    return largest * batchSize >= PARALLEL_PRODUCT ? WasmArena.prepareWorkers(getThreads()) : null;
  }

  /**
   * Gives each existing gradient that lives outside the arena (the first backward pass, or one
   * after `zeroGrad`) a resident copy. Missing gradients stay missing: the optimizer skips
   * parameters without one.
   */
  homeGradients(params: Map<string, Tensor>): void {
    for (const p of params.values()) {
      const g = p.grad;
      if (g === null || this.arena.holds(g.data) || !this.originals.has(p)) continue;
      const view = this.arena.alloc(g.size);
      if (view === null) return;
      view.set(g.data);
      p.grad = new Tensor(view, p.shape);
    }
  }

  /**
   * Ends the residency: the workspace goes back to ordinary arrays (its pools are dropped), the
   * optimizer's buffers and every parameter get their own arrays back with the current values;
   * the arena's workers end.
   */
  detach(): void {
    this.arena.release();
    this.workspace.useArena(null);
    this.restoreOptimizer();
    for (const [p, own] of this.originals) {
      own.set(p.data);
      replaceStorage(p, own);
    }
    this.originals.clear();
  }
}
