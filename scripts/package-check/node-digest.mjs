// The same digest as browser-entry.js, computed in Node from the installed package's ESM build.
import { createHash } from 'node:crypto';
import { loadDigits } from 'latent-ts';

const { train, test } = await loadDigits({ seed: 0 });
console.log(JSON.stringify({
  trainShape: train.shape,
  testShape: test.shape,
  labels: Array.from(test.labels.subarray(0, 10)),
  sha256: createHash('sha256').update(new Uint8Array(train.data.buffer, train.data.byteOffset, train.data.byteLength)).digest('hex'),
}));
