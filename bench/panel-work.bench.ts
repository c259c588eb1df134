/**
 * The work in a shared product's panels, on one thread: the panels of the `--threads` layout
 * (kernels/threads/gemm-parallel.ts, `panelPlan`) run one after another here, packing the
 * operand every panel reads whole once per panel, or once (`PackedOperand`, as each thread now
 * does), beside the unpanelled one-thread product; interleaved call by call, median µs. On one
 * thread the figures do not depend on how a VM shares its cores out, so they measure the work a
 * layout adds, which the 2-thread wall times bury in noise. Checks the three give the same
 * bytes. Options: --shapes vae1-NN,… --runs N --threads N --min-panel 24,12.
 */
import { MIN_PANEL } from '../src/kernels/threads/panel-layout.js';
import { panelPlan, runPanel } from '../src/kernels/threads/gemm-parallel.js';
import { type PackedOperand, WASM_BLOCKING, blockedProduct, blocksFor, packScratchAt, packScratchBytes } from '../src/kernels/wasm/gemm-wasm.js';
import { wasmGemm } from '../src/kernels/wasm/runtime.js';
import { SHAPES } from './gemm.bench.js';
import { type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1];

export async function run(args: BenchArgs): Promise<BenchReport> {
  const w = wasmGemm();
  if (w === null) throw new Error('panel-work: no WebAssembly SIMD here');
  const { shape } = w;
  const names = listOption(args, 'shapes');
  const shapes = SHAPES.filter((s) => (names === undefined ? s.name.startsWith('vae') : names.includes(s.name)));
  const runs = numberOption(args, 'runs', 100);
  const threads = numberOption(args, 'threads', 2);
  const minPanels = (listOption(args, 'min-panel') ?? [String(MIN_PANEL)]).map(Number);
  const rows: Row[] = [];
  for (const s of shapes) {
    const { m, n, k, transA, transB } = s;
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const widest = { kc: WASM_BLOCKING.kc, mc: Math.ceil(WASM_BLOCKING.mc / shape.mr) * shape.mr, nc: WASM_BLOCKING.nc };
    const packedAt = packScratchBytes(shape);
    const aAt = packedAt + (1 << 22);
    const bAt = aAt + Math.ceil((m * k * 4) / 64) * 64;
    const cAt = bAt + Math.ceil((k * n * 4) / 64) * 64;
    if (!w.reserve(cAt + m * n * 4)) throw new Error('panel-work: the kernel memory cannot grow');
    const heap = w.heap();
    for (let i = 0; i < m * k; i++) heap[aAt / 4 + i] = Math.sin(i);
    for (let i = 0; i < k * n; i++) heap[bAt / 4 + i] = Math.cos(i);
    const result = (): Uint32Array => new Uint32Array(w.heap().buffer, cAt, m * n).slice();
    const scratch = packScratchAt(0, shape, widest);
    const whole = (): void => {
      const blocks = blocksFor(shape, m, n, k);
      blockedProduct(w.exports, packScratchAt(0, shape, blocks), blocks, transA, transB, m, n, k, 1, aAt, lda, bAt, ldb, 0, cAt, n);
    };
    whole();
    const reference = result();
    for (const minPanel of minPanels) {
      const plan = panelPlan(shape, threads, m, n, k, minPanel);
      const panels = (once: boolean): void => {
        const shared: PackedOperand | undefined = once ? { side: plan.byColumns ? 'a' : 'b', at: packedAt, pad: plan.pad, packed: false } : undefined;
        for (let p = 0; p < plan.count; p++) runPanel(w.exports, scratch, plan, p, transA, transB, m, n, k, 1, aAt, lda, bAt, ldb, 0, cAt, n, shared);
      };
      const variants = [() => panels(false), () => panels(true), whole];
      const same = variants.every((f) => { f(); return result().every((v, i) => v === reference[i]); });
      const times: number[][] = variants.map(() => []);
      for (let r = 0; r < runs; r++) {
        variants.forEach((f, i) => {
          const t0 = performance.now();
          f();
          times[i].push(performance.now() - t0);
        });
      }
      const [perPanel, once, one] = times.map((t) => 1000 * median(t));
      rows.push({
        shape: s.name, product: `${m}×${n}×${k}`, 'min panel': minPanel, panels: plan.count,
        'split along': plan.byColumns ? 'n' : 'm', 'shared operand kB': fmt((Math.ceil((plan.byColumns ? m : n) / plan.pad) * plan.pad * k * 4) / 1024),
        'per-panel packing µs': fmt(perPanel), 'packed once µs': fmt(once), 'unpanelled µs': fmt(one),
        'work saved %': fmt(100 * (1 - once / perPanel)), 'once / unpanelled': fmt(once / one), 'same bytes': same ? 'yes' : 'NO',
      });
    }
  }
  const machine = machineInfo();
  console.log(`\nThe panels of the ${threads}-thread layout on one thread (${machine.cpu}, ${machine.cores} cores, Node ${machine.node}), median of ${runs}, interleaved`);
  printTable(rows);
  return { bench: 'panel-work', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), threads, runs, rows };
}
