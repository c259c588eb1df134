/**
 * The nearest-code kernel (`kernels/nearest-code.ts`): `nearestCodesInto` (GEMM ranking plus
 * the exact re-check above NEAREST_GEMM_WORK, the direct loop below) against the direct loop
 * alone (`nearestCodesReference`, the brute force it must equal), float32, on VQ-VAE shapes:
 * rows n·M of one batch, K codes of dimension d. Timed side by side, alternating, median of
 * the runs; the two must return the same indices (checked on every shape).
 *
 * Options:
 *   --runs R      timed calls per kernel and shape (default 9)
 */
import { nearestCodesInto, nearestCodesReference } from '../src/kernels/nearest-code.js';
import { Rng } from '../src/random/rng.js';
import { type BenchArgs, type BenchReport, type Row, machineInfo, measure, numberOption, peakRssMB, printTable } from './harness.js';

const SHAPES: readonly [number, number, number][] = [
  [1024, 4, 8], [1024, 16, 8], [1024, 64, 16], [1024, 512, 64], [4096, 512, 64], [128, 16, 8], [256, 32, 4],
];

export async function run(args: BenchArgs): Promise<BenchReport> {
  const runs = numberOption(args, 'runs', 9);
  const rows: Row[] = [];
  for (const [n, K, d] of SHAPES) {
    const rng = new Rng(`${n}:${K}:${d}`);
    const Z = rng.fillNormal(new Float32Array(n * d));
    const E = rng.fillNormal(new Float32Array(K * d));
    const out = new Int32Array(n);
    const fast: number[] = [];
    const direct: number[] = [];
    // Alternate the two so that load from other processes falls on both alike.
    for (let r = 0; r < 3; r++) {
      fast.push(measure(() => nearestCodesInto(Z, n, E, K, d, out), { runs: Math.ceil(runs / 3) }).medianMs);
      direct.push(measure(() => nearestCodesReference(Z, n, E, K, d), { runs: Math.ceil(runs / 3) }).medianMs);
    }
    const same = nearestCodesReference(Z, n, E, K, d).every((v, i) => v === nearestCodesInto(Z, n, E, K, d, out)[i]);
    const med = (a: number[]) => a.slice().sort((x, y) => x - y)[1];
    rows.push({ n, K, d, 'n·K·d': n * K * d, 'nearestCodesInto ms': med(fast).toFixed(3), 'direct ms': med(direct).toFixed(3), 'direct / into': (med(direct) / med(fast)).toFixed(2), same: String(same) });
  }
  console.log('nearest codes, float32: nearestCodesInto (GEMM + re-check above the threshold) vs the direct loop');
  printTable(rows);
  return { bench: 'nearest-code', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(), rows };
}
