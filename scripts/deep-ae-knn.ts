/**
 * 5-NN accuracy of a 2-D autoencoder's test codes, with or without greedy layer-wise
 * pre-training, on the demo's digits (8,000 training, 2,000 test, split seed 0): the numbers in
 * README's 'Pictures' section. Prints one JSON line.
 *
 *   npx tsx scripts/deep-ae-knn.ts HIDDEN PRETRAIN_EPOCHS EPOCHS SEED
 *   npx tsx scripts/deep-ae-knn.ts 256,128,32 3 25 0   # the demo's AE-2
 *   npx tsx scripts/deep-ae-knn.ts 256,128,32 0 28 0   # the same without pre-training
 *   npx tsx scripts/deep-ae-knn.ts 512,256 0 15 0      # the AE-2 of before
 */
import { knnAccuracy } from '../src/app/knn.js';
import { asMatrix } from '../src/app/matrix.js';
import { demoData } from '../src/demo/data.js';
import { Autoencoder } from '../src/models/neural/autoencoder.js';

const [hidden, pretrain, epochs, seed] = process.argv.slice(2);
if (seed === undefined) throw new Error('usage: deep-ae-knn.ts HIDDEN PRETRAIN_EPOCHS EPOCHS SEED');
const data = await demoData(8000, 2000, 0);
const training = { batchSize: 128, learningRate: 2e-3 };
const ae = new Autoencoder({ inputDim: 784, hiddenDims: hidden.split(',').map(Number), latentDim: 2, activation: 'relu', loss: 'bce', seed: Number(seed) });
const cpu = process.cpuUsage();
if (Number(pretrain) > 0) await ae.pretrainLayerwise(data.train, { ...training, epochs: Number(pretrain) });
await ae.fit(data.train, { ...training, epochs: Number(epochs) });
const used = process.cpuUsage(cpu);
const train = asMatrix(ae.encode(data.train));
const test = asMatrix(ae.encode(data.test));
const accuracy = knnAccuracy(
  { data: train.data, n: train.shape[0], dim: 2, labels: data.train.labels },
  { data: test.data, n: test.shape[0], dim: 2, labels: data.test.labels },
  5,
);
console.log(JSON.stringify({ hidden, pretrain: Number(pretrain), epochs: Number(epochs), seed: Number(seed), knnAccuracy: accuracy, cpuSeconds: (used.user + used.system) / 1e6 }));
