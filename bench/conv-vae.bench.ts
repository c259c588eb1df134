/**
 * Convolutional VAE training benchmark (issue 17): on Fashion-MNIST, the encoder Conv2d(1, 32)
 * → ReLU → Conv2d(32, 64) → ReLU (kernel 4, stride 2, padding 1: 28 → 14 → 7) → Linear(3136,
 * 40), a 20-D latent, and the mirror decoder Linear(20, 3136) → ReLU → ConvTranspose2d(64, 32)
 * → ReLU → ConvTranspose2d(32, 1); Bernoulli likelihood, Adam lr 1e-3, batch 128. Reports
 * training samples/s and the test negative ELBO (the mean of `vae.elbo(test, { seed: 0 })` over
 * the 10,000 test images, as `npm run bench -- vae` measures it), beside the MLP VAE (784-400-20)
 * trained the same way when `--mlp` is given.
 *
 * With `--torch`, bench/conv_vae_torch.py (Debian's /usr/bin/python3 with python3-torch) trains
 * the same network on the same images as a child process; each round runs latent-ts at every
 * count of `--threads`, then PyTorch at every count of `--torch`, so the two alternate on a
 * shared machine and the ratios compare runs minutes apart. Developer-only: never in tests.
 *
 * Options:
 *   --data <dir>      Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
 *   --epochs N        epochs (default 1; `--epochs 10 --mlp` gives the README's test −ELBO row)
 *   --limit N         train on the first N images only (default all 60,000)
 *   --mlp             also train the MLP VAE for the test −ELBO beside it
 *   --threads a,b,…   latent-ts rows at each thread count (setThreads); default: the current setting
 *   --torch a,b,…     PyTorch rows at each thread count (torch.set_num_threads); default: none
 *   --rounds R        repeat the latent-ts/PyTorch sequence R times (default 1); the test −ELBO is
 *                     computed in the first round only
 *   --python <path>   the Python with torch (default /usr/bin/python3)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIdx } from '../src/data/idx.js';
import { getBackend } from '../src/kernels/backend.js';
import { getThreads, setThreads } from '../src/kernels/threads/threads.js';
import { VAE } from '../src/models/neural/vae.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const D = 784;
const K = 20;
const BATCH = 128;
const ARCH = { kind: 'conv', imageShape: [1, 28, 28], channels: [32, 64], kernelSize: 4, stride: 2, padding: 1 } as const;

interface Images { data: Float32Array; rows: number }

async function images(dir: string, stem: string): Promise<Images> {
  const plain = join(dir, `${stem}-images-idx3-ubyte`);
  const path = existsSync(plain) ? plain : `${plain}.gz`;
  const content = await loadIdx(path);
  if (content.kind !== 'images') throw new Error(`${path} is not an IDX images file`);
  return { data: content.data, rows: content.shape[0] };
}

/** SHA-256 of the fitted parameters in order: equal digests mean bit-identical fits. */
function digest(vae: VAE): string {
  const h = createHash('sha256');
  for (const p of vae.parameters().values()) h.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  return h.digest('hex').slice(0, 16);
}

const loadText = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

async function train(name: string, vae: VAE, x: Float32Array, n: number, test: Images | null, epochs: number): Promise<Row> {
  const history = await vae.fit({ data: x.subarray(0, n * D), shape: [n, D] }, {
    epochs, batchSize: BATCH, learningRate: 1e-3, optimizer: 'adam',
    onEpochEnd: (e) => console.log(`  ${name} ${getThreads()}t epoch ${e.epoch}: loss ${e.loss.toFixed(2)} (rec ${e.reconstruction.toFixed(2)}, kl ${e.kl.toFixed(2)}) ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond)} samples/s`),
  });
  const seconds = history.reduce((s, e) => s + e.seconds, 0);
  const row: Row = {
    impl: `${name} (${getBackend()})`, threads: getThreads(), parameters: [...vae.parameters().values()].reduce((s, p) => s + p.size, 0),
    'samples/s': (history.length * n) / seconds, 's/epoch': seconds / history.length,
    'final train loss': history[history.length - 1].loss, digest: digest(vae), load: loadText(),
  };
  if (test !== null) {
    const elbo = vae.elbo({ data: test.data, shape: [test.rows, D] }, { seed: 0 }).data;
    let neg = 0;
    for (let i = 0; i < elbo.length; i++) neg -= elbo[i];
    row['test −ELBO'] = neg / elbo.length;
  }
  return row;
}

interface TorchResult { torch: string; threads: number; samplesPerSecond: number; finalTrainLoss: number; testNegElbo?: number }

function runTorch(python: string, dir: string, n: number, epochs: number, threads: number, withTest: boolean): Row {
  const script = fileURLToPath(new URL('./conv_vae_torch.py', import.meta.url));
  const argv = [script, '--data', dir, '--limit', String(n), '--epochs', String(epochs), '--threads', String(threads), '--json', ...(withTest ? ['--test'] : [])];
  const r = spawnSync(python, argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`conv-vae: ${python} ${argv.join(' ')} failed (status ${String(r.status)}): ${r.stderr || String(r.error)}`);
  const lines = r.stdout.trim().split('\n');
  for (const line of lines.slice(0, -1)) console.log(`  ${line}`);
  const out = JSON.parse(lines[lines.length - 1]) as TorchResult;
  const row: Row = {
    impl: `PyTorch ${out.torch}`, threads: out.threads, 'samples/s': out.samplesPerSecond, 's/epoch': n / out.samplesPerSecond,
    'final train loss': out.finalTrainLoss, load: loadText(),
  };
  if (out.testNegElbo !== undefined) row['test −ELBO'] = out.testNegElbo;
  return row;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per impl and thread count: the median samples/s over the rounds and its ratio to each PyTorch setting. */
function summary(rows: readonly Row[]): Row[] {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const key = `${String(r.impl)} ${String(r.threads)}t`;
    groups.set(key, [...(groups.get(key) ?? []), r['samples/s'] as number]);
  }
  const torch = [...groups].filter(([k]) => k.startsWith('PyTorch'));
  return [...groups].map(([key, v]) => {
    const row: Row = { run: key, rounds: v.length, 'median samples/s': median(v), 'min–max': `${Math.round(Math.min(...v))}–${Math.round(Math.max(...v))}` };
    for (const [tk, tv] of torch) row[`÷ ${tk.replace(/^PyTorch \S+ /, 'torch ')}`] = `${(median(v) / median(tv)).toFixed(2)}×`;
    return row;
  });
}

function counts(args: BenchArgs, key: string, fallback: number[]): number[] {
  const listed = listOption(args, key);
  const out = listed === undefined ? fallback : listed.map(Number);
  for (const t of out) if (!Number.isInteger(t) || t < 1) throw new Error(`conv-vae: --${key} wants integers ≥ 1, got ${listed?.join(',')}`);
  return out;
}

/** Runs the benchmark (see the module comment for options). */
export async function run(args: BenchArgs): Promise<BenchReport> {
  const dir = typeof args.options.data === 'string' ? args.options.data : '/usr/share/datasets/fashion-mnist';
  const python = typeof args.options.python === 'string' ? args.options.python : '/usr/bin/python3';
  const epochs = numberOption(args, 'epochs', 1);
  const rounds = numberOption(args, 'rounds', 1);
  const threads = counts(args, 'threads', [getThreads()]);
  const torchThreads = counts(args, 'torch', []);
  const trainSet = await images(dir, 'train');
  const test = await images(dir, 't10k');
  const n = Math.min(trainSet.rows, numberOption(args, 'limit', trainSet.rows));
  const loadBefore = loadavg();
  console.log(`conv VAE (channels 32, 64; kernel 4, stride 2, padding 1; latent ${K}), Bernoulli, Adam 1e-3, batch ${BATCH}; ${n} Fashion-MNIST images, ${epochs} epoch(s); latent-ts threads ${threads.join(',')}, PyTorch threads ${torchThreads.join(',') || 'none'}, ${rounds} round(s); load average ${loadText()}`);
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) {
    const testSet = round === 0 ? test : null;
    for (const t of threads) {
      setThreads(t);
      if (getThreads() !== t) throw new Error(`conv-vae: setThreads(${t}) left ${getThreads()} threads`);
      rows.push(await train('conv VAE', new VAE({ inputDim: D, latentDim: K, architecture: ARCH, seed: 1 }), trainSet.data, n, testSet, epochs));
    }
    for (const t of torchThreads) rows.push(runTorch(python, dir, n, epochs, t, round === 0));
  }
  if (args.options.mlp === true) {
    rows.push(await train('MLP VAE 784-400-20', new VAE({ inputDim: D, hiddenDims: [400], latentDim: K, seed: 1 }), trainSet.data, n, test, epochs));
  }
  console.log('');
  printTable(rows, [...new Set(rows.flatMap((r) => Object.keys(r)))]);
  const table = summary(rows);
  if (rounds > 1 || torchThreads.length > 0 || threads.length > 1) {
    console.log('');
    printTable(table, [...new Set(table.flatMap((r) => Object.keys(r)))]);
  }
  const digests = new Set(rows.filter((r) => String(r.impl).startsWith('conv VAE')).map((r) => r.digest));
  const machine = machineInfo();
  console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; conv VAE fits bit-identical across rows: ${digests.size === 1 ? 'yes' : 'NO'}; load average before ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${loadText()}`);
  return {
    bench: 'conv-vae', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), data: dir, trainImages: n, epochs, rounds,
    threads, torchThreads, loadAverageBefore: loadBefore, loadAverageAfter: loadavg(), identicalAcrossRows: digests.size === 1, rows, summary: table,
  };
}
