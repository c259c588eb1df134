/**
 * The differentiable functions behind the Tensor methods, also usable directly:
 * `mse(pred, target)`, `gaussianKl(mu, logVar, { reduction: 'batchMean' })`, ...; and
 * {@link apply}, the one place where an op definition (ops/, which never imports Tensor) meets
 * Tensor: it runs the forward and records the graph node.
 *
 * This file and `tensor/tensor.ts` import each other, the only import circle of the engine and
 * on purpose (tinygrad's tensor.py and function.py do the same): Tensor's methods are written
 * on the class, which needs these functions, and these functions build Tensors. It is safe
 * because neither file uses the other at module-evaluation time (no top-level call, no
 * `extends`), only inside functions. Everything else here (op.ts, ops/, graph.ts, kernels/)
 * imports no Tensor value, so loading an op definition does not load Tensor.
 *
 * @module
 */
import { ShapeError, describeValue, formatShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { normalizeAxis, checkShape, sameShape } from '../tensor/shape.js';
import { toLabels } from '../validate.js';
import type { BackwardContext, OpDef, RawTensor } from './op.js';
import { ops } from './ops/index.js';
import type { Reduction } from './ops/losses.js';
import { convAttrs, type Conv2dOptions, type ConvTranspose2dOptions } from './ops/conv.js';
import { Rng } from '../random/rng.js';

export type { Reduction } from './ops/losses.js';

/**
 * Transpose flags for {@link matmul}.
 *
 * @example
 * ```ts
 * const y = x.matmul(w, { transB: true }); // x · wᵀ
 * ```
 */
export interface MatmulOptions {
  /** Use Aᵀ. Default false. */
  transA?: boolean;
  /** Use Bᵀ. Default false. */
  transB?: boolean;
}

/**
 * Options of the fused losses.
 *
 * @example
 * ```ts
 * const perSample = bceWithLogits(logits, x, { reduction: 'batchMean' });
 * ```
 */
export interface LossOptions {
  /** Default `'mean'`, as in PyTorch. */
  reduction?: Reduction;
}

function asTensor(x: Tensor | number, like: Tensor, op: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new TypeError(`${op}: argument '${arg}' must be a Tensor or a number (got ${describeValue(x)})`);
  const data = like.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1);
  data[0] = x;
  return new Tensor(data, []);
}

function check(x: unknown, op: string, arg: string): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument '${arg}' must be a Tensor (got ${describeValue(x)})`);
  return x;
}

function reduction(options: LossOptions | undefined, op: string): Reduction {
  const r = options?.reduction ?? 'mean';
  if (!['none', 'sum', 'mean', 'batchMean'].includes(r)) {
    throw new RangeError(`${op}: reduction must be 'none', 'sum', 'mean' or 'batchMean' (got ${describeValue(r)})`);
  }
  return r;
}

function promote(t: Tensor, wide: boolean): RawTensor {
  if (!wide || t.data instanceof Float64Array) return t;
  return { data: Float64Array.from(t.data), shape: t.shape };
}

/**
 * Runs `op` eagerly and, when some input requires a gradient, links the output to a graph
 * node. Mixed float32/float64 inputs compute in float64.
 */
export function apply<A, S>(op: OpDef<A, S>, inputs: readonly Tensor[], attrs: A): Tensor {
  const wide = inputs.some((t) => t.data instanceof Float64Array);
  const raw = inputs.map((t) => promote(t, wide));
  const { data, shape, saved } = op.forward(raw, attrs);
  const record = inputs.some((t) => t.requiresGrad);
  const out = new Tensor(data, shape, { requiresGrad: record });
  if (record) {
    const ctx: BackwardContext<A, S> = {
      inputs: raw, out: { data, shape }, attrs, saved, needsGrad: inputs.map((t) => t.requiresGrad),
    };
    out.node = { op: op as OpDef<unknown, unknown>, inputs, ctx: ctx as BackwardContext<unknown, unknown> };
  }
  return out;
}

/** a + b with broadcasting. @example `add(x, bias)` */
export function add(a: Tensor, b: Tensor | number): Tensor { return apply(ops.add, [check(a, 'add', 'a'), asTensor(b, a, 'add', 'b')], null); }
/** a − b with broadcasting. @example `sub(x, mean)` */
export function sub(a: Tensor, b: Tensor | number): Tensor { return apply(ops.sub, [check(a, 'sub', 'a'), asTensor(b, a, 'sub', 'b')], null); }
/** a ⊙ b with broadcasting. @example `mul(sigma, eps)` */
export function mul(a: Tensor, b: Tensor | number): Tensor { return apply(ops.mul, [check(a, 'mul', 'a'), asTensor(b, a, 'mul', 'b')], null); }
/** a / b with broadcasting. @example `div(x, 255)` */
export function div(a: Tensor, b: Tensor | number): Tensor { return apply(ops.div, [check(a, 'div', 'a'), asTensor(b, a, 'div', 'b')], null); }
/** −a. @example `neg(x)` */
export function neg(a: Tensor): Tensor { return apply(ops.neg, [check(a, 'neg', 'a')], null); }
/** eˣ. @example `exp(logVar.mul(0.5))` */
export function exp(x: Tensor): Tensor { return apply(ops.exp, [check(x, 'exp', 'x')], null); }
/** Natural logarithm. @example `log(p)` */
export function log(x: Tensor): Tensor { return apply(ops.log, [check(x, 'log', 'x')], null); }
/** Square root. @example `sqrt(v)` */
export function sqrt(x: Tensor): Tensor { return apply(ops.sqrt, [check(x, 'sqrt', 'x')], null); }
/** x². @example `square(err)` */
export function square(x: Tensor): Tensor { return apply(ops.square, [check(x, 'square', 'x')], null); }
/** |x|. @example `abs(codes).mean()` */
export function abs(x: Tensor): Tensor { return apply(ops.abs, [check(x, 'abs', 'x')], null); }
/** Hyperbolic tangent. @example `tanh(h)` */
export function tanh(x: Tensor): Tensor { return apply(ops.tanh, [check(x, 'tanh', 'x')], null); }
/** Logistic sigmoid, stable for large |x|. @example `sigmoid(logits)` */
export function sigmoid(x: Tensor): Tensor { return apply(ops.sigmoid, [check(x, 'sigmoid', 'x')], null); }
/** max(x, 0): −0 and −∞ give +0, NaN stays NaN (the edges are documented in kernels/relu.ts). @example `relu(h)` */
export function relu(x: Tensor): Tensor { return apply(ops.relu, [check(x, 'relu', 'x')], null); }
/** x for x > 0, slope·x otherwise. @example `leakyRelu(h, 0.2)` */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new RangeError(`leakyRelu: slope must be a finite number (got ${describeValue(slope)})`);
  return apply(ops.leakyRelu, [check(x, 'leakyRelu', 'x')], { slope });
}
/** log(1 + eˣ), stable. @example `softplus(x)` */
export function softplus(x: Tensor): Tensor { return apply(ops.softplus, [check(x, 'softplus', 'x')], null); }
/** log σ(x), stable. @example `logSigmoid(x)` */
export function logSigmoid(x: Tensor): Tensor { return apply(ops.logSigmoid, [check(x, 'logSigmoid', 'x')], null); }

/** op(a)·op(b) for 2-D tensors. @example `matmul(x, w, { transB: true })` */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  return apply(ops.matmul, [check(a, 'matmul', 'a'), check(b, 'matmul', 'b')], {
    transA: options.transA ?? false, transB: options.transB ?? false,
  });
}

function axisAttr(x: Tensor, axis: number | undefined, keepDims: boolean, op: string) {
  return { axis: axis === undefined ? null : normalizeAxis(axis, x.shape.length, op), keepDims };
}

/** Σ over `axis` (all elements when omitted). @example `sum(x, 1)` */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor { return apply(ops.sum, [check(x, 'sum', 'x')], axisAttr(x, axis, keepDims, 'sum')); }
/** Mean over `axis` (all elements when omitted). @example `mean(x, 0)` */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor { return apply(ops.mean, [check(x, 'mean', 'x')], axisAttr(x, axis, keepDims, 'mean')); }
/** log Σ exp over `axis`, max-shifted. @example `logSumExp(logW, 0)` */
export function logSumExp(x: Tensor, axis?: number, keepDims = false): Tensor {
  return apply(ops.logSumExp, [check(x, 'logSumExp', 'x')], axisAttr(x, axis, keepDims, 'logSumExp'));
}

/** Same data with a new shape. @example `reshape(x, [n, 28, 28])` */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return apply(ops.reshape, [check(x, 'reshape', 'x')], { shape: checkShape(shape, 'reshape') });
}
/** Permutes axes (reverses them by default). @example `transpose(w)` */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? perm.slice() : x.shape.map((_, i) => x.shape.length - 1 - i);
  return apply(ops.transpose, [check(x, 'transpose', 'x')], { perm: p });
}
/** Expands by NumPy rules. @example `broadcastTo(bias, [n, d])` */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return apply(ops.broadcastTo, [check(x, 'broadcastTo', 'x')], { shape: checkShape(shape, 'broadcastTo') });
}
/** Elements start..end−1 along `axis`. @example `slice(h, 1, 0, k)` (the first k columns) */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  return apply(ops.slice, [check(x, 'slice', 'x')], { axis: normalizeAxis(axis, x.shape.length, 'slice'), start, end });
}
/** Joins tensors along `axis`. @example `concat([a, b], 1)` */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new TypeError('concat: xs must be a non-empty array of Tensors');
  xs.forEach((x, i) => check(x, 'concat', `xs[${i}]`));
  return apply(ops.concat, xs, { axis: normalizeAxis(axis, xs[0].shape.length, 'concat') });
}

/** Squared error (p − t)², reduced. @example `mse(recon, x)` */
export function mse(pred: Tensor, target: Tensor, options?: LossOptions): Tensor {
  return apply(ops.mse, [check(pred, 'mse', 'pred'), check(target, 'mse', 'target')], { reduction: reduction(options, 'mse') });
}
/** Binary cross-entropy on logits, softplus(x) − x·y, stable. @example `bceWithLogits(logits, x, { reduction: 'batchMean' })` */
export function bceWithLogits(logits: Tensor, target: Tensor, options?: LossOptions): Tensor {
  return apply(ops.bceWithLogits, [check(logits, 'bceWithLogits', 'logits'), check(target, 'bceWithLogits', 'target')], {
    reduction: reduction(options, 'bceWithLogits'),
  });
}
/** Gaussian negative log-likelihood with log-variance, including ½log 2π. @example `gaussianNll(x, mu, logVar)` */
export function gaussianNll(x: Tensor, mean: Tensor, logVar: Tensor, options?: LossOptions): Tensor {
  return apply(ops.gaussianNll, [check(x, 'gaussianNll', 'x'), check(mean, 'gaussianNll', 'mean'), check(logVar, 'gaussianNll', 'logVar')], {
    reduction: reduction(options, 'gaussianNll'),
  });
}
/** KL(N(mean, diag e^{logVar}) ‖ N(0, I)) per coordinate, reduced. @example `gaussianKl(mu, logVar, { reduction: 'batchMean' })` */
export function gaussianKl(mean: Tensor, logVar: Tensor, options?: LossOptions): Tensor {
  return apply(ops.gaussianKl, [check(mean, 'gaussianKl', 'mean'), check(logVar, 'gaussianKl', 'logVar')], {
    reduction: reduction(options, 'gaussianKl'),
  });
}

/**
 * The reparameterised sample z = mean + e^{½·logVar} ⊙ eps of a diagonal Gaussian, in one op
 * with the bytes of `mean.add(logVar.mul(0.5).exp().mul(eps))` (z and the gradients of mean and
 * logVar; eps gets none). The three tensors have one shape and one element type.
 *
 * @example
 * ```ts
 * const z = reparameterize(mu, logVar, Tensor.randn(mu.shape, rng));
 * ```
 * @throws ShapeError when the shapes differ; TypeError when the element types do.
 */
export function reparameterize(mean: Tensor, logVar: Tensor, eps: Tensor): Tensor {
  const inputs = [check(mean, 'reparameterize', 'mean'), check(logVar, 'reparameterize', 'logVar'), check(eps, 'reparameterize', 'eps')];
  for (const [t, arg] of [[logVar, 'logVar'], [eps, 'eps']] as const) {
    if (!sameShape(t.shape, mean.shape)) throw new ShapeError(`reparameterize: ${arg} has shape ${formatShape(t.shape)}, but mean has ${formatShape(mean.shape)}`);
    if (t.data.constructor !== mean.data.constructor) throw new TypeError(`reparameterize: ${arg} is ${t.dtype}, but mean is ${mean.dtype}`);
  }
  return apply(ops.reparameterize, inputs, null);
}

/**
 * The VAE step's forms of {@link reparameterize} and {@link gaussianKl} on an encoder head
 * h = [mean | logVar] of shape [n, 2k] read in place (autodiff/ops/gaussian-head.ts), with the
 * bytes of those ops on h's two slices. `eps` is [n, k] of h's element type.
 *
 * @example
 * ```ts
 * const z = reparameterizeHead(h, eps);
 * const kl = gaussianKlHead(h, { reduction: 'batchMean' });
 * ```
 * @internal
 */
export function reparameterizeHead(head: Tensor, eps: Tensor): Tensor {
  const [h, e] = [check(head, 'reparameterizeHead', 'head'), check(eps, 'reparameterizeHead', 'eps')];
  if (e.shape.length !== 2 || h.shape.length !== 2 || h.shape[0] !== e.shape[0] || h.shape[1] !== 2 * e.shape[1]) {
    throw new ShapeError(`reparameterizeHead: head ${formatShape(h.shape)} must be [n, 2k] for eps ${formatShape(e.shape)} [n, k]`);
  }
  if (h.dtype !== e.dtype) throw new TypeError(`reparameterizeHead: eps is ${e.dtype}, but head is ${h.dtype}`);
  return apply(ops.reparameterizeHead, [h, e], null);
}

/** See {@link reparameterizeHead}; `reduction` 'sum', 'mean' or 'batchMean'. @example `gaussianKlHead(h, { reduction: 'batchMean' })` @internal */
export function gaussianKlHead(head: Tensor, options?: LossOptions): Tensor {
  const h = check(head, 'gaussianKlHead', 'head');
  if (h.shape.length !== 2 || h.shape[1] % 2 !== 0) throw new ShapeError(`gaussianKlHead: head must be [n, 2k] (got ${formatShape(h.shape)})`);
  const r = reduction(options, 'gaussianKlHead');
  if (r === 'none') throw new RangeError("gaussianKlHead: reduction 'none' is not supported (use gaussianKl on the slices)");
  return apply(ops.gaussianKlHead, [h], { reduction: r });
}

/**
 * Options of {@link softmax} and {@link logSoftmax}.
 *
 * @example
 * ```ts
 * const p = softmax(logits, { axis: 1 });
 * ```
 */
export interface SoftmaxOptions {
  /** The axis to normalise over. Default −1 (the last). */
  axis?: number;
}

/**
 * Options of {@link softmaxCrossEntropy}.
 *
 * @example
 * ```ts
 * const perRow = softmaxCrossEntropy(logits, labels, { reduction: 'none' }); // [n]
 * ```
 */
export interface CrossEntropyOptions {
  /**
   * Default `'mean'` (over the rows, as PyTorch's `cross_entropy`); `'batchMean'` is the same
   * here (one loss per row), `'sum'` adds, `'none'` keeps one loss per row.
   */
  reduction?: Reduction;
}

function softmaxAxisAttr(x: Tensor, options: SoftmaxOptions | undefined, op: string): { axis: number } {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${op}: options must be an object (got ${describeValue(options)})`);
  }
  for (const k of Object.keys(options ?? {})) {
    if (k !== 'axis') throw new TypeError(`${op}: unknown option '${k}' (known: axis)`);
  }
  return { axis: normalizeAxis(options?.axis ?? -1, x.shape.length, op) };
}

/**
 * log softmax along an axis: x − log Σ exp(x), max-shifted (finite for any finite x, where the
 * naive log(softmax(x)) gives −∞ once a probability underflows).
 *
 * @example
 * ```ts
 * const logp = logSoftmax(logits, { axis: 1 }); // each row: log-probabilities
 * ```
 */
export function logSoftmax(x: Tensor, options?: SoftmaxOptions): Tensor {
  const t = check(x, 'logSoftmax', 'x');
  return apply(ops.logSoftmax, [t], softmaxAxisAttr(t, options, 'logSoftmax'));
}

/**
 * softmax along an axis: exp(x − log Σ exp(x)), max-shifted (no overflow at large x).
 *
 * @example
 * ```ts
 * const probs = softmax(logits, { axis: -1 }); // rows sum to 1
 * ```
 */
export function softmax(x: Tensor, options?: SoftmaxOptions): Tensor {
  const t = check(x, 'softmax', 'x');
  return apply(ops.softmax, [t], softmaxAxisAttr(t, options, 'softmax'));
}

/**
 * The cross-entropy of class scores against integer labels, −log softmax(logits)[label] for
 * each row, as one fused and numerically stable op (log-softmax and the negative
 * log-likelihood in one max-shifted pass; PyTorch's `F.cross_entropy`). `logits` is
 * `[rows, classes]`; `labels` holds one class index in 0..classes−1 per row.
 *
 * @throws ShapeError unless logits is 2-D with at least one class; RangeError or TypeError for
 * labels of the wrong length, non-integers or indices out of range, naming the entry.
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(logits, [2, 0, 1]); // mean over the 3 rows
 * loss.backward(); // logits.grad = (softmax(logits) − onehot(labels)) / 3
 * ```
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Int32Array | readonly number[], options?: CrossEntropyOptions): Tensor {
  const op = 'softmaxCrossEntropy';
  const t = check(logits, op, 'logits');
  if (t.shape.length !== 2 || t.shape[1] < 1) {
    throw new ShapeError(`${op}: logits must be [rows, classes] with at least one class (got ${formatShape(t.shape)})`);
  }
  const y = toLabels(labels, op, 'labels', { rows: t.shape[0], classes: t.shape[1], rowsArg: 'logits' });
  return apply(ops.softmaxCrossEntropy, [t], { labels: y, reduction: reduction(options, op) });
}

// Convolutions (issue 17): NCHW, groups = 1, PyTorch's layouts and output sizes.
export type { Conv2dOptions, ConvTranspose2dOptions };

function convInputs(where: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): Tensor[] {
  const inputs = [check(x, where, 'x'), check(weight, where, 'weight')];
  if (bias !== undefined && bias !== null) inputs.push(check(bias, where, 'bias'));
  return inputs;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's `conv2d`) of x [n, c, h, w] with weight
 * [out, c, kh, kw] and an optional bias [out]; the output is [n, out, oh, ow] with
 * oh = ⌊(h + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1 (likewise ow).
 *
 * @example
 * ```ts
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 }); // [n, 1, 28, 28] → [n, 32, 14, 14] for w [32, 1, 4, 4]
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dOptions): Tensor {
  return apply(ops.conv2d, convInputs('conv2d', x, weight, bias), convAttrs(options, 'conv2d', false));
}

/**
 * Transposed 2-D convolution (PyTorch's `conv_transpose2d`, the gradient of conv2d in its
 * input) of x [n, in, h, w] with weight [in, out, kh, kw] and an optional bias [out]; the
 * output is [n, out, oh, ow] with oh = (h − 1)·stride − 2·padding + dilation·(kh − 1) +
 * outputPadding + 1 (likewise ow).
 *
 * @example
 * ```ts
 * const y = convTranspose2d(z, w, b, { stride: 2, padding: 1 }); // [n, 64, 7, 7] → [n, 32, 14, 14] for w [64, 32, 4, 4]
 * ```
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose2dOptions): Tensor {
  return apply(ops.convTranspose2d, convInputs('convTranspose2d', x, weight, bias), convAttrs(options, 'convTranspose2d', true));
}

/**
 * Rows of `table` [K, d] by index: out[i] = table[indices[i]], shape [indices.length, d] (an
 * embedding lookup; a VQ-VAE's quantised vectors from their codes). The gradient adds each
 * row's gradient into the table row it came from.
 *
 * @example
 * ```ts
 * const q = gatherRows(codebook, new Int32Array([2, 0, 2])); // [3, d]
 * ```
 */
export function gatherRows(table: Tensor, indices: Int32Array | readonly number[]): Tensor {
  check(table, 'gatherRows', 'table');
  if (table.shape.length !== 2) throw new ShapeError(`gatherRows: table must be 2-D [K, d] (got ${formatShape(table.shape)})`);
  const rows = indices instanceof Int32Array || Array.isArray(indices) ? indices.length : 0;
  const idx = toLabels(indices, 'gatherRows', 'indices', { rows, classes: table.shape[0], rowsArg: 'indices' });
  return apply(ops.gatherRows, [table], { indices: idx });
}

/**
 * The straight-through estimator x + sg[q − x]: returns q's values, and in backward passes
 * the gradient to x unchanged and none to q. A VQ-VAE decodes `straightThrough(ze, zq)` so
 * that the reconstruction's gradient reaches the encoder through the non-differentiable
 * nearest-code step (van den Oord et al. 2017, §3.2).
 *
 * @example
 * ```ts
 * const zq = gatherRows(codebook, codes);  // quantised
 * const st = straightThrough(ze, zq);      // forward zq, gradient to ze
 * ```
 */
export function straightThrough(x: Tensor, q: Tensor): Tensor {
  check(x, 'straightThrough', 'x');
  check(q, 'straightThrough', 'q');
  if (x.shape.length !== q.shape.length || x.shape.some((d, i) => d !== q.shape[i])) {
    throw new ShapeError(`straightThrough: x ${formatShape(x.shape)} and q ${formatShape(q.shape)} must have the same shape`);
  }
  return apply(ops.straightThrough, [x, q], null);
}

// Discrete latents (issue 17): the Gumbel-softmax relaxation and the KL to a uniform categorical.

/**
 * Options of {@link gumbelSoftmax}. Give exactly one of `rng` (the noise is drawn from it) and
 * `noise` (given Gumbel(0, 1) values, e.g. to reproduce another library's sample).
 *
 * @example
 * ```ts
 * const y = gumbelSoftmax(logits, { tau: 0.5, hard: true, rng: new Rng(1) });
 * ```
 */
export interface GumbelSoftmaxOptions {
  /** The temperature τ > 0. Default 1. */
  tau?: number;
  /** Straight-through: forward the one-hot arg-max, backward the soft gradient. Default false. */
  hard?: boolean;
  /** K, when the last axis holds several variables of K categories (`[n, N·K]`). Default: the last axis. */
  nCategories?: number;
  /** The stream the Gumbel noise is drawn from ({@link Rng.fillGumbel}). */
  rng?: Rng;
  /** Gumbel(0, 1) noise with the logits' number of elements, instead of `rng`. */
  noise?: ArrayLike<number>;
}

/**
 * Options of {@link categoricalKl}.
 *
 * @example
 * ```ts
 * const kl = categoricalKl(logits, { nCategories: 10, reduction: 'batchMean' });
 * ```
 */
export interface CategoricalKlOptions {
  /** K, when the last axis holds several variables of K categories. Default: the last axis. */
  nCategories?: number;
  /**
   * Default `'mean'`: the KL of a row (its first-axis slice, summed over its variables),
   * averaged over the rows; `'batchMean'` is the same; `'sum'` adds; `'none'` keeps `[rows]`.
   */
  reduction?: Reduction;
}

function checkKeys(options: object | undefined, known: readonly string[], op: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${op}: options must be an object (got ${describeValue(options)})`);
  }
  for (const k of Object.keys(options ?? {})) {
    if (!known.includes(k)) throw new TypeError(`${op}: unknown option '${k}' (known: ${known.join(', ')})`);
  }
}

/** K from the options (default: the last axis), checked to divide the last axis. */
function categoriesOf(x: Tensor, nCategories: number | undefined, minRank: number, op: string): number {
  if (x.shape.length < minRank) {
    throw new ShapeError(`${op}: logits must have at least ${minRank} axes (got ${formatShape(x.shape)})`);
  }
  const last = x.shape[x.shape.length - 1];
  const k = nCategories ?? last;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`${op}: nCategories must be an integer >= 2 (got ${describeValue(k)})`);
  if (last % k !== 0) {
    throw new ShapeError(`${op}: the last axis of logits ${formatShape(x.shape)} (${last}) is not a multiple of nCategories = ${k}`);
  }
  return k;
}

/**
 * A Gumbel-softmax sample (Jang, Gu & Poole 2016; the Concrete distribution of Maddison et al.
 * 2016): y = softmax((logits + g)/τ) over each group of K logits along the last axis, with
 * g ~ Gumbel(0, 1). As τ → 0 the arg-max of y is distributed as softmax(logits) (the Gumbel-max
 * trick) and y approaches a one-hot. With `hard: true`, the output is exactly the one-hot of
 * y's arg-max and the gradient is the soft y's (the straight-through estimator; PyTorch's
 * `F.gumbel_softmax(hard=True)`). Logits `[n, N, K]`, or `[n, N·K]` with `nCategories: K`.
 *
 * @throws ShapeError when the last axis is not a multiple of K; RangeError for τ ≤ 0, K < 2 or
 * noise of the wrong length; TypeError for unknown options or not exactly one of rng and noise.
 * @example
 * ```ts
 * const logits = Tensor.from([[2, 0, -1, 0.5, 0.5, 0]], { dtype: 'float64', requiresGrad: true });
 * const y = gumbelSoftmax(logits, { tau: 0.5, nCategories: 3, rng: new Rng(3) }); // 2 variables, rows of 3 sum to 1
 * const h = gumbelSoftmax(logits, { tau: 0.5, nCategories: 3, hard: true, rng: new Rng(3) }); // one-hot per variable
 * ```
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions): Tensor {
  const op = 'gumbelSoftmax';
  const t = check(logits, op, 'logits');
  checkKeys(options, ['tau', 'hard', 'nCategories', 'rng', 'noise'], op);
  if (options === undefined) throw new TypeError(`${op}: options must give rng or noise`);
  const tau = options.tau ?? 1;
  if (typeof tau !== 'number' || !(tau > 0) || !Number.isFinite(tau)) {
    throw new RangeError(`${op}: tau must be a finite number > 0 (got ${describeValue(tau)})`);
  }
  const hard = options.hard ?? false;
  if (typeof hard !== 'boolean') throw new TypeError(`${op}: hard must be a boolean (got ${describeValue(hard)})`);
  const nCategories = categoriesOf(t, options.nCategories, 1, op);
  const n = t.data.length;
  const { rng, noise } = options;
  if ((rng === undefined) === (noise === undefined)) {
    throw new TypeError(`${op}: give exactly one of rng and noise (got ${rng === undefined ? 'neither' : 'both'})`);
  }
  let g: ArrayLike<number>;
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng (got ${describeValue(rng)})`);
    g = rng.fillGumbel(new Float64Array(n));
  } else {
    if (noise === null || typeof noise !== 'object' || typeof noise.length !== 'number') {
      throw new TypeError(`${op}: noise must be an array of numbers (got ${describeValue(noise)})`);
    }
    if (noise.length !== n) throw new RangeError(`${op}: noise has ${noise.length} values, but logits ${formatShape(t.shape)} have ${n}`);
    g = noise;
  }
  return apply(ops.gumbelSoftmax, [t], { tau, hard, nCategories, noise: g });
}

/**
 * KL(q ‖ uniform) = Σ_c q_c log q_c + log K of the categoricals q = softmax(logits) over each
 * group of K logits along the last axis, summed over a row's variables (the prior term of a
 * categorical VAE's ELBO, Jang et al. 2016). Computed from the max-shifted log-softmax, so it
 * is finite for any finite logits. Logits `[n, N, K]`, or `[n, N·K]` with `nCategories: K`.
 *
 * @throws ShapeError for logits of fewer than 2 axes or a last axis not a multiple of K;
 * RangeError for K < 2 or an unknown reduction.
 * @example
 * ```ts
 * const logits = Tensor.from([[0, 0, 0, 3, 0, 0]], { dtype: 'float64' });
 * categoricalKl(logits, { nCategories: 3 }).item(); // 0 for the uniform variable + 0.7320… for the other
 * ```
 */
export function categoricalKl(logits: Tensor, options?: CategoricalKlOptions): Tensor {
  const op = 'categoricalKl';
  const t = check(logits, op, 'logits');
  checkKeys(options, ['nCategories', 'reduction'], op);
  const nCategories = categoriesOf(t, options?.nCategories, 2, op);
  return apply(ops.categoricalKl, [t], { nCategories, reduction: reduction(options, op) });
}
