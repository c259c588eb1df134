/**
 * Run by threads-fit.test.ts in a child process with LATENT_TS_THREADS=2: a VAE fit whose
 * products are large enough to start the arena's workers, then nothing. The process must exit
 * by itself (the parent fails if it does not within its timeout). Prints one JSON line.
 */
import { getThreads } from '../../src/kernels/threads/threads.js';
import { arenaOf } from '../../src/kernels/wasm/arena.js';
import { VAE } from '../../src/models/neural/vae.js';
import { unitData } from './fixtures.js';

const X = unitData(512, 784, 2);
const vae = new VAE({ inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 1 });
let split = 0;
await vae.fit(X, {
  epochs: 1, batchSize: 128,
  onBatchEnd: async () => {
    const arena = arenaOf([...vae.parameters().values()][0].data);
    await arena?.ready();
    split = arena?.splitProducts ?? split;
  },
});
console.log(JSON.stringify({ threads: getThreads(), split: split > 0 }));
