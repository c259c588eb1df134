/**
 * GEMM on the thread pool: the one-thread product and the product on 2 threads (and on
 * `--threads N` more), side by side in one run, on squares from 64 (the crossover region) to
 * 512 and the six products of one VAE 784-400-20 step at batch 128 (copy path: operands in
 * ordinary arrays), with the ratio, a check that the bytes agree, and the dispatch round trip
 * of an empty task. Options: --shapes sq64,vae1-NN,… --runs N --threads 2,4.
 */
import { setBackend } from '../src/kernels/backend.js';
import { COMMAND_GEMM } from '../src/kernels/threads/control.js';
import { gemmParallel } from '../src/kernels/threads/gemm-parallel.js';
import { getThreads, setThreads, threadPool } from '../src/kernels/threads/threads.js';
import { gemmWasm } from '../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../src/kernels/wasm/runtime.js';
import { Rng } from '../src/random/rng.js';
import { SHAPES, type GemmShape } from './gemm.bench.js';
import { type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, measure, numberOption, peakRssMB, printTable } from './harness.js';

const square = (n: number): GemmShape => ({ name: `sq${n}`, label: `[${n}×${n}]·[${n}×${n}]`, transA: false, transB: false, m: n, n, k: n });
const ALL: GemmShape[] = [square(48), square(64), square(80), square(96), square(128), square(192), square(256), ...SHAPES.filter((s) => s.name !== 'sq256' && s.name !== 'sq1024')];

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer), b = new Uint32Array(y.buffer);
  return a.every((v, i) => v === b[i]);
}

/** Median µs of one dispatch to every worker of a `threads` pool with an empty product. */
async function roundTrip(threads: number, runs: number): Promise<number> {
  const pool = threadPool(threads, 1 << 20);
  if (pool === null) return NaN;
  await pool.ready();
  const empty = { command: COMMAND_GEMM, write: (ctl: Int32Array, _f: Float32Array, at: number) => { ctl.fill(0, at, at + 19); ctl[at + 16] = 1; ctl[at + 17] = 1; ctl[at + 18] = 1; } };
  const tasks = Array.from({ length: threads - 1 }, () => empty);
  const t = measure(() => { for (let i = 0; i < 1000; i++) pool.run(tasks, () => undefined); }, { warmup: 2, runs });
  return t.medianMs; // ms per 1000 = µs per call
}

export async function run(args: BenchArgs): Promise<BenchReport> {
  setBackend('wasm');
  const w = wasmGemm();
  if (w === null) throw new Error('gemm-threads: no WebAssembly SIMD here');
  const names = listOption(args, 'shapes');
  const shapes = names === undefined ? ALL : ALL.filter((s) => names.includes(s.name));
  const runs = numberOption(args, 'runs', 15);
  const counts = (listOption(args, 'threads') ?? ['2']).map(Number);
  const rng = new Rng('gemm-threads');
  const rows: Row[] = [];
  const dispatch: Row[] = [];
  for (const t of counts) {
    setThreads(t);
    if (getThreads() !== t) throw new Error(`gemm-threads: ${t} threads unavailable here (getThreads() = ${getThreads()})`);
    dispatch.push({ threads: t, 'round trip µs': fmt(await roundTrip(t, runs)) });
  }
  for (const s of shapes) {
    const A = rng.fillUniform(new Float32Array(s.m * s.k), -1, 1) as Float32Array;
    const B = rng.fillUniform(new Float32Array(s.k * s.n), -1, 1) as Float32Array;
    const lda = s.transA ? s.m : s.k;
    const ldb = s.transB ? s.k : s.n;
    const one = new Float32Array(s.m * s.n);
    const gflop = (ms: number) => (2 * s.m * s.n * s.k) / (ms * 1e6);
    const t1 = measure(() => gemmWasm(w, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, one, s.n), { warmupMs: 200, runs });
    const row: Row = { shape: s.name, product: s.label, '1 thread ms': fmt(t1.medianMs), 'GFLOP/s 1': fmt(gflop(t1.medianMs)) };
    for (const t of counts) {
      setThreads(t);
      await threadPool(t, 1 << 20)?.ready();
      const out = new Float32Array(s.m * s.n);
      const tt = measure(() => gemmParallel(t, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, out, s.n), { warmupMs: 200, runs });
      row[`${t} threads ms`] = fmt(tt.medianMs);
      row[`×${t}`] = fmt(t1.medianMs / tt.medianMs);
      // The ratio of the fastest runs: closer to the truth when another process shares the cores.
      row[`×${t} best`] = fmt(t1.minMs / tt.minMs);
      row[`same bytes ${t}`] = sameBits(one, out) ? 'yes' : 'NO';
    }
    rows.push(row);
  }
  setThreads(1);
  const machine = machineInfo();
  console.log(`\nGEMM on threads (${machine.cpu}, ${machine.cores} cores, Node ${machine.node}), median of ${runs}`);
  printTable(rows);
  console.log('\nDispatch round trip (post an empty task to every worker and wait)');
  printTable(dispatch);
  return { bench: 'gemm-threads', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), rows, dispatch };
}

