/**
 * Convolutional VAE training benchmark (issue 17): on Fashion-MNIST, the encoder Conv2d(1, 32)
 * → ReLU → Conv2d(32, 64) → ReLU (kernel 4, stride 2, padding 1: 28 → 14 → 7) → Linear(3136,
 * 40), a 20-D latent, and the mirror decoder Linear(20, 3136) → ReLU → ConvTranspose2d(64, 32)
 * → ReLU → ConvTranspose2d(32, 1); Bernoulli likelihood, Adam lr 1e-3, batch 128. Reports
 * training samples/s and the test negative ELBO, beside the MLP VAE (784-400-20) trained the
 * same way when `--mlp` is given. bench/conv_vae_torch.py times the same network in PyTorch
 * (developer-only, for a ratio on the same machine).
 *
 * Options:
 *   --data <dir>    Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
 *   --epochs N      epochs (default 1)
 *   --limit N       train on the first N images only (default all 60,000)
 *   --mlp           also train the MLP VAE for the test −ELBO beside it
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadIdx } from '../src/data/idx.js';
import { getBackend } from '../src/kernels/backend.js';
import { VAE } from '../src/models/neural/vae.js';
import { type BenchArgs, type BenchReport, type Row, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const D = 784;
const K = 20;
const BATCH = 128;
const ARCH = { kind: 'conv', imageShape: [1, 28, 28], channels: [32, 64], kernelSize: 4, stride: 2, padding: 1 } as const;

async function images(dir: string, stem: string): Promise<{ data: Float32Array; rows: number }> {
  const plain = join(dir, `${stem}-images-idx3-ubyte`);
  const path = existsSync(plain) ? plain : `${plain}.gz`;
  const content = await loadIdx(path);
  if (content.kind !== 'images') throw new Error(`${path} is not an IDX images file`);
  return { data: content.data, rows: content.shape[0] };
}

async function train(name: string, vae: VAE, x: Float32Array, n: number, test: { data: Float32Array; rows: number }, epochs: number): Promise<Row> {
  const history = await vae.fit({ data: x.subarray(0, n * D), shape: [n, D] }, {
    epochs, batchSize: BATCH, learningRate: 1e-3, optimizer: 'adam',
    onEpochEnd: (e) => console.log(`  ${name} epoch ${e.epoch}: loss ${e.loss.toFixed(2)} (rec ${e.reconstruction.toFixed(2)}, kl ${e.kl.toFixed(2)}) ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
  });
  const seconds = history.reduce((s, e) => s + e.seconds, 0);
  const elbo = vae.elbo({ data: test.data, shape: [test.rows, D] }, { seed: 0 }).data;
  let neg = 0;
  for (let i = 0; i < elbo.length; i++) neg -= elbo[i];
  return {
    impl: `${name} (${getBackend()})`, parameters: [...vae.parameters().values()].reduce((s, p) => s + p.size, 0),
    'samples/s': (history.length * n) / seconds, 's/epoch': seconds / history.length,
    'final train loss': history[history.length - 1].loss, 'test −ELBO': neg / elbo.length, 'peak RSS MB': peakRssMB(),
  };
}

/** Runs the benchmark (see the module comment for options). */
export async function run(args: BenchArgs): Promise<BenchReport> {
  const dir = typeof args.options.data === 'string' ? args.options.data : '/usr/share/datasets/fashion-mnist';
  const epochs = numberOption(args, 'epochs', 1);
  const trainSet = await images(dir, 'train');
  const test = await images(dir, 't10k');
  const n = Math.min(trainSet.rows, numberOption(args, 'limit', trainSet.rows));
  console.log(`conv VAE (channels 32, 64; kernel 4, stride 2, padding 1; latent ${K}), Bernoulli, Adam 1e-3, batch ${BATCH}; ${n} Fashion-MNIST images, ${epochs} epoch(s)`);
  const rows: Row[] = [];
  rows.push(await train('conv VAE', new VAE({ inputDim: D, latentDim: K, architecture: ARCH, seed: 1 }), trainSet.data, n, test, epochs));
  if (args.options.mlp === true) {
    rows.push(await train('MLP VAE 784-400-20', new VAE({ inputDim: D, hiddenDims: [400], latentDim: K, seed: 1 }), trainSet.data, n, test, epochs));
  }
  console.log('');
  printTable(rows, [...new Set(rows.flatMap((r) => Object.keys(r)))]);
  const machine = machineInfo();
  console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  return { bench: 'conv-vae', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), data: dir, trainImages: n, epochs, rows };
}
