import { FormatError, formatShape } from '../errors.js';
import type { TensorRecord } from '../io/model-state.js';
import { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';
import { assertNumber } from '../validate.js';

/**
 * A snapshot of an optimizer: its kind, hyper-parameters (informative: {@link Optimizer.loadState}
 * does not apply them), per-parameter step counts, and its buffers as named arrays
 * (`exp_avg.<param>`, `exp_avg_sq.<param>`, `momentum_buffer.<param>`), ready to go into a
 * `ModelState`.
 *
 * @example
 * ```ts
 * const saved: OptimizerState = adam.state();
 * adam.loadState(saved);
 * ```
 */
export interface OptimizerState {
  type: string;
  hyper: Record<string, number | boolean>;
  steps: Record<string, number>;
  tensors: Record<string, TensorRecord>;
}

/**
 * A group of parameters with its own learning rate (PyTorch's param groups): parameters by
 * name or as a list, and the group's step size (default: the optimizer's `learningRate`).
 *
 * @example
 * ```ts
 * const opt = new Adam([{ params: encoderParams, learningRate: 1e-4 }, { params: headParams }], { learningRate: 1e-3 });
 * ```
 */
export interface ParamGroup {
  params: ReadonlyMap<string, Tensor> | Iterable<Tensor>;
  /** The group's step size. Default the optimizer's `learningRate` (and it follows changes of it). */
  learningRate?: number;
}

/**
 * Parameters given by name (the checkpoint keys), as a plain list (named `0`, `1`, …), or as
 * {@link ParamGroup}s with their own learning rates (lists numbered across the groups).
 *
 * @example
 * ```ts
 * const adam = new Adam(mlp.parameters(), { learningRate: 1e-3 });
 * ```
 */
export type ParamsInput = ReadonlyMap<string, Tensor> | Iterable<Tensor> | readonly ParamGroup[];

function isGroups(params: ParamsInput): params is readonly ParamGroup[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

/** The parameters by name, and the learning rate of each one in a group that sets its own. */
function toNamed(params: ParamsInput, where: string): { named: Map<string, Tensor>; rates: Map<string, number> } {
  const named = new Map<string, Tensor>();
  const rates = new Map<string, number>();
  const groups: readonly ParamGroup[] = isGroups(params) ? params : [{ params: params as ReadonlyMap<string, Tensor> | Iterable<Tensor> }];
  let i = 0;
  groups.forEach((group, g) => {
    if (group === null || typeof group !== 'object' || group.params === undefined) {
      throw new TypeError(`${where}: params[${g}] must be a Tensor or a { params, learningRate? } group`);
    }
    const rate = group.learningRate === undefined ? null : assertNumber(group.learningRate, `params[${g}].learningRate`, where, { min: 0, minExclusive: true });
    const entries: [string, Tensor][] = group.params instanceof Map
      ? [...(group.params as ReadonlyMap<string, Tensor>)]
      : [...(group.params as Iterable<Tensor>)].map((p) => [String(i++), p]);
    for (const [k, v] of entries) {
      if (!(v instanceof Tensor)) throw new TypeError(`${where}: parameter '${k}' is not a Tensor`);
      if (named.has(k)) throw new RangeError(`${where}: parameter '${k}' appears in more than one group`);
      named.set(k, v);
      if (rate !== null) rates.set(k, rate);
    }
  });
  return { named, rates };
}

/**
 * The shared machinery of the optimizers: named parameters, lazily created buffers, per-parameter
 * step counts (PyTorch's `state['step']`), `zeroGrad`, and `state()` / `loadState()`.
 * Parameters without a gradient are skipped by `step()`, as in PyTorch.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { learningRate: 1e-3 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 * const saved = opt.state(); // later: fresh.loadState(saved)
 * ```
 */
export abstract class Optimizer {
  /** Kind tag stored in the state (`'adam'`, `'adamw'`, `'sgd'`). */
  abstract readonly type: string;
  /** The parameters being optimised, by name. */
  readonly params: ReadonlyMap<string, Tensor>;
  private lr: number;
  /** The learning rates of the parameters whose group sets its own. */
  private readonly groupRates: ReadonlyMap<string, number>;
  private readonly buffers = new Map<string, Map<string, FloatArray>>();
  private readonly steps = new Map<string, number>();

  protected constructor(params: ParamsInput, learningRate: number, where: string) {
    const { named, rates } = toNamed(params, where);
    this.params = named;
    this.groupRates = rates;
    this.lr = assertNumber(learningRate, 'learningRate', where, { min: 0, minExclusive: true });
  }

  /** The step size; may be changed between steps (schedules). Must be finite and > 0. */
  get learningRate(): number { return this.lr; }
  set learningRate(value: number) { this.lr = assertNumber(value, 'learningRate', this.constructor.name, { min: 0, minExclusive: true }); }

  /** The step size of parameter `name`: its group's own learning rate, or {@link Optimizer.learningRate}. */
  learningRateOf(name: string): number { return this.groupRates.get(name) ?? this.lr; }

  /** Hyper-parameters as stored in the state. */
  abstract hyper(): Record<string, number | boolean>;

  /** Applies the update rule to one parameter, its gradient, and its 1-based step count. */
  protected abstract update(name: string, p: FloatArray, g: FloatArray, step: number): void;

  /** One update of every parameter that has a gradient. */
  step(): void {
    for (const [name, p] of this.params) {
      if (p.grad === null) continue;
      this.update(name, p.data, p.grad.data, this.countStep(name));
    }
  }

  /** How many updates parameter `name` has had. */
  protected stepCount(name: string): number {
    return this.steps.get(name) ?? 0;
  }

  /** Counts one more update of parameter `name` and returns its 1-based step number. */
  protected countStep(name: string): number {
    const t = this.stepCount(name) + 1;
    this.steps.set(name, t);
    return t;
  }

  /** Drops every parameter's gradient (PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.params.values()) p.grad = null;
  }

  /** The named buffer of a parameter, or null before it exists. */
  protected peek(kind: string, name: string): FloatArray | null {
    return this.buffers.get(kind)?.get(name) ?? null;
  }

  /** The named buffer of a parameter, created as zeros shaped like `like` on first use. */
  protected buffer(kind: string, name: string, like: FloatArray): FloatArray {
    let byName = this.buffers.get(kind);
    if (byName === undefined) this.buffers.set(kind, (byName = new Map()));
    let b = byName.get(name);
    if (b === undefined) {
      b = this.newBuffer(kind, name, like);
      byName.set(name, b);
    }
    return b;
  }

  /** Storage for a new buffer: zeros of the type and length of `like` (a subclass may place it elsewhere). */
  protected newBuffer(_kind: string, _name: string, like: FloatArray): FloatArray {
    return like instanceof Float64Array ? new Float64Array(like.length) : new Float32Array(like.length);
  }

  /**
   * @internal Moves every float32 buffer into storage from `place` (values copied; a null from
   * `place` leaves that buffer where it is) and returns the function that moves them back into
   * their own arrays. The trainer uses it to keep moments in a fit's WebAssembly arena.
   */
  relocateBuffers(place: (n: number) => Float32Array | null): () => void {
    const moved: [Map<string, FloatArray>, string, Float32Array, Float32Array][] = [];
    for (const byName of this.buffers.values()) {
      for (const [name, own] of byName) {
        if (!(own instanceof Float32Array)) continue;
        const view = place(own.length);
        if (view === null) continue;
        view.set(own);
        byName.set(name, view);
        moved.push([byName, name, own, view]);
      }
    }
    return () => {
      for (const [byName, name, own, view] of moved) {
        // loadState() may have replaced the buffer meanwhile; then the new one stays.
        if (byName.get(name) !== view) continue;
        own.set(view);
        byName.set(name, own);
      }
    };
  }

  /** A deep copy of the optimizer's state. */
  state(): OptimizerState {
    const tensors: Record<string, TensorRecord> = {};
    for (const [kind, byName] of this.buffers) {
      for (const [name, b] of byName) tensors[`${kind}.${name}`] = { shape: this.params.get(name)!.shape.slice(), data: b.slice() };
    }
    return { type: this.type, hyper: this.hyper(), steps: Object.fromEntries(this.steps), tensors };
  }

  /**
   * Restores buffers and step counts from {@link Optimizer.state} (copied). The type, every
   * parameter name and every shape are checked before anything changes. Hyper-parameters stay
   * those given to the constructor.
   */
  loadState(state: OptimizerState): void {
    const where = `${this.constructor.name}.loadState`;
    if (state === null || typeof state !== 'object') throw new FormatError(`${where}: expected an object from state()`);
    if (state.type !== this.type) throw new FormatError(`${where}: state is of type '${state.type}', expected '${this.type}'`);
    const pending: [string, string, FloatArray][] = [];
    for (const [key, rec] of Object.entries(state.tensors ?? {})) {
      const dot = key.indexOf('.');
      const kind = key.slice(0, dot);
      const name = key.slice(dot + 1);
      const p = this.params.get(name);
      if (dot < 0 || p === undefined) throw new FormatError(`${where}: buffer '${key}' names no parameter`);
      if (rec.data.length !== p.size || rec.shape.length !== p.shape.length || rec.shape.some((d, i) => d !== p.shape[i])) {
        throw new FormatError(`${where}: buffer '${key}' has shape ${formatShape(rec.shape)}, but '${name}' is ${formatShape(p.shape)}`);
      }
      pending.push([kind, name, rec.data]);
    }
    const steps = Object.entries(state.steps ?? {});
    for (const [name, t] of steps) {
      if (!this.params.has(name) || !Number.isInteger(t) || t < 0) throw new FormatError(`${where}: invalid step count for '${name}'`);
    }
    this.buffers.clear();
    this.steps.clear();
    for (const [kind, name, data] of pending) this.buffer(kind, name, this.params.get(name)!.data).set(data);
    for (const [name, t] of steps) this.steps.set(name, t);
  }
}
