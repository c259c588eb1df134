/**
 * The body of the demo's background thread (src/demo/background-fit.ts starts it): trains the 2-D
 * deep autoencoder on one core while the main thread fits the other models on the other, and
 * sends back its progress lines and its state. Runs only inside a `worker_threads` Worker.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setThreads } from '../kernels/threads/threads.js';
import { fitAutoencoder } from './fit.js';
import { DemoProgress } from './progress.js';
import type { BackgroundFitRequest, BackgroundFitMessage } from './background-fit.js';

const port = parentPort;
if (port === null) throw new Error('deep-autoencoder-worker: must run in a worker thread (src/demo/background-fit.ts starts it)');
const request = workerData as BackgroundFitRequest;
const send = (message: BackgroundFitMessage) => port.postMessage(message);
// One core here, the other for the main thread: the results are the same bytes on any thread count.
setThreads(1);
const progress = new DemoProgress((text) => send({ kind: 'line', text }), false);
const fitted = await fitAutoencoder(2, request.train, request.plan, progress);
send({ kind: 'done', state: fitted.model.toState(), seconds: fitted.seconds });
