/**
 * Experiment runner for the 2-D autoencoder (issue #16): prints a JSON line per fine-tuning
 * segment with the 5-NN accuracy of the 2-D test codes and the CPU seconds so far.
 *
 *   npx tsx scripts/ae2d-sweep.ts '{"hidden":[256,128,32],"pretrain":3,"schedule":[[25,2e-3]],"seed":0}'
 */
import { knnAccuracy } from '../src/app/knn.js';
import { asMatrix } from '../src/app/matrix.js';
import { demoData, head } from '../src/demo/data.js';
import { Autoencoder } from '../src/models/neural/autoencoder.js';
import type { Activation } from '../src/nn/activations.js';

interface Spec {
  hidden: number[]; pretrain: number; pretrainLr?: number; schedule: [number, number][]; seed: number;
  batch?: number; act?: Activation; wd?: number; n?: number; pretrainBatch?: number; tag?: string; mask?: number; loss?: 'mse' | 'bce';
}
const spec = JSON.parse(process.argv[2]) as Spec;
const data = await demoData(8000, 2000, 0);
const train = head(data.train, spec.n ?? 8000);
const batchSize = spec.batch ?? 128;
const ae = new Autoencoder({ inputDim: 784, hiddenDims: spec.hidden, latentDim: 2, activation: spec.act ?? 'relu', loss: spec.loss ?? 'bce', seed: spec.seed, weightDecay: spec.wd ?? 0, ...(spec.mask ? { denoising: { type: 'masking' as const, rate: spec.mask } } : {}) });
let cpu = 0;
const measure = async (f: () => Promise<unknown>) => { const c = process.cpuUsage(); await f(); const u = process.cpuUsage(c); cpu += (u.user + u.system) / 1e6; };
const knn = () => {
  const tr = asMatrix(ae.encode(data.train));
  const te = asMatrix(ae.encode(data.test));
  return knnAccuracy({ data: tr.data, n: tr.shape[0], dim: 2, labels: data.train.labels }, { data: te.data, n: te.shape[0], dim: 2, labels: data.test.labels }, 5);
};
if (spec.pretrain > 0) await measure(() => ae.pretrainLayerwise(train, { epochs: spec.pretrain, batchSize: spec.pretrainBatch ?? batchSize, learningRate: spec.pretrainLr ?? 2e-3 }));
const t0 = performance.now();
let epochs = 0;
let loss = NaN;
for (const [e, lr] of spec.schedule) {
  await measure(async () => { const h = await ae.fit(train, { epochs: e, batchSize, learningRate: lr }); loss = h.at(-1)!.loss; });
  epochs += e;
  console.log(JSON.stringify({ ...spec, epochs, loss: +loss.toFixed(2), knn: knn(), cpu: +cpu.toFixed(1), wall: +((performance.now() - t0) / 1000).toFixed(1) }));
}
