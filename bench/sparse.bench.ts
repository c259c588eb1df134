/**
 * Sparse products against dense ones: C = X·B and C = Xᵀ·B with X a CSR matrix (src/kernels/
 * sparse-matmul.ts) versus `gemm` on the dense form of the same X, at densities from 0.1% to
 * 50%. Reports the time of each, the ratio dense / sparse, and the density above which the
 * sparse product stops winning (per dtype; float32 dense runs on the WebAssembly GEMM when the
 * backend has it, float64 dense on the TypeScript GEMM).
 *
 * Options:
 *   --m M --k K --n N     X is M×K, B is K×N (default 1024, 1024, 64)
 *   --densities a,b,…     fractions (default 0.001,0.002,0.005,0.01,0.02,0.05,0.1,0.2,0.3,0.5)
 *   --runs R              timed runs per product (default 5)
 */
import { getBackend } from '../src/kernels/backend.js';
import { gemmCore } from '../src/kernels/gemm.js';
import { csrMatMat, csrMatTMat } from '../src/kernels/sparse-matmul.js';
import { Rng } from '../src/random/rng.js';
import { CsrMatrix } from '../src/sparse/csr.js';
import { type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, measure, numberOption, peakRssMB, printTable } from './harness.js';

type DType = 'float32' | 'float64';

function randomCsr(m: number, k: number, density: number, dtype: DType, rng: Rng): CsrMatrix {
  // Exactly round(density·m·k) entries, spread uniformly (duplicates are summed, so a few fewer).
  const count = Math.max(1, Math.round(density * m * k));
  const rows = new Int32Array(count);
  const cols = new Int32Array(count);
  const vals = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    rows[t] = Math.floor(rng.uniform() * m);
    cols[t] = Math.floor(rng.uniform() * k);
    vals[t] = rng.normal();
  }
  return CsrMatrix.fromTriplets(rows, cols, vals, [m, k], { dtype });
}

export async function run(args: BenchArgs): Promise<BenchReport> {
  const m = numberOption(args, 'm', 1024);
  const k = numberOption(args, 'k', 1024);
  const n = numberOption(args, 'n', 64);
  const runs = numberOption(args, 'runs', 5);
  const densities = (listOption(args, 'densities') ?? ['0.001', '0.002', '0.005', '0.01', '0.02', '0.05', '0.1', '0.2', '0.3', '0.5']).map(Number);
  const rng = new Rng('sparse-bench');
  const rows: Row[] = [];
  const crossover: Record<string, number | null> = {};
  for (const dtype of ['float32', 'float64'] as const) {
    const make = (len: number) => (dtype === 'float32' ? new Float32Array(len) : new Float64Array(len));
    const B = rng.fillNormal(make(k * n));
    const Bt = rng.fillNormal(make(m * n));
    for (const product of ['X·B', 'Xᵀ·B'] as const) {
      let lastWin: number | null = null;
      for (const density of densities) {
        const X = randomCsr(m, k, density, dtype, rng);
        const dense = X.toDense().data;
        const trans = product === 'Xᵀ·B';
        const out = make((trans ? k : m) * n);
        const tSparse = trans
          ? measure(() => csrMatTMat(m, k, n, X.indptr, X.indices, X.values, Bt, n, out, n), { runs, warmupMs: 100 })
          : measure(() => csrMatMat(m, n, X.indptr, X.indices, X.values, B, n, out, n), { runs, warmupMs: 100 });
        const tDense = trans
          ? measure(() => gemmCore(true, false, k, n, m, 1, dense, k, Bt, n, 0, out, n), { runs, warmupMs: 100 })
          : measure(() => gemmCore(false, false, m, n, k, 1, dense, k, B, n, 0, out, n), { runs, warmupMs: 100 });
        const ratio = tDense.medianMs / tSparse.medianMs;
        if (ratio > 1) lastWin = density;
        rows.push({
          dtype, product, density: `${fmt(100 * density)}%`, nnz: X.nnz,
          'sparse ms': fmt(tSparse.medianMs), 'dense ms': fmt(tDense.medianMs), 'dense/sparse': fmt(ratio),
          'best-run ratio': fmt(tDense.minMs / tSparse.minMs),
        });
      }
      crossover[`${dtype} ${product}`] = lastWin;
    }
  }
  const machine = machineInfo();
  console.log(`\nCSR · dense vs dense gemm, X ${m}×${k}, B ${n} columns, backend ${getBackend()} (${machine.cpu}, Node ${machine.node}), median of ${runs}`);
  printTable(rows);
  console.log('\nHighest density at which the sparse product is still faster:');
  for (const [key, d] of Object.entries(crossover)) console.log(`  ${key}: ${d === null ? 'never' : `${fmt(100 * d)}%`}`);
  return { bench: 'sparse', machine, date: new Date().toISOString(), peakRssMB: peakRssMB(), shape: { m, k, n }, rows, crossover };
}
