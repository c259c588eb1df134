/**
 * FastICA fit benchmark: wall time of one fit on Fashion-MNIST (60,000 × 784, pixels/255), k = 20,
 * logcosh, parallel, for each whitening solver. No JavaScript library has FastICA to put beside
 * it; scikit-learn's time for the same fit on the same machine is written down in bench/README.md.
 *
 * Options:
 *   --data <dir|file>   Fashion-MNIST training images (default /usr/share/datasets/fashion-mnist)
 *   --n N               first N rows (default all)
 *   --k K               sources (default 20)
 *   --solvers a,b       whitening solvers, svd and/or eigh (default eigh,svd)
 *   --max-iter M        FastICA maxIter (default 200)
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadIdx } from '../src/data/idx.js';
import { FastICA } from '../src/models/decomposition/fast-ica.js';
import type { FastICAWhitenSolver } from '../src/models/decomposition/fast-ica-state.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

export async function run(args: BenchArgs): Promise<BenchReport> {
  const path = typeof args.options.data === 'string' ? args.options.data : '/usr/share/datasets/fashion-mnist';
  const file = existsSync(path) && statSync(path).isDirectory()
    ? [join(path, 'train-images-idx3-ubyte'), join(path, 'train-images-idx3-ubyte.gz')].find(existsSync) ?? join(path, 'train-images-idx3-ubyte.gz')
    : path;
  const content = await loadIdx(file);
  if (content.kind !== 'images') throw new Error(`${file} is not an IDX images file`);
  const d = content.shape[1];
  const n = Math.min(numberOption(args, 'n', content.shape[0]), content.shape[0]);
  const k = numberOption(args, 'k', 20);
  const maxIter = numberOption(args, 'max-iter', 200);
  const X = { data: content.data.subarray(0, n * d), shape: [n, d] };
  const rows: Row[] = [];
  for (const solver of (listOption(args, 'solvers') ?? ['eigh', 'svd']) as FastICAWhitenSolver[]) {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const ica = new FastICA({ nComponents: k, whitenSolver: solver, maxIter, seed: 0 }).fit(X);
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    rows.push({ solver, n, d, k, seconds, 'cpu s': (used.user + used.system) / 1e6, nIter: ica.nIter, converged: String(ica.converged) });
  }
  console.log(`FastICA fit on ${file} (${n}×${d}), k = ${k}, logcosh, parallel, maxIter ${maxIter}`);
  printTable(rows);
  return { bench: 'ica', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(), rows };
}
