/**
 * Run by heap.test.ts in a child process under `node --expose-gc --import tsx`: 2,000 small VAE
 * training steps, heapUsed after a full GC at steps 500 and 2,000, and whether a loss graph is
 * collected once unreachable. Prints one JSON line.
 */
import { VAE } from '../../src/models/neural/vae.js';
import { unitData } from './fixtures.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (gc === undefined) {
    console.log(JSON.stringify({ gc: false }));
    return;
  }
  const X = unitData(64, 20, 3);
  const vae = new VAE({ inputDim: 20, hiddenDims: [16], latentDim: 4, batchSize: 8, learningRate: 1e-3, seed: 1 });
  const heap: Record<number, number> = {};
  await vae.fit(X, {
    epochs: 250,
    onBatchEnd: (b) => {
      if (b.step === 500 || b.step === 1000 || b.step === 2000) {
        gc();
        heap[b.step] = process.memoryUsage().heapUsed;
      }
    },
  });
  let ref: WeakRef<object> | null = null;
  (() => { ref = new WeakRef(vae.objective(X).loss); })();
  await new Promise((r) => setTimeout(r, 0));
  gc();
  await new Promise((r) => setTimeout(r, 0));
  gc();
  console.log(JSON.stringify({ gc: true, steps: vae.step, heap, graphCollected: ref!.deref() === undefined }));
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
