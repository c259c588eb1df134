import type { OpDef } from '../op.js';
import { add, div, mul, neg, sub } from './arithmetic.js';
import { linear, type LinearAttrs } from './linear.js';
import { bceWithLogits, gaussianKl, gaussianNll, mse, type LossAttrs } from './losses.js';
import { matmul, type MatmulAttrs } from './matmul.js';
import { logSumExp, mean, sum, type ReduceAttrs } from './reduce.js';
import { broadcastTo, concat, reshape, slice, transpose } from './shape.js';
import { logSoftmax, softmax, softmaxCrossEntropy, type CrossEntropyAttrs, type SoftmaxAttrs } from './softmax.js';
import { abs, exp, leakyRelu, log, logSigmoid, relu, sigmoid, softplus, sqrt, square, tanh } from './unary.js';
import { conv2d, convTranspose2d, type ConvAttrs, type ConvTransposeAttrs } from './conv.js';
import { gatherRows, straightThrough, type GatherRowsAttrs } from './discrete.js';
import { categoricalKl, gumbelSoftmax, type CategoricalKlAttrs, type GumbelSoftmaxAttrs } from './categorical.js';
import { reparameterize } from './reparameterize.js';
import { gaussianKlHead, reparameterizeHead } from './gaussian-head.js';

/** The attributes each primitive takes; the keys are the complete set of primitives. */
export interface OpAttrs {
  add: null; sub: null; mul: null; div: null; neg: null;
  exp: null; log: null; sqrt: null; square: null; abs: null; tanh: null; sigmoid: null; relu: null;
  leakyRelu: { slope: number }; softplus: null; logSigmoid: null;
  matmul: MatmulAttrs; linear: LinearAttrs;
  sum: ReduceAttrs; mean: ReduceAttrs; logSumExp: ReduceAttrs;
  reshape: { shape: number[] }; transpose: { perm: number[] }; broadcastTo: { shape: number[] };
  slice: { axis: number; start: number; end: number }; concat: { axis: number };
  mse: LossAttrs; bceWithLogits: LossAttrs; gaussianNll: LossAttrs; gaussianKl: LossAttrs;
  logSoftmax: SoftmaxAttrs; softmax: SoftmaxAttrs; softmaxCrossEntropy: CrossEntropyAttrs;
  conv2d: ConvAttrs; convTranspose2d: ConvTransposeAttrs;
  gatherRows: GatherRowsAttrs; straightThrough: null;
  gumbelSoftmax: GumbelSoftmaxAttrs; categoricalKl: CategoricalKlAttrs;
  reparameterize: null; reparameterizeHead: null; gaussianKlHead: LossAttrs;
}

/** Name of a differentiable primitive. */
export type OpName = keyof OpAttrs;

// A mapped type over every primitive: leaving one out, or giving one no backward, is a
// compile error (the jax-js rule-table idiom).
type OpTable = { readonly [K in OpName]: OpDef<OpAttrs[K], unknown> };

/** Every differentiable primitive, forward and backward together. */
export const ops: OpTable = {
  add, sub, mul, div, neg,
  exp, log, sqrt, square, abs, tanh, sigmoid, relu, leakyRelu, softplus, logSigmoid,
  matmul, linear, sum, mean, logSumExp,
  reshape, transpose, broadcastTo, slice, concat,
  mse, bceWithLogits, gaussianNll, gaussianKl,
  logSoftmax, softmax, softmaxCrossEntropy,
  conv2d, convTranspose2d,
  gatherRows, straightThrough,
  gumbelSoftmax, categoricalKl,
  reparameterize, reparameterizeHead, gaussianKlHead,
};
