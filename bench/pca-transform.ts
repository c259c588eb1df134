/**
 * `npm run bench -- pca --transform`: `PCA.transform` of the whole data by a fitted PCA(k) at
 * each `--threads` count (default 1, 2), in one process, the counts alternating within each of
 * `--transform-rounds` rounds (default 5, after one warm-up each), with the t-thread/1-thread
 * ratio of the medians and whether every count gave the same bytes (a SHA-256 of the scores).
 * `--transform-crossover a,b,…` instead times the transform of the first a, b, … rows at 1 and
 * 2 threads, alternating, many calls each, for the crossover PARALLEL_TRANSFORM
 * (kernels/threads/centred-product-f64.ts).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { PARALLEL_TRANSFORM } from '../src/kernels/threads/centred-product-f64.js';
import { getThreads, setThreads, threadPool } from '../src/kernels/threads/threads.js';
import { PCA } from '../src/models/decomposition/pca.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function digest(a: Float64Array): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

async function useThreads(t: number): Promise<void> {
  setThreads(t);
  if (t > 1) await threadPool(t, 1 << 20)?.ready();
  if (getThreads() !== t) throw new Error(`pca --transform: ${t} threads asked, ${getThreads()} run (threads unavailable here?)`);
}

/** The transform rows (or the crossover rows) on `x` (n × d float32), PCA(k). */
export async function transformBench(args: BenchArgs, data: { x: Float32Array; n: number; source: string }, d: number, k: number): Promise<BenchReport> {
  const machine = machineInfo();
  const loadBefore = loadavg();
  const counts = (listOption(args, 'threads') ?? ['1', '2']).map(Number);
  if (!counts.includes(1)) counts.unshift(1);
  console.log(`PCA(${k}).transform on ${data.source}; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const input = { data: data.x, shape: [data.n, d] };
  const pca = new PCA({ nComponents: k }).fit(input);
  const crossover = listOption(args, 'transform-crossover');
  let rows: Row[];
  let sameBytes = true;
  if (crossover !== undefined) {
    rows = [];
    for (const r of crossover.map(Number)) {
      const X = { data: data.x.subarray(0, r * d), shape: [r, d] };
      const per = new Map<number, number[]>([[1, []], [2, []]]);
      const seen = new Set<string>();
      for (let round = 0; round < 7; round++) {
        for (const t of [1, 2]) {
          await useThreads(t);
          pca.transform(X);
          let calls = 0;
          const t0 = performance.now();
          let z: Float64Array | undefined;
          while (performance.now() - t0 < 60 || calls < 3) {
            z = pca.transform(X).data as Float64Array;
            calls++;
          }
          per.get(t)!.push((performance.now() - t0) / calls / 1000);
          seen.add(digest(z!));
        }
      }
      sameBytes &&= seen.size === 1;
      const [one, two] = [median(per.get(1)!), median(per.get(2)!)];
      rows.push({ rows: r, 'rows·d·k': r * d * k, pooled: r * d * k >= PARALLEL_TRANSFORM ? 'yes' : 'no', '1t ms': one * 1000, '2t ms': two * 1000, '2t/1t': `${(one / two).toFixed(3)}×` });
    }
    console.log(`\ntransform by rows (medians of 7 alternating rounds, each ≥ 60 ms of calls); PARALLEL_TRANSFORM = ${PARALLEL_TRANSFORM}:`);
  } else {
    const rounds = Math.max(1, numberOption(args, 'transform-rounds', 5));
    const walls = new Map<number, number[]>(counts.map((t) => [t, []]));
    const digests = new Set<string>();
    for (let round = 0; round <= rounds; round++) {
      for (const t of counts) {
        await useThreads(t);
        const t0 = performance.now();
        const z = pca.transform(input).data as Float64Array;
        const s = (performance.now() - t0) / 1000;
        if (round > 0) walls.get(t)!.push(s);
        digests.add(digest(z));
      }
    }
    sameBytes = digests.size === 1;
    const one = median(walls.get(1)!);
    rows = counts.map((t) => ({
      threads: t, 'transform s (median)': median(walls.get(t)!), 'min s': Math.min(...walls.get(t)!),
      'per round s': walls.get(t)!.map((x) => x.toFixed(3)).join(' '), 'vs 1 thread': `${(one / median(walls.get(t)!)).toFixed(3)}×`,
    }));
    console.log(`\ntransform of all ${data.n} rows by thread count, alternating, ${rounds} rounds after a warm-up:`);
  }
  printTable(rows);
  console.log(`same bytes (scores) on every thread count and round: ${sameBytes ? 'yes' : 'NO'}`);
  const loadAfter = loadavg();
  console.log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  return {
    bench: 'pca-transform', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), data: data.source, k,
    loadAverage: loadBefore, loadAverageAfter: loadAfter, rows, sameBytes,
  };
}
