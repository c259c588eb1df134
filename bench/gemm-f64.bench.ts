/**
 * The float64 GEMM: the WebAssembly f64x2 kernel (kernels/wasm/gemm-wasm-f64.ts) against the
 * TypeScript one (gemm-js.ts) on the products of the decompositions (NMF's X·Hᵀ and Xᵀ·W, the
 * FastICA/FactorAnalysis Gram XᵀX, PCA's float64 products, LogisticRegression's X·Wᵀ) and
 * squares, in GFLOP/s (median). Both give the same bytes (test/kernels/gemm-f64.test.ts).
 * `--only threads` times the `gemm` entry at 1 and 2 threads on the same shapes and on squares
 * (the crossover PARALLEL_PRODUCT_F64).
 * `npm run bench -- gemm-f64 [--only shapes,micro,mc,small,threads] [--rows N] [--runs R]`.
 */
import type { Blocking } from '../src/kernels/gemm-blocking.js';
import { gemm } from '../src/kernels/gemm.js';
import { gemmJs } from '../src/kernels/gemm-js.js';
import { setThreads, threadPool } from '../src/kernels/threads/threads.js';
import { gemmSmall } from '../src/kernels/gemm-small.js';
import { F64_BLOCKING, type WasmGemmF64, gemmWasmF64, loadWasmGemmF64, wasmGemmF64 } from '../src/kernels/wasm/gemm-wasm-f64.js';
import type { MicroShapeF64 } from '../src/kernels/wasm/micro-f64.js';
import { Rng } from '../src/random/rng.js';
import { type BenchArgs, type BenchReport, type Row, listOption, machineInfo, measure, numberOption, peakRssMB, printTable } from './harness.js';

interface Shape { name: string; transA: boolean; transB: boolean; m: number; n: number; k: number }

function shapes(rows: number): Shape[] {
  return [
    { name: `nmf X·Hᵀ ${rows}×784·784×20`, transA: false, transB: true, m: rows, n: 20, k: 784 },
    { name: `nmf Xᵀ·W 784×${rows}·${rows}×20`, transA: true, transB: false, m: 784, n: 20, k: rows },
    { name: `gram XᵀX rows 0-128 (syrk block) ${rows}`, transA: true, transB: false, m: 128, n: 784, k: rows },
    { name: `logreg X·Wᵀ ${rows}×784·784×10`, transA: false, transB: true, m: rows, n: 10, k: 784 },
    { name: `ica deflation w·X₁ 1×20·20×${rows}`, transA: false, transB: false, m: 1, n: rows, k: 20 },
    { name: `ica deflation (w·X₁)·X₁ᵀ 1×${rows}·${rows}×20`, transA: false, transB: true, m: 1, n: 20, k: rows },
    { name: `ica parallel W·X₁ 20×20·20×${rows}`, transA: false, transB: false, m: 20, n: rows, k: 20 },
    { name: `full gram XᵀX 784×${rows}·${rows}×784`, transA: true, transB: false, m: 784, n: 784, k: rows },
    { name: 'sq128', transA: false, transB: false, m: 128, n: 128, k: 128 },
    { name: 'sq512', transA: false, transB: false, m: 512, n: 512, k: 512 },
  ];
}

type Kernel = (s: Shape, A: Float64Array, B: Float64Array, C: Float64Array) => void;
const lds = (s: Shape): [number, number] => [s.transA ? s.m : s.k, s.transB ? s.k : s.n];

function wasm(w: WasmGemmF64, blocking?: Blocking): Kernel {
  return (s, A, B, C) => {
    const [lda, ldb] = lds(s);
    gemmWasmF64(w, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n, blocking);
  };
}
const js: Kernel = (s, A, B, C) => {
  const [lda, ldb] = lds(s);
  gemmJs(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n);
};
const small: Kernel = (s, A, B, C) => {
  const [lda, ldb] = lds(s);
  gemmSmall(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n);
};

/**
 * GFLOP/s of the median wall time, or with `cpu` of the least CPU time over the runs: the steadier
 * measure of a one-thread product on a loaded machine (with threads it sums them, so not there).
 */
function gflops(kernel: Kernel, s: Shape, runs: number, cpu = false): number {
  const rng = new Rng(s.m * 7 + s.n * 3 + s.k);
  const A = rng.fillUniform(new Float64Array(s.m * s.k), 0, 1) as Float64Array;
  const B = rng.fillUniform(new Float64Array(s.k * s.n), 0, 1) as Float64Array;
  const C = new Float64Array(s.m * s.n);
  if (cpu) {
    kernel(s, A, B, C);
    let best = Infinity;
    for (let r = 0; r < Math.max(5, runs); r++) {
      const c0 = process.cpuUsage();
      kernel(s, A, B, C);
      const used = process.cpuUsage(c0);
      best = Math.min(best, (used.user + used.system) / 1e6);
    }
    return (2 * s.m * s.n * s.k) / (best * 1e9);
  }
  const t = measure(() => kernel(s, A, B, C), { warmup: 1, runs });
  return (2 * s.m * s.n * s.k) / (t.medianMs * 1e6);
}

const geo = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

/** Runs the benchmark and returns its report. */
export async function run(args: BenchArgs): Promise<BenchReport> {
  const only = listOption(args, 'only') ?? ['shapes'];
  const rows = numberOption(args, 'rows', 6000);
  const runs = numberOption(args, 'runs', 5);
  const w = wasmGemmF64();
  if (w === null) throw new Error('gemm-f64: WebAssembly SIMD unavailable');
  const out: Record<string, Row[]> = {};
  if (only.includes('shapes')) {
    out.shapes = shapes(rows).map((s) => {
      const tw = gflops(wasm(w), s, runs);
      const tj = gflops(js, s, runs);
      const cw = gflops(wasm(w), s, runs, true);
      const cj = gflops(js, s, runs, true);
      return { shape: s.name, 'wasm GFLOP/s': tw, 'js GFLOP/s': tj, 'wasm/js': tw / tj, 'wasm cpu GFLOP/s': cw, 'js cpu GFLOP/s': cj, 'cpu wasm/js': cw / cj };
    });
    printTable(out.shapes);
  }
  if (only.includes('micro')) {
    const blocks: MicroShapeF64[] = [{ mr: 4, nr: 4 }, { mr: 5, nr: 4 }, { mr: 6, nr: 4 }, { mr: 2, nr: 8 }, { mr: 3, nr: 6 }, { mr: 4, nr: 6 }, { mr: 3, nr: 8 }, { mr: 2, nr: 6 }, { mr: 4, nr: 2 }];
    out.micro = blocks.map((b) => {
      const k = loadWasmGemmF64(b);
      if (k === null) return { block: `${b.mr}×${b.nr}`, 'geo GFLOP/s': NaN };
      const per = shapes(rows).map((s) => gflops(wasm(k), s, runs));
      return { block: `${b.mr}×${b.nr}`, 'geo GFLOP/s': geo(per), ...Object.fromEntries(per.map((g, i) => [`s${i}`, g])) };
    });
    printTable(out.micro);
  }
  if (only.includes('mc')) {
    const grid: Blocking[] = [];
    for (const mc of [32, 64, 128, 256]) for (const nc of [256, 512, 1024, 2048]) grid.push({ kc: F64_BLOCKING.kc, mc, nc });
    out.mc = grid.map((b) => ({ mc: b.mc, nc: b.nc, 'geo GFLOP/s': geo(shapes(rows).map((s) => gflops(wasm(w, b), s, runs))) }));
    printTable(out.mc);
  }
  if (only.includes('threads')) {
    await threadPool(2, 1 << 20)?.ready();
    const entry: Kernel = (s, A, B, C) => {
      const [lda, ldb] = lds(s);
      gemm(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n);
    };
    const squares: Shape[] = [64, 80, 96, 112, 128, 192, 256].map((d) => ({ name: `sq${d}`, transA: false, transB: false, m: d, n: d, k: d }));
    out.threads = [...shapes(rows), ...squares].map((s) => {
      const per: number[] = [];
      for (const t of [1, 2, 1, 2]) {
        setThreads(t);
        per.push(gflops(entry, s, runs));
      }
      setThreads(1);
      const [one, two] = [Math.max(per[0], per[2]), Math.max(per[1], per[3])];
      return { shape: s.name, 'm·n·k': s.m * s.n * s.k, '1t GFLOP/s': one, '2t GFLOP/s': two, '2t/1t': two / one };
    });
    printTable(out.threads);
  }
  if (only.includes('small')) {
    out.small = [4, 6, 8, 10, 12, 16, 20, 24, 32].map((d) => {
      const s: Shape = { name: `sq${d}`, transA: false, transB: false, m: d, n: d, k: d };
      return { size: d, 'm·n·k': d * d * d, 'direct': gflops(small, s, 200), 'js': gflops(js, s, 200), 'wasm': gflops(wasm(w), s, 200) };
    });
    printTable(out.small);
  }
  return { bench: 'gemm-f64', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(), ...out };
}
