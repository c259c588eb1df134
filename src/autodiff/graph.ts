import { ShapeError, formatShape } from '../errors.js';
import type { FloatArray } from '../validate.js';
import type { GraphNode, Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { allocOutputLike, type GradTargets } from './op.js';

/**
 * Tensors reachable from `root` through recorded nodes, inputs before outputs (iterative DFS),
 * and for each leaf the number of graph edges that reach it (its gradient contributions).
 */
function topologicalOrder(root: Tensor): { order: Tensor[]; leafUses: Map<Tensor, number> } {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const leafUses = new Map<Tensor, number>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (next < inputs.length) {
      top[1] = next + 1;
      const child = inputs[next];
      if (!child.requiresGrad) continue;
      if (child.node === null) leafUses.set(child, (leafUses.get(child) ?? 0) + 1);
      if (!visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return { order, leafUses };
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
 * The buffers `node`'s backward may write into: the existing `grad` of each leaf input that has
 * no other contribution in this graph and was not promoted to another storage type. Adding in
 * place there gives the same sum, grad + ∂, as returning ∂ and adding it afterwards; with
 * `replace` the old content is overwritten, as if the buffer had been zeroed first.
 */
function gradTargets(node: GraphNode, leafUses: Map<Tensor, number>, replace: boolean): GradTargets | undefined {
  let into: (FloatArray | null)[] & { replace?: boolean } | undefined;
  node.inputs.forEach((input, k) => {
    const g = input.grad;
    if (g === null || input.node !== null || leafUses.get(input) !== 1) return;
    if (node.ctx.inputs[k].data !== input.data || g.data.length !== input.size) return;
    if (g.data.constructor !== input.data.constructor) return;
    into ??= Object.assign(node.inputs.map(() => null), { replace });
    into[k] = g.data;
  });
  return into;
}

/** Options of the engine's {@link backward} beyond `Tensor.backward`. */
export interface BackwardOptions {
  /**
   * Treat every existing leaf `grad` reached by this pass as zero: it ends up holding exactly
   * this pass's gradient, without a separate zeroing pass and without reading the old values.
   * Leaves not reached keep their old `grad`; the returned set tells which were written.
   */
  replaceGrads?: boolean;
}

/**
 * Reverse-mode sweep from `root`: every leaf that requires a gradient gets `∂root/∂leaf`
 * added (`+=`) to its `grad` (or put there, with `replaceGrads`). Intermediate gradients are
 * dropped once used. Returns the leaves whose `grad` was written.
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): Set<Tensor> {
  if (!root.requiresGrad) {
    throw new Error('backward(): the tensor does not require grad; no input of its graph has requiresGrad: true');
  }
  const replace = options.replaceGrads ?? false;
  const written = new Set<Tensor>();
  const grads = new Map<Tensor, FloatArray>();
  const owned = new Set<Tensor>();
  grads.set(root, seedGradient(root, gradient));
  const { order, leafUses } = topologicalOrder(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    if (t.node === null) {
      // With `replace`, a buffer from an earlier pass starts from zero: the bits of the
      // fresh-buffer path (0 + g), −0 included.
      if (replace && t.grad !== null) t.grad.data.fill(0);
      accumulateLeaf(t, g);
      written.add(t);
      continue;
    }
    const into = gradTargets(t.node, leafUses, replace);
    const inputGrads = t.node.op.backward(g, t.node.ctx, into);
    t.node.inputs.forEach((input, k) => {
      const gi = inputGrads[k];
      if (!input.requiresGrad || gi === null || gi === undefined) return;
      if (into !== undefined && gi === into[k]) {
        written.add(input); // already in input.grad
        return;
      }
      const prev = grads.get(input);
      if (prev === undefined) {
        grads.set(input, gi);
      } else {
        // The first gradient may alias another buffer; copy before adding into it.
        let acc = prev;
        if (!owned.has(input)) {
          acc = allocOutputLike(prev, prev.length); // the step's workspace, like every gradient
          acc.set(prev);
        }
        for (let j = 0; j < acc.length; j++) acc[j] += gi[j];
        grads.set(input, acc);
        owned.add(input);
      }
    });
  }
  return written;
}

function accumulateLeaf(leaf: Tensor, g: FloatArray): void {
  if (leaf.grad === null) {
    // A new tensor of the leaf's dtype and shape, then g stored into it (rounded to that dtype).
    // Through clone() rather than `new Tensor`: this file imports Tensor as a type only, so the
    // engine's one import circle stays tensor.ts ↔ functional.ts.
    leaf.grad = leaf.clone();
    leaf.grad.data.set(g);
  } else {
    const acc = leaf.grad.data;
    for (let j = 0; j < acc.length; j++) acc[j] += g[j];
  }
}
