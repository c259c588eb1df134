/**
 * Peak memory of fitting PCA and IncrementalPCA on Fashion-MNIST (60,000 × 784) streamed from
 * the gzipped IDX file (idxSource) against loading it whole (loadIdx), issue 18. Peak RSS is a
 * property of a process, so each case runs in its own: `npx tsx bench/stream-rss.ts` starts one
 * child per case (`npx tsx bench/stream-rss.ts <case>`), and prints a table with the peak RSS,
 * the time, and the largest relative difference of the top-50 variances from the loaded fit.
 * A `baseline` case (the library imported, nothing fitted) shows the fixed cost.
 *
 * The file: $FASHION_MNIST, default /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { IncrementalPCA, PCA, idxSource, loadIdx } from '../src/index.js';

const FILE = process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const K = 50;
const CASES = ['baseline', 'pca-loaded', 'pca-streamed', 'ipca-loaded', 'ipca-streamed'] as const;
type Case = (typeof CASES)[number];

interface Result {
  name: Case;
  seconds: number;
  peakRssMiB: number;
  variances: number[];
}

async function images(): Promise<{ data: Float32Array; shape: [number, number] }> {
  const out = await loadIdx(FILE);
  if (out.kind !== 'images') throw new Error(`${FILE} holds labels`);
  return { data: out.data, shape: out.shape };
}

async function run(name: Case): Promise<Result> {
  const t0 = performance.now();
  let variances: Float64Array = new Float64Array(0);
  const source = idxSource(FILE, { batchSize: 1000 });
  switch (name) {
    case 'baseline':
      break;
    case 'pca-loaded':
      variances = new PCA({ nComponents: K, solver: 'covariance', precision: 'float64' }).fit(await images()).explainedVariance;
      break;
    case 'pca-streamed':
      variances = (await new PCA({ nComponents: K }).fit(source)).explainedVariance;
      break;
    case 'ipca-loaded':
      variances = new IncrementalPCA({ nComponents: K }).fit(await images()).explainedVariance;
      break;
    case 'ipca-streamed':
      variances = (await new IncrementalPCA({ nComponents: K }).fit(source)).explainedVariance;
      break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, variances: Array.from(variances) };
}

function relDiff(a: number[], e: number[]): number {
  let m = 0;
  for (let i = 0; i < e.length; i++) m = Math.max(m, Math.abs(a[i] - e[i]) / Math.abs(e[0]));
  return m;
}

async function main(): Promise<void> {
  const only = process.argv[2] as Case | undefined;
  if (only !== undefined) {
    if (!CASES.includes(only)) throw new Error(`unknown case '${only}' (known: ${CASES.join(', ')})`);
    process.stdout.write(JSON.stringify(await run(only)) + '\n');
    return;
  }
  const results: Result[] = [];
  for (const c of CASES) {
    const out = execFileSync('npx', ['tsx', 'bench/stream-rss.ts', c], { encoding: 'utf8', maxBuffer: 1 << 24 });
    results.push(JSON.parse(out.trim().split('\n').pop()!) as Result);
  }
  const ref = results.find((r) => r.name === 'pca-loaded')!.variances;
  const iref = results.find((r) => r.name === 'ipca-loaded')!.variances;
  console.log(`Fashion-MNIST ${FILE}, k = ${K}, idxSource batches of 1000 rows`);
  console.log('case            peak RSS (MiB)  seconds  max |Δλ|/λ₁ vs loaded');
  for (const r of results) {
    const cmp = r.name.startsWith('pca') ? relDiff(r.variances, ref).toExponential(1)
      : r.name.startsWith('ipca') ? relDiff(r.variances, iref).toExponential(1) : '';
    console.log(`${r.name.padEnd(16)}${r.peakRssMiB.toFixed(0).padStart(14)}${r.seconds.toFixed(1).padStart(9)}  ${cmp}`);
  }
}

await main();
