/**
 * `npm run bench -- <name> [--json out.json] [bench options]`: runs one benchmark from the table,
 * prints its tables, and writes its JSON report to `--json` or bench/results/<name>.json.
 * Add a benchmark with one line in BENCHES.
 */
import { fileURLToPath } from 'node:url';
import { type BenchModule, parseArgs, writeJson } from './harness.js';

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  gemm: () => import('./gemm.bench.js'),
  'gemm-tune': () => import('./gemm-tune.js'),
  'gemm-f64': () => import('./gemm-f64.bench.js'),
  'gemm-threads': () => import('./gemm-threads.bench.js'),
  'panel-work': () => import('./panel-work.bench.js'),
  vae: () => import('./vae.bench.js'),
  pca: () => import('./pca.bench.js'),
  nmf: () => import('./nmf.bench.js'),
  'logistic-regression': () => import('./logistic-regression.bench.js'),
  sparse: () => import('./sparse.bench.js'),
  'conv-vae': () => import('./conv-vae.bench.js'),
  ica: () => import('./ica.bench.js'),
  'vq-hashing': () => import('./vq-hashing.js'),
  'nearest-code': () => import('./nearest-code.bench.js'),
  'categorical-hashing': () => import('./categorical-hashing.js'),
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const [name, ...rest] = args.positional;
  if (name === undefined || !(name in BENCHES)) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json out.json] [options]`);
    process.exitCode = 2;
    return;
  }
  const bench = await BENCHES[name]();
  const report = await bench.run({ options: args.options, positional: rest });
  if (report === null) return;
  const json = args.options.json;
  const path = typeof json === 'string' ? json : fileURLToPath(new URL(`./results/${name}.json`, import.meta.url));
  writeJson(path, report);
  console.log(`\nJSON written to ${path}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
