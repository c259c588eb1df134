import { ShapeError, formatShape } from '../errors.js';
import type { TensorRecord } from '../io/model-state.js';
import { Tensor } from '../tensor/tensor.js';
import { copyParameters } from './parameter-copy.js';

/**
 * Options of {@link Module.forward}.
 *
 * @example
 * ```ts
 * const y = mlp.forward(x, { grad: false }); // inference: no graph
 * ```
 */
export interface ForwardOptions {
  /**
   * Record the computation for backward (default true). With `false` the parameters are used
   * detached, so no graph is built: the inference path.
   */
  grad?: boolean;
}

/**
 * A differentiable building block: `forward(x)` plus named parameters. Parameters and child
 * modules are registered by name; {@link Module.parameters} lists them with dotted paths
 * (`layers.0.weight`), which are both the optimizer's keys and the checkpoint keys.
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   constructor() { super(); this.registerParameter('s', Tensor.ones([1], { requiresGrad: true })); }
 *   forward(x: Tensor, options?: ForwardOptions) { return x.mul(this.param('s', options)); }
 * }
 * new Scale().parameters(); // Map { 's' => Tensor }
 * ```
 */
export abstract class Module {
  private readonly ownParams = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  /** Set by setParameter and loadParameters: the values are no longer the initial ones. */
  private assigned = false;

  /** Applies the module to a batch `x` (rows are samples). */
  abstract forward(x: Tensor, options?: ForwardOptions): Tensor;

  /** Registers a parameter (it is marked `requiresGrad`). Returns it. */
  protected registerParameter(name: string, value: Tensor): Tensor {
    if (name.includes('.') || name === '') throw new RangeError(`Module.registerParameter: invalid name '${name}'`);
    value.requiresGrad = true;
    this.ownParams.set(name, value);
    return value;
  }

  /** Registers a child module under `name`. Returns it. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (name.includes('.') || name === '') throw new RangeError(`Module.registerModule: invalid name '${name}'`);
    this.children.set(name, module);
    return module;
  }

  /** An own parameter, detached when `options.grad` is false (the inference path). */
  protected param(name: string, options?: ForwardOptions): Tensor {
    const p = this.ownParams.get(name);
    if (p === undefined) throw new RangeError(`Module: no parameter '${name}'`);
    return options?.grad === false ? p.detach() : p;
  }

  /** Every parameter of this module and its children, by dotted name, in registration order. */
  parameters(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, p] of this.ownParams) out.set(name, p);
    for (const [prefix, child] of this.children) {
      for (const [name, p] of child.parameters()) out.set(`${prefix}.${name}`, p);
    }
    return out;
  }

  /** Storage type of the parameters (that of the first one; float32 when there is none). */
  get dtype(): 'float32' | 'float64' {
    const first = this.parameters().values().next();
    return first.done ? 'float32' : first.value.dtype;
  }

  /**
   * True once {@link Module.setParameter} or {@link Module.loadParameters} wrote into this
   * module or one of its children, so a model built on it knows its weights were given.
   */
  get parametersAssigned(): boolean {
    if (this.assigned) return true;
    for (const child of this.children.values()) if (child.parametersAssigned) return true;
    return false;
  }

  /**
   * Replaces the parameter at a dotted path by `value` (same shape), for example to evaluate
   * the module at other parameter tensors (gradient checks). The tensor becomes the parameter
   * and is marked `requiresGrad`, as {@link Module.registerParameter} does, so it stays
   * trainable; a tensor computed by a graph is bound as a fresh leaf over the same values.
   */
  setParameter(path: string, value: Tensor): void {
    const dot = path.indexOf('.');
    if (dot >= 0) {
      const child = this.children.get(path.slice(0, dot));
      if (child === undefined) throw new RangeError(`Module.setParameter: no module '${path.slice(0, dot)}'`);
      child.setParameter(path.slice(dot + 1), value);
      return;
    }
    const old = this.ownParams.get(path);
    if (old === undefined) throw new RangeError(`Module.setParameter: no parameter '${path}'`);
    if (!(value instanceof Tensor) || value.shape.length !== old.shape.length || value.shape.some((d, i) => d !== old.shape[i])) {
      const got = value instanceof Tensor ? formatShape(value.shape) : 'a non-Tensor';
      throw new ShapeError(`Module.setParameter: '${path}' needs shape ${formatShape(old.shape)} (got ${got})`);
    }
    // A parameter is a leaf: training must update it, not flow into whatever produced it.
    const leaf = value.node === null ? value : value.detach();
    leaf.requiresGrad = true;
    this.ownParams.set(path, leaf);
    this.assigned = true;
  }

  /**
   * Copies values into the existing parameters (their storage is kept, so optimizers holding
   * them stay valid). Every name and shape is checked before anything is written; a missing
   * name or a wrong shape is a `FormatError`, extra names are ignored.
   */
  loadParameters(values: ReadonlyMap<string, TensorRecord> | Record<string, TensorRecord>, where = 'Module.loadParameters'): void {
    copyParameters(this.parameters(), values, where);
    this.assigned = true;
  }
}

/**
 * An indexed list of modules, registered as children `0`, `1`, …, so that a parent holding it
 * under `layers` names parameters `layers.0.weight`. It has no forward of its own.
 *
 * @example
 * ```ts
 * const list = new ModuleList([new Linear(2, 3, { rng }), new Linear(3, 1, { rng })]);
 * [...list.parameters().keys()]; // ['0.weight', '0.bias', '1.weight', '1.bias']
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module {
  /** The modules, in order. */
  readonly items: readonly M[];

  constructor(items: readonly M[]) {
    super();
    items.forEach((m, i) => this.registerModule(String(i), m));
    this.items = Object.freeze(items.slice());
  }

  /** A ModuleList is a container; calling forward is an error. */
  forward(): Tensor {
    throw new Error('ModuleList.forward: a ModuleList has no forward; call its items');
  }
}
