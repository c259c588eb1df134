// CommonJS smoke test of the installed package: require() resolves dist/index.cjs, which loads
// the built-in digits (an ES module) with import(); run from a directory other than the
// project's, so nothing may depend on the working directory.
'use strict';
const assert = require('node:assert/strict');
const { PCA, loadDigits, Tensor } = require('latent-ts');

async function main() {
  assert.equal(require.resolve('latent-ts').endsWith('index.cjs'), true, `require resolved ${require.resolve('latent-ts')}`);
  const { train, test } = await loadDigits({ seed: 0 });
  assert.deepEqual(train.shape, [8000, 784]);
  assert.deepEqual(test.shape, [2000, 784]);
  const pca = new PCA({ nComponents: 2 }).fit(train);
  const z = pca.encode(test);
  assert.ok(z instanceof Tensor, 'encode returns a Tensor');
  assert.deepEqual(z.shape, [2000, 2]);
  console.log(`cjs ok: ${train.shape[0]} train / ${test.shape[0]} test digits, codes ${z.shape.join('x')}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
