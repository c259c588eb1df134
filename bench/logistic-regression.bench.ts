/**
 * LogisticRegression benchmark: fit time and objective of latent-ts and of scikit-learn
 * (Debian's /usr/bin/python3, lbfgs) side by side, on the built-in 10,000 digits as PCA codes,
 * 10 classes. Both fit the same float64 codes (written to a temporary file for Python); the
 * objective Σᵢ −log p(yᵢ|xᵢ) + ‖W‖²/(2C) of each result is computed by latent-ts's own loss.
 *
 * Three settings: lbfgs at scikit-learn's defaults (tol 1e-4, maxIter 100); lbfgs at a tight
 * tol (1e-8, maxIter 5000), where scipy's L-BFGS-B stops on its relative-decrease test (2.2e-9)
 * and latent-ts goes on to the gradient tolerance; and newton-cg at the tight tol on both sides.
 *
 * Options:
 *   --k K        PCA components (default 50)
 *   --C C        inverse penalty (default 1)
 *   --runs R     timed fits per side and setting (default 3; the median is reported)
 *   --python P   the Python with scikit-learn (default /usr/bin/python3); --no-sklearn skips it
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDigits } from '../src/data/digits.js';
import { PCA } from '../src/models/decomposition/pca.js';
import { LogisticRegression } from '../src/models/linear/logistic-regression.js';
import { encodeLabels } from '../src/models/linear/logistic-regression-labels.js';
import { logisticObjective, parameterCount } from '../src/models/linear/logistic-regression-loss.js';
import { type BenchArgs, type BenchReport, type Row, fmt, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const SETTINGS = [
  { name: 'defaults', solver: 'lbfgs', tol: 1e-4, maxIter: 100 },
  { name: 'tight', solver: 'lbfgs', tol: 1e-8, maxIter: 5000 },
  { name: 'tight', solver: 'newton-cg', tol: 1e-8, maxIter: 200 },
] as const;

const PYTHON_FIT = `
import json, sys, time, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression
warnings.simplefilter("ignore")
path, n, d, C, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
settings = json.loads(sys.argv[6])
X = np.fromfile(path + ".x", dtype="<f8").reshape(n, d)
y = np.fromfile(path + ".y", dtype="<i4")
out = []
for s in settings:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        m = LogisticRegression(C=C, solver=s["solver"], tol=s["tol"], max_iter=s["maxIter"]).fit(X, y)
        times.append(time.perf_counter() - t)
    out.append({"name": s["name"], "seconds": sorted(times)[len(times) // 2], "nIter": int(m.n_iter_[0]),
                "coef": m.coef_.ravel().tolist(), "intercept": m.intercept_.tolist()})
print(json.dumps(out))
`;

interface SideResult { name: string; seconds: number; nIter: number; coef: number[]; intercept: number[] }

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(args: BenchArgs): Promise<BenchReport | null> {
  const k = numberOption(args, 'k', 50);
  const C = numberOption(args, 'C', 1);
  const runs = numberOption(args, 'runs', 3);
  const python = typeof args.options.python === 'string' ? args.options.python : '/usr/bin/python3';
  const { train, test } = await loadDigits();
  const n = train.shape[0] + test.shape[0];
  const pixels = new Float32Array(n * 784);
  pixels.set(train.data);
  pixels.set(test.data, train.data.length);
  const labels = new Int32Array(n);
  labels.set(train.labels);
  labels.set(test.labels, train.shape[0]);
  const codes = new PCA({ nComponents: k }).fit({ data: pixels, shape: [n, 784] }).transform({ data: pixels, shape: [n, 784] });
  const x = { rows: n, cols: k, data: Float64Array.from(codes.data) };
  console.log(`digits: ${n} rows as ${k} PCA codes, 10 classes, C = ${C}; median of ${runs} fits`);

  const { target, classes } = encodeLabels(labels);
  const objective = logisticObjective({ x, target, nClasses: classes.length, lambda: 1 / C, fitIntercept: true });
  const objectiveAt = (coef: ArrayLike<number>, intercept: ArrayLike<number>) => {
    const p = new Float64Array(parameterCount(classes.length, k, true));
    p.set(coef);
    p.set(intercept, coef.length);
    const g = new Float64Array(p.length);
    const f = objective(p, g);
    return { f, gradMaxAbs: g.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
  };

  const ours: SideResult[] = SETTINGS.map((s) => {
    const times: number[] = [];
    let model: LogisticRegression | null = null;
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      model = new LogisticRegression({ C, solver: s.solver, tol: s.tol, maxIter: s.maxIter }).fit({ data: x.data, shape: [n, k] }, labels);
      times.push((performance.now() - t) / 1000);
    }
    const m = model as LogisticRegression;
    return { name: s.name, seconds: median(times), nIter: m.nIter, coef: Array.from(m.coef.data), intercept: Array.from(m.intercept) };
  });

  let sklearn: SideResult[] | null = null;
  if (args.options['no-sklearn'] !== true) {
    const dir = mkdtempSync(join(tmpdir(), 'latent-ts-logreg-bench-'));
    try {
      const base = join(dir, 'codes');
      writeFileSync(`${base}.x`, new Uint8Array(x.data.buffer));
      writeFileSync(`${base}.y`, new Uint8Array(labels.buffer));
      const p = spawnSync(python, ['-c', PYTHON_FIT, base, String(n), String(k), String(C), String(runs), JSON.stringify(SETTINGS)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (p.status === 0) sklearn = JSON.parse(p.stdout) as SideResult[];
      else console.log(`scikit-learn not run (${python}: ${p.error?.message ?? p.stderr.trim().split('\n').pop()})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const rows: Row[] = [];
  const report: Record<string, unknown>[] = [];
  SETTINGS.forEach((s, i) => {
    const a = ours[i];
    const oa = objectiveAt(a.coef, a.intercept);
    const b = sklearn?.[i];
    const ob = b ? objectiveAt(b.coef, b.intercept) : null;
    rows.push({
      setting: `${s.solver}, ${s.name} (tol ${s.tol}, maxIter ${s.maxIter})`,
      'latent-ts s': fmt(a.seconds), 'sklearn s': b ? fmt(b.seconds) : '-', 'ratio': b ? fmt(a.seconds / b.seconds) : '-',
      'iters (ours/sk)': `${a.nIter}/${b ? b.nIter : '-'}`,
      'objective ours': oa.f.toPrecision(12), 'objective sklearn': ob ? ob.f.toPrecision(12) : '-',
      '(ours−sk)/sk': ob ? ((oa.f - ob.f) / ob.f).toExponential(2) : '-',
      'max|grad| ours/sk': `${oa.gradMaxAbs.toExponential(1)}/${ob ? ob.gradMaxAbs.toExponential(1) : '-'}`,
    });
    report.push({ setting: s, ours: { seconds: a.seconds, nIter: a.nIter, ...oa }, sklearn: b && ob ? { seconds: b.seconds, nIter: b.nIter, ...ob } : null });
  });
  printTable(rows);
  return { bench: 'logistic-regression', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(), n, k, C, runs, results: report };
}
