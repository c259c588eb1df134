/**
 * Writes the demo's digits (8,000 training and 2,000 test digits, split seed 0, as `npm run demo`
 * uses them) to one binary file, for scripts/fixtures/ae2d_torch.py to train on exactly the
 * demo's data: a little-endian header of 4 uint32 (nTrain, nTest, dim, 0), then the training
 * pixels as float32, the test pixels as float32, the training labels and the test labels as
 * uint8. Also prints the codes' 5-NN accuracy by the repo's knnAccuracy when given a codes file
 * written by that script (float32 train codes then test codes, 2 per row), as a cross-check of
 * its own k-NN.
 *
 *   npx tsx scripts/export-demo-digits.ts /tmp/demo-digits.bin
 *   npx tsx scripts/export-demo-digits.ts /tmp/demo-digits.bin /tmp/codes.bin   # + 5-NN of codes
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { knnAccuracy } from '../src/app/knn.js';
import { demoData } from '../src/demo/data.js';

const [out, codesFile] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: export-demo-digits.ts OUT.bin [CODES.bin]');
const { train, test } = await demoData(8000, 2000, 0);
const [nTrain, dim] = train.shape;
const nTest = test.shape[0];
const header = new Uint32Array([nTrain, nTest, dim, 0]);
const parts = [header, train.data, test.data, train.labels, test.labels].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
writeFileSync(out, Buffer.concat(parts));
console.log(`wrote ${out}: ${nTrain} training and ${nTest} test digits of ${dim} pixels`);
if (codesFile !== undefined) {
  const b = readFileSync(codesFile);
  const codes = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  if (codes.length !== 2 * (nTrain + nTest)) throw new Error(`${codesFile}: expected ${2 * (nTrain + nTest)} floats, got ${codes.length}`);
  const acc = knnAccuracy(
    { data: codes.subarray(0, 2 * nTrain), n: nTrain, dim: 2, labels: train.labels },
    { data: codes.subarray(2 * nTrain), n: nTest, dim: 2, labels: test.labels },
    5,
  );
  console.log(JSON.stringify({ codes: codesFile, knnAccuracy: acc }));
}
