import type { Tensor } from '../tensor/tensor.js';
import { assertOneOf } from '../validate.js';
import { ACTIVATIONS, activate, type Activation } from './activations.js';
import { Module, type ForwardOptions } from './module.js';

/**
 * An elementwise nonlinearity as a module (PyTorch's `nn.ReLU`, `nn.Tanh`, … in one class), for
 * a {@link Sequential}. No parameters.
 *
 * @example
 * ```ts
 * new ActivationLayer('relu').forward(Tensor.from([[-1, 2]])).toArray(); // [[0, 2]]
 * ```
 */
export class ActivationLayer extends Module {
  readonly activation: Activation;

  constructor(activation: Activation) {
    super();
    this.activation = assertOneOf(activation, ACTIVATIONS, 'activation', 'ActivationLayer');
  }

  /** The activation applied elementwise. */
  forward(x: Tensor): Tensor {
    return activate(x, this.activation);
  }
}

/**
 * Modules applied one after the other, PyTorch's `nn.Sequential`: children are named `0`, `1`,
 * … by position (parameterless ones included), so parameters are `0.weight`, `2.bias`, … as
 * in a PyTorch state dict.
 *
 * @example
 * ```ts
 * const net = new Sequential([new Conv2d(1, 8, { kernelSize: 3, rng }), new ActivationLayer('relu'), new Flatten()]);
 * net.forward(Tensor.zeros([2, 1, 5, 5])).shape; // [2, 72]
 * ```
 */
export class Sequential extends Module {
  /** The modules, in order. */
  readonly items: readonly Module[];

  constructor(items: readonly Module[]) {
    super();
    if (!Array.isArray(items) || items.some((m) => !(m instanceof Module))) {
      throw new TypeError('Sequential: items must be an array of Modules');
    }
    items.forEach((m, i) => this.registerModule(String(i), m));
    this.items = Object.freeze(items.slice());
  }

  /** x through every item in order. */
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    let h = x;
    for (const m of this.items) h = m.forward(h, options);
    return h;
  }
}
