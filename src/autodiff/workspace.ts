/**
 * Reuse of the arrays one training step allocates (activations, gradient temporaries), from one
 * step to the next.
 *
 * Why: a fresh typed array is zeroed memory the OS maps page by page on first touch (about
 * 0.5–1.6 µs per 4 KiB on the machines measured), and the garbage collector has to find and
 * free it again; the VAE step allocates about 2.5 MB this way. A recycled array only needs
 * `fill(0)` (memset speed, some 40 µs for the same 2.5 MB).
 *
 * How: `allocLike` (op.ts) takes its arrays from the workspace that {@link runInWorkspace} has
 * made current, which happens only inside the trainer's synchronous step. Handed-out arrays are
 * zeroed like new ones, so results cannot change; they return to the pool at `recycle()`, which
 * the trainer calls when the step's graph is gone (nothing allocated during a step outlives
 * it: parameters, gradients and optimizer state are allocated with `new`).
 *
 * @module
 */
import type { WasmArena } from '../kernels/wasm/arena.js';
import type { FloatArray } from '../validate.js';

/** Pools of arrays by storage type and length, owned by one trainer. */
export class Workspace {
  private readonly free32 = new Map<number, Float32Array[]>();
  private readonly free64 = new Map<number, Float64Array[]>();
  private used: FloatArray[] = [];
  private arena: WasmArena | null = null;
  private stepBytes32 = 0;
  private maxBytes32 = 0;

  /**
   * An array of `n` elements, recycled when one of that type and length is free: zeroed, or
   * with `zeroed: false` holding whatever it held (for outputs the caller overwrites entirely).
   */
  alloc(wide: boolean, n: number, zeroed = true): FloatArray {
    const list = wide ? this.free64.get(n) : this.free32.get(n);
    let a = list?.pop();
    if (a === undefined) a = wide ? new Float64Array(n) : (this.arena?.alloc(n) ?? new Float32Array(n));
    else if (zeroed) a.fill(0);
    if (!wide) this.stepBytes32 += 4 * n;
    this.used.push(a);
    return a;
  }

  /** The most float32 bytes handed out between two recycles so far. */
  get peakBytes32(): number {
    return Math.max(this.maxBytes32, this.stepBytes32);
  }

  /**
   * New float32 arrays come from `arena` (while it has room) instead of the JavaScript heap, so
   * the GEMM can use them in place; null goes back to the heap. Clears the pools either way.
   */
  useArena(arena: WasmArena | null): void {
    this.clear();
    this.arena = arena;
  }

  /** Returns every array handed out since the last call to the pools. */
  recycle(): void {
    this.maxBytes32 = Math.max(this.maxBytes32, this.stepBytes32);
    this.stepBytes32 = 0;
    for (const a of this.used) {
      const pools = a instanceof Float64Array ? this.free64 : this.free32;
      let list = pools.get(a.length);
      if (list === undefined) pools.set(a.length, (list = []));
      (list as FloatArray[]).push(a);
    }
    this.used = [];
  }

  /** Drops every pooled array (the next step allocates afresh). */
  clear(): void {
    this.free32.clear();
    this.free64.clear();
    this.used = [];
  }
}

// The workspace of the step running right now, or null: set and restored around one
// synchronous call, so interleaved fits of different models never see each other's.
let current: Workspace | null = null;

/** The workspace `allocLike` draws from, or null outside a training step. */
export function currentWorkspace(): Workspace | null {
  return current;
}

/**
 * Runs `fn` with `ws` as the current workspace. `fn` must be synchronous, and nothing it
 * allocates through `allocLike` may be used after `ws.recycle()`.
 *
 * @example
 * ```ts
 * const loss = runInWorkspace(ws, () => { const l = model.loss(batch); l.backward(); return l.item(); });
 * ws.recycle();
 * ```
 */
export function runInWorkspace<T>(ws: Workspace, fn: () => T): T {
  const previous = current;
  current = ws;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
