/**
 * GEMM benchmark: latent-ts `js` and `wasm` backends side by side with a naive i-k-j loop,
 * ml-matrix `mmul`, and TensorFlow.js (`tfjs-core` on `tfjs-backend-cpu` and on
 * `tfjs-backend-wasm`, one thread, its SIMD binary when it loads), on squares 256/512/1024 and
 * the six products of one VAE 784-400-20 training step at batch 128. Float32 inputs (ml-matrix
 * is float64 only). Options: --shapes vae,sq512,… --impls latent-wasm,tfjs-wasm,… --runs N
 * --threads 1,2,… (default 1, 2 and the available cores; `--threads none` skips them).
 *
 * The anchors and the `latent-*` columns run on one thread. Then, per shape, `latent-wasm` (copy
 * path) and `latent-wasm-arena` (in place) run at each thread count of `--threads`, one call
 * per count in turn over the runs (so a load that comes and goes hits every count alike), with
 * the ratio to one thread per row and a check that every count gives the same bytes
 * (bench/gemm-thread-columns.ts).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Matrix } from 'ml-matrix';
import { getBackend, isWasmAvailable, setBackend } from '../src/kernels/backend.js';
import { gemm } from '../src/kernels/gemm.js';
import { getThreads, setThreads } from '../src/kernels/threads/threads.js';
import { gemmWasm } from '../src/kernels/wasm/gemm-wasm.js';
import { WasmArena } from '../src/kernels/wasm/arena.js';
import { loadWasmGemm, wasmGemm } from '../src/kernels/wasm/runtime.js';
import { Rng } from '../src/random/rng.js';
import { type ThreadColumns, measureThreadColumns, reportThreadColumns, threadCounts } from './gemm-thread-columns.js';
import {
  type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, measure, numberOption, peakRssMB, printTable,
} from './harness.js';

/** One product: op(A) m×k times op(B) k×n; A and B are stored transposed when flagged. */
export interface GemmShape {
  name: string;
  label: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
}

function shape(name: string, transA: boolean, transB: boolean, m: number, n: number, k: number): GemmShape {
  const a = transA ? `[${k}×${m}]ᵀ` : `[${m}×${k}]`;
  const b = transB ? `[${n}×${k}]ᵀ` : `[${k}×${n}]`;
  return { name, label: `${a}·${b}`, transA, transB, m, n, k };
}

/** Squares, then the VAE step's forward (NN) and backward (TN: dW = Xᵀ·G, NT: dX = G·Wᵀ) products. */
export const SHAPES: GemmShape[] = [
  shape('sq256', false, false, 256, 256, 256),
  shape('sq512', false, false, 512, 512, 512),
  shape('sq1024', false, false, 1024, 1024, 1024),
  shape('vae1-NN', false, false, 128, 400, 784),
  shape('vae2-NN', false, false, 128, 784, 400),
  shape('vae3-TN', true, false, 784, 400, 128),
  shape('vae4-TN', true, false, 400, 784, 128),
  shape('vae5-NT', false, true, 128, 784, 400),
  shape('vae6-NT', false, true, 128, 400, 784),
];

/** A prepared implementation for one shape. */
interface Prepared {
  run(): void;
  result(): ArrayLike<number>;
  dispose(): void;
}

interface Impl {
  name: string;
  prepare(s: GemmShape, A: Float32Array, B: Float32Array): Promise<Prepared>;
}

/** The naive anchor: i-k-j loop on float32 arrays, transposes read through strides. */
function naive(s: GemmShape, A: Float32Array, B: Float32Array, C: Float32Array): void {
  const { m, n, k } = s;
  const [aRow, aK] = s.transA ? [1, m] : [k, 1];
  const [bK, bCol] = s.transB ? [1, k] : [n, 1];
  C.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i * aRow + p * aK];
      const row = i * n;
      for (let j = 0, b = p * bK; j < n; j++, b += bCol) C[row + j] += a * B[b];
    }
  }
}

function latent(backend: 'js' | 'wasm'): Impl {
  return {
    name: `latent-${backend}`,
    prepare: async (s, A, B) => {
      setBackend(backend);
      const C = new Float32Array(s.m * s.n);
      const lda = s.transA ? s.m : s.k;
      const ldb = s.transB ? s.k : s.n;
      return { run: () => gemm(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n), result: () => C, dispose: () => {} };
    },
  };
}

function tfjs(backend: 'cpu' | 'wasm'): Impl {
  return {
    name: `tfjs-${backend}`,
    prepare: async (s, A, B) => {
      await tf.setBackend(backend);
      const a = tf.tensor2d(A, s.transA ? [s.k, s.m] : [s.m, s.k]);
      const b = tf.tensor2d(B, s.transB ? [s.n, s.k] : [s.k, s.n]);
      let out: ArrayLike<number> = [];
      const run = (): void => {
        const c = tf.matMul(a, b, s.transA, s.transB);
        out = c.dataSync();
        c.dispose();
      };
      return { run, result: () => out, dispose: () => { a.dispose(); b.dispose(); } };
    },
  };
}

/**
 * The WebAssembly kernel without fused multiply-add (plain SIMD, what `LATENT_TS_RELAXED_SIMD=0`
 * gives on Node 20), called directly so both variants run side by side.
 */
function latentPlainSimd(): Impl {
  return {
    name: 'latent-wasm-simd',
    prepare: async (s, A, B) => {
      const w = loadWasmGemm('simd');
      if (w === null) throw new Error('latent-wasm-simd: this engine has no WebAssembly SIMD');
      const C = new Float32Array(s.m * s.n);
      const lda = s.transA ? s.m : s.k;
      const ldb = s.transB ? s.k : s.n;
      return { run: () => gemmWasm(w, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n), result: () => C, dispose: () => {} };
    },
  };
}

/**
 * The WebAssembly kernel on operands that already live in WebAssembly memory, as a training
 * step's parameters, gradients and activations do (src/kernels/wasm/arena.ts): the same `gemm`
 * entry, which then packs from the operands and writes C in place, with no copy in or out.
 * TensorFlow.js wasm also keeps its operands in its memory (its run copies only C out).
 */
function latentArena(): Impl {
  return {
    name: 'latent-wasm-arena',
    prepare: async (s, A, B) => {
      setBackend('wasm');
      const arena = WasmArena.create(4 * (A.length + B.length + s.m * s.n) + 3 * 64);
      const resident = (x: Float32Array | number): Float32Array => {
        const n = typeof x === 'number' ? x : x.length;
        const v = arena?.alloc(n);
        if (!v) throw new Error('latent-wasm-arena: no WebAssembly arena here');
        if (typeof x !== 'number') v.set(x);
        return v;
      };
      const [a, b, C] = [resident(A), resident(B), resident(s.m * s.n)];
      const lda = s.transA ? s.m : s.k;
      const ldb = s.transB ? s.k : s.n;
      return { run: () => gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, C, s.n), result: () => C, dispose: () => {} };
    },
  };
}

const IMPLS: Impl[] = [
  { name: 'naive', prepare: async (s, A, B) => {
    const C = new Float32Array(s.m * s.n);
    return { run: () => naive(s, A, B, C), result: () => C, dispose: () => {} };
  } },
  { name: 'ml-matrix', prepare: async (s, A, B) => {
    const a = Matrix.from1DArray(s.transA ? s.k : s.m, s.transA ? s.m : s.k, A);
    const b = Matrix.from1DArray(s.transB ? s.n : s.k, s.transB ? s.k : s.n, B);
    let out = new Matrix(1, 1);
    // ml-matrix has no transpose flags: a user transposes first, so that is timed too.
    const run = (): void => { out = (s.transA ? a.transpose() : a).mmul(s.transB ? b.transpose() : b); };
    return { run, result: () => out.to1DArray(), dispose: () => {} };
  } },
  tfjs('cpu'),
  tfjs('wasm'),
  latent('js'),
  latentPlainSimd(),
  latent('wasm'),
  latentArena(),
];

async function setUpTfjs(): Promise<Record<string, unknown>> {
  const dist = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
  setWasmPaths(dist);
  setThreadsCount(1);
  await tf.setBackend('wasm');
  return {
    version: tf.version_core,
    wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

/** Largest |x − ref| relative to the largest |ref|. */
function relError(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return x.length === ref.length ? err / (scale || 1) : Infinity;
}

export async function run(args: BenchArgs): Promise<BenchReport> {
  const wantShapes = listOption(args, 'shapes');
  const shapes = SHAPES.filter((s) => !wantShapes || wantShapes.some((w) => s.name === w || s.name.startsWith(w)));
  const wantImpls = listOption(args, 'impls');
  const impls = IMPLS.filter((i) => !wantImpls || wantImpls.includes(i.name) || i.name === 'naive');
  const runs = numberOption(args, 'runs', 7);
  const counts = threadCounts(args);
  const tfjsInfo = await setUpTfjs();
  const savedBackend = getBackend();
  const savedThreads = getThreads();
  // The columns above the thread columns are one-thread columns (the default is the available cores).
  setThreads(1);
  const machine = machineInfo();
  const header = {
    machine, loadAverage: loadavg(), tfjs: tfjsInfo, latentWasm: isWasmAvailable() ? wasmGemm()?.variant : 'unavailable', oneCore: true,
    threadCounts: counts,
  };
  console.log(`GEMM benchmark: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, one thread (thread columns: ${counts.join(', ') || 'none'}); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`latent-ts wasm variant: ${String(header.latentWasm)}; tfjs ${String(tfjsInfo.version)} wasm SIMD: ${String(tfjsInfo.wasmSimd)}`);
  console.log(`median of ${runs} runs after ≥ 0.3 s of warm-up (5 runs, no more warm-up, if one run takes over 0.25 s); GFLOP/s = 2mnk / time\n`);

  const results: Row[] = [];
  const rng = new Rng(2024);
  for (const s of shapes) {
    const A = rng.fillNormal(new Float32Array(s.m * s.k)) as Float32Array;
    const B = rng.fillNormal(new Float32Array(s.k * s.n)) as Float32Array;
    let reference: ArrayLike<number> | null = null;
    for (const impl of impls) {
      const p = await impl.prepare(s, A, B);
      const t0 = performance.now();
      p.run();
      const slow = performance.now() - t0 > 250;
      const timing = measure(() => p.run(), { warmup: slow ? 0 : 2, warmupMs: slow ? 0 : 300, runs: slow ? 5 : runs });
      const out = Array.from(p.result());
      reference ??= out;
      p.dispose();
      const gflop = (2 * s.m * s.n * s.k) / 1e9;
      results.push({
        shape: s.name, product: s.label, impl: impl.name, medianMs: timing.medianMs, minMs: timing.minMs,
        maxMs: timing.maxMs, runs: timing.runs, gflops: gflop / (timing.medianMs / 1e3),
        gflopsMin: gflop / (timing.maxMs / 1e3), gflopsMax: gflop / (timing.minMs / 1e3),
        relErrVsNaive: relError(out, reference), peakRssMB: peakRssMB(),
      });
    }
  }
  const threadColumns: ThreadColumns[] = [];
  if (counts.length > 0) {
    setBackend('wasm');
    const trng = new Rng('gemm-thread-columns');
    for (const s of shapes) threadColumns.push(...await measureThreadColumns(s, counts, runs, trng));
  }
  setBackend(savedBackend);
  setThreads(savedThreads);
  report(shapes, impls.map((i) => i.name), results);
  if (threadColumns.length > 0) reportThreadColumns(threadColumns, counts);
  return {
    bench: 'gemm', ...header, date: new Date().toISOString(), loadAverageAfter: loadavg(), peakRssMB: peakRssMB(), shapes, results, threadColumns,
  };
}

function report(shapes: GemmShape[], impls: string[], results: Row[]): void {
  const get = (s: string, i: string): Row | undefined => results.find((r) => r.shape === s && r.impl === i);
  const cells = shapes.map((s) => {
    const row: Row = { shape: s.name, product: s.label };
    for (const i of impls) {
      const r = get(s.name, i);
      if (r) row[i] = `${fmt(r.gflops as number)} (${fmt(r.gflopsMin as number, 2)}–${fmt(r.gflopsMax as number, 2)})`;
    }
    return row;
  });
  console.log('GFLOP/s, median (min–max)');
  printTable(cells, ['shape', 'product', ...impls]);
  const ratios = shapes.map((s) => {
    const row: Row = { shape: s.name };
    for (const mine of ['latent-wasm', 'latent-wasm-arena', 'latent-js']) {
      for (const anchor of impls.filter((i) => !i.startsWith('latent'))) {
        const a = get(s.name, mine);
        const b = get(s.name, anchor);
        if (a && b) row[`${mine.slice(7)}/${anchor}`] = `${fmt((a.gflops as number) / (b.gflops as number))}×`;
      }
    }
    return row;
  });
  console.log('\nSpeed-up of latent-ts (wasm, js) over each anchor (ratio of medians)');
  printTable(ratios);
  const worst = Math.max(...results.map((r) => r.relErrVsNaive as number));
  console.log(`\nlargest max-norm relative difference from the naive loop: ${fmt(worst)}; peak RSS ${fmt(peakRssMB())} MiB`);
}
