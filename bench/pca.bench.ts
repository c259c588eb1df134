/**
 * PCA fit benchmark: fit time, CPU time and peak RSS of each latent-ts solver on 60,000 × 784
 * (k = 50), the accuracy of its explained variances against the float64 full SVD, and ml-pca on
 * the same data.
 *
 * Every solver runs in its own child process, so its peak RSS is its own (the report also gives
 * the RSS after loading the data, before the fit). ml-pca's SVD (ml-matrix, Golub–Kahan on the
 * 60,000 × 784 matrix) would take minutes, so it is timed on row subsets and extrapolated with
 * the cost model a + b·N (its bidiagonalisation is linear in N for N ≫ D); the output says so.
 *
 * Options:
 *   --data <dir|file>   Fashion-MNIST training images (a directory holding train-images-idx3-ubyte[.gz],
 *                       or the file); default synthetic low-rank plus noise, float32
 *   --n N               rows of the synthetic data (default 60000)
 *   --k K               components (default 50)
 *   --solvers a,b,…     auto, covariance-mixed, covariance-float64, randomized, randomized-float64, full
 *                       (default auto,covariance-float64,randomized,full)
 *   --runs R            timed fits per solver that takes under 10 s (default 3, after one warm-up)
 *   --ml-pca-rows a,b   ml-pca subset sizes (default 1000,2000); --no-ml-pca skips it
 *   --threads a,b,…     thread counts of the `auto` fit's thread rows (default 1, 2 and the available
 *                       cores; `none` skips them): one child per count (setThreads), in turn, for
 *                       --thread-rounds rounds (default 2), with the 2-thread/1-thread ratio and
 *                       whether every count gave the same bytes (a SHA-256 of the fitted arrays)
 *
 *   --transform         instead: PCA(k).transform of all rows at each --threads count (default 1, 2),
 *                       alternating, --transform-rounds rounds (bench/pca-transform.ts);
 *                       --transform-crossover a,b,… the first a, b, … rows at 1 and 2 threads
 *
 * The solver rows run at the default thread count (`getThreads()`, printed).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PCA as MlPCA } from 'ml-pca';
import { Matrix } from 'ml-matrix';
import { loadIdx } from '../src/data/idx.js';
import { getBackend } from '../src/kernels/backend.js';
import { gemm } from '../src/kernels/gemm.js';
import { availableCores, getThreads, setThreads } from '../src/kernels/threads/threads.js';
import { PCA, type PCAPrecision, type PCASolver } from '../src/models/decomposition/pca.js';
import { transformBench } from './pca-transform.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const D = 784;
const RESULT_TAG = 'PCA_BENCH_RESULT ';

const SOLVERS: Record<string, { solver: PCASolver; precision: PCAPrecision }> = {
  auto: { solver: 'auto', precision: 'auto' },
  'covariance-mixed': { solver: 'covariance', precision: 'mixed' },
  'covariance-float64': { solver: 'covariance', precision: 'float64' },
  randomized: { solver: 'randomized', precision: 'auto' },
  'randomized-float64': { solver: 'randomized', precision: 'float64' },
  full: { solver: 'full', precision: 'float64' },
};

interface Data { x: Float32Array; n: number; source: string }

/** Synthetic data: rank-64 signal with geometrically decaying scales, plus N(0, 0.3²) noise, float32. */
function synthetic(n: number): Float32Array {
  let s = 0x2545f491;
  const uniform = (): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const r = 64;
  const z = new Float32Array(n * r);
  for (let i = 0; i < n; i++) for (let q = 0; q < r; q++) z[i * r + q] = normal() * 3 * 0.93 ** q;
  const a = new Float32Array(r * D);
  for (let i = 0; i < a.length; i++) a[i] = normal();
  const x = new Float32Array(n * D);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 + 0.3 * normal();
  gemm(false, false, n, D, r, 1, z, r, a, D, 1, x, D);
  return x;
}

async function loadData(args: BenchArgs): Promise<Data> {
  const path = args.options.data;
  if (typeof path !== 'string') {
    const n = numberOption(args, 'n', 60_000);
    return { x: synthetic(n), n, source: `synthetic ${n}×${D} float32 (rank 64, scales 3·0.93^i, noise 0.3)` };
  }
  const file = existsSync(path) && statSync(path).isDirectory()
    ? [join(path, 'train-images-idx3-ubyte'), join(path, 'train-images-idx3-ubyte.gz')].find(existsSync) ?? join(path, 'train-images-idx3-ubyte.gz')
    : path;
  const content = await loadIdx(file);
  if (content.kind !== 'images') throw new Error(`${file} is not an IDX images file`);
  if (content.shape[1] !== D) throw new Error(`${file}: expected ${D} pixels per image, got ${content.shape[1]}`);
  return { x: content.data, n: content.shape[0], source: `Fashion-MNIST ${content.shape[0]}×${D} (${file}, pixels/255, float32)` };
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Child process: fit one solver (or ml-pca on a subset) and print one JSON line. */
async function child(args: BenchArgs): Promise<void> {
  const spec = String(args.options.child);
  if (typeof args.options['child-threads'] === 'string') setThreads(Number(args.options['child-threads']));
  const data = await loadData(args);
  const baseline = peakRssMB();
  const k = numberOption(args, 'k', 50);
  if (spec === 'ml-pca') {
    const rows = numberOption(args, 'rows', 1000);
    const m = new Matrix(rows, D);
    for (let i = 0; i < rows; i++) for (let j = 0; j < D; j++) m.set(i, j, data.x[i * D + j]);
    const t0 = performance.now();
    new MlPCA(m);
    const seconds = (performance.now() - t0) / 1000;
    console.log(RESULT_TAG + JSON.stringify({ spec, rows, seconds }));
    return;
  }
  const { solver, precision } = SOLVERS[spec];
  const input = { data: data.x, shape: [data.n, D] };
  const walls: number[] = [];
  const cpus: number[] = [];
  let model: PCA | null = null;
  const maxRuns = numberOption(args, 'runs', 3);
  for (let run = 0; run <= maxRuns; run++) {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    model = new PCA({ nComponents: k, solver, precision }).fit(input);
    const wall = (performance.now() - t0) / 1000;
    if (run > 0 || wall > 10) {
      walls.push(wall);
      cpus.push(cpuSeconds() - c0);
    }
    if (wall > 10) break; // slow solvers: one run, counted
  }
  const m = model as PCA;
  console.log(RESULT_TAG + JSON.stringify({
    spec, walls, cpus, peakRssMB: peakRssMB(), baselineRssMB: baseline, fittedWith: m.fittedWith,
    explainedVariance: Array.from(m.explainedVariance), backend: getBackend(), threads: getThreads(), digest: digest(m),
  }));
}

/** SHA-256 of every fitted array's bytes (components, mean, explained variance, singular values, noise variance). */
function digest(m: PCA): string {
  const h = createHash('sha256');
  const c = m.components.data;
  for (const a of [c, m.mean, m.explainedVariance, m.singularValues, Float64Array.of(m.noiseVariance)]) {
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return h.digest('hex');
}

/** `--threads`: default 1, 2 and the available cores, deduplicated and sorted; `none` gives []. */
function threadCounts(args: BenchArgs): number[] {
  const listed = listOption(args, 'threads');
  if (listed !== undefined && listed.length === 1 && listed[0] === 'none') return [];
  const counts = listed?.map(Number) ?? [1, 2, availableCores()];
  for (const t of counts) if (!Number.isInteger(t) || t < 1) throw new Error(`pca: --threads wants integers ≥ 1, got ${listed?.join(',')}`);
  return [...new Set([1, ...counts])].sort((a, b) => a - b);
}

/** The `auto` fit at each thread count, one child per count in turn, `rounds` times. */
function threadRows(args: BenchArgs, counts: number[], k: number): { rows: Row[]; ratios: Row[]; sameBytes: boolean; digests: Record<string, string[]> } {
  const rounds = Math.max(1, numberOption(args, 'thread-rounds', 2));
  const walls = new Map<number, number[]>(counts.map((t) => [t, []]));
  const perRound = new Map<number, number[]>(counts.map((t) => [t, []]));
  const digests: Record<string, string[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const t of counts) {
      console.log(`  fitting auto at ${t} thread(s), round ${round + 1} …`);
      const r = runChild(args, ['--child', 'auto', '--child-threads', String(t)]);
      if (r.threads !== t) throw new Error(`pca: the child ran ${String(r.threads)} threads, not ${t} (threads unavailable here?)`);
      walls.get(t)!.push(...(r.walls as number[]));
      perRound.get(t)!.push(median(r.walls as number[]));
      (digests[String(t)] ??= []).push(r.digest as string);
    }
  }
  const all = Object.values(digests).flat();
  const sameBytes = all.every((d) => d === all[0]);
  const one = perRound.get(1)!;
  const rows = counts.map((t) => ({
    threads: t, [`PCA(${k}) fit s (median)`]: median(walls.get(t)!), 'min s': Math.min(...walls.get(t)!), fits: walls.get(t)!.length,
    'per round s': perRound.get(t)!.map((x) => x.toFixed(3)).join(' '), digest: digests[String(t)][0].slice(0, 16),
  }));
  const ratios = counts.filter((t) => t > 1).map((t) => ({
    threads: t, [`${t}t/1t (medians)`]: `${(median(walls.get(1)!) / median(walls.get(t)!)).toFixed(3)}×`,
    [`${t}t/1t per round`]: one.map((x, i) => `${(x / perRound.get(t)![i]).toFixed(3)}×`).join(' '),
  }));
  return { rows, ratios, sameBytes, digests };
}

interface ChildResult { [key: string]: unknown }

function runChild(args: BenchArgs, extra: string[]): ChildResult {
  const pass: string[] = [];
  for (const key of ['data', 'n', 'k', 'runs']) if (typeof args.options[key] === 'string') pass.push(`--${key}`, args.options[key] as string);
  // The same entry script as this process (bench/run.ts under tsx, or its compiled bundle).
  const entry = process.argv[1] ?? '';
  const out = spawnSync(process.execPath, [...process.execArgv, entry, 'pca', ...pass, ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT_TAG));
  if (out.status !== 0 || line === undefined) throw new Error(`child ${extra.join(' ')} failed (status ${out.status}):\n${out.stderr}`);
  return JSON.parse(line.slice(RESULT_TAG.length)) as ChildResult;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function maxRelError(a: number[], ref: number[]): number {
  let w = 0;
  for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(a[i] / ref[i] - 1));
  return w;
}

/** The bench entry called by run.ts (also in the child processes, with `--child`). */
export async function run(args: BenchArgs): Promise<BenchReport | null> {
  if (typeof args.options.child === 'string') {
    await child(args);
    return null;
  }
  const k = numberOption(args, 'k', 50);
  if (args.options.transform !== undefined || args.options['transform-crossover'] !== undefined) return transformBench(args, await loadData(args), D, k);
  const counts = threadCounts(args);
  const names = listOption(args, 'solvers') ?? ['auto', 'covariance-float64', 'randomized', 'full'];
  for (const name of names) if (!(name in SOLVERS)) throw new Error(`unknown solver '${name}' (known: ${Object.keys(SOLVERS).join(', ')})`);
  const data = await loadData(args);
  const machine = machineInfo();
  const loadBefore = loadavg();
  console.log(`PCA fit, k = ${k}, on ${data.source}; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; solver rows at ${getThreads()} thread(s)`);
  const threaded = counts.length > 0 ? threadRows(args, counts, k) : null;
  const results = new Map<string, ChildResult>();
  for (const name of names) {
    console.log(`  fitting ${name} …`);
    results.set(name, runChild(args, ['--child', name]));
  }
  let refName = names.includes('full') ? 'full' : undefined;
  if (refName === undefined) {
    console.log('  fitting covariance-float64 as the accuracy reference (full not requested) …');
    results.set('covariance-float64', results.get('covariance-float64') ?? runChild(args, ['--child', 'covariance-float64']));
    refName = 'covariance-float64';
  }
  const ref = results.get(refName)!.explainedVariance as number[];
  let ml: { seconds: number; extrapolated: boolean; detail: string } | null = null;
  if (args.options['no-ml-pca'] === undefined) {
    const sizes = (listOption(args, 'ml-pca-rows') ?? ['1000', '2000']).map(Number);
    const pts = sizes.map((rows) => {
      console.log(`  fitting ml-pca on ${rows} rows …`);
      return runChild(args, ['--child', 'ml-pca', '--rows', String(rows)]) as { rows: number; seconds: number };
    });
    const [p, q] = [pts[0], pts[pts.length - 1]];
    const b = q.rows === p.rows ? q.seconds / q.rows : (q.seconds - p.seconds) / (q.rows - p.rows);
    const seconds = q.seconds + b * (data.n - q.rows);
    ml = {
      seconds, extrapolated: q.rows < data.n,
      detail: pts.map((x) => `${x.rows} rows: ${x.seconds.toFixed(2)} s`).join(', ') + `; linear extrapolation to ${data.n} rows`,
    };
  }
  const rows: Row[] = [];
  for (const name of names) {
    const r = results.get(name)!;
    const walls = r.walls as number[];
    const fw = r.fittedWith as { solver: string; precision: string };
    const fit = median(walls);
    const row: Row = {
      solver: name, 'runs as': `${fw.solver}/${fw.precision}`, threads: r.threads as number, 'fit s (median)': fit, 'min s': Math.min(...walls),
      'cpu s': median(r.cpus as number[]), runs: walls.length, 'peak RSS MB': r.peakRssMB as number,
      'RSS before fit MB': r.baselineRssMB as number,
      [`max rel err vs ${refName}`]: name === refName ? 0 : maxRelError(r.explainedVariance as number[], ref),
    };
    if (ml !== null) row['× faster than ml-pca'] = ml.seconds / fit;
    rows.push(row);
  }
  console.log('');
  printTable(rows);
  if (ml !== null) console.log(`\nml-pca (SVD, ml-matrix): ${ml.seconds.toFixed(1)} s${ml.extrapolated ? ' EXTRAPOLATED' : ''} (${ml.detail})`);
  console.log(`Target: auto < 1.5 s with max rel err < 1e-6 vs float64 full SVD, ≥ 20× faster than ml-pca. float32 backend: ${getBackend()}.`);
  if (threaded !== null) {
    console.log(`\nauto (PCA(${k})) by thread count, one child per count in turn:`);
    printTable(threaded.rows);
    if (threaded.ratios.length > 0) printTable(threaded.ratios);
    console.log(`same bytes (components, mean, variances, singular values, noise variance) on every thread count and round: ${threaded.sameBytes ? 'yes' : 'NO'}`);
  }
  const loadAfter = loadavg();
  console.log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  return {
    bench: 'pca', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), threads: getThreads(),
    loadAverage: loadBefore, loadAverageAfter: loadAfter, data: data.source, k, reference: refName, rows, mlPca: ml,
    threadRows: threaded,
    explainedVariance: Object.fromEntries([...results].map(([n, r]) => [n, r.explainedVariance])),
  };
}

