/**
 * Parameters and gradients moved into a WebAssembly arena for the duration of one fit, so the
 * step's matrix products, Adam and the loss kernels read and write them in place (see
 * `kernels/wasm/arena.ts`; the trainer puts the optimizer's moments and the step's workspace in
 * the same arena).
 *
 * Outside a fit nothing changes: each parameter gets its own array back, holding the trained
 * values, so references taken before `fit` stay the parameter's storage afterwards. During the
 * fit `p.data` is a view of the arena; the values are the same bytes either way, and the
 * products compute identical bits on both paths.
 *
 * @module
 */
import { WasmArena } from '../kernels/wasm/arena.js';
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

  private constructor(readonly arena: WasmArena, params: Iterable<Tensor>) {
    for (const p of params) {
      const view = arena.alloc(p.size);
      if (view === null) continue;
      view.set(p.data);
      this.originals.set(p, p.data);
      replaceStorage(p, view);
    }
  }

  /**
   * Moves `params` into a new arena with room for them, their gradients, two optimizer
   * buffers each and `extraBytes` more (the step's activations), or returns null when any parameter is float64 or WebAssembly is
   * unavailable.
   */
  static attach(params: Map<string, Tensor>, extraBytes: number): ResidentParameters | null {
    if (arenaDisabled()) return null;
    let bytes = extraBytes;
    for (const p of params.values()) {
      if (p.dtype !== 'float32') return null;
      bytes += 4 * Math.ceil((p.size * 4) / ALIGN) * ALIGN;
    }
    const arena = WasmArena.create(bytes);
    return arena === null ? null : new ResidentParameters(arena, params.values());
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

  /** Copies every parameter's values back into its own array and points it there again. */
  detach(): void {
    for (const [p, own] of this.originals) {
      own.set(p.data);
      replaceStorage(p, own);
    }
    this.originals.clear();
  }
}
