/**
 * NMF fit benchmark: latent-ts's NMF (float64) on Fashion-MNIST's 60,000 × 784 training images
 * (pixels/255), k = 20, solver 'cd', scikit-learn's defaults otherwise (init 'nndsvda' since
 * k ≤ min(n, d), tol 1e-4, maxIter 200). Reports the fit time, the time of the NNDSVD start alone
 * (its randomized SVD), the iterations, the time per iteration and the reconstruction error.
 * scikit-learn's time for the same fit on this machine is in bench/README.md (measured by hand:
 * no Python runs here). Timings on a shared machine vary; compare runs made side by side.
 *
 * Options:
 *   --data <dir|file>   Fashion-MNIST train images (default /usr/share/datasets/fashion-mnist)
 *   --n N               use the first N rows (default all)
 *   --k K               components (default 20)
 *   --solver cd|mu      (default cd)
 *   --max-iter M        (default 200)
 */
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadIdx } from '../src/data/idx.js';
import { NMF } from '../src/models/decomposition/nmf.js';
import { nndsvdInit } from '../src/models/decomposition/nmf-init.js';
import { type BenchArgs, type BenchReport, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const DEFAULT_DATA = '/usr/share/datasets/fashion-mnist';

async function loadImages(args: BenchArgs, n: number | null): Promise<{ x: Float64Array; n: number; d: number; source: string }> {
  const path = typeof args.options.data === 'string' ? args.options.data : DEFAULT_DATA;
  const file = existsSync(path) && statSync(path).isDirectory()
    ? [join(path, 'train-images-idx3-ubyte'), join(path, 'train-images-idx3-ubyte.gz')].find(existsSync) ?? join(path, 'train-images-idx3-ubyte.gz')
    : path;
  const content = await loadIdx(file);
  if (content.kind !== 'images') throw new Error(`${file} is not an IDX images file`);
  const [total, d] = content.shape;
  const rows = n === null ? total : Math.min(n, total);
  return { x: Float64Array.from(content.data.subarray(0, rows * d)), n: rows, d, source: `Fashion-MNIST ${rows}×${d} (${file}, pixels/255, float64)` };
}

/** Runs the benchmark and returns its report. */
export async function run(args: BenchArgs): Promise<BenchReport> {
  const k = numberOption(args, 'k', 20);
  const maxIter = numberOption(args, 'max-iter', 200);
  const solver = args.options.solver === 'mu' ? 'mu' : 'cd';
  const nOption = numberOption(args, 'n', NaN);
  const data = await loadImages(args, Number.isFinite(nOption) ? nOption : null);
  console.log(`NMF fit, k = ${k}, solver '${solver}', maxIter ${maxIter}, on ${data.source}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const X = { data: data.x, shape: [data.n, data.d] };

  // The start alone, timed on its second run: the first also compiles (the fit's start runs warm).
  let t = 0;
  for (let r = 0; r < 2; r++) {
    t = performance.now();
    nndsvdInit({ x: data.x, n: data.n, d: data.d, mask: null }, k, 'nndsvda', 0);
  }
  const initSeconds = (performance.now() - t) / 1000;

  const nmf = new NMF({ nComponents: k, solver, maxIter });
  t = performance.now();
  const cpu = process.cpuUsage();
  nmf.fit(X);
  const fitSeconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const row = {
    solver, k, rows: data.n, 'fit s': fitSeconds, 'fit cpu s': (used.user + used.system) / 1e6, 'init s': initSeconds, nIter: nmf.nIter,
    's/iter': (fitSeconds - initSeconds) / nmf.nIter, converged: String(nmf.converged), reconstructionError: nmf.reconstructionError,
  };
  printTable([row]);
  return {
    bench: 'nmf', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(),
    loadAverage: loadavg(), data: data.source, ...row,
  };
}
