/**
 * Trains the demo's 2-D deep autoencoder on a second thread while the main thread fits the other
 * models, so that the demo's longest training run (src/demo/options.ts, `ae2d`) overlaps the
 * rest instead of adding to it. Each side runs on one core: two independent one-thread runs use
 * two cores better than one run split over both, and the bytes are those of any thread count.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Autoencoder } from '../models/neural/autoencoder.js';
import type { ModelState } from '../io/model-state.js';
import type { Matrix } from '../app/matrix.js';
import type { Fitted } from './fit.js';
import type { DemoPlan } from './options.js';
import type { DemoProgress } from './progress.js';

/**
 * What the background thread is given: the training digits and the run's plan.
 *
 * @example
 * ```ts
 * const request: BackgroundFitRequest = { train, plan };
 * ```
 */
export interface BackgroundFitRequest {
  train: Matrix;
  plan: DemoPlan;
}

/**
 * What the background thread sends: a progress line, or the trained model's state.
 *
 * @example
 * ```ts
 * const line: BackgroundFitMessage = { kind: 'line', text: 'AE-2: epoch 1/60 …' };
 * ```
 */
export type BackgroundFitMessage =
  | { kind: 'line'; text: string }
  | { kind: 'done'; state: ModelState; seconds: number };

/**
 * A training run on the background thread: `result` settles with the fitted 2-D autoencoder, or
 * rejects with the thread's error; `cancel` stops the thread (when the main thread fails first,
 * so no worker keeps the process alive).
 *
 * @example
 * ```ts
 * const run = startDeepAutoencoder(train, plan, progress);
 * const ae2 = await run.result;
 * ```
 */
export interface BackgroundFit {
  result: Promise<Fitted<Autoencoder>>;
  cancel(): Promise<void>;
}

/**
 * Starts the 2-D deep autoencoder's training on a worker thread. The worker's module sits beside
 * this one: `deep-autoencoder-worker.ts` when run from the sources (loaded through tsx, a
 * devDependency), `deep-autoencoder-worker.js` in the built package (its own entry in
 * tsup.config.ts).
 *
 * @example
 * ```ts
 * const run = startDeepAutoencoder(train, plan, progress);
 * ```
 */
export function startDeepAutoencoder(train: Matrix, plan: DemoPlan, progress: DemoProgress): BackgroundFit {
  const request: BackgroundFitRequest = { train, plan };
  const worker = import.meta.url.endsWith('.ts') ? sourceWorker(request) : new Worker(new URL('./deep-autoencoder-worker.js', import.meta.url), { workerData: request });
  let settled = false;
  let cancelled = false;
  const result = new Promise<Fitted<Autoencoder>>((resolve, reject) => {
    worker.on('message', (m: BackgroundFitMessage) => {
      if (m.kind === 'line') {
        progress.line(m.text);
        return;
      }
      settled = true;
      resolve({ name: 'AE-2', model: Autoencoder.fromState(m.state), latentDim: 2, seconds: m.seconds });
    });
    worker.on('error', (err) => {
      settled = true;
      reject(new Error(`demo: the 2-D autoencoder's background thread failed: ${err.message}`, { cause: err }));
    });
    worker.on('exit', (code) => {
      if (settled) return;
      reject(new Error(cancelled ? "demo: the 2-D autoencoder's background thread was cancelled" : `demo: the 2-D autoencoder's background thread exited with code ${code} before it finished`));
    });
  });
  // Marks a failure as handled until the main thread awaits `result` (it is busy fitting the other
  // models meanwhile); the await still throws it.
  result.catch(() => undefined);
  const cancel = async () => {
    cancelled = true;
    await worker.terminate();
  };
  return { result, cancel };
}

/**
 * From the sources (tests, `npm run demo`), the worker must compile TypeScript itself: Node 20
 * does not pass `--import` loaders to workers, so a small ES module registers tsx's loader (found
 * from this file, so any working directory will do) and then imports the worker's module.
 */
function sourceWorker(request: BackgroundFitRequest): Worker {
  const tsx = tsxLoaderApi();
  const body = new URL('./deep-autoencoder-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(body)}); });`;
  return new Worker(code, { eval: true, workerData: request });
}

/** The URL of tsx's ES-module API (`tsx/esm/api` under the `import` condition, which `require.resolve` cannot pick). */
function tsxLoaderApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return new URL(exports['./esm/api'].import.default, pathToFileURL(packageJson)).href;
}
