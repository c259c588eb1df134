/**
 * The measurements behind the GEMM constants: the WebAssembly register block, the cache blocks
 * (KC, MC, NC) of both kernels, and the direct-loop threshold SMALL_PRODUCT. Scores are the
 * geometric mean of median GFLOP/s over the six VAE products and the 512 square.
 * `npm run bench -- gemm-tune [--only micro,wasm,js,small]`. Both WebAssembly variants are
 * measured; on Node 20 the relaxed-SIMD one needs the engine flag that `wasmGemm()` sets.
 */
import type { Blocking } from '../src/kernels/gemm-blocking.js';
import { JS_BLOCKING, gemmJs } from '../src/kernels/gemm-js.js';
import { gemmSmall } from '../src/kernels/gemm-small.js';
import { WASM_MICRO } from '../src/kernels/wasm/gemm-kernel.js';
import { WASM_BLOCKING, gemmWasm } from '../src/kernels/wasm/gemm-wasm.js';
import type { MicroShape } from '../src/kernels/wasm/micro.js';
import { type WasmGemm, type WasmVariant, loadWasmGemm, wasmGemm } from '../src/kernels/wasm/runtime.js';
import { Rng } from '../src/random/rng.js';
import { SHAPES, type GemmShape } from './gemm.bench.js';
import { type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, measure, peakRssMB, printTable } from './harness.js';

type Kernel = (s: GemmShape, A: Float32Array, B: Float32Array, C: Float32Array) => void;

const TUNE_SHAPES = SHAPES.filter((s) => s.name.startsWith('vae') || s.name === 'sq512');

function inputs(s: GemmShape): [Float32Array, Float32Array, Float32Array] {
  const rng = new Rng(s.m * 7 + s.n * 3 + s.k);
  return [
    rng.fillNormal(new Float32Array(s.m * s.k)) as Float32Array,
    rng.fillNormal(new Float32Array(s.k * s.n)) as Float32Array,
    new Float32Array(s.m * s.n),
  ];
}

/** Geometric mean of median GFLOP/s over the tuning shapes. */
function score(kernel: Kernel, shapes: GemmShape[] = TUNE_SHAPES, runs = 5): number {
  let logSum = 0;
  for (const s of shapes) {
    const [A, B, C] = inputs(s);
    const t = measure(() => kernel(s, A, B, C), { warmup: 2, runs });
    logSum += Math.log((2 * s.m * s.n * s.k) / (t.medianMs * 1e6));
  }
  return Math.exp(logSum / shapes.length);
}

const lds = (s: GemmShape): [number, number] => [s.transA ? s.m : s.k, s.transB ? s.k : s.n];

function wasmKernel(w: WasmGemm, blocking?: Blocking): Kernel {
  return (s, A, B, C) => {
    const [lda, ldb] = lds(s);
    gemmWasm(w, s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n, blocking);
  };
}

function jsKernel(blocking?: Blocking): Kernel {
  return (s, A, B, C) => {
    const [lda, ldb] = lds(s);
    gemmJs(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n, blocking);
  };
}

function tuneMicro(): Row[] {
  const shapes: MicroShape[] = [
    { mr: 4, nr: 8, unroll: 1 }, { mr: 4, nr: 8, unroll: 2 }, { mr: 2, nr: 8, unroll: 1 }, { mr: 3, nr: 8, unroll: 1 },
    { mr: 5, nr: 8, unroll: 1 }, { mr: 6, nr: 8, unroll: 1 }, { mr: 4, nr: 4, unroll: 1 }, { mr: 4, nr: 12, unroll: 1 },
    { mr: 2, nr: 16, unroll: 1 },
    // A rows splat by shuffles from one vector load (micro.ts explains the register pressure).
    { mr: 4, nr: 8, unroll: 1, shuffle: true }, { mr: 5, nr: 8, unroll: 1, shuffle: true },
    { mr: 5, nr: 8, unroll: 2, shuffle: true }, { mr: 6, nr: 8, unroll: 1, shuffle: true },
    { mr: 5, nr: 12, unroll: 1, shuffle: true },
  ];
  const rows: Row[] = [];
  for (const variant of ['simd', 'relaxed-simd'] as WasmVariant[]) {
    for (const shape of shapes) {
      const w = loadWasmGemm(variant, shape);
      if (w === null) continue;
      rows.push({ variant, block: `${shape.mr}×${shape.nr}`, unroll: shape.unroll, shuffle: shape.shuffle === true ? 'yes' : 'no', gflops: score(wasmKernel(w)) });
    }
  }
  return rows;
}

function grid(kcs: number[], mcs: number[], ncs: number[]): Blocking[] {
  return kcs.flatMap((kc) => mcs.flatMap((mc) => ncs.map((nc) => ({ kc, mc, nc }))));
}

function tuneBlocking(kernel: (b: Blocking) => Kernel, blocks: Blocking[]): Row[] {
  return blocks.map((b) => ({ kc: b.kc, mc: b.mc, nc: b.nc, gflops: score(kernel(b)) }))
    .sort((x, y) => (y.gflops as number) - (x.gflops as number));
}

/** Per-call time of the direct loop against both blocked kernels on small products. */
function tuneSmall(w: WasmGemm | null): Row[] {
  const rows: Row[] = [];
  const dims: [number, number, number][] = [
    [4, 4, 4], [8, 8, 8], [12, 12, 12], [16, 16, 16], [20, 20, 20], [24, 24, 24], [32, 32, 32],
    [1, 64, 64], [64, 1, 64], [64, 64, 1], [2, 128, 16], [128, 2, 16],
  ];
  for (const [m, n, k] of dims) {
    const s: GemmShape = { name: `${m}×${n}×${k}`, label: '', transA: false, transB: true, m, n, k };
    const [A, B, C] = inputs(s);
    const [lda, ldb] = lds(s);
    const us = (f: () => void): number => {
      const reps = Math.max(1, Math.round(2e5 / (m * n * k)));
      return (measure(() => { for (let r = 0; r < reps; r++) f(); }, { warmup: 3, runs: 7 }).medianMs * 1e3) / reps;
    };
    const row: Row = { 'm×n×k': s.name, product: m * n * k };
    row.directUs = us(() => gemmSmall(false, true, m, n, k, 1, A, lda, B, ldb, 0, C, n));
    row.jsUs = us(() => gemmJs(false, true, m, n, k, 1, A, lda, B, ldb, 0, C, n));
    if (w) row.wasmUs = us(() => gemmWasm(w, false, true, m, n, k, 1, A, lda, B, ldb, 0, C, n));
    rows.push(row);
  }
  return rows;
}

export async function run(args: BenchArgs): Promise<BenchReport> {
  const only = listOption(args, 'only') ?? ['micro', 'wasm', 'js', 'small'];
  const machine = machineInfo();
  console.log(`GEMM tuning: ${machine.cpu}, Node ${machine.node}; score = geometric mean GFLOP/s over ${TUNE_SHAPES.length} shapes`);
  console.log(`current: WASM ${WASM_MICRO.mr}×${WASM_MICRO.nr} u${WASM_MICRO.unroll}${WASM_MICRO.shuffle ? ' shuffle' : ''} ${JSON.stringify(WASM_BLOCKING)}, JS ${JSON.stringify(JS_BLOCKING)}\n`);
  const w = wasmGemm(); // the default variant; on Node 20 this also enables relaxed SIMD
  const out: Record<string, Row[]> = {};
  const section = (name: string, title: string, rows: () => Row[], top = 8): void => {
    if (!only.includes(name)) return;
    out[name] = rows();
    console.log(title);
    printTable(out[name].slice(0, top));
    console.log('');
  };
  section('micro', 'WebAssembly register blocks (default cache blocks)', tuneMicro, 40);
  if (w) section('wasm', `WebAssembly cache blocks (${w.variant}), best first`, () =>
    tuneBlocking((b) => wasmKernel(w, b), grid([128, 256, 384, 512], [64, 128, 256], [512, 1024, 2048, 4096])));
  section('js', 'TypeScript cache blocks, best first', () =>
    tuneBlocking((b) => jsKernel(b), grid([128, 256, 512], [32, 64, 128], [256, 1024, 4096])));
  section('small', 'Direct loop vs blocked kernels, µs per call (transB)', () => tuneSmall(w), 20);
  console.log(`peak RSS ${fmt(peakRssMB())} MiB`);
  return { bench: 'gemm-tune', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), wasmVariant: w?.variant, ...out };
}
