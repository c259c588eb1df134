/**
 * Shared benchmark helpers: timing with warm-up (median and min–max of at least five runs),
 * peak RSS, machine description, a plain-text table, JSON output and argument parsing. Every
 * bench module (gemm, and later pca, vae) uses these so the reports look alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Untimed calls first (JIT tier-up, caches, allocations). Default 2. */
  warmup?: number;
  /** Keep warming up until this much time has passed (background JIT tiers need it). Default 0. */
  warmupMs?: number;
  /** Timed calls; at least 5. Default 5. */
  runs?: number;
}

/** Wall-clock statistics of one measured function, in milliseconds. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  samplesMs: number[];
}

/** Times `fn`: at least `warmup` untimed calls lasting at least `warmupMs`, then `runs` timed calls (at least 5). */
export function measure(fn: () => void, { warmup = 2, warmupMs = 0, runs = 5 }: MeasureOptions = {}): Timing {
  const n = Math.max(5, runs);
  const start = performance.now();
  for (let i = 0; i < warmup || performance.now() - start < warmupMs; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const sorted = samples.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs: median, minMs: sorted[0], maxMs: sorted[sorted.length - 1], runs: n, samplesMs: samples };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CPU model (lscpu "Model name", else os.cpus()), core count and Node version. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = execFileSync('lscpu', { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('Model name:'));
    if (line) cpu = line.slice('Model name:'.length).trim();
  } catch {
    // lscpu is Linux-only; os.cpus() is the fallback.
  }
  return { cpu, cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** A table row: column name to cell. */
export type Row = Record<string, string | number>;

/** Formats a number for a table cell: `digits` significant digits, integers above that. */
export function fmt(x: number, digits = 3): string {
  const a = Math.abs(x);
  if (!Number.isFinite(x) || x === 0) return String(x);
  if (a >= 1e9 || a < 1e-3) return x.toExponential(digits - 1);
  if (a >= 10 ** digits) return String(Math.round(x));
  const s = x.toPrecision(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Prints rows as an aligned plain-text table (columns from the first row unless given). */
export function printTable(rows: readonly Row[], columns?: readonly string[], log: (s: string) => void = console.log): void {
  if (rows.length === 0) return;
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: string | number | undefined): string => (v === undefined ? '' : typeof v === 'number' ? fmt(v) : v);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => (i === 0 ? v.padEnd(width[i]) : v.padStart(width[i]))).join('  ');
  log(line(cols.slice()));
  log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) log(line(cols.map((c) => cell(r[c]))));
}

/** Writes `obj` as indented JSON, creating the directory. */
export function writeJson(path: string, obj: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(obj, null, 2) + '\n');
}

/** Parsed command line of one bench: `--key value`, `--flag`, and positional words. */
export interface BenchArgs {
  options: Record<string, string | true>;
  positional: string[];
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) options[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options[a.slice(2)] = argv[++i];
    else options[a.slice(2)] = true;
  }
  return { options, positional };
}

/** A comma-separated option as a list, or undefined when absent. */
export function listOption(args: BenchArgs, key: string): string[] | undefined {
  const v = args.options[key];
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
}

/** A numeric option, or the default. */
export function numberOption(args: BenchArgs, key: string, fallback: number): number {
  const v = args.options[key];
  const x = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(x) ? x : fallback;
}

/** What every bench module returns; run.ts writes it as JSON. */
export interface BenchReport {
  bench: string;
  machine: MachineInfo;
  date: string;
  peakRssMB: number;
  [key: string]: unknown;
}

/**
 * The interface of a bench module in run.ts's table. `run` returns null when this process is
 * one of the bench's own child processes (which report on stdout, not in a JSON file).
 */
export interface BenchModule {
  run(args: BenchArgs): Promise<BenchReport | null>;
}
