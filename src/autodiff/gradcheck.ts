import { ShapeError, describeValue } from '../errors.js';
import { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Options of {@link gradcheck}.
 *
 * @example
 * ```ts
 * gradcheck((x) => x.exp().sum(), [x], { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
 * ```
 */
export interface GradcheckOptions {
  /** Central-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance. Default 1e-3. */
  rtol?: number;
  /** Inputs with more elements than this are checked by random projections. Default 64. */
  fullLimit?: number;
  /** Number of random directions in projection mode. Default 3. */
  projections?: number;
  /** Seed of the random output weights and directions. Default 0. */
  seed?: number;
  /** Throw on a mismatch (default) or return the report. */
  throwOnFailure?: boolean;
}

/**
 * What {@link gradcheck} found.
 *
 * @example
 * ```ts
 * const { passed, maxAbsError } = gradcheck(f, [x], { throwOnFailure: false });
 * ```
 */
export interface GradcheckResult {
  passed: boolean;
  /** Largest |analytic − numeric| seen. */
  maxAbsError: number;
  /** Description of the first mismatch, or '' when passed. */
  firstFailure: string;
}

function weightedOutput(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], weights: Float64Array | null): Tensor {
  const y = f(...inputs);
  if (!(y instanceof Tensor)) throw new TypeError(`gradcheck: f must return a Tensor (got ${describeValue(y)})`);
  if (weights === null) return y;
  return y.mul(new Tensor(weights, y.shape)).sum();
}

/**
 * Checks the gradients the engine computes for `f` against float64 central differences.
 * Inputs must be float64 tensors; those with `requiresGrad` are checked. A non-scalar output
 * is contracted with fixed random weights. Inputs of at most `fullLimit` elements are
 * checked element by element; larger ones along random directions (⟨u, ∇⟩ against
 * (L(x + hu) − L(x − hu)) / 2h), as PyTorch's fast mode and JAX's check_grads do.
 *
 * @example
 * ```ts
 * const x = Tensor.randn([3, 4], new Rng(0), { dtype: 'float64', requiresGrad: true });
 * gradcheck((x) => x.tanh().sum(), [x]); // throws if a gradient is wrong
 * ```
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, fullLimit = 64, projections = 3, seed = 0, throwOnFailure = true } = options;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || x.dtype !== 'float64') {
      throw new TypeError(`gradcheck: inputs[${i}] must be a float64 Tensor (got ${x instanceof Tensor ? x.dtype : describeValue(x)})`);
    }
  });
  const rng = new Rng(seed);
  const probe = f(...inputs.map((x) => x.detach()));
  const weights = probe.size === 1 ? null : (rng.fillNormal(new Float64Array(probe.size)) as Float64Array);
  const leaves = inputs.map((x) => new Tensor(x.data, x.shape, { requiresGrad: x.requiresGrad }));
  const loss = weightedOutput(f, leaves, weights);
  if (loss.size !== 1) throw new ShapeError('gradcheck: internal error, the contracted output is not a scalar');
  if (loss.requiresGrad) loss.backward();
  const evaluate = (): number => weightedOutput(f, inputs.map((x) => x.detach()), weights).item();

  let maxAbsError = 0;
  let firstFailure = '';
  const compare = (analytic: number, numeric: number, where: string): void => {
    const err = Math.abs(analytic - numeric);
    if (!(err <= maxAbsError)) maxAbsError = err;
    if (!(err <= atol + rtol * Math.abs(numeric)) && firstFailure === '') {
      firstFailure = `${where}: analytic ${analytic}, numeric ${numeric}, |diff| ${err}`;
    }
  };
  inputs.forEach((x, i) => {
    if (!x.requiresGrad) return;
    const grad = leaves[i].grad?.data ?? new Float64Array(x.size);
    const data = x.data;
    if (x.size <= fullLimit) {
      for (let j = 0; j < x.size; j++) {
        const orig = data[j];
        data[j] = orig + eps;
        const up = evaluate();
        data[j] = orig - eps;
        const down = evaluate();
        data[j] = orig;
        compare(grad[j], (up - down) / (2 * eps), `input ${i}, element ${j}`);
      }
      return;
    }
    const orig = Float64Array.from(data);
    for (let p = 0; p < projections; p++) {
      const u = rng.fillNormal(new Float64Array(x.size));
      let analytic = 0;
      for (let j = 0; j < x.size; j++) analytic += u[j] * grad[j];
      for (let j = 0; j < x.size; j++) data[j] = orig[j] + eps * u[j];
      const up = evaluate();
      for (let j = 0; j < x.size; j++) data[j] = orig[j] - eps * u[j];
      const down = evaluate();
      data.set(orig);
      compare(analytic, (up - down) / (2 * eps), `input ${i}, projection ${p}`);
    }
  });
  const result = { passed: firstFailure === '', maxAbsError, firstFailure };
  if (!result.passed && throwOnFailure) throw new Error(`gradcheck failed at ${firstFailure}`);
  return result;
}
