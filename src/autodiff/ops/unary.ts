import * as K from '../../kernels/unary.js';
import { reluBackward, reluInto } from '../../kernels/relu.js';
import { sigmoid as sigmoidScalar } from '../../kernels/stable.js';
import type { FloatArray } from '../../validate.js';
import { allocLike, defineOp, type OpDef, type RawTensor } from '../op.js';

type Map1 = (x: FloatArray, out: FloatArray) => FloatArray;

function run(kernel: Map1, x: RawTensor) {
  return { data: kernel(x.data, allocLike(x.data, x.data.length)), shape: x.shape.slice(), saved: null };
}

/** Builds grad[i] = g[i]·d(i) from the input x and output y. */
function chain(g: FloatArray, x: FloatArray, y: FloatArray, d: (x: number, y: number) => number): FloatArray {
  const out = allocLike(g, g.length);
  for (let i = 0; i < g.length; i++) out[i] = g[i] * d(x[i], y[i]);
  return out;
}

/** exp' = exp: reuse the output. */
export const exp: OpDef<null, null> = defineOp({
  name: 'exp', forward: ([x]) => run(K.expInto, x),
  backward: (g, { out }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) r[i] = g[i] * out.data[i];
    return [r];
  },
});

/** log' = 1/x. */
export const log: OpDef<null, null> = defineOp({
  name: 'log', forward: ([x]) => run(K.logInto, x),
  backward: (g, { inputs: [x] }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) r[i] = g[i] / x.data[i];
    return [r];
  },
});

/** sqrt' = 1/(2·sqrt x): reuse the output. */
export const sqrt: OpDef<null, null> = defineOp({
  name: 'sqrt', forward: ([x]) => run(K.sqrtInto, x),
  backward: (g, { inputs: [x], out }) => [chain(g, x.data, out.data, (_x, y) => 0.5 / y)],
});

/** (x²)' = 2x. */
export const square: OpDef<null, null> = defineOp({
  name: 'square', forward: ([x]) => run(K.squareInto, x),
  backward: (g, { inputs: [x] }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) r[i] = 2 * g[i] * x.data[i];
    return [r];
  },
});

/** |x|' = sign(x) (0 at 0, as in PyTorch). */
export const abs: OpDef<null, null> = defineOp({
  name: 'abs', forward: ([x]) => run(K.absInto, x),
  backward: (g, { inputs: [x], out }) => [chain(g, x.data, out.data, (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN))],
});

/** tanh' = 1 − tanh²: reuse the output. */
export const tanh: OpDef<null, null> = defineOp({
  name: 'tanh', forward: ([x]) => run(K.tanhInto, x),
  backward: (g, { out }) => {
    const r = allocLike(g, g.length);
    const y = out.data;
    for (let i = 0; i < g.length; i++) r[i] = g[i] * (1 - y[i] * y[i]);
    return [r];
  },
});

/** σ' = σ(1 − σ): reuse the output. */
export const sigmoid: OpDef<null, null> = defineOp({
  name: 'sigmoid', forward: ([x]) => run(K.sigmoidInto, x),
  backward: (g, { out }) => {
    const r = allocLike(g, g.length);
    const y = out.data;
    for (let i = 0; i < g.length; i++) r[i] = g[i] * y[i] * (1 - y[i]);
    return [r];
  },
});

/** relu' = [x > 0]; the kernels and edge cases (−0, ±∞, NaN) of Linear.forwardRelu, see kernels/relu.ts. */
export const relu: OpDef<null, null> = defineOp({
  name: 'relu', forward: ([x]) => run(reluInto, x),
  backward: (g, { inputs: [x] }) => [reluBackward(g, x.data, allocLike(g, g.length))],
});

/** leakyRelu' = 1 for x > 0, slope otherwise. */
export const leakyRelu: OpDef<{ slope: number }, null> = defineOp({
  name: 'leakyRelu',
  forward: ([x], { slope }) => ({ data: K.leakyReluInto(x.data, slope, allocLike(x.data, x.data.length)), shape: x.shape.slice(), saved: null }),
  backward: (g, { inputs: [x], attrs: { slope } }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) {
      const v = x.data[i];
      r[i] = v > 0 ? g[i] : v !== v ? NaN : slope * g[i];
    }
    return [r];
  },
});

/** softplus' = σ(x). */
export const softplus: OpDef<null, null> = defineOp({
  name: 'softplus', forward: ([x]) => run(K.softplusInto, x),
  backward: (g, { inputs: [x] }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) r[i] = g[i] * sigmoidScalar(x.data[i]);
    return [r];
  },
});

/** (log σ)' = 1 − σ(x) = σ(−x). */
export const logSigmoid: OpDef<null, null> = defineOp({
  name: 'logSigmoid', forward: ([x]) => run(K.logSigmoidInto, x),
  backward: (g, { inputs: [x] }) => {
    const r = allocLike(g, g.length);
    for (let i = 0; i < g.length; i++) r[i] = g[i] * sigmoidScalar(-x.data[i]);
    return [r];
  },
});
