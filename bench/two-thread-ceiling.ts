/**
 * DEVELOPER-ONLY: what two threads of this machine can give right now, for reading a 2-thread /
 * 1-thread ratio. The calling thread and one pool worker each run the one-thread product loop
 * (`blockedProduct`, the VAE's 128 × 400 × 784 shape) on a region of their own in one shared
 * WebAssembly memory, with nothing shared between them: first each alone, then both at once,
 * alternating for a number of rounds. The ceiling is 2 · (time alone) / (time together), the
 * median of the per-round ratios: 2.0 when the two cores run independent work at full speed.
 * On this repository's 2-core VM it moved between 1.56 and 2.00 from one minute to the
 * next (bench/README.md, VAE threads), which bounds any split of one job over both cores.
 *
 * @module
 */
import { COMMAND_GEMM } from '../src/kernels/threads/control.js';
import { poolGemmExports } from '../src/kernels/threads/gemm-parallel.js';
import { workerHost } from '../src/kernels/threads/host.js';
import { ThreadPool } from '../src/kernels/threads/pool.js';
import { WASM_BLOCKING, blockedProduct, blocksFor, packScratchAt, packScratchBytes } from '../src/kernels/wasm/gemm-wasm.js';
import { sharedGemmModule } from '../src/kernels/wasm/runtime.js';

/** One ceiling measurement: per-product times (µs, medians) alone and together, and the ratio. */
export interface TwoThreadCeiling {
  aloneUs: number;
  togetherUs: number;
  /** 2 · alone / together, the median over rounds. */
  ratio: number;
  rounds: number;
}

const [M, N, K] = [128, 400, 784];
const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1];

/** Measures the two-thread ceiling over `rounds` rounds of `reps` products each; null where threads cannot run. */
export async function twoThreadCeiling(rounds = 7, reps = 20): Promise<TwoThreadCeiling | null> {
  const gemm = sharedGemmModule();
  const host = workerHost();
  if (gemm === null || host === null) return null;
  const regionBytes = Math.ceil((packScratchBytes(gemm.shape) + (M * K + K * N + M * N) * 4) / 4096) * 4096 + 4096;
  const pool = new ThreadPool(host, gemm.module, 1, 2 * regionBytes + 4096);
  try {
    await pool.ready();
    const blocks = blocksFor(gemm.shape, M, N, K);
    const regions = [0, 1].map((r) => {
      const base = Math.ceil((pool.dataAt + r * regionBytes) / 64) * 64;
      const scratch = packScratchAt(base, gemm.shape, WASM_BLOCKING);
      const aAt = base + packScratchBytes(gemm.shape);
      const bAt = aAt + M * K * 4;
      const cAt = bAt + K * N * 4;
      pool.heap().fill(0.5, aAt / 4, cAt / 4);
      return { scratch, aAt, bAt, cAt };
    });
    const w = regions[1];
    const workerTask = {
      command: COMMAND_GEMM,
      write: (ctl: Int32Array, ctlF: Float32Array, at: number): void => {
        ctl.set([M, N, K], at);
        ctlF[at + 3] = 1;
        ctlF[at + 4] = 0;
        ctl.set([w.aAt, K * 4, 4, w.bAt, 4, N * 4, w.cAt, N, w.scratch.tile, w.scratch.a, w.scratch.b, blocks.kc, blocks.mc, blocks.nc, 4], at + 5);
      },
    };
    const exports = poolGemmExports(pool, gemm.module);
    const m = regions[0];
    const mine = (): void => {
      blockedProduct(exports, m.scratch, blocks, false, false, M, N, K, 1, m.aAt, K, m.bAt, N, 0, m.cAt, N);
    };
    const time = (worker: boolean, main: () => void): number => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) pool.run(worker ? [workerTask] : [], main);
      return ((performance.now() - t0) * 1000) / reps;
    };
    time(true, mine); // warm-up
    const alone: number[] = [];
    const together: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const a = (time(false, mine) + time(true, () => {})) / 2;
      const t = time(true, mine);
      alone.push(a);
      together.push(t);
      ratios.push((2 * a) / t);
    }
    return { aloneUs: median(alone), togetherUs: median(together), ratio: median(ratios), rounds };
  } finally {
    pool.close();
  }
}

/** One line for a bench's output: the ceiling, or why there is none. */
export function ceilingLine(label: string, c: TwoThreadCeiling | null): string {
  if (c === null) return `two-thread ceiling ${label}: not measured (no threads here)`;
  return `two-thread ceiling ${label}: ${c.ratio.toFixed(2)}× (two independent one-thread products, ${c.aloneUs.toFixed(0)} µs alone, ${c.togetherUs.toFixed(0)} µs at once; median of ${c.rounds} rounds)`;
}
