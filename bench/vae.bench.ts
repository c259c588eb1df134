/**
 * VAE training benchmark: the PyTorch examples VAE (784-400-20, ReLU, Bernoulli likelihood on
 * pixels in [0, 1], Adam lr 1e-3, batch 128) trained by latent-ts, beside TensorFlow.js
 * (`tfjs-core` on `tfjs-backend-cpu` and on `tfjs-backend-wasm`, one thread) running the same
 * model and loss for a fixed number of steps.
 *
 * Options:
 *   --data <dir>        Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], t10k-…); synthetic 60,000 × 784 otherwise
 *   --epochs N          latent-ts epochs (default 1); with --data the test negative ELBO is reported after them
 *   --impls a,b,…       latent, latent-js, tfjs-cpu, tfjs-wasm (default latent,tfjs-cpu,tfjs-wasm)
 *   --tfjs-steps N      timed TensorFlow.js steps per backend (default 150; cpu uses a third)
 *   --iw K              also report the importance-weighted ln p(x) with K samples on 1,000 test images
 *   --threads a,b,…     latent-ts rows at each thread count in turn (setThreads), e.g. 1,2,1,2 to
 *                       alternate on a loaded machine; default: the current setting, one row. With
 *                       a count above 1, the machine's two-thread ceiling (bench/two-thread-ceiling.ts)
 *                       is measured before and after the latent-ts rows and printed beside them
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadIdx } from '../src/data/idx.js';
import { getBackend, setBackend } from '../src/kernels/backend.js';
import { VAE } from '../src/models/neural/vae.js';
import { getThreads, setThreads } from '../src/kernels/threads/threads.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';
import { type TwoThreadCeiling, ceilingLine, twoThreadCeiling } from './two-thread-ceiling.js';

const D = 784;
const H = 400;
const K = 20;
const BATCH = 128;

interface Data { train: Float32Array; nTrain: number; test: Float32Array | null; nTest: number; source: string }

/** Pixels in [0, 1] from a cheap deterministic generator: blurred blobs, so the BCE is not degenerate. */
function synthetic(n: number): Float32Array {
  const out = new Float32Array(n * D);
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let r = 0; r < n; r++) {
    const cx = 6 + next() * 16;
    const cy = 6 + next() * 16;
    const rad = 3 + next() * 6;
    for (let p = 0; p < D; p++) {
      const dx = (p % 28) - cx;
      const dy = Math.floor(p / 28) - cy;
      const v = Math.exp(-(dx * dx + dy * dy) / (2 * rad * rad));
      out[r * D + p] = Math.min(1, v + 0.05 * next());
    }
  }
  return out;
}

async function images(dir: string, stem: string): Promise<{ data: Float32Array; rows: number }> {
  const plain = join(dir, `${stem}-images-idx3-ubyte`);
  const path = existsSync(plain) ? plain : `${plain}.gz`;
  const content = await loadIdx(path);
  if (content.kind !== 'images') throw new Error(`${path} is not an IDX images file`);
  return { data: content.data, rows: content.shape[0] };
}

async function loadData(dir: string | undefined): Promise<Data> {
  if (dir === undefined) return { train: synthetic(60_000), nTrain: 60_000, test: null, nTest: 0, source: 'synthetic 60000×784' };
  const train = await images(dir, 'train');
  const test = await images(dir, 't10k');
  return { train: train.data, nTrain: train.rows, test: test.data, nTest: test.rows, source: `Fashion-MNIST IDX (${dir})` };
}

async function runLatent(data: Data, epochs: number, backend: 'js' | 'wasm', iw: number): Promise<Row & Record<string, unknown>> {
  setBackend(backend);
  const vae = new VAE({ inputDim: D, hiddenDims: [H], latentDim: K, activation: 'relu', likelihood: 'bernoulli', seed: 1 });
  const t0 = performance.now();
  const history = await vae.fit({ data: data.train, shape: [data.nTrain, D] }, {
    epochs, batchSize: BATCH, learningRate: 1e-3, optimizer: 'adam',
    onEpochEnd: (e) => console.log(`  latent-ts epoch ${e.epoch}: loss ${e.loss.toFixed(2)} (rec ${e.reconstruction.toFixed(2)}, kl ${e.kl.toFixed(2)}) ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
  });
  const wall = (performance.now() - t0) / 1000;
  const samples = history.length * data.nTrain;
  const train = history.reduce((s, e) => s + e.seconds, 0);
  const row: Row & Record<string, unknown> = {
    impl: `latent-ts (${getBackend()})`, threads: getThreads(), steps: history.length * Math.ceil(data.nTrain / BATCH),
    'samples/s': samples / train, 's/epoch': train / history.length, 'wall s/epoch': wall / history.length,
    'final train loss': history[history.length - 1].loss, 'peak RSS MB': peakRssMB(),
  };
  if (data.test !== null) {
    const test = { data: data.test, shape: [data.nTest, D] };
    const elbo = vae.elbo(test, { seed: 0 }).data;
    let s = 0;
    for (let i = 0; i < elbo.length; i++) s -= elbo[i];
    row['test −ELBO'] = s / elbo.length;
    if (iw > 0) {
      const sub = { data: data.test.subarray(0, 1000 * D), shape: [1000, D] };
      const ll = vae.scoreSamples(sub, { samples: iw, seed: 0 }).data;
      let t = 0;
      for (let i = 0; i < ll.length; i++) t -= ll[i];
      row[`test −ln p(x), K=${iw}`] = t / ll.length;
    }
  }
  return row;
}

function tfjsModel(): { step: (x: tf.Tensor2D) => number } {
  const dense = (i: number, o: number) => {
    const b = 1 / Math.sqrt(i);
    return { w: tf.variable(tf.randomUniform([i, o], -b, b, 'float32', 1)), b: tf.variable(tf.randomUniform([o], -b, b, 'float32', 2)) };
  };
  const e1 = dense(D, H); const e2 = dense(H, 2 * K); const d1 = dense(K, H); const d2 = dense(H, D);
  const opt = tf.train.adam(1e-3);
  const loss = (x: tf.Tensor2D): tf.Scalar => {
    const n = x.shape[0];
    const h = tf.relu(tf.add(tf.matMul(x, e1.w), e1.b));
    const o = tf.add(tf.matMul(h, e2.w), e2.b);
    const mu = tf.slice(o, [0, 0], [-1, K]);
    const lv = tf.slice(o, [0, K], [-1, K]);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), tf.randomNormal([n, K])));
    const h2 = tf.relu(tf.add(tf.matMul(z, d1.w), d1.b));
    const l = tf.add(tf.matMul(h2, d2.w), d2.b);
    const rec = tf.sum(tf.sub(tf.softplus(l), tf.mul(x, l)));
    const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(lv, 1), tf.square(mu)), tf.exp(lv))));
    return tf.div(tf.add(rec, kl), n) as tf.Scalar;
  };
  return {
    step: (x) => {
      const value = opt.minimize(() => loss(x), true) as tf.Scalar;
      const v = value.dataSync()[0];
      value.dispose();
      return v;
    },
  };
}

/**
 * tfjs-core registers no gradients by itself (the full `@tensorflow/tfjs` package imports
 * `register_all_gradients`), and that ES-module file uses extensionless relative imports that
 * Node's loader rejects. A resolve hook that retries `.js` and `/index.js` inside tfjs-core's
 * dist lets it load; the gradients go into tfjs's global registry, shared with the CommonJS
 * build the backends use.
 */
async function registerTfjsGradients(): Promise<void> {
  const hook = `export async function resolve(specifier, context, next) {
    try { return await next(specifier, context); } catch (e) {
      if (specifier.startsWith('.') && (context.parentURL ?? '').includes('/@tensorflow/tfjs-core/dist/')) {
        for (const suffix of ['.js', '/index.js']) { try { return await next(specifier + suffix, context); } catch {} }
      }
      throw e;
    }
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
}

async function runTfjs(backend: 'cpu' | 'wasm', data: Data, steps: number): Promise<Row> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tfjsModel();
  const nb = Math.floor(data.nTrain / BATCH);
  const batch = (s: number) => tf.tensor2d(data.train.subarray((s % nb) * BATCH * D, ((s % nb) + 1) * BATCH * D), [BATCH, D]);
  const warm = 5;
  let last = NaN;
  let t0 = 0;
  for (let s = 0; s < warm + steps; s++) {
    if (s === warm) t0 = performance.now();
    const x = batch(s);
    last = model.step(x);
    x.dispose();
  }
  const sec = (performance.now() - t0) / 1000;
  const simd = backend === 'wasm' ? `, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}` : '';
  console.log(`  tfjs-${backend}: ${steps} steps in ${sec.toFixed(1)} s, last loss ${last.toFixed(2)}${simd}`);
  return { impl: `tfjs-${backend}`, steps, 'samples/s': (steps * BATCH) / sec, 's/epoch': (sec / steps) * Math.ceil(data.nTrain / BATCH), 'final train loss': last };
}

/** Runs the benchmark (see the module comment for options). */
export async function run(args: BenchArgs): Promise<BenchReport> {
  const impls = listOption(args, 'impls') ?? ['latent', 'tfjs-cpu', 'tfjs-wasm'];
  const epochs = numberOption(args, 'epochs', 1);
  const tfSteps = numberOption(args, 'tfjs-steps', 150);
  const iw = numberOption(args, 'iw', 0);
  const threads = (listOption(args, 'threads') ?? [String(getThreads())]).map(Number);
  const dir = typeof args.options.data === 'string' ? args.options.data : undefined;
  const data = await loadData(dir);
  console.log(`VAE ${D}-${H}-${K}, ReLU, Bernoulli, Adam 1e-3, batch ${BATCH}; data: ${data.source}`);
  const rows: Row[] = [];
  const defaultBackend = getBackend();
  if (impls.some((i) => i.startsWith('tfjs'))) await registerTfjsGradients();
  const ceilings: Record<string, TwoThreadCeiling | null> = {};
  for (const impl of impls) {
    if (impl === 'latent' || impl === 'latent-js' || impl === 'latent-wasm') {
      const withThreads = threads.some((t) => t > 1);
      if (withThreads) {
        ceilings.before = await twoThreadCeiling();
        console.log(ceilingLine('before', ceilings.before));
      }
      for (const t of threads) {
        setThreads(t);
        rows.push(await runLatent(data, epochs, impl === 'latent' ? defaultBackend : (impl.slice(7) as 'js' | 'wasm'), iw));
      }
      if (withThreads) {
        ceilings.after = await twoThreadCeiling();
        console.log(ceilingLine('after', ceilings.after));
      }
    } else if (impl === 'tfjs-cpu' || impl === 'tfjs-wasm') {
      const backend = impl.slice(5) as 'cpu' | 'wasm';
      if (backend === 'wasm') {
        setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
        setThreadsCount(1);
      }
      rows.push(await runTfjs(backend, data, backend === 'cpu' ? Math.max(10, Math.round(tfSteps / 3)) : tfSteps));
    } else {
      throw new Error(`vae bench: unknown impl '${impl}' (latent, latent-js, latent-wasm, tfjs-cpu, tfjs-wasm)`);
    }
  }
  console.log('');
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  printTable(rows, cols);
  const machine = machineInfo();
  console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  return {
    bench: 'vae', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(),
    model: `${D}-${H}-${K} ReLU Bernoulli, Adam 1e-3, batch ${BATCH}`, data: data.source, epochs, rows, twoThreadCeiling: ceilings,
    tfjs: { version: tf.version_core },
  };
}
