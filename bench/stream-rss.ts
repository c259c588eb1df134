/**
 * Peak memory of fitting PCA and IncrementalPCA, and of one VAE epoch, on Fashion-MNIST
 * (60,000 × 784) streamed from the gzipped IDX file (idxSource) against loading it whole
 * (loadIdx), issue 18. Peak RSS is a
 * property of a process, so each case runs in its own: `npx tsx bench/stream-rss.ts` starts one
 * child per case (`npx tsx bench/stream-rss.ts <case>`), and prints a table with the peak RSS,
 * the time, and the largest relative difference of the top-50 variances from the loaded fit.
 * A `baseline` case (the library imported, nothing fitted) shows the fixed cost. The VAE
 * (784-400-20, batch 128, one epoch) is fitted loaded, streamed with the default shuffle buffer
 * (10,000 rows) and with 1,000 rows, and streamed with a buffer of the whole file (60,000 rows: a full shuffle, whose
 * parameters must equal the loaded fit's: the SHA-256 of parameters and Adam's moments is
 * printed for each).
 *
 * The file: $FASHION_MNIST, default /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { IncrementalPCA, PCA, VAE, idxSource, loadIdx } from '../src/index.js';

const FILE = process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const K = 50;
const CASES = ['baseline', 'pca-loaded', 'pca-streamed', 'ipca-loaded', 'ipca-streamed', 'vae-loaded', 'vae-streamed', 'vae-streamed-small', 'vae-streamed-whole'] as const;
type Case = (typeof CASES)[number];

interface Result {
  name: Case;
  seconds: number;
  peakRssMiB: number;
  variances: number[];
  /** VAE cases: the epoch's mean loss (nats/sample) and the SHA-256 of the fitted tensors. */
  loss?: number;
  digest?: string;
}

const VAE_OPTIONS = { inputDim: 784, hiddenDims: [400], latentDim: 20, seed: 1 } as const;
const VAE_FIT = { epochs: 1, batchSize: 128 } as const;

/** The shuffle buffer of each streamed VAE case (undefined: the default, 10,000 rows). */
const BUFFERS: Partial<Record<Case, number>> = { 'vae-streamed-small': 1000, 'vae-streamed-whole': 60_000 };

async function vaeFit(name: Case): Promise<{ loss: number; digest: string }> {
  const vae = new VAE(VAE_OPTIONS);
  const source = idxSource(FILE, { batchSize: 1000 });
  const [epoch] = name === 'vae-loaded' ? await vae.fit(await images(), VAE_FIT)
    : await vae.fit(source, { ...VAE_FIT, shuffleBuffer: BUFFERS[name] });
  const hash = createHash('sha256');
  for (const [k, t] of Object.entries(vae.toState().tensors).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(k);
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return { loss: epoch.loss, digest: hash.digest('hex').slice(0, 16) };
}

async function images(): Promise<{ data: Float32Array; shape: [number, number] }> {
  const out = await loadIdx(FILE);
  if (out.kind !== 'images') throw new Error(`${FILE} holds labels`);
  return { data: out.data, shape: out.shape };
}

async function run(name: Case): Promise<Result> {
  const t0 = performance.now();
  let variances: Float64Array = new Float64Array(0);
  let vae: { loss: number; digest: string } | undefined;
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
    case 'vae-loaded':
    case 'vae-streamed':
    case 'vae-streamed-small':
    case 'vae-streamed-whole':
      vae = await vaeFit(name);
      break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, variances: Array.from(variances), ...vae };
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
  const wanted = (process.env.STREAM_RSS_CASES ?? '').split(',').filter((c) => c !== '');
  for (const c of CASES.filter((k) => wanted.length === 0 || wanted.includes(k))) {
    const out = execFileSync('npx', ['tsx', 'bench/stream-rss.ts', c], { encoding: 'utf8', maxBuffer: 1 << 24 });
    results.push(JSON.parse(out.trim().split('\n').pop()!) as Result);
  }
  const ref = results.find((r) => r.name === 'pca-loaded')?.variances;
  const iref = results.find((r) => r.name === 'ipca-loaded')?.variances;
  console.log(`Fashion-MNIST ${FILE}, k = ${K}, idxSource batches of 1000 rows; VAE 784-400-20, batch 128, one epoch`);
  console.log('case                peak RSS (MiB)  seconds  max |Δλ|/λ₁ vs loaded, or VAE loss and digest');
  for (const r of results) {
    const cmp = r.name.startsWith('pca') && ref !== undefined ? relDiff(r.variances, ref).toExponential(1)
      : r.name.startsWith('ipca') && iref !== undefined ? relDiff(r.variances, iref).toExponential(1)
        : r.loss !== undefined ? `${r.loss.toFixed(3)} nats  ${r.digest}` : '';
    console.log(`${r.name.padEnd(20)}${r.peakRssMiB.toFixed(0).padStart(14)}${r.seconds.toFixed(1).padStart(9)}  ${cmp}`);
  }
}

await main();
