/**
 * docs/testing.md §3.2 rows that concern tensors and ops, one table row each (OpInfo's ErrorInput):
 * the input, the error class and a message regex. Messages name the function, the argument,
 * what was expected and what was received.
 */
import { describe, expect, it } from 'vitest';
import * as F from '../../src/autodiff/functional.js';
import { ShapeError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';

const t = (shape: number[], requiresGrad = false): Tensor => Tensor.zeros(shape, { requiresGrad });
const anyT = (v: unknown): Tensor => v as Tensor;

type Row = [string, () => unknown, new (...a: never[]) => Error, RegExp];

const rows: Row[] = [
  // Creation
  ['ragged nested arrays', () => Tensor.from([[1, 2], [3]]), ShapeError, /^Tensor\.from: values\[1\] has length 1, expected 2$/],
  ['ragged deeper down', () => Tensor.from([[[1], [2]], [[3], [4, 5]]]), ShapeError, /values\[1\]\[1\] has length 2, expected 1/],
  ['an array where a number belongs', () => Tensor.from([1, [2]] as never), TypeError, /^Tensor\.from: values\[1\] is not a number \(got array of length 1\)$/],
  ['a number where an array belongs', () => Tensor.from([[1], 2] as never), ShapeError, /^Tensor\.from: values\[1\] is not an array, expected length 1$/],
  ['a string entry', () => Tensor.from([1, '2'] as never), TypeError, /values\[1\] is not a number \(got string '2'\)/],
  ['null entry', () => Tensor.from([[1, null]] as never), TypeError, /values\[0\]\[1\] is not a number \(got null\)/],
  ['undefined entry', () => Tensor.from([1, undefined] as never), TypeError, /values\[1\] is not a number \(got undefined\)/],
  ['undefined first entry', () => Tensor.from([undefined] as never), TypeError, /^Tensor\.from: values must be numbers or nested arrays of numbers \(got undefined\)$/],
  ['a string as values', () => Tensor.from('abc' as never), TypeError, /^Tensor\.from: values must be numbers or nested arrays of numbers \(got string 'abc'\)$/],
  ['flat values that do not fit the shape', () => Tensor.from([1, 2, 3], { shape: [2, 2] }), ShapeError, /^Tensor\.from: values have 3 elements, but shape \[2, 2\] needs 4$/],
  ['non-numbers with an explicit shape', () => Tensor.from(['a', 1] as never, { shape: [2] }), TypeError, /^Tensor\.from: values\[0\] is not a number \(got string 'a'\)$/],
  ['a negative extent', () => Tensor.from([1], { shape: [-1] }), ShapeError, /Tensor\.from: shape must be an array of non-negative integers \(got \[-1\]\)/],
  ['a fractional extent', () => Tensor.zeros([2.5]), ShapeError, /Tensor\.full: shape must be an array of non-negative integers \(got \[2\.5\]\)/],
  ['constructor data/shape mismatch', () => new Tensor(new Float32Array(3), [2, 2]), ShapeError, /^Tensor: data has 3 elements, but shape \[2, 2\] needs 4$/],
  ['constructor with a plain array', () => new Tensor([1, 2] as never, [2]), TypeError, /^Tensor: data must be a Float32Array or Float64Array \(got array of length 2\)$/],
  ['item on several elements', () => t([2]).item(), ShapeError, /^Tensor\.item: needs exactly 1 element \(got shape \[2\]\)$/],
  ['randn with a bad shape', () => Tensor.randn([-2], undefined as never), ShapeError, /Tensor\.randn: shape must be/],
  ['randn without an Rng', () => Tensor.randn([2], undefined as never), TypeError, /^Tensor\.randn: rng must be an Rng, e\.g\. new Rng\(42\) \(got undefined\)$/],
  ['rand with a number for the Rng', () => Tensor.rand([2], 42 as never), TypeError, /^Tensor\.rand: rng must be an Rng, e\.g\. new Rng\(42\) \(got 42\)$/],
  ['full with a non-number', () => Tensor.full([2], '1' as never), TypeError, /^Tensor\.full: value must be a number \(got string '1'\)$/],

  // Broadcasting arithmetic
  ['add [2,3] + [4]', () => t([2, 3]).add(t([4])), ShapeError, /^add: shapes \[2, ?3\] and \[4\] cannot broadcast$/],
  ['sub [2,3] − [3,2]', () => t([2, 3]).sub(t([3, 2])), ShapeError, /^sub: shapes \[2, ?3\] and \[3, ?2\] cannot broadcast$/],
  ['mul [5] · [4]', () => F.mul(t([5]), t([4])), ShapeError, /^mul: shapes \[5\] and \[4\] cannot broadcast$/],
  ['div [2,1,3] / [4,3,3]', () => t([2, 1, 3]).div(t([4, 3, 3])), ShapeError, /^div: shapes \[2, 1, 3\] and \[4, 3, 3\] cannot broadcast$/],
  ['add with a string', () => F.add(t([2]), 'x' as never), TypeError, /^add: argument 'b' must be a Tensor or a number \(got string 'x'\)$/],
  ['add on a non-tensor', () => F.add([1, 2] as never, 1), TypeError, /^add: argument 'a' must be a Tensor \(got array of length 2\)$/],
  ['exp of a number', () => F.exp(3 as never), TypeError, /^exp: argument 'x' must be a Tensor \(got 3\)$/],
  ['leakyRelu with a NaN slope', () => t([2]).leakyRelu(NaN), RangeError, /^leakyRelu: slope must be a finite number \(got NaN\)$/],

  // Matmul
  ['matmul inner dimensions', () => t([2, 3]).matmul(t([4, 5])), ShapeError,
    /^matmul: a \[2, ?3\] and b \[4, ?5\] are incompatible \(inner dimensions 3 ≠ 4\)$/],
  ['matmul inner dimensions with transB', () => t([2, 3]).matmul(t([4, 5]), { transB: true }), ShapeError,
    /^matmul: a \[2, 3\] and b \[4, 5\] are incompatible with transA=false, transB=true \(inner dimensions 3 ≠ 5\)$/],
  ['matmul inner dimensions with transA', () => t([2, 3]).matmul(t([3, 5]), { transA: true }), ShapeError, /inner dimensions 2 ≠ 3/],
  ['matmul of a vector', () => t([3]).matmul(t([3, 2])), ShapeError, /^matmul: a \[3\] and b \[3, 2\] must both be 2-D$/],
  ['matmul of a 3-D tensor', () => t([2, 2]).matmul(t([2, 2, 2])), ShapeError, /must both be 2-D/],
  ['matmul with a non-tensor', () => F.matmul(t([2, 2]), [[1]] as never), TypeError, /^matmul: argument 'b' must be a Tensor/],

  // Shape ops
  ['reshape to a different size', () => t([6]).reshape([4, 2]), ShapeError, /^reshape: cannot reshape \[6\] \(6 elements\) to \[4, ?2\] \(8\)$/],
  ['reshape with a negative extent', () => t([6]).reshape([-1, 6]), ShapeError, /^reshape: shape must be an array of non-negative integers/],
  ['transpose with a bad permutation', () => t([2, 3]).transpose([0, 0]), ShapeError, /^transpose: perm \[0, 0\] is not a permutation of the axes of \[2, 3\]$/],
  ['transpose with the wrong rank', () => t([2, 3]).transpose([0]), ShapeError, /is not a permutation/],
  ['broadcastTo an incompatible shape', () => t([3]).broadcastTo([2, 4]), ShapeError, /^broadcastTo: shapes \[3\] and \[2, 4\] cannot broadcast$/],
  ['broadcastTo a smaller shape', () => t([2, 3]).broadcastTo([3]), ShapeError, /^broadcastTo: cannot broadcast \[2, 3\] to \[3\]$/],
  ['slice past the end', () => t([2, 3]).slice(1, 1, 4), ShapeError, /^slice: range \[1, 4\) is out of bounds for axis 1 of \[2, 3\]$/],
  ['slice with start > end', () => t([5]).slice(0, 3, 2), ShapeError, /range \[3, 2\) is out of bounds/],
  ['slice with a fractional bound', () => t([5]).slice(0, 0.5, 2), ShapeError, /range \[0\.5, 2\) is out of bounds/],
  ['slice on a bad axis', () => t([5]).slice(1, 0, 1), ShapeError, /^slice: axis 1 is out of range for a tensor of rank 1$/],
  ['slice of a 0-d tensor', () => t([]).slice(0, 0, 1), ShapeError, /^slice: cannot slice a 0-d tensor/],
  ['concat of mismatched shapes', () => F.concat([t([2, 3]), t([3, 3])], 1), ShapeError, /^concat: shapes \[2, 3\] and \[3, 3\] differ outside axis 1$/],
  ['concat of different ranks', () => F.concat([t([2, 3]), t([3])], 0), ShapeError, /differ outside axis 0/],
  ['concat of nothing', () => F.concat([]), TypeError, /^concat: xs must be a non-empty array of Tensors$/],
  ['concat of a non-tensor', () => F.concat([t([2]), 5 as never]), TypeError, /^concat: argument 'xs\[1\]' must be a Tensor \(got 5\)$/],
  ['concat of 0-d tensors', () => F.concat([t([]), t([])]), ShapeError, /^concat: 0-d tensors cannot be concatenated/],

  // Reductions
  ['sum over a missing axis', () => t([2, 3]).sum(2), ShapeError, /^sum: axis 2 is out of range for a tensor of rank 2$/],
  ['mean over a negative missing axis', () => t([2, 3]).mean(-3), ShapeError, /^mean: axis -3 is out of range for a tensor of rank 2$/],
  ['logSumExp over a fractional axis', () => t([2, 3]).logSumExp(0.5), ShapeError, /^logSumExp: axis 0\.5 is out of range/],
  ['sum of a 0-d tensor over axis 1', () => t([]).sum(1), ShapeError, /^sum: axis 1 is out of range for a tensor of rank 0$/],

  // Losses
  ['mse of incompatible shapes', () => F.mse(t([2, 3]), t([3, 2])), ShapeError, /^mse: shapes \[2, 3\] and \[3, 2\] cannot broadcast$/],
  ['gaussianNll of incompatible shapes', () => F.gaussianNll(t([2]), t([2]), t([3])), ShapeError, /^gaussianNll: shapes \[2\] and \[3\] cannot broadcast$/],
  ['batchMean of a 0-d loss', () => F.gaussianKl(t([]), t([]), { reduction: 'batchMean' }), ShapeError, /^gaussianKl: reduction 'batchMean' needs a batch axis \(got a scalar\)$/],
  ['an unknown reduction', () => F.bceWithLogits(t([2]), t([2]), { reduction: 'avg' as never }), RangeError,
    /^bceWithLogits: reduction must be 'none', 'sum', 'mean' or 'batchMean' \(got string 'avg'\)$/],
  ['a loss of a non-tensor', () => F.mse(t([2]), [1, 2] as never), TypeError, /^mse: argument 'target' must be a Tensor/],

  // Backward
  ['backward on a non-scalar without a gradient', () => t([2, 3], true).exp().backward(), ShapeError,
    /^backward\(\) needs a scalar loss or a gradient of shape \[2, ?3\]; got shape \[2, ?3\] and no gradient$/],
  ['backward with a gradient of the wrong shape', () => t([2, 3], true).exp().backward(t([6])), ShapeError,
    /^backward\(\): gradient has shape \[6\], but the tensor has shape \[2, 3\]$/],
  ['backward on a tensor that records nothing', () => t([1]).exp().backward(), Error, /^backward\(\): the tensor does not require grad/],
];

describe('bad inputs: error class and message', () => {
  it.each(rows)('%s', (_name, thunk, ErrorClass, pattern) => {
    let caught: unknown;
    try {
      thunk();
    } catch (e) {
      caught = e;
    }
    expect(caught, 'expected a throw').toBeInstanceOf(ErrorClass);
    expect((caught as Error).message).toMatch(pattern);
  });

  it('ShapeError is an Error with its own name', () => {
    let caught: unknown;
    try { t([2]).add(t([3])); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('ShapeError');
  });

  it('a failed op leaves its inputs and their gradients untouched', () => {
    const a = Tensor.from([[1, 2, 3]], { requiresGrad: true });
    expect(() => a.matmul(anyT(t([4, 1])))).toThrow(ShapeError);
    expect(a.grad).toBeNull();
    expect(a.toArray()).toEqual([[1, 2, 3]]);
  });
});
