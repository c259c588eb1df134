import type { Tensor } from '../tensor/tensor.js';

/**
 * The elementwise nonlinearities an {@link MLP} layer can apply. `'identity'` applies none.
 *
 * @example
 * ```ts
 * const activation: Activation = 'tanh';
 * new MLP({ sizes: [2, 8, 1], activation, rng: new Rng(0) });
 * ```
 */
export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'softplus' | 'identity';

/**
 * The names accepted as an {@link Activation}, for validation.
 *
 * @example
 * ```ts
 * ACTIVATIONS.includes('tanh'); // true
 * ```
 */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'softplus', 'identity'];

/**
 * Applies the named activation (leakyRelu uses slope 0.01, as PyTorch).
 *
 * @example
 * ```ts
 * activate(Tensor.from([[-1, 2]]), 'relu').toArray(); // [[0, 2]]
 * ```
 */
export function activate(x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'relu': return x.relu();
    case 'leakyRelu': return x.leakyRelu(0.01);
    case 'tanh': return x.tanh();
    case 'sigmoid': return x.sigmoid();
    case 'softplus': return x.softplus();
    case 'identity': return x;
  }
}
