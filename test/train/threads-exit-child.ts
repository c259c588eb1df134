/**
 * Run by threads-fit.test.ts in a child process with LATENT_TS_THREADS=2: a VAE fit whose
 * products are large enough to start the arena's workers, then nothing. The process must exit
 * by itself (the parent fails if it does not within its timeout). Prints one JSON line, with
 * whether the fit started the process's shared pool (its first step must not: the fit has
 * its own workers) and how many workers prepared for the fit's arena are left waiting.
 */
import { workerHost } from '../../src/kernels/threads/host.js';
import { getThreads, threadPool, withSharedPoolDeferred } from '../../src/kernels/threads/threads.js';
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
const sharedPool = withSharedPoolDeferred(() => threadPool(getThreads(), 1 << 16)) !== null;
console.log(JSON.stringify({ threads: getThreads(), split: split > 0, sharedPool, prepared: workerHost()?.preparedCount }));
