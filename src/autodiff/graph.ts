import { ShapeError, formatShape } from '../errors.js';
import type { FloatArray } from '../validate.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';

/** Tensors reachable from `root` through recorded nodes, inputs before outputs (iterative DFS). */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (next < inputs.length) {
      top[1] = next + 1;
      const child = inputs[next];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function seedGradient(root: Tensor, gradient: Tensor | undefined): FloatArray {
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new ShapeError(
        `backward() needs a scalar loss or a gradient of shape ${formatShape(root.shape)}; got shape ${formatShape(root.shape)} and no gradient`,
      );
    }
    const g = root.data instanceof Float64Array ? new Float64Array(1) : new Float32Array(1);
    g[0] = 1;
    return g;
  }
  if (!sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(
      `backward(): gradient has shape ${formatShape(gradient.shape)}, but the tensor has shape ${formatShape(root.shape)}`,
    );
  }
  return gradient.data;
}

/**
 * Reverse-mode sweep from `root`: every leaf that requires a gradient gets `∂root/∂leaf`
 * added (`+=`) to its `grad`. Intermediate gradients are dropped once used.
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward(): the tensor does not require grad; no input of its graph has requiresGrad: true');
  }
  const grads = new Map<Tensor, FloatArray>();
  const owned = new Set<Tensor>();
  grads.set(root, seedGradient(root, gradient));
  const order = topologicalOrder(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    if (t.node === null) {
      accumulateLeaf(t, g);
      continue;
    }
    const inputGrads = t.node.op.backward(g, t.node.ctx);
    t.node.inputs.forEach((input, k) => {
      const gi = inputGrads[k];
      if (!input.requiresGrad || gi === null || gi === undefined) return;
      const prev = grads.get(input);
      if (prev === undefined) {
        grads.set(input, gi);
      } else {
        // The first gradient may alias another buffer; copy before adding into it.
        const acc = owned.has(input) ? prev : prev.slice();
        for (let j = 0; j < acc.length; j++) acc[j] += gi[j];
        grads.set(input, acc);
        owned.add(input);
      }
    });
  }
}

function accumulateLeaf(leaf: Tensor, g: FloatArray): void {
  if (leaf.grad === null) {
    const data = leaf.data instanceof Float64Array ? new Float64Array(g.length) : new Float32Array(g.length);
    data.set(g);
    leaf.grad = new Tensor(data, leaf.shape);
  } else {
    const acc = leaf.grad.data;
    for (let j = 0; j < acc.length; j++) acc[j] += g[j];
  }
}
