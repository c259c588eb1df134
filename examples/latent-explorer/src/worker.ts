// The published ESM build (dist/index.js), bundled as an application would bundle it.
import { VAE, getBackend, getThreads } from 'latent-ts';
import type { FromWorker, ToWorker } from './protocol.js';

// The digits ship with the page as raw bytes: n × 784 pixels (0–255) followed by n labels.
const PIXELS = 784;

let vae: VAE | null = null;

// The worker's global scope, typed by what is used (the DOM and WebWorker libs conflict).
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  location: Location;
};

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function loadSubset(): Promise<{ data: Float32Array; labels: Uint8Array; n: number }> {
  const response = await fetch(new URL('./digits-subset.bin', scope.location.href));
  if (!response.ok) throw new Error(`digits-subset.bin: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const n = bytes.length / (PIXELS + 1);
  if (!Number.isInteger(n)) throw new Error(`digits-subset.bin: ${bytes.length} bytes is not n × 785`);
  const data = new Float32Array(n * PIXELS);
  for (let i = 0; i < data.length; i++) data[i] = bytes[i] / 255;
  return { data, labels: bytes.slice(n * PIXELS), n };
}

async function train(epochs: number, seed: number): Promise<void> {
  const { data, labels, n } = await loadSubset();
  const X = { data, shape: [n, PIXELS] as [number, number] };
  const model = new VAE({ inputDim: PIXELS, hiddenDims: [256], latentDim: 2, likelihood: 'bernoulli', seed });
  // The thread count the fit uses: more than 1 where the page is cross-origin isolated (serve.ts's headers).
  const threads = getThreads();
  const start = performance.now();
  const batchSize = 100;
  let lastLoss = NaN;
  await model.fit(X, {
    epochs, batchSize, learningRate: 2e-3,
    onBatchEnd: (info) => {
      lastLoss = info.loss;
      post({ type: 'progress', epoch: info.epoch, epochs, batch: info.batch, batchesPerEpoch: info.batchesPerEpoch, loss: info.loss });
    },
  });
  vae = model;
  const codes = new Float32Array(model.encode(X).data);
  post({ type: 'trained', codes, labels, seconds: (performance.now() - start) / 1000, loss: lastLoss, backend: getBackend(), threads }, [codes.buffer]);
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'train') {
    train(msg.epochs, msg.seed).catch((e: unknown) => post({ type: 'error', message: String((e as Error)?.stack ?? e) }));
  } else if (msg.type === 'decode' && vae !== null) {
    const probs = vae.decode([msg.z]);
    const pixels = new Float32Array(probs.data);
    post({ type: 'decoded', id: msg.id, pixels }, [pixels.buffer]);
  }
};
